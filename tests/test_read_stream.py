"""A reader sends each sheet as soon as it has read it (egov_xl/workbook/isolated.py `stream`,
egov_xl/workbook/read.py `stream_sheets`), and `validate` checks a sheet's forms while the next
is read (egov_xl/flows/check.py `_Ahead`): the same findings as checking the whole workbook once
read, and a reader that fails or dies part-way is still the file's one sentence."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from egov_xl.flows.check import check_file, check_workbook, open_source
from egov_xl.settings import Limits
from egov_xl.sources.errors import ReadError
from egov_xl.workbook import isolated
from egov_xl.workbook.read import collect, stream_sheets
from tests.fixtures import renditions
from tests.fixtures.packages import rewrite_part
from tests.security.test_hostile_workbooks import egov

SEEDS = {"bm7": renditions.bm7_seed, "pl7": renditions.pl7_seed, "bm7-ok": renditions.bm7_correct,
         "pl7-ok": renditions.pl7_correct}


def forms_workbook(path: Path, sheets: list[tuple[str, bool]], data_rows: int = 0, formula_in: int | None = None,
                   with_form_id: bool = False) -> Path:
    """A workbook of form sheets (seed name, values typed as numbers), a data sheet of
    `data_rows` first when asked, and in the sheet `formula_in` a value written as a formula
    without its result (as openpyxl saves it)."""
    book = Workbook()
    book.remove(book.active)
    if data_rows:
        data = book.create_sheet("Dữ liệu")
        data.append(["Ngày", "Đơn vị", "Số hồ sơ", "Tỷ lệ"])
        for i in range(data_rows):
            data.append([f"{1 + i % 28:02d}/03/2025", f"Xã {i % 31}", i, f"{i % 100},5"])
    for index, (name, numeric) in enumerate(sheets):
        seed = SEEDS[name]()
        sheet = book.create_sheet(f"Đơn vị {index + 1:02d}")
        renditions.append_form(sheet, seed, lambda text, numeric=numeric: renditions.typed_value(text, numeric)[0])
        if formula_in == index:
            sheet.cell(sheet.max_row, 4, "=1+1")
    book.save(path)
    return path


def whole(path: Path, form_id: str | None = None):
    """The check as before the stream: the whole workbook read, then located and checked."""
    opened = open_source(path, Limits())
    return check_workbook(opened.workbook, form_id, opened.load)


@pytest.mark.parametrize(("sheets", "extra"), [
    # numbers only (no evidence about "." and ","), then text with decimal commas: the file's
    # one reading differs from what the first sheets showed, which are checked again
    ([("bm7-ok", True), ("pl7-ok", True), ("bm7", False), ("pl7", False), ("bm7-ok", False)], {}),
    ([("bm7", False), ("pl7-ok", True), ("bm7", True), ("pl7", False)], {"data_rows": 3000}),
    ([("pl7", False), ("bm7-ok", True)], {"formula_in": 1}),  # LibreOffice computes a result
])
def test_streamed_sheets_give_the_same_findings_as_the_whole_read(tmp_path, sheets, extra):
    path = forms_workbook(tmp_path / "bao-cao.xlsx", sheets, **extra)
    streamed, expected = check_file(path), whole(path)
    assert len(streamed) == len(sheets)
    assert streamed == expected
    assert any(checked.report.findings for checked in streamed)


def test_the_reader_reads_the_smaller_sheets_first_and_the_forms_are_checked_while_the_data_sheet_is_read(tmp_path):
    """A data sheet before the forms (as the 50-form benchmark has it) is read last, as the
    cells each sheet declares say (workbook.limits.guard): the forms are located and checked
    while it is read, and the workbook, its report and the reading of a whole file keep the
    workbook's order of sheets."""
    from egov_xl.flows.check import _Ahead
    from egov_xl.sources import read_source
    from egov_xl.workbook.limits import guard

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("pl7", False), ("pl7-ok", True)], data_rows=3000)  # no formula: both checked ahead
    cells = guard(path, Limits())
    assert cells["Dữ liệu"] == 3001 * 4 and 0 < cells["Đơn vị 01"] < cells["Dữ liệu"]
    ahead = _Ahead(str(path), None)
    arrived = [(place, grid.name, len(ahead.checked)) for place, grid, _, _ in ahead.follow(stream_sheets(path, Limits()))]
    assert [name for _, name, _ in arrived] == ["Đơn vị 01", "Đơn vị 02", "Dữ liệu"]
    assert [place for place, _, _ in arrived] == [1, 2, 0]
    assert arrived[-1][2] == 2  # both forms checked before the data sheet's part was taken
    names = ["Dữ liệu", "Đơn vị 01", "Đơn vị 02"]
    workbook, _ = collect(path, stream_sheets(path, Limits()))
    assert [grid.name for grid in workbook.sheets] == names
    assert [grid.name for grid in read_source(path, Limits()).sheets] == names
    assert [checked.form.sheet for checked in check_file(path)] == names[1:]


def test_a_large_sheet_is_parsed_beside_the_smaller_ones_and_gives_what_the_sheet_by_sheet_read_gives(
        tmp_path, monkeypatch):
    """The largest sheet (here 12,501 rows of 4 cells) is parsed in a thread while the forms are
    scanned and sent (calamine parses without the interpreter's lock): the parts, their order
    and the findings are those of the sheet-by-sheet read (both read in this process)."""
    from egov_xl.sources import calamine_book

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("pl7", False), ("bm7-ok", True)], data_rows=12_500)
    started, made = [], calamine_book.Beside
    monkeypatch.setattr(calamine_book, "Beside", lambda parse, name: started.append(name) or made(parse, name))
    beside = _parts(path)
    assert started == ["Dữ liệu"]
    assert beside[-1][:2] == (0, "Dữ liệu")  # the forms first, each with its place
    assert sorted((place, name) for place, name, *_ in beside[:-1]) == [(1, "Đơn vị 01"), (2, "Đơn vị 02")]
    findings = _findings(path)
    monkeypatch.setattr(calamine_book, "BESIDE_FROM_CELLS", 10 ** 9)
    assert _parts(path) == beside
    assert _findings(path) == findings and len(findings) == 2 and any(found for _, _, found in findings)
    assert started == ["Dữ liệu", "Dữ liệu"]  # the sheet-by-sheet reads started none


def test_the_largest_sheet_is_parsed_beside_the_others_when_it_declares_enough_cells():
    from egov_xl.sources.calamine_book import BESIDE_FROM_CELLS, _beside_worth

    names = ["Dữ liệu", "Biểu mẫu", "Ghi chú"]
    worth = lambda *cells: _beside_worth([2, 1, 0], names, dict(zip(names, cells)))  # noqa: E731 - as sorted
    assert worth(BESIDE_FROM_CELLS, 100, 10)
    assert not worth(BESIDE_FROM_CELLS - 1, 100, 10)  # small: a thread is not worth starting
    assert not _beside_worth([0], names[:1], {"Dữ liệu": 10 ** 6})  # nothing to do beside it


def test_smaller_sheets_past_what_may_be_held_are_scanned_and_sent_as_they_are_parsed(tmp_path, monkeypatch):
    """The smaller sheets are held parsed until the largest one's thread starts, as long as the
    cells calamine gave them (not the cells they declare: a sheet may declare none) stay under
    BESIDE_HELD_CELLS; past it, each is scanned and sent as soon as it is parsed, as without a
    thread, so that a file never holds more than that besides the sheet being parsed."""
    from egov_xl.sources import calamine_book

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("pl7", False), ("bm7-ok", True), ("bm7", False)],
                          data_rows=12_500)
    events, made, scan = [], calamine_book.Beside, calamine_book._grid
    monkeypatch.setattr(calamine_book, "Beside", lambda parse, name: events.append("thread") or made(parse, name))
    monkeypatch.setattr(calamine_book, "_grid", lambda name, sheet: events.append(name) or scan(name, sheet))
    forms = ["Đơn vị 01", "Đơn vị 02", "Đơn vị 03"]
    _parts(path)
    assert events[0] == "thread" and sorted(events[1:4]) == forms and events[4:] == ["Dữ liệu"]
    events.clear()
    monkeypatch.setattr(calamine_book, "BESIDE_HELD_CELLS", 200)  # a form sheet holds about 150 cells
    _parts(path)
    assert sorted(events[:3]) == forms and events[3:] == ["thread", "Dữ liệu"]  # each sent as it was parsed


def test_a_reader_with_little_memory_still_parses_its_largest_sheet_beside(tmp_path):
    """The thread that parses the largest sheet reserves address space of its own (its stack,
    the C allocator's arena for it: isolated.PARSE_THREAD_ROOM); the cap leaves room for it, so
    a file read within EGOV_MAX_READER_MEMORY without the thread is read with it."""
    from egov_xl.settings import MIB
    from egov_xl.workbook.read import read_workbook

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("pl7", False), ("bm7-ok", True)], data_rows=12_500)
    workbook = read_workbook(path, Limits(max_reader_memory=48 * MIB, reader_timeout_s=30))
    assert [grid.name for grid in workbook.sheets] == ["Dữ liệu", "Đơn vị 01", "Đơn vị 02"]
    assert len(workbook.sheets[0].values) == 12_501


def test_a_panic_of_the_parse_beside_is_the_files_sentence_and_without_a_thread_it_is_parsed_when_taken(
        tmp_path, monkeypatch):
    """A panic of calamine is a BaseException: the thread keeps it for `take`, and the reader
    says it as the file's one sentence, as for a panic in any other sheet. Where no thread can
    be started (the address-space limit), the sheet is parsed when taken."""
    import threading

    from egov_xl.sources.calamine_book import Beside

    with pytest.raises(ReadError) as panicked:
        isolated.run(_panics_beside, tmp_path / "bao-cao.xlsx", Limits(reader_timeout_s=20))
    assert panicked.value.key == "reader_panic" and "Dữ liệu" in panicked.value.params["reason"]
    threads = []
    assert Beside(lambda name: threads.append(threading.current_thread()) or name.upper(), "a").take() == "A"
    assert threads[0] is not threading.main_thread()

    def refused(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    inline = Beside(lambda name: threads.append(threading.current_thread()) or name.upper(), "b")
    assert inline.take() == "B" and threads[1] is threading.main_thread()
    inline.wait()


class _Panic(BaseException):
    """As pyo3's PanicException: not an Exception."""


def _panics_beside(path: Path, limits: Limits):
    from egov_xl.sources.calamine_book import Beside

    def parse(name):
        raise _Panic(f"calamine panicked on {name}")

    return Beside(parse, "Dữ liệu").take()


def test_a_limit_passed_by_a_smaller_sheet_is_said_before_a_later_sheet_fails(tmp_path):
    """Each smaller sheet's cells are counted as soon as it is parsed, before the next is
    parsed: a sheet past the sheet limit is the file's sentence, not the damage of a sheet
    parsed after it."""
    from egov_xl.workbook.read import read_workbook

    book = Workbook()
    book.remove(book.active)
    big = book.create_sheet("Lớn")
    for row in range(1100):
        big.append(list(range(100)))  # 110,000 cells
    book.create_sheet("Hỏng")["A1"] = "x"
    data = book.create_sheet("Dữ liệu")
    for row in range(12_000):
        data.append([row, row, row, row, row])
    path = tmp_path / "bao-cao.xlsx"
    book.save(path)
    lying = rewrite_part(path, tmp_path / "gian.xlsx", "xl/worksheets/sheet1.xml",
                         lambda body: re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1"/>', body))
    broken = rewrite_part(lying, tmp_path / "hong.xlsx", "xl/worksheets/sheet2.xml",
                          lambda body: body.replace(b'<c r="A1" t="inlineStr"><is><t>x</t></is></c>',
                                                    b'<c r="A1" t="s"><v>999</v></c>').replace(
                              b'<c r="A1" t="s"><v>0</v></c>', b'<c r="A1" t="s"><v>999</v></c>'))
    with pytest.raises(ReadError) as refused:
        read_workbook(broken, Limits(max_sheet_cells=100_000))
    assert refused.value.key == "limit_cells" and refused.value.params["sheet"] == "Lớn"


def _findings(path: Path):
    """The findings of a workbook read by calamine_book in this process (its details loaded)."""
    from egov_xl.core.grid import WorkbookGrid
    from egov_xl.sources import calamine_book, in_order
    from tests.test_read_rows import findings

    return findings(WorkbookGrid(str(path), in_order(calamine_book.sheets(path, Limits(), _declared(path)))), path)


def _declared(path: Path):
    from egov_xl.workbook.limits import guard

    return guard(path, Limits())


def _parts(path: Path):
    """What calamine_book gives of each sheet, in the order it gives them, in this process."""
    from egov_xl.sources import calamine_book

    return [(place, grid.name, grid.values, grid.near) for place, grid in calamine_book.sheets(path, Limits(), _declared(path))]


def test_forms_checked_before_a_sheet_changed_the_decimal_reading_are_checked_again_while_the_file_is_read(
        tmp_path, monkeypatch):
    """The first sheet shows nothing about "." and "," but holds "8.334" (a thousands group,
    or a decimal point), a later one shows decimal commas: the first is checked again when that
    sheet arrives, not after the whole file (check_workbook takes every form's check from
    _Ahead), with the findings of the whole read; a form of numbers alone, which reads alike
    either way, is checked once."""
    from openpyxl import load_workbook

    from egov_xl.flows import check

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7-ok", True), ("bm7-ok", True), ("pl7", False)])
    book = load_workbook(path)
    sheet = book["Đơn vị 01"]
    cell = next(row[3] for row in sheet.iter_rows() if isinstance(row[3].value, (int, float)))
    cell.value = "8.334"
    book.save(path)
    taken, made = [], []
    take, form = check._Ahead.take, check._Ahead._form
    monkeypatch.setattr(check._Ahead, "take", lambda self, grid, region: taken.append(take(self, grid, region)) or taken[-1])
    monkeypatch.setattr(check._Ahead, "_form", lambda self, grid, region: made.append(grid.name) or form(self, grid, region))
    streamed = check_file(path)
    assert len(taken) == 3 and None not in taken
    assert sorted(made) == ["Đơn vị 01", "Đơn vị 01", "Đơn vị 02", "Đơn vị 03"]  # under no reading, then under ","
    assert streamed == whole(path)
    assert [checked.form.table.decimal for checked in streamed] == [",", None, ","]


def test_the_files_decisions_reuse_what_was_added_up_while_it_was_read(tmp_path, monkeypatch):
    """Once every sheet's tables were located while the file was read, the file's one reading of
    "." and "," comes from the evidence added up then, and a form read under the reading the
    file decided is taken as checked without reading its values again; the findings are those
    of the whole read."""
    from egov_xl.core import locate

    from egov_xl.flows import check

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("pl7", False), ("bm7-ok", True)],
                          data_rows=200)
    expected = whole(path)
    calls = []
    evidence, reading, decide = locate.separator_evidence, locate.reading_decimal, check.check_workbook
    monkeypatch.setattr(locate, "separator_evidence", lambda located: calls.append("evidence") or evidence(located))
    monkeypatch.setattr(locate, "reading_decimal", lambda grid, region: calls.append("reading") or reading(grid, region))
    monkeypatch.setattr(check, "check_workbook", lambda *args: calls.append("file read") or decide(*args))
    streamed = check_file(path)
    assert streamed == expected and len(streamed) == 3
    assert calls.count("evidence") == 4  # each sheet's tables as it arrived, the data sheet's none
    assert calls[-1] == "file read"  # nothing added up or read again after the file


def test_tables_found_by_their_codes_decide_the_files_reading_from_their_own_values(tmp_path):
    """No sheet has a header: nothing was located (nor added up) while the file was read, and
    the tables found by their codes give the file's reading of "." and "," themselves ("50.5"
    on one sheet reads "1.234" on the other with a decimal point), as the whole read does."""
    book = Workbook()
    book.remove(book.active)
    for name, values in (("A", ["50.5", "10.25", "5.5"]), ("B", ["1.234", "2.500", "1.250"])):
        sheet = book.create_sheet(name)
        sheet.append(["Bảng số liệu"])
        for (code, label, unit), value in zip((("4.1.", "Tỷ lệ DVCTT toàn trình đủ điều kiện", "%"),
                                               ("4.1.1.", "Tổng số DVCTT đủ điều kiện lên trực tuyến toàn trình", "Thủ tục"),
                                               ("4.1.2.", "Số lượng DVCTT toàn trình", "Thủ tục")), values):
            sheet.append([code, label, unit, value])
    path = tmp_path / "khong-tieu-de.xlsx"
    book.save(path)
    streamed = check_file(path)
    assert streamed == whole(path)
    assert [checked.form.table.decimal for checked in streamed] == [".", "."]


def test_a_sheet_the_reader_found_no_header_in_is_not_searched_again(tmp_path, monkeypatch):
    """The reader's pass over the rows finds the rows that may head a table; a data sheet with
    none is not searched for a header again (core.locate.find_regions looks only at such rows),
    and the findings are those of the whole read."""
    from egov_xl.core import locate

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("pl7-ok", True)], data_rows=300)
    searched = []
    find = locate.find_regions
    monkeypatch.setattr(locate, "find_regions", lambda grid: searched.append(grid.name) or find(grid))
    streamed = check_file(path)
    assert sorted(searched) == ["Đơn vị 01", "Đơn vị 02"]
    monkeypatch.setattr(locate, "find_regions", find)
    assert streamed == whole(path)


def test_a_chosen_form_and_a_table_found_by_its_codes_stream_alike(tmp_path):
    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("bm7-ok", True)])
    assert check_file(path, "bm7-2025") == whole(path, "bm7-2025")
    headless = renditions.write_form(tmp_path / "khong-tieu-de.xlsx", renditions.bm7_seed(),
                                     renditions.Layout(two_row_header=False, code_column=True))
    book = __import__("openpyxl").load_workbook(headless)
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.search("Chỉ tiêu", cell.value):
                cell.value = None
    book.save(headless)
    assert check_file(headless) == whole(headless)


def test_each_sheet_arrives_before_the_reader_has_read_the_next(tmp_path):
    """The reader's second part waits for a file the caller writes once it has the first: the
    parts come as they are made, not all at the end."""
    signal_file = tmp_path / "first-seen"
    parts = isolated.stream(_waits_for_caller, signal_file, Limits(reader_timeout_s=20))
    assert next(parts) == "first"
    signal_file.write_text("seen")
    assert next(parts) == "second"
    with pytest.raises(StopIteration) as done:
        next(parts)
    assert done.value.value == "done"


def _waits_for_caller(path: Path, limits: Limits):
    yield "first"
    while not path.exists():
        time.sleep(0.01)
    yield "second"
    return "done"


def test_a_reader_killed_mid_stream_is_the_files_one_sentence_and_the_pool_reads_on(tmp_path):
    form = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_correct())
    limits = Limits(reader_timeout_s=20)
    parts = isolated.stream(_dies_after_one_part, form, limits)
    assert next(parts) == "first"
    with pytest.raises(ReadError) as killed:
        next(parts)
    assert killed.value.key == "reader_crashed" and killed.value.params["path"] == str(form)
    late = isolated.stream(_sleeps_after_one_part, form, Limits(reader_timeout_s=1))
    assert next(late) == "first"
    with pytest.raises(ReadError) as slow:
        list(late)
    assert slow.value.key == "reader_timeout"
    grids, _ = collect(form, stream_sheets(form, limits))
    assert [grid.name for grid in grids.sheets] == ["Biểu mẫu"]


def _dies_after_one_part(path: Path, limits: Limits):
    yield "first"
    os.kill(os.getpid(), signal.SIGKILL)
    yield "never"


def _sleeps_after_one_part(path: Path, limits: Limits):
    yield "first"
    time.sleep(60)
    yield "never"


def test_a_file_failing_after_its_forms_were_sent_gives_its_sentence_alone(tmp_path):
    """The forms come first, then a data sheet without the <dimension> the cheap checks read:
    calamine's own count of its cells passes the file's budget while the forms have already been
    sent and checked. The file gets its one sentence and no findings; the next file its answer."""
    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("pl7", False)])
    book = __import__("openpyxl").load_workbook(path)
    data = book.create_sheet("Dữ liệu")
    for i in range(2000):
        data.append([i, f"Xã {i}", i * 2, i * 3, i * 4])
    book.save(path)
    without = rewrite_part(path, tmp_path / "khong-kich-thuoc.xlsx", "xl/worksheets/sheet3.xml",
                           lambda body: re.sub(rb"<dimension [^>]*/>", b"", body))
    good = renditions.write_form(tmp_path / "dung.xlsx", renditions.bm7_correct())
    done = egov("validate", without, good, "--format", "json", env={"EGOV_MAX_FILE_CELLS": "5000"})
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    files = json.loads(done.stdout)["files"]
    failed = [entry for entry in files if Path(entry["path"]).name == without.name]
    assert len(failed) == 1 and "ô cho cả tệp; tệp không được đọc" in failed[0]["error"]
    assert not failed[0].get("findings") and failed[0]["form"] is None
    answered = [entry for entry in files if Path(entry["path"]).name == good.name]
    assert len(answered) == 1 and answered[0]["form"] == "bm7-2025" and not answered[0].get("error")


def test_a_reader_started_before_its_limits_is_capped_by_its_first_file(tmp_path):
    """cli/early.py starts a reader in the command's first milliseconds (isolated.prestart),
    before the settings are read: its address space is capped when its first file brings the
    limits, and a runaway reader is still the file's sentence."""
    from egov_xl.settings import MIB

    isolated.prestart(("egov_xl.sources.calamine_book",))
    spare = isolated._prestarted
    assert spare is not None and spare.process.is_alive()
    limits = Limits(max_reader_memory=300 * MIB, reader_timeout_s=30)
    soft, held, warmed = isolated.run(_address_limit, tmp_path, limits)
    assert isolated._prestarted is None  # the first file's reader is the one started early
    assert warmed  # its readers were imported while it waited
    assert held < soft <= held + 300 * MIB + isolated.PARSE_THREAD_ROOM  # and room for a parse thread
    with pytest.raises(ReadError) as runaway:
        isolated.run(_allocates, tmp_path, Limits(max_reader_memory=300 * MIB, reader_timeout_s=30))
    assert runaway.value.key in ("reader_memory", "reader_crashed")


def _address_limit(path: Path, limits: Limits):
    import resource
    import sys

    with open("/proc/self/statm", encoding="ascii") as stat:
        held = int(stat.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    return resource.getrlimit(resource.RLIMIT_AS)[0], held, "egov_xl.sources.calamine_book" in sys.modules


def _allocates(path: Path, limits: Limits):
    return len(bytearray(1024 * 1024 * 1024))


def test_a_reader_ends_when_the_command_that_started_it_is_killed(tmp_path):
    """A forked reader held copies of its parent's ends of the pipes, so it never read the end
    of its tasks: a command killed (kill -9, an out-of-memory kill, os._exit) left its readers
    waiting forever. It closes them, and ends with its parent."""
    import subprocess
    import sys

    script = ("import sys, time\n"
              "from egov_xl.workbook import isolated\n"
              "isolated.prestart()\n"
              "print(isolated._prestarted.process.pid, flush=True)\n"
              "time.sleep(60)\n")
    command = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        reader = int(command.stdout.readline())
        assert _alive(reader)
    finally:
        command.kill()
        command.wait()
    deadline = time.monotonic() + 10
    while _alive(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(reader), "the reader outlived its command"


def _alive(pid: int) -> bool:
    """A process that exists and has not ended (a zombie has ended: its parent is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"

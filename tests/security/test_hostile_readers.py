"""Every reader runs where its failure cannot hurt anyone else (egov_xl/workbook/isolated.py).

Before: a few-KB .xls whose OLE directory chain loops made python-calamine allocate until Rust
aborted the process (SIGABRT, exit 134): a CLI batch lost every answer, and one upload killed a
single-worker server. calamine's panics (`PanicException`, a BaseException) passed every
`except`: mutated .xls and .xlsb files gave a traceback and no answer for the other files.
Now the chains are checked before any reader follows them, every reader runs in a reader
process with memory and time limits, and whatever still goes wrong is the file's one sentence.
"""

from __future__ import annotations

import json
import os
import random
import re
import struct
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from egov_xl.settings import MIB, Limits
from egov_xl.sources import read_source
from egov_xl.sources.errors import ReadError
from egov_xl.workbook import isolated
from tests.fixtures import formats, renditions
from tests.fixtures.console import TOKENS, seed_console
from tests.fixtures.web import http_session
from tests.fixtures.xlsb import cells_of_xlsx, sheet_records, write_xlsb
from tests.live_server import live_process
from tests.security.hostile import package, sheet_xml
from tests.security.test_hostile_workbooks import egov

SMALL_READER = {"EGOV_MAX_READER_MEMORY": str(256 * MIB)}  # a reader that runs away stops at 256 MiB
DAMAGED = "tệp bị hỏng hoặc không phải bảng tính Excel hợp lệ"
PANICKED = "tệp bị hỏng hoặc có cấu trúc bất thường"
STOPPED = "chương trình đọc tệp dừng đột ngột"
INNER_BROKEN = "cấu trúc bên trong của tệp bị hỏng"  # the catalogue's reason_other


@pytest.fixture(scope="module")
def legacy(tmp_path_factory) -> dict[str, Path]:
    """A tiny .xls (one text cell, one number) and the Biểu mẫu 7 seed as .xls, both saved by
    LibreOffice; the seed form also as .xlsx and as .xlsb."""
    folder = tmp_path_factory.mktemp("legacy")
    tiny = folder / "nho.xlsx"
    package(tiny, sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c>'
                            '<c r="B1"><v>1.5</v></c></row>', "A1:B1"))
    form = renditions.write_form(folder / "bieu-mau.xlsx", renditions.bm7_seed())
    made = {p.stem: p for p in formats.soffice_convert([tiny, form], "xls", folder / "xls")}
    xlsb = write_xlsb(folder / "bieu-mau.xlsb", {"Biểu mẫu": sheet_records(cells_of_xlsx(form))})
    return {"tiny": made["nho"], "form_xls": made["bieu-mau"], "form": form, "form_xlsb": xlsb}


def looping(source: Path, target: Path) -> Path:
    """`source` with its directory chain's last sector pointing back at its first: a loop."""
    data = bytearray(source.read_bytes())
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C)[: struct.unpack_from("<I", data, 0x2C)[0]]]
    fat = b"".join(bytes(data[512 + s * size: 512 + (s + 1) * size]) for s in fat_sectors)

    def entry_at(sector: int) -> int:  # where FAT[sector] lives in the file
        per = size // 4
        return 512 + fat_sectors[sector // per] * size + (sector % per) * 4

    first = last = struct.unpack_from("<I", data, 0x30)[0]
    while struct.unpack_from("<I", fat, last * 4)[0] != 0xFFFFFFFE:
        last = struct.unpack_from("<I", fat, last * 4)[0]
    struct.pack_into("<I", data, entry_at(last), first)
    target.write_bytes(bytes(data))
    return target


def test_a_looping_xls_in_a_cli_batch_leaves_the_good_file_its_answer(legacy, tmp_path):
    bad = looping(legacy["tiny"], tmp_path / "vong.xls")
    assert bad.stat().st_size < 8 * 1024
    done = egov("validate", bad, legacy["form"], "--format", "json", env=SMALL_READER, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    files = {Path(entry["path"]).name: entry for entry in json.loads(done.stdout)["files"]}
    said = files["vong.xls"]["error"]  # the file named, why in the clerk's words, not the chain check's English
    assert f'"{bad}"' in said and DAMAGED in said and f"({INNER_BROKEN})" in said and "sector" not in said
    assert files["bieu-mau.xlsx"].get("error") is None and files["bieu-mau.xlsx"]["form"] == "bm7-2025"


def test_an_abort_a_panic_and_a_timeout_in_a_reader_are_the_files_sentence(legacy, tmp_path):
    """The safety net alone, without the checks before it: calamine aborting on the looping
    chain, panicking on a mutated .xlsb, and a reader running past its time each end in the
    file's ReadError, and the pool reads the next file as before."""
    limits = Limits(max_reader_memory=256 * MIB, reader_timeout_s=2)
    bad = looping(legacy["tiny"], tmp_path / "vong.xls")
    with pytest.raises(ReadError) as aborted:
        isolated.run(read_source, bad, limits)
    assert aborted.value.key == "reader_crashed"
    panicking = next(p for p in mutated_xlsb(legacy["form_xlsb"], tmp_path, 20) if _panics(p, limits))
    with pytest.raises(ReadError) as panicked:
        isolated.run(read_source, panicking, limits)
    assert panicked.value.key == "reader_panic" and panicked.value.params["path"] == str(panicking)
    started = time.monotonic()
    with pytest.raises(ReadError) as late:
        isolated.run(_slow_reader, legacy["tiny"], limits)
    assert late.value.key == "reader_timeout" and time.monotonic() - started < 10
    assert [s.name for s in isolated.run(read_source, legacy["tiny"], limits).sheets] == ["Dữ liệu"]


def test_work_in_a_reader_that_reads_again_runs_in_the_same_reader(legacy):
    """The web upload writes its annotated copy in a reader, and writing the copy of a Word file
    reads the file again: that read runs in the same (already confined) reader, not in a reader
    of the reader's (a daemonic process may not have children: the copy was lost)."""
    limits = Limits(max_reader_memory=256 * MIB, reader_timeout_s=20)
    inner_pid, outer_pid, names = isolated.run(_read_again, legacy["tiny"], limits)
    assert inner_pid == outer_pid != os.getpid() and names == ["Dữ liệu"]


def _read_again(path: Path, limits: Limits):
    inner = isolated.run(_pid_and_sheets, path, limits)
    return inner[0], os.getpid(), inner[1]


def _pid_and_sheets(path: Path, limits: Limits):
    return os.getpid(), [s.name for s in read_source(path, limits).sheets]


def _slow_reader(path: Path, limits: Limits):
    time.sleep(60)


def _panics(path: Path, limits: Limits) -> bool:
    try:
        isolated.run(read_source, path, limits)
    except ReadError as exc:
        return exc.key == "reader_panic"
    return False


def mutate(data: bytes, start: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        out[rng.randrange(start, len(out))] = rng.randrange(256)
    return bytes(out)


def mutated_xlsb(source: Path, folder: Path, count: int, seed: int = 18) -> list[Path]:
    """`count` copies of `source` whose binary parts have a few random bytes changed (rezipped,
    so that the reader parses the damaged records)."""
    rng, made = random.Random(seed), []
    with zipfile.ZipFile(source) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    for index in range(count):
        changed = dict(parts)
        name = rng.choice(sorted(n for n in parts if n.endswith(".bin")))
        changed[name] = mutate(parts[name], 0, rng)
        path = folder / f"bien-{index:02d}.xlsb"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for part, data in changed.items():
                target.writestr(part, data)
        made.append(path)
    return made


def mutated_xls(source: Path, folder: Path, count: int, seed: int = 18) -> list[Path]:
    rng, data, made = random.Random(seed), source.read_bytes(), []
    for index in range(count):
        path = folder / f"bien-{index:02d}.xls"
        path.write_bytes(mutate(data, 512, rng))  # the header stays: the file is still an OLE file
        made.append(path)
    return made


@pytest.mark.parametrize("kind", ["xls", "xlsb"])
def test_mutated_files_each_get_one_sentence(legacy, tmp_path, kind):
    """60 seeded mutations of the seed form (8 of 60 .xls and 18 of 60 .xlsb once gave a
    traceback and no answer for the batch) and the good form, in one batch."""
    made = mutated_xls(legacy["form_xls"], tmp_path, 60) if kind == "xls" else \
        mutated_xlsb(legacy["form_xlsb"], tmp_path, 60)
    done = egov("validate", *made, legacy["form"], "--format", "json", env=SMALL_READER, timeout=300)
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr[-3000:]
    files = json.loads(done.stdout)["files"]
    assert {entry["path"] for entry in files} == {str(p) for p in [*made, legacy["form"]]}
    errors = [entry["error"] for entry in files if entry.get("error")]
    assert errors and all("Không xử lý được" not in text for text in errors), errors  # none unforeseen
    assert all(entry["path"] in entry["error"] and "\n" not in entry["error"]
               for entry in files if entry.get("error")), errors  # one sentence each, naming its file
    if kind == "xlsb":
        assert sum(PANICKED in text for text in errors) >= 5  # the attack happened: calamine panicked
    good = next(entry for entry in files if entry["path"] == str(legacy["form"]))
    assert good.get("error") is None and good["form"] == "bm7-2025"


@pytest.fixture()
def one_worker_server(samples, tmp_path):
    seeded = seed_console(tmp_path, samples)
    with live_process(env={**seeded["env"], **SMALL_READER}) as (base, process):
        yield base, process


def test_a_looping_xls_and_an_aborting_xlsx_leave_a_single_worker_server_standing(one_worker_server, legacy,
                                                                                 samples, tmp_path):
    base, process = one_worker_server
    bad = looping(legacy["tiny"], tmp_path / "vong.xls")
    far = package(tmp_path / "xa.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                                  '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    good = samples["bieu-mau-7-dung.xlsx"].read_bytes()
    with http_session(base, TOKENS["so"]) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/kiem-tra").text).group(1)
        answer = client.post("/bao-cao/kiem-tra", data={"csrf": csrf}, timeout=60, files=[
            ("tep", ("vong.xls", bad.read_bytes())), ("tep", ("xa.xlsx", far.read_bytes())), ("tep", ("dung.xlsx", good))])
        again = client.get("/bao-cao/kiem-tra")
    assert answer.status_code == 200, answer.text[-2000:]
    assert "Không đọc được tệp &#34;vong.xls&#34;: tệp bị hỏng" in answer.text
    assert "Không đọc được tệp &#34;xa.xlsx&#34;: " + STOPPED in answer.text  # calamine aborted in its reader
    assert "kiem-tra-dung.xlsx" in answer.text  # the good file's answer and its annotated copy
    assert again.status_code == 200 and process.poll() is None
    assert httpx.get(base + "/", timeout=10).status_code == 200


def test_the_reader_pool_answers_several_threads_at_once(legacy, tmp_path):
    """A web server calls the pool from several threads (uploads run off the event loop): each
    call gets its own file's answer, an aborting reader among them included."""
    from concurrent.futures import ThreadPoolExecutor

    limits = Limits(max_reader_memory=256 * MIB, reader_workers=2)
    bad = looping(legacy["tiny"], tmp_path / "vong.xls")

    def read(path: Path) -> str:
        try:
            return ",".join(s.name for s in isolated.run(read_source, path, limits).sheets)
        except ReadError as exc:
            return exc.key

    paths = [legacy["form"], bad, legacy["tiny"], legacy["form_xls"], bad, legacy["form"]] * 2
    with ThreadPoolExecutor(max_workers=4) as threads:
        answers = list(threads.map(read, paths))
    expected = {legacy["form"]: "Biểu mẫu", bad: "reader_crashed", legacy["tiny"]: "Dữ liệu",
                legacy["form_xls"]: "Biểu mẫu"}
    assert answers == [expected[p] for p in paths]


def test_a_relative_path_is_read_from_the_callers_folder(legacy, tmp_path, monkeypatch):
    """A reader process is reused across calls: it reads a relative path from the folder the
    caller is in now, not the one it was started in."""
    limits = Limits()
    assert [s.name for s in isolated.run(read_source, legacy["tiny"], limits).sheets] == ["Dữ liệu"]
    (tmp_path / "o-day.xls").write_bytes(legacy["form_xls"].read_bytes())
    monkeypatch.chdir(tmp_path)
    assert [s.name for s in isolated.run(read_source, Path("o-day.xls"), limits).sheets] == ["Biểu mẫu"]

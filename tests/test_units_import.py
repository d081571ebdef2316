"""Units and users in bulk: `egov-xl archive units import|list` and `egov-xl token import`
through the real CLI, the unit code rules (NFC, a documented set, no invisible or look-alike
characters), and the refusal of units the archive does not know."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import httpx
import openpyxl
import pytest
from typer.testing import CliRunner

from egov_xl.archive import units as archive_units
from egov_xl.archive.db import ArchiveError
from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.unit_codes import UnitCodeError, check_code
from egov_xl.server.tokens import entries
from tests.live_server import live_server

PRECOMPOSED = "SỞ-A"
DECOMPOSED = unicodedata.normalize("NFD", PRECOMPOSED)
CYRILLIC_O = "S\u041e-A"  # "SО-A" with a Cyrillic capital O
GREEK_A = "\u0391B"  # a Greek capital alpha
ZERO_WIDTH = "SO-A\u200b"
BOM = "\ufeffSO-A"


@pytest.mark.parametrize("code, key", [
    (PRECOMPOSED, "unit_code_char"), (DECOMPOSED, "unit_code_decomposed"), (CYRILLIC_O, "unit_code_lookalike"),
    (GREEK_A, "unit_code_lookalike"), (ZERO_WIDTH, "unit_code_invisible"), (BOM, "unit_code_invisible"),
    ("so-a", "unit_code_lowercase"), ("-SO", "unit_code_char"), ("SO A", "unit_code_invisible"),
    ("", "archive_unit_empty"), (" SO-A", "archive_unit_spaces"), ("X" * 65, "archive_unit_too_long"),
])
def test_look_alike_and_invisible_codes_are_refused(code, key, tmp_path):
    with pytest.raises(UnitCodeError) as refused:
        check_code(code)
    assert refused.value.key == key
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.init()
    with pytest.raises(ArchiveError) as stored:  # the archive applies the same rule to every write
        archive.set_unit(code, "Sở A")
    assert stored.value.key == key and archive_units.listed(archive) == []


def test_the_refusal_names_the_character(tmp_path):
    from egov_xl import definitions

    with pytest.raises(UnitCodeError) as refused:
        check_code(ZERO_WIDTH)
    text = refused.value.render(definitions.catalogue("vi"))
    assert text.startswith('Mã đơn vị "SO-A<U+200B>" có ký tự ẩn U+200B ZERO WIDTH SPACE ở vị trí 5')
    with pytest.raises(UnitCodeError) as refused:
        check_code(CYRILLIC_O)
    assert "U+041E CYRILLIC CAPITAL LETTER O ở vị trí 2" in refused.value.render(definitions.catalogue("vi"))
    assert [check_code(c) for c in ("SO-A", "XA_01.2", "TINH", "001")] == ["SO-A", "XA_01.2", "TINH", "001"]


def _egov(env: dict[str, str], *args) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import sys; from egov_xl.cli import main; sys.argv[0] = 'egov-xl'; main()",
               *map(str, args)]
    return subprocess.run(command, env={**os.environ, **env, "COLUMNS": "200"}, capture_output=True, text=True,
                          timeout=120)


def _province(path: Path, communes: int = 149) -> Path:
    """One workbook as a province's admin fills it: sheet "Đơn vị" and sheet "Cán bộ"."""
    book = openpyxl.Workbook()
    units = book.active
    units.title = "Đơn vị"
    units.append(["Mã đơn vị", "Tên đơn vị", "Cấp trên", "Loại đơn vị"])
    units.append(["TINH", "UBND tỉnh Mẫu", None, "UBND tỉnh"])
    kinds = ["Sở, ban, ngành", "Cơ quan ngành dọc", "Xã, phường, đặc khu"]
    for i in range(1, communes + 1):
        units.append([f"DV-{i:03d}", f"Đơn vị {i}", "TINH", kinds[i % 3]])
    clerks = book.create_sheet("Cán bộ")
    clerks.append(["Họ tên", "Đơn vị", "Tổng hợp"])
    clerks.append(["Cán bộ Tỉnh", "TINH", "có"])
    for i in range(1, communes + 1):
        clerks.append([f"Nguyễn Văn {i % 100}", f"DV-{i:03d}", None])  # display names repeat
    book.save(path)
    return path


def test_150_units_and_their_tokens_from_one_workbook_in_seconds(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    tokens_file = tmp_path / "private" / "tokens.yaml"
    env = {"EGOV_ARCHIVE_URL": url, "EGOV_TOKENS_FILE": str(tokens_file)}
    source = _province(tmp_path / "tinh.xlsx")
    assert _egov(env, "archive", "init").returncode == 0
    dry = _egov(env, "archive", "units", "import", source, "--dry-run")
    assert dry.returncode == 0 and "150 mới" in dry.stdout and archive_units.listed(Archive(url)) == []

    started = time.perf_counter()
    imported = _egov(env, "archive", "units", "import", source)
    handed = tmp_path / "ma-truy-cap.csv"
    issued = _egov(env, "token", "import", source, "--out", handed)
    elapsed = time.perf_counter() - started
    assert imported.returncode == 0 and "Đã nhập 150 đơn vị" in imported.stdout and "150 mới" in imported.stdout
    assert issued.returncode == 0, issued.stderr
    print(f"units + tokens import: {elapsed:.2f} s")
    assert elapsed < 20, elapsed  # two CLI processes (about 2 s each here), not 300
    units = archive_units.listed(Archive(url))
    assert len(units) == 150 and {u.parent for u in units} == {None, "TINH"}
    assert {u.kind for u in units} == {"tinh", "so-ban-nganh", "nganh-doc", "xa-phuong-dac-khu"}
    assert stat.S_IMODE(handed.stat().st_mode) == 0o600
    raw = handed.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel opens it as it is
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 150 and len({r["Mã số"] for r in rows}) == 150
    assert len(entries(tokens_file)) == 150
    for row in rows:
        assert row["Mã truy cập"] not in tokens_file.read_text(encoding="utf-8")

    again = _egov(env, "archive", "units", "import", source)  # idempotent, both
    assert again.returncode == 0 and "0 mới, 0 sửa tên, cấp trên hoặc loại, 150 không đổi" in again.stdout
    second = tmp_path / "lan-hai.csv"
    reissued = _egov(env, "token", "import", source, "--out", second)
    assert reissued.returncode == 0 and "Không cấp mã mới: cả 150 người" in reissued.stdout
    assert not second.exists() and len(entries(tokens_file)) == 150
    refused = _egov(env, "token", "import", source, "--out", handed)  # never over a file handed out
    assert refused.returncode == 2 and "đã có" in refused.stderr

    listed = _egov(env, "archive", "units", "list")
    assert listed.returncode == 0 and "150 đơn vị" in listed.stdout and "Cơ quan ngành dọc" in listed.stdout

    commune = next(r for r in rows if r["Đơn vị"] == "DV-007")
    served = {**env, "XLWINGS_AUTH_PROVIDERS": '["custom"]'}
    with live_server(env=served) as base:
        who = httpx.post(base + "/egov/whoami", json={}, timeout=30,
                         headers={"Authorization": "Bearer " + commune["Mã truy cập"]})
        assert who.status_code == 200
        assert who.json() == {"auth": True, "id": commune["Mã số"], "name": commune["Họ tên"],
                              "units": [{"code": "DV-007", "name": "Đơn vị 7", "known": True}],
                              "consolidates": False}
        assert httpx.post(base + "/egov/whoami", json={}, headers={"Authorization": "Bearer sai"}).status_code == 401


def test_bad_rows_are_one_sentence_each_and_nothing_is_written(tmp_path):
    """Excel's "CSV UTF-8" (BOM, CRLF, quoted commas)."""
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    Archive(url).init()
    lines = [["Mã đơn vị", "Tên đơn vị", "Cấp trên", "Loại đơn vị"],
             ["TINH", "UBND tỉnh", "", "UBND tỉnh"],
             ["SO-A", "Sở A", "TINH", "Sở, ban, ngành"],
             ["SO-A", "Sở A lần hai", "TINH", "Sở, ban, ngành"],
             [CYRILLIC_O, "Sở giả", "TINH", "Sở, ban, ngành"],
             [ZERO_WIDTH, "Sở ẩn", "TINH", "Sở, ban, ngành"],
             [DECOMPOSED, "Sở tách dấu", "TINH", "Sở, ban, ngành"],
             ["XA-1", "Xã 1", "HUYEN", "Xã"],
             ["XA-2", "", "TINH", "Xã"],
             ["XA-3", "Xã 3", "TINH", "Thôn"],
             ["XA-4", "Xã 4", "XA-5", "Xã"], ["XA-5", "Xã 5", "XA-4", "Xã"]]
    buffer = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in line) for line in lines) + "\r\n"
    path = tmp_path / "don-vi.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buffer.encode("utf-8"))
    done = CliRunner().invoke(app, ["archive", "units", "import", str(path), "--url", url], env={"COLUMNS": "300"})
    assert done.exit_code == 2
    said = [line for line in done.output.splitlines() if line.startswith(f'Tệp "{path}", dòng')]
    assert [int(line.split("dòng ")[1].split(":")[0]) for line in said] == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert 'dòng 4: mã đơn vị "SO-A" đã có ở dòng 3' in said[0]
    assert "CYRILLIC CAPITAL LETTER O" in said[1] and "ZERO WIDTH SPACE" in said[2] and "tách dấu" in said[3]
    assert 'cấp trên "HUYEN" của "XA-1" không có' in said[4] and '"XA-2" chưa có tên' in said[5]
    assert 'loại đơn vị "Thôn" của "XA-3" không rõ; ghi một trong: UBND tỉnh; Sở, ban, ngành' in said[6]
    assert "XA-4 → XA-5 → XA-4" in said[7]
    assert "có 9 dòng sai (kể trên); chưa có đơn vị nào được ghi" in done.output
    assert "Traceback" not in done.output and archive_units.listed(Archive(url)) == []


def test_tokens_name_only_known_units_and_carry_ids(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    archive = Archive(url)
    archive.init()
    archive.set_unit("SO-A", "Sở A")
    tokens_file = tmp_path / "tokens.yaml"
    env = {"EGOV_ARCHIVE_URL": url, "EGOV_TOKENS_FILE": str(tokens_file), "COLUMNS": "300"}
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, [str(a) for a in args], env=env)

    unknown = run("token", "add", "--name", "Cán bộ", "--unit", "SO-1")
    assert unknown.exit_code == 2 and 'Kho lưu trữ chưa có đơn vị "SO-1"' in unknown.output
    assert not tokens_file.exists()
    lookalike = run("token", "add", "--name", "Cán bộ", "--unit", CYRILLIC_O, "--create-unit")
    assert lookalike.exit_code == 2 and "CYRILLIC" in lookalike.output and not tokens_file.exists()
    created = run("token", "add", "--name", "Cán bộ", "--unit", "SO-1", "--create-unit")
    assert created.exit_code == 0 and "SO-1" in {u.code for u in archive_units.listed(archive)}

    clerks = tmp_path / "can-bo.csv"
    clerks.write_text("Họ tên;Đơn vị;Tổng hợp\r\nTrần Thị B;SO-A;\r\nTrần Thị B;SO-A;\r\n;SO-A;\r\n"
                      "Lê C;SO-9;\r\nLê D;;\r\nLê E;SO-A;có lẽ\r\n", encoding="utf-8-sig")
    bad = run("token", "import", clerks, "--out", tmp_path / "out.csv")
    assert bad.exit_code == 2 and not (tmp_path / "out.csv").exists() and len(entries(tokens_file)) == 1
    assert f'Tệp "{clerks}", dòng 4: chưa có họ tên cán bộ.' in bad.output
    assert 'dòng 5: đơn vị "SO-9" của "Lê C" chưa có trong kho lưu trữ' in bad.output
    assert 'dòng 6: cán bộ "Lê D" chưa có mã đơn vị.' in bad.output and 'dòng 7: cột Tổng hợp của "Lê E"' in bad.output

    clerks.write_text("Họ tên;Đơn vị\r\nTrần Thị B;SO-A\r\nTrần Thị B;SO-A\r\n", encoding="utf-8-sig")
    dry = run("token", "import", clerks, "--dry-run")
    assert dry.exit_code == 0 and "2 người sẽ được cấp mã mới" in dry.output and len(entries(tokens_file)) == 1
    done = run("token", "import", clerks, "--out", tmp_path / "out.csv")
    assert done.exit_code == 0, done.output
    twins = [e for e in entries(tokens_file) if e.grant.name == "Trần Thị B"]
    assert len(twins) == 2 and twins[0].id != twins[1].id  # one name, two clerks, two ids
    listed = run("token", "list")
    assert all(t.id in listed.output for t in twins)
    ambiguous = run("token", "revoke", "Trần Thị B")
    assert ambiguous.exit_code == 2 and f"{twins[0].id}, {twins[1].id}" in ambiguous.output
    assert len(entries(tokens_file)) == 3
    revoked = run("token", "revoke", twins[0].id)
    assert revoked.exit_code == 0 and [e.id for e in entries(tokens_file) if e.grant.name == "Trần Thị B"] == [twins[1].id]


def test_units_import_updates_only_what_changed_on_both_back_ends(archive_url, tmp_path):
    from egov_xl.flows.units import import_units

    archive = Archive(archive_url)
    archive.init()
    path = _province(tmp_path / "tinh.xlsx", communes=20)
    first = import_units(archive, path)
    assert (len(first.written.created), first.written.changed, first.problems) == (21, [], [])
    book = openpyxl.load_workbook(path)
    sheet = book["Đơn vị"]
    sheet["B3"] = "Đơn vị 1 (tên mới)"  # DV-001 renamed
    sheet["C4"] = "DV-001"  # DV-002 moved below DV-001
    book.save(path)
    second = import_units(archive, path)
    assert sorted(second.written.changed) == ["DV-001", "DV-002"] and len(second.written.unchanged) == 19
    assert archive.children("DV-001") == ["DV-002"]
    assert {u.code: u.name for u in archive_units.listed(archive)}["DV-001"] == "Đơn vị 1 (tên mới)"
    assert import_units(archive, path).written.changed == []



def test_the_imported_kind_groups_units_on_the_board_and_among_peers(archive_url, tmp_path):
    """A hub named "Trung tâm …" (the name guesses a department) imported as a commune-level unit
    sits with the communes on the board and among a commune's peers; a unit added without a kind
    is still grouped by its name; the calendar's old key "so-nganh" is the one key."""
    from egov_xl.archive.calendar import load_calendar
    from egov_xl.archive.tree import below
    from egov_xl.flows.board import unit_tree
    from egov_xl.flows.units import import_units
    from egov_xl.web.board import Query, build_board
    from egov_xl.web.unit import same_kind_siblings

    archive = Archive(archive_url)
    archive.init()
    path = tmp_path / "don-vi.csv"
    path.write_text("Mã đơn vị,Tên đơn vị,Cấp trên,Loại đơn vị\nTINH,UBND tỉnh Mẫu,,UBND tỉnh\n"
                    "SO-NV,Sở Nội vụ,TINH,so-nganh\nXA-HP,UBND xã Hòa Phong,TINH,Xã\n"
                    "TT-HCC,Trung tâm hành chính công xã Hòa Ninh,TINH,\"Xã, phường, đặc khu\"\n", encoding="utf-8")
    assert import_units(archive, path).problems == []
    archive.set_unit("SO-TP", "Sở Tư pháp", "TINH")  # never imported: no kind stored
    calendar = load_calendar()
    assert calendar.kind_of("Trung tâm hành chính công xã Hòa Ninh") == "so-ban-nganh"  # what the name guesses
    assert {u.code: u.kind for u in archive_units.listed(archive)}["SO-NV"] == "so-ban-nganh"
    assert {u.code: u.kind for u in below(archive, "TINH")}["TT-HCC"] == "xa-phuong-dac-khu"
    board = build_board(archive, calendar, "TINH")
    assert {r.unit.code: r.kind for r in board.rows} == {
        "SO-NV": "so-ban-nganh", "SO-TP": "so-ban-nganh", "XA-HP": "xa-phuong-dac-khu", "TT-HCC": "xa-phuong-dac-khu"}
    assert [r.unit.code for r in board.rows] == ["SO-NV", "SO-TP", "TT-HCC", "XA-HP"]  # grouped, then by code
    communes = build_board(archive, calendar, "TINH", Query(kind="xa-phuong-dac-khu"))
    assert [r.unit.code for r in communes.rows] == ["TT-HCC", "XA-HP"]
    assert [r.unit.code for r in build_board(archive, calendar, "TINH", Query(kind="so-nganh")).rows] == [
        "SO-NV", "SO-TP"]  # a bookmark's old key
    assert Query.of(kind="xa-phuong").kind == "xa-phuong-dac-khu"  # the filter's option shown selected
    tree = unit_tree(archive)
    assert same_kind_siblings(tree, "XA-HP", calendar) == ["TT-HCC"]
    assert same_kind_siblings(tree, "SO-TP", calendar) == ["SO-NV"]

@pytest.fixture
def shared(pg_cluster):
    """A database owned by a plain owner role, initialised by it with a server role (names of
    this module's own: roles are cluster-wide)."""
    import psycopg

    owner, server = "egov_units_owner", "egov_units_app"
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE")
        name = pg_cluster.new_database()
        conn.execute(f"ALTER DATABASE {name} OWNER TO {owner}")
    owner_url = pg_cluster.url(name).replace("postgres@", f"{owner}@")
    done = CliRunner().invoke(app, ["archive", "init", "--url", owner_url, "--app-role", server])
    assert done.exit_code == 0, done.output
    app_url = pg_cluster.url(name).replace("postgres@", f"{server}@")
    return {"owner_url": owner_url, "app_url": app_url, "server": Archive(app_url)}


def test_units_import_on_postgresql_is_the_owners_work(shared, tmp_path):
    """The server's role may add units and rename them, not set their kind: one sentence, nothing
    written; the owner imports. The refused executemany (a psycopg pipeline) made psycopg print
    its own "error ignored terminating <psycopg.Pipeline …>" above the sentence: no longer."""
    path = _province(tmp_path / "tinh.xlsx", communes=599)  # a pipeline long enough to be cut short by the refusal
    runner = CliRunner()
    as_server = _egov({}, "archive", "units", "import", path, "--url", shared["app_url"])  # stderr as printed
    assert as_server.returncode == 2 and "không được làm việc này" in as_server.stderr, as_server.stderr
    said = [line for line in as_server.stderr.splitlines() if line.strip()]
    assert "Traceback" not in as_server.stderr and "Pipeline" not in as_server.stderr, said  # no driver's English
    assert said[0].startswith("Vai trò dùng để kết nối kho") and "error ignored" not in as_server.stderr, said
    assert "DV-001" not in {u.code for u in archive_units.listed(shared["server"])}
    as_owner = runner.invoke(app, ["archive", "units", "import", str(path), "--url", shared["owner_url"]],
                             env={"COLUMNS": "300"})
    assert as_owner.exit_code == 0 and "600 mới" in as_owner.output


def _first_column(table: str) -> str:
    """The first column of a rich table as printed, its cells' lines run together."""
    return "".join(line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│"))


def test_lists_show_whole_codes_in_an_80_column_terminal(tmp_path):
    """An admin's SSH terminal (or a pipe) is 80 columns: a unit's code, which they type into
    `token add --unit` or `token revoke`, is never cut to "SO-VAN-HOA-THE-THAO-VA…"."""
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    codes = ["BAN-QUAN-LY-KHU-KINH-TE", "SO-VAN-HOA-THE-THAO-VA-DU-LICH", "KHO-BAC-NHA-NUOC-KHU-VUC-XII"]
    sheet = tmp_path / "tinh.csv"
    sheet.write_text("Mã đơn vị;Tên đơn vị;Cấp trên;Loại đơn vị\r\nTINH;UBND tỉnh Quảng Nam;;UBND tỉnh\r\n"
                     + "".join(f"{c};Đơn vị có tên dài {c.lower()};TINH;Sở, ban, ngành\r\n" for c in codes),
                     encoding="utf-8-sig")
    env = {"EGOV_ARCHIVE_URL": url, "EGOV_TOKENS_FILE": str(tmp_path / "tokens.yaml"), "COLUMNS": "80"}
    runner = CliRunner()
    assert runner.invoke(app, ["archive", "init"], env=env).exit_code == 0
    assert runner.invoke(app, ["archive", "units", "import", str(sheet)], env=env).exit_code == 0
    repeated = [part for code in codes for part in ("--unit", code)]
    added = runner.invoke(app, ["token", "add", "--name", "Nguyễn Thị Thanh Hương", *repeated], env=env)
    assert added.exit_code == 0, added.output
    units = runner.invoke(app, ["archive", "units", "list"], env=env).output
    assert "…" not in units and all(code in _first_column(units) for code in codes), units
    tokens = runner.invoke(app, ["token", "list"], env=env).output
    assert "…" not in tokens, tokens
    shown = "".join(line.split("│")[3].strip() for line in tokens.splitlines() if line.startswith("│"))
    assert all(code in shown for code in codes), tokens


def test_a_table_without_its_columns_names_the_file_and_the_column(tmp_path):
    """LibreOffice saves one CSV per sheet ("tinh-Đơn vị.csv", "tinh-Cán bộ.csv"); given the
    wrong one, the admin reads which file lacks which column, named as that table names it."""
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    units = tmp_path / "tinh-Đơn vị.csv"
    units.write_text("Mã đơn vị,Tên đơn vị,Cấp trên,Loại đơn vị\r\nTINH,UBND tỉnh Mẫu,,UBND tỉnh\r\n", encoding="utf-8")
    clerks = tmp_path / "tinh-Cán bộ.csv"
    clerks.write_text("Họ tên,Đơn vị,Tổng hợp\r\nTrần Thị B,TINH,có\r\n", encoding="utf-8")
    env = {"EGOV_ARCHIVE_URL": url, "EGOV_TOKENS_FILE": str(tmp_path / "tokens.yaml"), "COLUMNS": "300"}
    runner = CliRunner()
    assert runner.invoke(app, ["archive", "init"], env=env).exit_code == 0
    swapped = runner.invoke(app, ["token", "import", str(units), "--dry-run"], env=env)
    assert swapped.exit_code == 2
    assert f'Tệp "{units}": dòng tiêu đề (dòng 1) thiếu cột "Họ tên"' in swapped.output, swapped.output
    swapped = runner.invoke(app, ["archive", "units", "import", str(clerks), "--dry-run"], env=env)
    assert swapped.exit_code == 2
    assert (f'Tệp "{clerks}": dòng tiêu đề (dòng 1) thiếu cột "Mã đơn vị", "Tên đơn vị", "Loại đơn vị"'
            in swapped.output), swapped.output

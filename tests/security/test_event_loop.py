"""The server's event loop is never blocked by a heavy check: while one clerk's upload is being
checked at /bao-cao/kiem-tra, another clerk's page is answered within 200 ms (95 % of the
answers, every one within 1 s), and the server process's own work in the check is small.

Two kinds of heavy upload: a workbook written by a program, whose formulas LibreOffice
recalculates (seconds of a child process's CPU), and a form beside a 20,000-row data sheet,
whose annotated copy openpyxl builds from about a million objects. Measured on the 2-core shared
test machine (December 2026): the server thread's own Python is ~0.1 s of the 1.3 s
recalculating check, and the other clerk's answers took 3-37 ms, also with one or two other
processes burning a core each. The large workbook's copy, written in the server process, paused
the loop for the interpreter's full garbage collections of openpyxl's objects (160-450 ms each,
holding its lock; answers up to 1.1 s), 4-7 s of the checking thread's CPU; written in a reader
process (web/upload.py) the thread uses 0.02-0.03 s and the answers took 3-29 ms. On a machine
loaded by others (load average 4-5 on 2 cores) plus a process burning a core, one answer in
100-200 now and then takes 0.6-0.7 s in either case, while the server process is idle: the
operating system's scheduling, not the loop. Hence every answer within 200 ms is not asserted;
the server thread's CPU time (independent of the machine's load) is."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from egov_xl.archive.store import Archive
from egov_xl.flows.check import check_file
from egov_xl.settings import Limits
from egov_xl.template.fill import fill_template, save_filled
from egov_xl.web.upload import check_upload
from tests.live_server import live_server, while_answered
from tests.test_templates import need_libreoffice

ANSWER_WITHIN_S = 0.2  # 95 % of the other clerk's answers
WORST_S = 1.0  # every answer (on the loop, each waited for the whole check: 5.8 s)
SERVER_CPU_S = 0.5  # the checking thread's own CPU time (measured: 0.02-0.12 s)
DATA_ROWS = 20_000


def recalculated(samples, folder: Path) -> Path:
    """Written by a program (formulas without results): LibreOffice recalculates it."""
    need_libreoffice()
    return save_filled(fill_template(check_file(samples["bieu-mau-7-dung.xlsx"])[0].form), folder / "f.xlsx")


def with_large_data(samples, folder: Path) -> Path:
    """A form beside a 20,000-row sheet of data: the annotated copy is openpyxl's largest work."""
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    data = book.create_sheet("Dữ liệu")
    for i in range(DATA_ROWS):
        data.append([f"{1 + i % 28:02d}/03/2025", f"Xã {i % 97}", f"TTHC-{i % 413}", f"HS{i:07d}",
                     i % 5 < 3, i % 500 + 1, (i * 37 % 10_000) / 100, "đã giải quyết" if i % 3 else ""])
    book.save(folder / "lon.xlsx")
    return folder / "lon.xlsx"


@pytest.mark.parametrize("heavy_file", [recalculated, with_large_data])
def test_another_clerk_is_answered_while_a_heavy_upload_is_checked(samples, tmp_path, heavy_file):
    heavy = heavy_file(samples, tmp_path)
    with live_server("--url", f"sqlite:///{tmp_path / 'a.sqlite3'}") as base:
        uploader = httpx.Client(base_url=base, timeout=120)
        csrf = re.search(r'name="csrf" value="([^"]+)"', uploader.get("/bao-cao/kiem-tra").text).group(1)
        upload = lambda: uploader.post("/bao-cao/kiem-tra", data={"csrf": csrf},  # noqa: E731
                                       files={"tep": ("BaoCao.xlsx", heavy.read_bytes())})
        # the other clerk has the console open; 0.3 s: the upload has arrived and is being checked
        answer, seconds, latencies = while_answered(base, "/bao-cao/dang-nhap", upload, settle_s=0.3, timeout=30)
        uploader.close()
    assert answer.status_code == 200 and "BaoCao.xlsx" in answer.text
    assert "kiem-tra-BaoCao.xlsx" in answer.text  # the annotated copy came back
    assert seconds > 1.0  # the check was heavy enough to measure anything
    latencies.sort()
    typical = latencies[int(0.95 * len(latencies)) - 1]  # one of 20 may meet a busy shared machine
    assert len(latencies) >= 5 and typical < ANSWER_WITHIN_S and latencies[-1] < WORST_S, \
        (typical, latencies[-1], len(latencies), seconds)


@pytest.mark.parametrize("heavy_file", [recalculated, with_large_data])
def test_a_heavy_check_leaves_the_server_process_idle(samples, tmp_path, heavy_file):
    """What can block the loop is the server process's own Python (it holds the interpreter's
    lock); the heavy parts (reading, LibreOffice, openpyxl's copy) run in other processes. The
    checking thread's CPU time does not depend on how busy the machine is."""
    heavy = heavy_file(samples, tmp_path)
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    check_upload("warm.xlsx", heavy.read_bytes(), archive, None, limits=Limits())  # imports, reader start
    done: dict[str, float] = {}

    def checking():  # in a thread, as the server's pool runs it
        wall, cpu = time.monotonic(), time.thread_time()
        done["copy"] = check_upload("BaoCao.xlsx", heavy.read_bytes(), archive, None, limits=Limits()).annotated
        done["wall"], done["cpu"] = time.monotonic() - wall, time.thread_time() - cpu

    worker = threading.Thread(target=checking)
    worker.start()
    worker.join()
    assert done["copy"] and done["wall"] > 1.0, done
    assert done["cpu"] < SERVER_CPU_S, done  # before the copy moved out: 4-7 s for the large workbook


def test_console_routes_work_in_threads():
    """Starlette runs a plain `def` route in its thread pool; the one `async` route (upload, which
    must await the form) hands its checking to a thread. Exports and consolidation stay plain."""
    import inspect

    from egov_xl.web import router

    on_the_loop = {route.name for route in router.routes if inspect.iscoroutinefunction(route.endpoint)}
    assert on_the_loop == {"upload"}
    assert {"board_export", "consolidation_download", "consolidation_page"} <= {r.name for r in router.routes}

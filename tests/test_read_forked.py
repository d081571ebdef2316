"""The reader of `egov-xl validate`'s first file is forked before the command imports anything
(egov_xl/workbook/forked.py, isolated.serve_once): it reads as a pool's reader reads, under the
same limits, and its death is the file's sentence."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from egov_xl.settings import Limits, Settings
from egov_xl.sources.errors import ReadError
from egov_xl.workbook import forked, isolated
from egov_xl.workbook.read import collect, stream_sheets
from tests.fixtures import renditions
from tests.test_read_stream import forms_workbook


def _ended(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_a_forked_reader_sends_what_a_pool_s_reader_sends(tmp_path):
    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("pl7-ok", True)], data_rows=300)
    limits = Settings.from_env({}).limits
    reader = forked.fork(str(path))
    assert reader is not None
    pid, fd = reader
    grids, near = collect(path, isolated.adopt(pid, fd, path, limits))
    assert _ended(pid)  # reaped once its answer was read
    pooled, pooled_near = collect(path, stream_sheets(path, limits))
    assert grids == pooled and near == pooled_near
    assert [grid.name for grid in grids.sheets] == ["Dữ liệu", "Đơn vị 01", "Đơn vị 02"]


def test_a_forked_reader_that_dies_is_the_file_s_sentence(tmp_path):
    path = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_correct())
    reader = forked.fork(str(path))
    assert reader is not None
    pid, fd = reader
    os.kill(pid, 9)
    with pytest.raises(ReadError) as died:
        collect(path, isolated.adopt(pid, fd, path, Limits()))
    assert died.value.key == "reader_crashed" and died.value.params["path"] == str(path)
    assert _ended(pid)


def test_a_forked_reader_has_the_settings_address_space_and_cpu_limits(tmp_path):
    """Its cap is the settings' max_reader_memory above what it held when it started, as a pool
    reader's, and its CPU time is bounded by the time limit and 10 s (the system ends it even
    when its command, which enforces the time limit, was killed): a reader reading a
    20,000-row sheet is looked at while it reads."""
    path = forms_workbook(tmp_path / "lon.xlsx", [("bm7-ok", True)], data_rows=20_000)
    held = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")  # the fork's start
    reader = forked.fork(str(path))
    assert reader is not None
    pid, fd = reader
    try:
        cap = cpu = None
        deadline = time.monotonic() + 10
        while "unlimited" in (cap, cpu) or cap is None:
            assert time.monotonic() < deadline, (cap, cpu)
            try:
                lines = Path(f"/proc/{pid}/limits").read_text().splitlines()
            except (FileNotFoundError, ProcessLookupError):
                raise AssertionError("the reader ended before it was seen capped") from None
            cap = next(line for line in lines if line.startswith("Max address space")).split()[3]
            cpu = next(line for line in lines if line.startswith("Max cpu time")).split()[3]
        limits = Settings.from_env({}).limits
        # what it held when it was capped (what it was forked with, and the modules a reader
        # imports) plus the limit
        assert held + limits.max_reader_memory <= int(cap) < held + limits.max_reader_memory + 256 * 1024**2
        assert cpu == str(int(limits.reader_timeout_s) + 10)
    finally:
        os.close(fd)
        forked.end(pid)
    assert _ended(pid)


def test_nothing_is_forked_beside_threads(tmp_path):
    path = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_correct())
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forked.fork(str(path)) is None  # forking beside a thread may copy a lock it holds
    finally:
        stop.set()
        other.join()


def test_the_command_s_end_of_the_pipe_waits_reads_and_sees_the_end():
    """_PipeReader as `_answers` uses it: a poll that waits at most its time (fractions of a
    second), each answer whole however the pipe cuts it, EOFError once the writer is gone."""
    read, write = os.pipe()
    reader, writer = isolated._PipeReader(read), isolated._PipeEnd(write)
    started = time.monotonic()
    assert reader.poll(0.05) is False and time.monotonic() - started < 1
    big = {"rows": [["Chỉ tiêu", 1.5, None]] * 30_000}  # larger than one read of the pipe
    sent = threading.Thread(target=writer.send, args=((None, big),))
    sent.start()
    assert reader.poll(5) and reader.recv() == (None, big)
    sent.join()
    writer.send((True, "xong"))
    os.close(write)
    assert reader.recv() == (True, "xong")
    with pytest.raises(EOFError):
        reader.recv()
    reader.close()


@pytest.fixture
def adopter():
    """This process adopts the orphans of the processes it starts (PR_SET_CHILD_SUBREAPER), so
    that a reader left behind by a command that has ended is seen as one of its children."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    try:
        yield lambda: _children_running()
    finally:
        libc.prctl(36, 0, 0, 0, 0)
        _reap()


def _children_running() -> list[int]:
    """This process's children that have not ended (zombies reaped)."""
    from tests.test_read_stream import _alive

    _reap()
    return [int(pid) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for pid in (task / "children").read_text().split() if _alive(int(pid))]


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


@pytest.mark.parametrize("extra", [["--help"], ["--format", "khong-co"], ["--form", "khong-co"]])
def test_a_command_that_ends_without_reading_leaves_no_reader(tmp_path, adopter, extra):
    """`validate FILE --help`, a wrong option or an unknown form: the command ends before it
    reads the file its reader was forked for; the reader ends with it (it went on reading a
    large file for seconds, its parent gone)."""
    import subprocess
    import sys

    path = forms_workbook(tmp_path / "lon.xlsx", [("bm7-ok", True)], data_rows=60_000)
    before = set(adopter())
    done = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(path), *extra], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode in (0, 2), done.stderr
    time.sleep(0.2)
    assert set(adopter()) - before == set()


def test_a_command_started_without_standard_streams_reads_its_file(tmp_path):
    """`egov-xl validate FILE <&- 2>&-`: the reader's pipe took the numbers 0 and 2, and the
    reader sent its answers to /dev/null with its error output (the file was "reader stopped").
    The command opens /dev/null on a closed standard stream first."""
    import json
    import subprocess
    import sys

    path = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    done = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(path), "--format", "json"],
                          stdout=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: (os.close(0), os.close(2)))
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert answer["files"][0].get("error") is None and answer["files"][0]["form"] == "bm7-2025"

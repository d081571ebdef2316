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

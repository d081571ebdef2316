"""Every file reader runs in a child process, so that its failure cannot hurt anyone else.

python-calamine (Rust) aborts the whole process when an allocation fails (SIGABRT: a 2 KB .xls
whose sector chain loops does that) and raises `PanicException`, a BaseException that passes
every `except Exception`; python-docx and lxml can take gigabytes. Here each read runs in a
worker of a process pool (pebble: a task that times out or whose worker dies fails alone, and
the pool starts a new worker) with an address-space limit (RLIMIT_AS, `max_reader_memory` above
what the worker starts with) and a time limit (`reader_timeout_s`). An abort, a panic, a
timeout or a MemoryError becomes the file's one sentence; the other files of a batch, and the
other clerks of a server, get their answers.

The pool is made once per process and reused, so the start-up is paid once; it is safe to call
from several threads at once. Workers are forked while the process has one thread (the CLI, a
test), otherwise started by a fork server (a web server runs threads). On Windows (no fork, no
RLIMIT_AS) workers are spawned and only the time limit and the isolation apply.
"""

from __future__ import annotations

import atexit
import faulthandler
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from ..settings import Limits
from ..sources.errors import ReadError, reason

_MIB = 1024 * 1024
_TASKS_PER_WORKER = 25  # a worker that read a large file gives its memory back when it is replaced
_lock = threading.Lock()
_pools: dict[tuple[int, int], ProcessPool] = {}


def run(func, path, limits: Limits, *args):
    """`func(path, limits, *args)` in a reader process: its result, or its ReadError raised
    here; a worker that dies, panics, runs out of memory or of time is the file's ReadError."""
    return submit(func, path, limits, *args)()


def submit(func, path, limits: Limits, *args):
    """Start `func(path, limits, *args)` in a reader process; the returned callable waits for
    it and answers as `run` does (the caller may do other work meanwhile)."""
    future = _pool(limits).schedule(_call, args=(func, path, limits, *args), timeout=limits.reader_timeout_s)
    return lambda: _outcome(future, path, limits)


def _outcome(future, path, limits: Limits):
    try:
        ok, value = future.result()
    except FutureTimeout:
        raise ReadError("reader_timeout", path=str(path), seconds=f"{limits.reader_timeout_s:,.0f}") from None
    except ProcessExpired:
        raise ReadError("reader_crashed", path=str(path), limit=_size(limits.max_reader_memory)) from None
    if ok:
        return value
    key, params = value
    raise ReadError(key, **params)


def _call(func, path, limits: Limits, *args):
    """Runs in the worker: (True, result) or (False, (key, params)) of the file's sentence."""
    try:
        return True, func(path, limits, *args)
    except ReadError as exc:
        return False, (exc.key, dict(exc.params))
    except MemoryError:
        return False, ("reader_memory", {"path": str(path), "limit": _size(limits.max_reader_memory)})
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - one file, one answer
        return False, ("file_failed", {"path": str(path), "reason": f"{type(exc).__name__}: {reason(exc)}"[:200]})
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException: a reader's bug on this file
        return False, ("reader_panic", {"path": str(path), "reason": reason(exc)})


def _pool(limits: Limits) -> ProcessPool:
    key = (limits.max_reader_memory, limits.reader_workers)
    with _lock:
        pool = _pools.get(key)
        if pool is None or not pool.active:
            pool = _pools[key] = ProcessPool(max_workers=limits.reader_workers, max_tasks=_TASKS_PER_WORKER,
                                             initializer=_confine, initargs=(limits.max_reader_memory,),
                                             context=_context())
        return pool


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "egov_xl.workbook.read"])
        return context
    return multiprocessing.get_context("spawn")


def _confine(memory: int) -> None:
    """In a new worker: cap its address space at what it has now plus `memory`, and send what
    readers print (xlrd's debugging lines, a native crash's report: English, for a developer)
    nowhere: the caller's output stays its own (JSON on stdout), the file's sentence says it."""
    faulthandler.disable()  # a test runner's, inherited by a forked worker
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        import resource
    except ImportError:  # Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + memory
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as stat:
            return int(stat.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _size(size: int) -> str:
    return f"{size / _MIB:,.0f} MiB"


@atexit.register
def _stop() -> None:
    with _lock:
        for pool in _pools.values():
            pool.stop()
        for pool in _pools.values():
            pool.join(timeout=5)
        _pools.clear()

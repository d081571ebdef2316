"""Every file reader runs in a child process, so that its failure cannot hurt anyone else.

python-calamine (Rust) aborts the whole process when an allocation fails (SIGABRT: a few-KB
.xls whose sector chain loops does that) and raises `PanicException`, a BaseException that
passes every `except Exception`; python-docx and lxml can take gigabytes. Here each read runs
in a reader process with an address-space limit (RLIMIT_AS: `max_reader_memory` above what the
process starts with) and a time limit (`reader_timeout_s`). An abort, a panic, a timeout or a
MemoryError becomes the file's one sentence; the other files of a batch, and the other clerks
of a server, get their answers.

The readers form a small pool (at most `reader_workers` at once, each reused for up to
`_TASKS_PER_WORKER` files, so the start-up is paid once), safe to call from several threads at
once. A reader that dies or runs out of time is killed and replaced; only its own file fails
(with concurrent.futures' pool a dead worker breaks every pending task, and pebble's import
costs about 100 ms of every command's start, asyncio included). Readers are forked while the
process has one thread (the CLI, a test), otherwise started by a fork server (a web server runs
threads). On Windows (no fork, no RLIMIT_AS) they are spawned and only the time limit and the
isolation apply.
"""

from __future__ import annotations

import atexit
import faulthandler
import importlib
import os
import threading
import time
from types import GeneratorType

from ..core.amounts import Amount, mib
from ..sources.errors import ReadError, reason
from .forked import end, widen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:
    from ..settings import Limits

_TASKS_PER_WORKER = 25  # a reader that read a large file gives its memory back when it is replaced
_lock = threading.Lock()
_pools: dict[tuple[int, int], "_Pool"] = {}
_in_reader = False  # set in a reader process: work it is given is already isolated
_prestarted: "_Worker | None" = None  # started by `prestart`, not yet taken
# this process's ends of its readers' pipes: a forked reader closes its copies, so that it reads
# the end of its tasks when this process is gone, however it ended (a kill, os._exit)
_parent_ends: list = []
_adopted: list = []  # forked readers (workbook/forked.py) not yet stopped


def run(func, path, limits: Limits, *args):
    """`func(path, limits, *args)` in a reader process: its result, or its ReadError raised
    here; a reader that dies, panics, runs out of memory or of time is the file's ReadError."""
    return submit(func, path, limits, *args)()


def submit(func, path, limits: Limits, *args):
    """Start `func(path, limits, *args)` in a reader process; the returned callable (to be
    called once) waits for it and answers as `run` does, so the caller may work meanwhile.
    (For a generator function, it answers with the generator's return value: see `stream`.)"""
    answers = stream(func, path, limits, *args)
    return lambda: _last(answers)


def stream(func, path, limits: Limits, *args):
    """Start `func(path, limits, *args)`, a generator function, in a reader process: the
    returned iterator gives what it yields as soon as the reader has sent it (each part is sent
    when yielded, so the caller works on one while the reader makes the next); its return value
    is the generator's. A reader that fails, dies or runs out of time at any point raises the
    file's ReadError from the iterator, after the parts already given: the caller keeps
    nothing of a file whose read did not finish. Leaving the iterator early stops the reader.
    Inside a reader (writing an annotated copy reads its source again) it runs right there: the
    reader is already confined, and a reader's process may not start processes of its own."""
    if _in_reader:
        return _inline(func, path, limits, *args)
    pool = _pool(limits)
    worker = pool.take()
    try:
        worker.tasks_out.send((os.getcwd(), func, path, limits, args))  # a relative path means what it means here
    except BaseException:
        pool.drop(worker)
        raise
    return _answers(pool, worker, path, limits)


def _inline(func, path, limits: Limits, *args):
    """In a reader: the work done right here, its parts and its result as `_answers` gives them."""
    made = func(path, limits, *args)
    if isinstance(made, GeneratorType):
        return (yield from made)
    return made


def _last(answers):
    """The return value of an `_answers` iterator, its parts passed over."""
    while True:
        try:
            next(answers)
        except StopIteration as stop:
            return stop.value


def _answers(pool: "_Pool", worker: "_Worker", path, limits: Limits):
    """The reader's parts, then its result (or the file's ReadError). The time limit runs from
    the first wait; the worker goes back to the pool only after a whole answer."""
    settled = False
    deadline = None
    try:
        while True:
            if deadline is None:
                deadline = time.monotonic() + limits.reader_timeout_s
            try:
                if not worker.conn.poll(max(deadline - time.monotonic(), 0)):
                    settled = True
                    pool.drop(worker)
                    raise ReadError("reader_timeout", path=str(path), seconds=Amount(round(limits.reader_timeout_s)))
                status, value = worker.conn.recv()
            except (EOFError, OSError):  # the reader died: an abort, a kill by the memory limit
                settled = True
                pool.drop(worker)
                raise ReadError("reader_crashed", path=str(path), limit=mib(limits.max_reader_memory)) from None
            if status is None:  # a part of a streamed answer
                yield value
                continue
            settled = True
            if status:
                pool.give(worker)
                return value
            key, params = value
            (pool.drop if key == "reader_memory" else pool.give)(worker)  # a reader that ran out starts afresh
            raise ReadError(key, **params)
    finally:
        if not settled:  # interrupted, or left early: the reader's answer would be out of step
            pool.drop(worker)


class _Worker:
    """One reader process and the pipe to it."""

    def __init__(self, context, memory: int | None, warm: tuple[str, ...] = ()) -> None:
        tasks_in, self.tasks_out = context.Pipe(duplex=False)
        self.conn, answers_out = context.Pipe(duplex=False)
        widen(self.conn.fileno())  # a reader streaming its sheets does not wait for the caller
        _parent_ends.extend((self.tasks_out, self.conn))
        self.process = context.Process(target=_serve, args=(tasks_in, answers_out, memory, warm), daemon=True,
                                       name="egov-reader")
        self.process.start()
        tasks_in.close()
        answers_out.close()
        self.tasks = 0

    def stop(self) -> None:
        _parent_ends[:] = [ours for ours in _parent_ends if ours is not self.tasks_out and ours is not self.conn]
        self.tasks_out.close()
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class _Pool:
    """At most `size` readers busy at once; idle ones wait for the next file."""

    def __init__(self, memory: int, size: int) -> None:
        self.memory, self.slots, self.idle = memory, threading.BoundedSemaphore(max(size, 1)), []
        self.guard = threading.Lock()

    def take(self) -> _Worker:
        self.slots.acquire()
        try:
            with self.guard:
                if self.idle:
                    return self.idle.pop()
            return _spare() or _Worker(_context(), self.memory)
        except BaseException:
            self.slots.release()
            raise

    def give(self, worker: _Worker) -> None:
        worker.tasks += 1
        if worker.tasks >= _TASKS_PER_WORKER:
            self.drop(worker)
            return
        with self.guard:
            self.idle.append(worker)
        self.slots.release()

    def drop(self, worker: _Worker) -> None:
        worker.stop()
        self.slots.release()

    def close(self) -> None:
        with self.guard:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.stop()


def prestart(warm: tuple[str, ...] = ()) -> None:
    """Start one reader now, before the caller knows its limits (a command's first
    milliseconds): it imports the modules `warm` names while the caller goes on, and the
    first file of any limits takes it; its address space is capped, as any reader's, when
    that first file comes (at what it holds then plus the limits' `max_reader_memory`)."""
    global _prestarted
    with _lock:
        if _prestarted is None:
            _prestarted = _Worker(_context(), None, warm)


def serve_once(write: int, path: str) -> None:
    """In a reader forked by workbook/forked.py: `path` read as `read.start_reading` reads it,
    with the settings' limits (the command's own, from the same environment), its parts and
    its answer sent down `write` as a pool's reader sends them."""
    global _in_reader
    _in_reader = True
    from pathlib import Path

    from ..settings import Limits
    from .read import _read

    limits = Limits.from_env(os.environ)  # the limits alone: the rest of the settings is the command's
    _confine(limits.max_reader_memory)
    _cpu_bound(limits.reader_timeout_s)
    sending = _PipeEnd(write)
    sending.send(_call(sending, _read, Path(path), limits))


def _cpu_bound(seconds: float) -> None:
    """RLIMIT_CPU for a reader of one file: past its time limit and a margin, the system ends it
    even when nobody waits for it any more (its command killed while it read)."""
    _set_soft("RLIMIT_CPU", int(seconds) + 10)


def adopt(pid: int, fd: int, path, limits: Limits):
    """The answers of the reader workbook/forked.py forked for `path`, as `stream` gives a
    pool reader's (the time limit, a death, a panic: the file's sentence)."""
    return _answers(_ONCE, _Forked(pid, fd), path, limits)


class _PipeEnd:
    """A forked reader's end of its pipe: each answer pickled, after its length (8 bytes)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, answer) -> None:
        import pickle

        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(8, "big") + data)
        while view:
            view = view[os.write(self.fd, view):]


class _PipeReader:
    """The command's end of a forked reader's pipe, as `_answers` reads a pool's connection
    (poll, recv; EOFError once the reader is gone), without multiprocessing."""

    def __init__(self, fd: int) -> None:
        import select

        self.fd, self.waiting = fd, select.poll()
        self.waiting.register(fd, select.POLLIN)

    def poll(self, seconds: float) -> bool:
        return bool(self.waiting.poll(seconds * 1000))

    def recv(self):
        import pickle

        size = int.from_bytes(self._exactly(8), "big")
        return pickle.loads(self._exactly(size))

    def _exactly(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the reader is gone")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class _Forked:
    """The command's side of a forked reader, as `_answers` uses a pool's worker. Until it is
    stopped it is in `_adopted`: a command that ends without reading it (`validate FILE
    --help`, a wrong option, Ctrl-C) stops it at exit (`_stop`)."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.conn = pid, _PipeReader(fd)
        with _lock:
            _adopted.append(self)

    def stop(self) -> None:
        with _lock:
            if self in _adopted:
                _adopted.remove(self)
        self.conn.close()
        end(self.pid)


class _Once:
    """A forked reader read its one file: given back or dropped, it ends."""

    def give(self, worker: _Forked) -> None:
        worker.stop()

    drop = give


_ONCE = _Once()


def _spare() -> _Worker | None:
    """The reader `prestart` started, once (an idle pool's next reader)."""
    global _prestarted
    with _lock:
        worker, _prestarted = _prestarted, None
    return worker


def _serve(tasks, answers, memory: int | None, warm: tuple[str, ...] = ()) -> None:
    """The reader process: one task at a time until the pipe closes. A reader started before
    its limits were known (`prestart`) is capped when its first task brings them."""
    global _in_reader
    _in_reader = True
    for copy in _parent_ends:  # a forked reader's copies of the parent's ends (none when spawned)
        copy.close()
    _parent_ends.clear()
    _confine(memory)
    for module in warm:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - the task imports what it needs and says what is wrong
            pass
    while True:
        try:
            folder, func, path, limits, args = tasks.recv()
        except (EOFError, OSError):
            return
        if memory is None:
            memory = limits.max_reader_memory
            _cap(memory)
        try:
            os.chdir(folder)
        except OSError as exc:
            answers.send((False, ("file_unreadable", {"path": str(path), "reason": reason(exc)})))
            continue
        answers.send(_call(answers, func, path, limits, *args))


def _parts(answers, generator):
    """Send what a generator yields, each part as soon as it is made; its return value."""
    while True:
        try:
            part = next(generator)
        except StopIteration as stop:
            return stop.value
        answers.send((None, part))


def _call(answers, func, path, limits: Limits, *args):
    """Runs in the worker: (True, result) or (False, (key, params)) of the file's sentence;
    a generator function's parts are sent on the way (`stream`)."""
    try:
        result = func(path, limits, *args)
        if isinstance(result, GeneratorType):
            result = _parts(answers, result)
        return True, result
    except ReadError as exc:
        return False, (exc.key, dict(exc.params))
    except MemoryError:
        return False, ("reader_memory", {"path": str(path), "limit": mib(limits.max_reader_memory)})
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - one file, one answer
        return False, ("file_failed", {"path": str(path), "reason": f"{type(exc).__name__}: {reason(exc)}"[:200]})
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException: a reader's bug on this file
        return False, ("reader_panic", {"path": str(path), "reason": reason(exc)})


def _pool(limits: Limits) -> _Pool:
    key = (limits.max_reader_memory, limits.reader_workers)
    with _lock:
        if key not in _pools:
            _pools[key] = _Pool(limits.max_reader_memory, limits.reader_workers)
        return _pools[key]


def _context():
    import multiprocessing  # here: a reader forked by workbook/forked.py needs none of it

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, "egov_xl.workbook.read"])
        return context
    return multiprocessing.get_context("spawn")


def _confine(memory: int | None) -> None:
    """In a new worker: cap its address space at what it has now plus `memory` (None: later,
    `_cap`), and send what readers print (xlrd's debugging lines, a native crash's report:
    English, for a developer) nowhere: the caller's output stays its own (JSON on stdout), the
    file's sentence says it."""
    faulthandler.disable()  # a test runner's, inherited by a forked worker
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    if memory is not None:
        _cap(memory)


# what a reader's thread parsing its largest sheet (sources/calamine_book.py `Beside`) reserves
# beyond the file's own needs: its stack (8 MiB) and the C allocator's arena for it (64 MiB,
# aligned by reserving twice that at first): address space, not memory the file may use
PARSE_THREAD_ROOM = 144 * 1024 * 1024


def _cap(memory: int) -> None:
    """RLIMIT_AS: the address space this process holds now plus `memory`, and room for the
    thread a reader may parse a sheet in."""
    _set_soft("RLIMIT_AS", _address_space() + memory + PARSE_THREAD_ROOM)


def _set_soft(which: str, soft: int) -> None:
    """The soft limit `which` (a name of resource's RLIMIT_*) set to `soft`, at most the hard
    one; nothing where there is no such limit (Windows has no resource module, macOS does not
    bound the address space)."""
    try:
        import resource
    except ImportError:
        return
    limit = getattr(resource, which)
    _, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(limit, (soft, hard))
    except (ValueError, OSError):
        pass


def _address_space() -> int:
    """Bytes of address space this process holds now (Linux; 0 where /proc does not say)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stat:
            return int(stat.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


@atexit.register
def _stop() -> None:
    with _lock:
        pools, forked = list(_pools.values()), list(_adopted)
    for reader in forked:
        reader.stop()
    for pool in pools:
        pool.close()
    spare = _spare()
    if spare is not None:
        spare.stop()

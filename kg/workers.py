"""Parse files where a runaway can be stopped (issue 17) and on every core (issue 16).

`parse_guarded` parses one file in this process under the limits that apply here. `ParsePool` runs it
in worker processes: each worker's address space is capped (max_memory_mb), each file has an alarm
(max_seconds) and, should the worker not answer soon after, the worker is killed and replaced. A
worker that dies (a crash in a C library, the kernel's OOM killer) fails its file only. Results come
back in input order whatever order they finish in, so a batch parsed with any number of workers is
the same batch.

Workers are forked from a forkserver that has already imported the parser and loaded the gazetteer
(kg._preload), so a worker starts in milliseconds, not seconds, and never inherits the parent's
threads (an open store's).
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import multiprocessing
import os
import signal
import sys
import time
import types
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, Iterator, Optional

from kg.errors import Advice, InputError, KgError
from kg.gc_pause import gc_paused
from kg.limits import DEFAULT, Limits, ParseTimeout, cap_memory, memory_error, read_limited, \
    time_limit, timeout_error

PIPELINE = 2  # files handed to a worker at a time: the next is ready when one is sent back
_GRACE = 10.0  # seconds past max_seconds before a worker whose alarm did not stop it is killed


@dataclass
class Outcome:
    """What parsing one file gave: the Parsed document, or the error and the limit it passed (if any)."""

    parsed: Optional[Any] = None  # kg.loaders.document.Parsed
    error: Optional[str] = None
    limit: Optional[str] = None


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_guarded(path: Path, limits: Limits = DEFAULT, capped: bool = False) -> Outcome:
    """Parse one file under `limits` (all but max_memory_mb, which a worker sets on itself: `capped`);
    every failure is an Outcome naming the file, never an exception."""
    try:
        with time_limit(limits.max_seconds):
            return Outcome(parsed=_parse(Path(path), limits))
    except ParseTimeout:
        return _failed(timeout_error(str(path), limits))
    except InputError as e:
        return _failed(e)
    except MemoryError:
        if capped:
            return _failed(memory_error(str(path), limits))
        return Outcome(error=f"{path}: ran out of memory while parsing — parse it in worker processes (jobs 2 or "
                             "more), where max_memory_mb bounds each file")
    except Exception as e:  # a parser bug must not sink the batch: report it against the file
        return Outcome(error=f"{path}: internal error while parsing: {type(e).__name__}: {e}")


def _failed(e: InputError) -> Outcome:
    return Outcome(error=str(e), limit=getattr(e, "limit", None))


def _parse(p: Path, limits: Limits) -> Any:
    """kg.loaders.parse_path, with the file read under max_file_mb and the reader under `limits`."""
    from kg.loaders.document import parse_text
    from kg.loaders.formats import read_document

    data = read_limited(p, limits)
    got = read_document(p, data, limits)
    parsed = parse_text(got.text, p.name, sha256=hashlib.sha256(data).hexdigest(), encoding=got.encoding,
                        fmt=got.format, grids=got.tables)
    if got.note:
        parsed.warnings.append(f"{p.name}: {got.note}")
    return parsed


def warm() -> None:
    """Load what every parse needs (imports, the gazetteer): done once in the forkserver."""
    import importlib

    for name in ("kg.loaders.document", "kg.loaders.formats", "lxml.html", "pypdfium2", "docx", "openpyxl", "olefile", "xlrd"):
        importlib.import_module(name)
    from kg.loaders.gazetteer import locate

    locate("北京市")


def _serve(conn: Any, limits: Limits) -> None:
    """A worker: parse each (task id, path) received, send back (task id, Outcome); None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    cap = cap_memory(limits)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        tid, path = task
        try:
            outcome = parse_guarded(Path(path), limits, capped=cap is not None)
        except MemoryError:
            outcome = _failed(memory_error(path, limits))
        if outcome.parsed is None and outcome.limit is None and cap and _peak_address_space() >= 0.9 * cap:
            # a C library that could not allocate says so in its own words ("corrupt DOCX: XMLSyntaxError …")
            outcome = _failed(memory_error(path, limits))
        try:
            conn.send((tid, outcome))
        except MemoryError:  # the result itself did not fit
            conn.send((tid, _failed(memory_error(path, limits))))


def _receive(conn: Any) -> Any:
    """One message, unpickled with the garbage collector off: a parsed graph is thousands of new objects
    without a cycle among them, and collections triggered while they arrive would rescan everything the
    parent holds (3-5 times the cost of the unpickling itself, measured)."""
    with gc_paused():
        return conn.recv()


def _peak_address_space() -> int:
    """The most address space this process has held (VmPeak, Linux), 0 where unknown."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """While a worker starts: hide the caller's __main__, which multiprocessing would otherwise import again
    in the worker (a script without an `if __name__ == "__main__":` guard would run again there). A worker
    runs kg code only."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@dataclass
class _Worker:
    process: Any
    conn: Any
    tasks: deque = field(default_factory=deque)  # (task id, path) sent, oldest first
    since: float = 0.0  # when the oldest task started (sent to an idle worker, or its predecessor came back)


class ParsePool:
    """`jobs` worker processes parsing files under `limits`; `parse(files)` yields (index, Outcome) in input order."""

    def __init__(self, jobs: int, limits: Limits = DEFAULT) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits
        self._ctx: Any
        if "forkserver" in multiprocessing.get_all_start_methods():
            self._ctx = multiprocessing.get_context("forkserver")
            self._ctx.set_forkserver_preload(["kg._preload"])
        else:  # Windows: each worker imports what it needs itself
            self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._ids = itertools.count()
        self._todo: deque = deque()  # (task id, path) not handed out yet
        self._unproven = 0  # workers started since a result last came back

    def __enter__(self) -> "ParsePool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def parse(self, files: list[Path]) -> Iterator[tuple[int, Outcome]]:
        """Parse `files`; yield (index in files, Outcome) in input order."""
        index: dict[int, int] = {}
        self._todo.clear()  # what an abandoned earlier call left is dropped
        for i, f in enumerate(files):
            tid = next(self._ids)
            index[tid] = i
            self._todo.append((tid, str(f)))
        done: dict[int, Outcome] = {}
        for i in range(len(files)):
            while i not in done:
                self._hand_out()
                for tid, outcome in self._collect():
                    if tid in index:  # not a task of an earlier, abandoned call
                        done[index.pop(tid)] = outcome
            yield i, done.pop(i)

    def _hand_out(self) -> None:
        """A file to each idle worker, starting workers (up to jobs) while files remain; then one more to
        each, up to PIPELINE, so that a worker never waits for the parent between two files."""
        for depth in range(1, PIPELINE + 1):
            for w in list(self._workers):
                if self._todo and len(w.tasks) < depth:
                    self._send(w)
            while depth == 1 and self._todo and len(self._workers) < self.jobs:
                self._start()
                self._send(self._workers[-1])

    def _send(self, w: _Worker) -> None:
        if not w.tasks:
            w.since = time.monotonic()
        task = self._todo.popleft()
        w.tasks.append(task)
        try:
            w.conn.send(task)
        except OSError:  # it died since: its files go back to the queue
            self._end(w)

    def _start(self) -> None:
        self._unproven += 1
        if self._unproven > self.jobs + 3:  # every new worker dies before it reads a file
            raise KgError("parse worker processes die as they start; parse in this process instead",
                          advice=Advice("jobs", ("1",)))
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self.limits), daemon=True, name="kg-parse")
        with _without_main():
            proc.start()
        child.close()
        self._workers.append(_Worker(proc, parent))

    def _deadline(self, w: _Worker) -> Optional[float]:
        limit = self.limits.max_seconds
        return w.since + limit + max(_GRACE, limit / 4) if limit else None

    def _collect(self) -> list[tuple[int, Outcome]]:
        """Wait for results, a worker's death or a deadline; return what came back as (task id, Outcome)."""
        busy = [w for w in self._workers if w.tasks]
        if not busy:
            return []
        deadlines = [d for w in busy if (d := self._deadline(w)) is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        out: list[tuple[int, Outcome]] = []
        for w in busy:
            died = w.process.sentinel in ready
            spent = False  # it ran out of memory: it may be damaged, a fresh one takes its other files
            if w.conn in ready or died:
                try:
                    while w.tasks and w.conn.poll():
                        tid, outcome = _receive(w.conn)
                        self._unproven = 0
                        out.append((tid, outcome))
                        w.tasks.popleft()
                        w.since = time.monotonic()
                        if outcome.limit == "max_memory_mb":
                            spent = True
                            break
                except (EOFError, OSError):
                    died = True
            if died and w.tasks:  # the file it was parsing is the first it had not sent back
                out.append(self._fail_first(w, self._death(w)))
            if died or spent:
                self._end(w)
            elif w.tasks and time.monotonic() >= (self._deadline(w) or float("inf")):
                out.append(self._fail_first(w, None))
                self._end(w)
        return out

    def _death(self, w: _Worker) -> str:
        w.process.join(5)
        code = w.process.exitcode
        if code is None:
            return "the parser process stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            return f"the parser process was killed by {name}" + (
                " (out of memory? the system's OOM killer sends it)" if name == "SIGKILL" else "")
        return f"the parser process exited with status {code}"

    def _fail_first(self, w: _Worker, why: Optional[str]) -> tuple[int, Outcome]:
        """The Outcome of the worker's current file: timed out (`why` None), or lost with the worker."""
        tid, path = w.tasks.popleft()
        if why is None:
            return tid, _failed(timeout_error(path, self.limits))
        return tid, Outcome(error=f"{path}: internal error while parsing: {why}")

    def _end(self, w: _Worker) -> None:
        """Stop a worker; the files it still held go back to the front of the queue."""
        self._todo.extendleft(reversed(w.tasks))
        w.tasks.clear()
        if w.process.is_alive():
            w.process.kill()
        w.process.join(5)
        w.conn.close()
        self._workers.remove(w)

    def close(self) -> None:
        """Stop every worker: ask first, kill those still busy."""
        for w in self._workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        end = time.monotonic() + 2
        for w in self._workers:
            if w.tasks:
                w.process.kill()
            w.process.join(max(0.0, end - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1)
            w.conn.close()
        self._workers = []
        self._todo.clear()

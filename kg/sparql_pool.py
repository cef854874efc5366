"""SPARQL queries in worker processes, so that one past its time limit (or whose client left) is killed.

Why processes: pyoxigraph has no cancellation.  Measured here (pyoxigraph 0.5.13): a COUNT over a
cartesian product spends its whole 1.3 s inside ``Store.query()`` before the first row exists, so a
thread that checks a deadline between rows never gets the chance; the GIL is released meanwhile
(the server stays responsive) but the CPU burns until the engine finishes — hours, for a hostile
query.  A process can be killed.  Costs measured: a reply through a worker adds about 1 ms; a fork
costs 2–3 ms for the seed store and 57 ms for an in-memory store of 1M quads (page tables), paid
once per worker, not per query.

Layout: at start the server forks one *zygote* (single-threaded; it holds the store, in memory by
copy-on-write, or the folder's path).  Workers are forked from the zygote on demand — never from
the multi-threaded server — and talk to the server over a socketpair; the zygote hands the server
each worker's socket and a pidfd (kill without pid-reuse races).  The zygote and its workers run
under :func:`kg.sandbox.deny_network_and_writes` (no network socket, no file opened for writing):
the second line behind the guard.  When the server goes, the zygote sees EOF and exits, and its
workers die with it (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import stat
import struct
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Optional

import pyoxigraph as ox

from kg.errors import KgError
from kg.sandbox import deny_network_and_writes
from kg.sparql import Reply, answer
from kg.sparql_guard import guard

_HEAD = struct.Struct("!IQ")
_PR_SET_PDEATHSIG = 1


class QueryStopped(KgError):
    """A query that got no answer: ``reason`` is ``timeout``, ``client`` (it left), ``busy`` or ``died``."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Framing: a header (JSON) and a body (bytes)
# --------------------------------------------------------------------------------------------

def _send(sock: socket.socket, header: dict, body: bytes = b"") -> None:
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    sock.sendall(_HEAD.pack(len(head), len(body)) + head)
    if body:
        sock.sendall(body)


def _recv_exact(sock: socket.socket, n: int) -> Optional[bytearray]:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            return None
        got += k
    return buf


def _recv(sock: socket.socket) -> Optional[tuple[dict, bytes]]:
    head = _recv_exact(sock, _HEAD.size)
    if head is None:
        return None
    hlen, blen = _HEAD.unpack(head)
    header = _recv_exact(sock, hlen)
    body = _recv_exact(sock, blen) if blen else bytearray()
    if header is None or body is None:
        return None
    return json.loads(header), bytes(body)


# --------------------------------------------------------------------------------------------
# The zygote and the workers (child processes)
# --------------------------------------------------------------------------------------------

def _drop_inherited(keep: set[int]) -> None:
    """Point inherited sockets and pipes at /dev/null: a client connection or a listening socket of
    the server must not stay open in a child (the client would wait for EOF; the port would stay
    bound).  dup2, not close: Python objects that own those numbers may still close them later."""
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd <= 2 or fd in keep or fd == null:
                continue
            try:
                mode = os.fstat(fd).st_mode
            except OSError:
                continue
            if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode):
                os.dup2(null, fd)
    finally:
        os.close(null)


def _worker(sock: socket.socket, store: Optional[ox.Store], path: Optional[str], zygote: int) -> None:
    libc = ctypes.CDLL(None)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != zygote:
        return
    if path is not None:
        store = ox.Store.read_only(path)
    assert store is not None
    while True:
        msg = _recv(sock)
        if msg is None:
            return
        req, _ = msg
        try:
            reply = answer(store, req["query"], req.get("accept", ""), req.get("default_graph"),
                           req.get("named_graphs"))
        except BaseException as e:  # the worker must answer whatever happens
            reply = Reply.text(500, f"SPARQL evaluation failed: {type(e).__name__}: {e}")
        _send(sock, {"status": reply.status, "ctype": reply.ctype}, reply.body)


def _zygote(ctl: socket.socket, store: Optional[ox.Store], path: Optional[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server decides
    _drop_inherited({ctl.fileno()})
    deny_network_and_writes()
    guard("ASK {}")  # import rdflib and build its grammar here, once for every worker (about 1 s)
    me = os.getpid()
    while True:
        ready, _, _ = select.select([ctl], [], [], 1.0)
        _reap()
        if not ready:
            continue
        wanted = ctl.recv(64)
        if not wanted:
            return
        for _ in wanted:
            _spawn(ctl, store, path, me)


def _reap() -> None:
    """Collect the workers that have finished (no zombies), without waiting."""
    while True:  # reap finished workers
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break


def _spawn(ctl: socket.socket, store: Optional[ox.Store], path: Optional[str], me: int) -> None:
    """Fork one worker; send the server its pid, its socket and (where the OS has them) a pidfd."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            ctl.close()
            ours.close()
            _worker(theirs, store, path, me)
        finally:
            os._exit(0)
    theirs.close()
    fds = [ours.fileno()]
    pidfd = -1
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
            fds.append(pidfd)
        except OSError:
            pidfd = -1
    socket.send_fds(ctl, [struct.pack("!i", pid)], fds)
    ours.close()
    if pidfd >= 0:
        os.close(pidfd)


# --------------------------------------------------------------------------------------------
# The pool (in the server)
# --------------------------------------------------------------------------------------------

@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    pidfd: Optional[int]


class QueryPool:
    """Up to ``size`` worker processes answering :func:`kg.sparql.answer` requests, each under a deadline.

    ``store`` (in memory: shared with the workers by fork) or ``path`` (a folder each worker opens
    read-only).
    """

    def __init__(self, store: Optional[ox.Store] = None, path: Optional[str] = None, size: int = 4) -> None:
        if (store is None) == (path is None):
            raise ValueError("give a store or a path")
        self.size = max(1, size)
        ours, theirs = socket.socketpair()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the child only forks
            pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote(theirs, store, path)
            finally:
                os._exit(0)
        theirs.close()
        self._ctl = ours
        self._zygote = pid
        self._ctl_lock = threading.Lock()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._live: dict[int, _Worker] = {}
        self._count = 0
        self._closed = False

    # -- workers
    def _spawn(self) -> _Worker:
        with self._ctl_lock:
            try:
                self._ctl.sendall(b"S")
                msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 16, 2)
            except OSError as e:
                raise QueryStopped("died", f"the query workers cannot be started ({e})") from None
        if not msg or not fds:
            raise QueryStopped("died", "the query workers stopped; restart the endpoint")
        pid = struct.unpack("!i", msg[:4])[0]
        w = _Worker(pid, socket.socket(fileno=fds[0]), fds[1] if len(fds) > 1 else None)
        with self._cond:
            self._live[pid] = w
        return w

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise QueryStopped("died", "the endpoint is shutting down")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryStopped("busy", f"all {self.size} query workers are busy; try again shortly")
                self._cond.wait(remaining)
        try:
            return self._spawn()
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, w: _Worker) -> None:
        with self._cond:
            closed = self._closed
            if not closed:
                self._idle.append(w)
                self._cond.notify()
        if closed:
            self._kill(w)

    def _kill(self, w: _Worker) -> None:
        try:
            if w.pidfd is not None:
                signal.pidfd_send_signal(w.pidfd, signal.SIGKILL)
            else:
                os.kill(w.pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
        w.sock.close()
        if w.pidfd is not None:
            os.close(w.pidfd)
        with self._cond:
            self._live.pop(w.pid, None)
            self._count -= 1
            self._cond.notify()

    # -- queries
    def run(self, request: dict[str, Any], timeout: float, client: Optional[socket.socket] = None) -> Reply:
        """The worker's reply, or :class:`QueryStopped` (the worker is killed) when ``timeout`` seconds
        pass or ``client`` closes its connection first."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        ok = False
        try:
            worker.sock.settimeout(max(0.01, deadline - time.monotonic()))
            _send(worker.sock, request)
            self._wait(worker.sock, deadline, timeout, client)
            worker.sock.settimeout(max(0.01, deadline - time.monotonic()))
            msg = _recv(worker.sock)
            if msg is None:
                raise QueryStopped("died", "the query stopped its worker process (the engine crashed on it)")
            header, body = msg
            ok = True
            return Reply(int(header["status"]), str(header["ctype"]), body)
        except (socket.timeout, TimeoutError):
            raise QueryStopped("timeout", _timeout_message(timeout)) from None
        except (BrokenPipeError, ConnectionResetError):
            raise QueryStopped("died", "the query stopped its worker process (the engine crashed on it)") from None
        finally:
            if ok:
                self._release(worker)
            else:
                self._kill(worker)

    @staticmethod
    def _wait(sock: socket.socket, deadline: float, timeout: float, client: Optional[socket.socket]) -> None:
        """Until the worker has something to say; stop at the deadline or when the client has gone."""
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        if client is not None:
            poller.register(client, select.POLLIN)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryStopped("timeout", _timeout_message(timeout))
            for fd, _event in poller.poll(min(remaining, 1.0) * 1000):
                if fd == sock.fileno():
                    return
                assert client is not None
                try:
                    data = client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    raise QueryStopped("client", "the client closed its connection") from None
                if not data:
                    raise QueryStopped("client", "the client closed its connection")
                poller.unregister(client)  # it sent more (a pipelined request): still there

    def close(self) -> None:
        """Stop the workers and the zygote."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
        for w in idle:
            self._kill(w)
        self._ctl.close()
        end = time.monotonic() + 2
        while time.monotonic() < end:
            try:
                pid, _ = os.waitpid(self._zygote, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                return
            time.sleep(0.02)
        try:
            os.kill(self._zygote, signal.SIGKILL)
            os.waitpid(self._zygote, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    @property
    def processes(self) -> int:
        """Worker processes alive now (idle or busy)."""
        with self._cond:
            return self._count

    def pids(self) -> list[int]:
        """Process ids of the workers alive now."""
        with self._cond:
            return sorted(self._live)


def _timeout_message(timeout: float) -> str:
    return (f"the query ran past the endpoint's time limit of {timeout:g} s and was stopped; narrow it "
            f"(a more selective pattern, LIMIT) or ask for a longer limit")


__all__ = ["QueryPool", "QueryStopped"]

"""A process that cannot open a network socket or a file for writing (Linux seccomp), for query workers.

pyoxigraph has no switch to turn federation off (``Store.query`` takes no service handler and the
wheel is built with its HTTP client), so behind the SPARQL guard the worker processes that run
queries install this filter: ``socket()`` of any family but AF_UNIX, ``io_uring_setup`` and opens
that could create or change a file fail with EACCES.  It is irreversible and inherited by children;
call it only in a process made to run queries.  Where seccomp is unavailable it returns False and
the guard remains the only line.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import struct

# Per architecture: audit arch, and syscall numbers of socket, io_uring_setup, open, openat, openat2, creat.
_ARCH = {
    "x86_64": (0xC000003E, {"socket": 41, "io_uring_setup": 425, "open": 2, "openat": 257, "openat2": 437,
                            "creat": 85}),
    "aarch64": (0xC00000B7, {"socket": 198, "io_uring_setup": 425, "openat": 56, "openat2": 437}),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000 | errno.EACCES
_SECCOMP_MODE_FILTER = 2
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22


def _assemble(prog: list[tuple]) -> bytes:
    """BPF from ``(op, k)`` / ``(op, k, jump-if-true-label, jump-if-false-label)`` / ``("label", name)``."""
    labels, pc = {}, 0
    for ins in prog:
        if ins[0] == "label":
            labels[ins[1]] = pc
        else:
            pc += 1
    out, pc = [], 0
    for ins in prog:
        if ins[0] == "label":
            continue
        op, k = ins[0], ins[1]
        jt = labels[ins[2]] - pc - 1 if len(ins) > 2 and ins[2] else 0
        jf = labels[ins[3]] - pc - 1 if len(ins) > 3 and ins[3] else 0
        out.append(struct.pack("HBBI", op, jt, jf, k & 0xFFFFFFFF))
        pc += 1
    return b"".join(out)


def _program(arch: int, nr: dict[str, int]) -> bytes:
    """seccomp_data: nr at offset 0, arch at 4, args[i] at 16 + 8i (low word first, little-endian)."""
    p: list[tuple] = [
        (_LD_W_ABS, 4), (_JEQ_K, arch, "native", "deny"), ("label", "native"),
        (_LD_W_ABS, 0), (_JGE_K, 0x40000000, "deny", "socket"),  # x32 ABI numbers
        ("label", "socket"), (_JEQ_K, nr["socket"], "socket_args", "uring"),
        ("label", "socket_args"), (_LD_W_ABS, 16), (_JEQ_K, 1, "allow", "deny"),  # AF_UNIX only
        ("label", "uring"), (_JEQ_K, nr["io_uring_setup"], "deny", "openat2"),
        # openat2 passes its flags in a struct the filter cannot read: ENOSYS makes libc fall back to openat
        ("label", "openat2"), (_JEQ_K, nr["openat2"], "enosys", "creat"),
        ("label", "creat"), (_JEQ_K, nr.get("creat", 0xFFFFFFF), "deny", "open"),
        ("label", "open"), (_JEQ_K, nr.get("open", 0xFFFFFFF), "open_args", "openat"),
        ("label", "open_args"), (_LD_W_ABS, 16 + 8), (_JSET_K, _WRITE_FLAGS, "deny", "allow"),
        ("label", "openat"), (_JEQ_K, nr["openat"], "openat_args", "allow"),
        ("label", "openat_args"), (_LD_W_ABS, 16 + 16), (_JSET_K, _WRITE_FLAGS, "deny", "allow"),
        ("label", "allow"), (_RET_K, _ALLOW),
        ("label", "deny"), (_RET_K, _ERRNO),
        ("label", "enosys"), (_RET_K, 0x00050000 | errno.ENOSYS),
    ]
    return _assemble(p)


def deny_network_and_writes() -> bool:
    """Install the filter in this process (and its future children). True when installed."""
    machine = platform.machine()
    if os.name != "posix" or machine not in _ARCH or platform.system() != "Linux":
        return False
    arch, nr = _ARCH[machine]
    code = _program(arch, nr)
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buf = ctypes.create_string_buffer(code, len(code))
    prog = SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0


__all__ = ["deny_network_and_writes"]

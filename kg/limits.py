"""What one input file may cost, and the guards that hold it to that.

A policy document is a few MB and a few hundred pages at most. A hostile or broken file — a zip bomb,
a PDF whose page tree claims a million pages, a 200 MB text dump — must fail alone and fast, with a
reason that names the limit it passed and the setting that raises it, while the rest of the batch
loads (issue 17). Library errors name the setting (`max_file_mb`); the CLI shows its option
(`kg build --max-file-mb`) through `for_cli`. A setting of 0 turns its limit off.

Where each limit is enforced:
- max_file_mb      before a byte is read (read_limited), for every format
- max_unpacked_mb  DOCX / XLSX: the bytes the zip package unpacks to, counted while streaming
- max_inflation    DOCX / XLSX: unpacked / packed bytes of one member (zip bombs), checked before and while streaming
- max_pdf_pages    PDF: the page count, before any page is read
- max_seconds      per file: an alarm in the process that parses (also in-process with jobs=1, on the
                   main thread), and a hard kill of a worker that does not answer soon after
- max_memory_mb    per worker process (RLIMIT_AS): only when parsing in worker processes (jobs >= 2)
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Optional

from kg.errors import InputError

MB = 2**20


@dataclass(frozen=True)
class Limits:
    """Per-file limits (0 = no limit). The defaults leave real plans far inside (the seed plans are under
    1 MB and parse in well under a second) and stop each hostile file of issue 17 within seconds."""

    max_file_mb: float = 100  # a 200 MB text file took 5.3 GB
    max_unpacked_mb: float = 100  # 100 MB of DOCX XML is about 1.3 GB once parsed
    max_inflation: float = 100  # Word and Excel XML packs 5-20 times; the 330 MB bomb packed 295 times
    max_pdf_pages: int = 2000  # ruled tables are looked for on the first 1000 (formats.pdf._TABLE_PAGES)
    max_seconds: float = 60
    max_memory_mb: float = 4096  # address space: a worker starts at about 220 MB

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DEFAULT = Limits()
LIMIT_NAMES = tuple(DEFAULT.as_dict())
UNITS = {"max_file_mb": "MB", "max_unpacked_mb": "MB", "max_inflation": "times", "max_pdf_pages": "pages",
         "max_seconds": "s", "max_memory_mb": "MB"}
HELP = {
    "max_file_mb": "Refuse a file larger than this many MB.",
    "max_unpacked_mb": "Refuse a DOCX/XLSX that unpacks to more than this many MB.",
    "max_inflation": "Refuse a DOCX/XLSX part that unpacks to more than this many times its packed size (zip bombs).",
    "max_pdf_pages": "Refuse a PDF with more pages than this.",
    "max_seconds": "Stop parsing a file after this many seconds.",
    "max_memory_mb": "Stop a parse worker that needs more than this many MB of address space (with --jobs 2 or more).",
}


class LimitExceeded(InputError):
    """A file that passed one of the Limits: `limit` is the setting's name (max_file_mb …)."""

    def __init__(self, file: str, what: str, limit: str, value: float, advice: str):
        self.limit = limit
        super().__init__(file, f"{what}, over the limit of {value:,g} {UNITS[limit]} ({limit})",
                         fix=f"{advice}, or raise {limit}")


class ParseTimeout(BaseException):
    """Raised by the alarm of `time_limit`. A BaseException so that no `except Exception` in a reader
    mistakes it for a damaged file."""


def option(limit: str) -> str:
    """The CLI option of a setting: max_file_mb → --max-file-mb."""
    return "--" + limit.replace("_", "-")


_NAMES = re.compile(r"\b(" + "|".join(LIMIT_NAMES) + r")\b")


def for_cli(message: str, command: str) -> str:
    """An error as the CLI shows it: "raise max_file_mb" → "raise it with kg build --max-file-mb"."""
    message = re.sub(r"\braise (" + "|".join(LIMIT_NAMES) + r")\b",
                     lambda m: f"raise it with kg {command} {option(m.group(1))}", message)
    message = re.sub(r"\(jobs (\d+) or more\)", r"(--jobs \1 or more)", message)
    return _NAMES.sub(lambda m: option(m.group(1)), message)


def read_limited(path: str | Path, limits: Limits = DEFAULT) -> bytes:
    """The bytes of a file, refused (before reading) when larger than max_file_mb. Reads at most one
    byte past the limit, so a file that grows, or a device such as /dev/zero, stops there too."""
    cap = int(limits.max_file_mb * MB) if limits.max_file_mb else None
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if cap is not None and size > cap:
                raise _too_large(path, size, limits)
            data = fh.read() if cap is None else fh.read(cap + 1)
    except OSError as e:
        raise InputError(str(path), f"cannot read file: {e.strerror or e}") from None
    if cap is not None and len(data) > cap:
        raise _too_large(path, len(data), limits, more=True)
    return data


def _too_large(path: str | Path, size: int, limits: Limits, more: bool = False) -> LimitExceeded:
    return LimitExceeded(str(path), f"file too large: {'more than ' if more else ''}{size / MB:,.1f} MB",
                         "max_file_mb", limits.max_file_mb, "split the file")


def timeout_error(file: str, limits: Limits) -> LimitExceeded:
    return LimitExceeded(file, "parsing took too long", "max_seconds", limits.max_seconds, "split the file")


def memory_error(file: str, limits: Limits) -> LimitExceeded:
    return LimitExceeded(file, "parsing needed too much memory", "max_memory_mb", limits.max_memory_mb,
                         "split the file")


_REFIRE = 0.05  # seconds between a timeout and the next, until one is not swallowed


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise ParseTimeout in the body after `seconds` (an interval timer and SIGALRM). Yields whether the
    limit is armed: only on the main thread of a process, and not for 0. An outer timer is put back with
    what it had left."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield False
        return

    armed = [True]

    def fire(_signum, _frame):
        if armed[0]:
            # again soon: an exception raised where Python swallows it (a __del__ run by the collector prints
            # "Exception ignored") would otherwise let the parse run on without a limit
            signal.setitimer(signal.ITIMER_REAL, _REFIRE)
            raise ParseTimeout()

    previous = signal.signal(signal.SIGALRM, fire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield True
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))


def cap_memory(limits: Limits) -> Optional[int]:
    """Bound this process's address space to max_memory_mb (RLIMIT_AS): for a worker process only, where
    running out is a MemoryError reported against one file. Returns the bytes set, or None."""
    try:
        import resource
    except ImportError:  # not on a POSIX system
        return None
    if not limits.max_memory_mb:
        return None

    want = int(limits.max_memory_mb * MB)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    return want

"""Progress of long steps on stderr: one reporter for every command.

On a terminal a step with a known length is a bar (``parse [#####-----]  45 %  900 of 2,000 files, 12 s``)
and a step of unknown or opaque length (a bulk COPY, a checkpoint, Oxigraph's bulk load) a ticker
that keeps saying which step is running and for how long (``load ⠹ committing, 7 s``), redrawn a few
times a second from a thread, so the line never freezes.  Without a terminal (a log, a pipe, CI) it
writes a line every ``interval`` seconds (5 by default) while a step runs, and one when a step that
printed anything ends: nothing is silent for longer than that, and steps shorter than the interval
print nothing.  stdout is never written.

The library stays usable without the CLI: functions take ``progress`` (None, a :class:`Reporter`,
or as before a plain callable given lines) and call :func:`steps` on it, which gives a reporter
whatever was passed; the CLI makes the reporter (:func:`for_cli`).

``interval`` 0 makes the line mode event-driven (a line at the start and the end of each step and
at every update, no thread): what tests use, with ``KG_PROGRESS_INTERVAL=0`` for a whole command.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Protocol

INTERVAL = 5.0  # seconds between lines without a terminal
REDRAW = 0.2  # seconds between redraws of a bar on a terminal
KEEP = 1.0  # a bar of a step that took this long stays on the terminal when it ends; a shorter one is wiped
BAR_WIDTH = 24
_SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _count(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"


class Step:
    """One running step: ``advance``/``update`` move it, ``note`` says what it is doing now."""

    def __init__(self, reporter: "Reporter", label: str, total: Optional[float], unit: str) -> None:
        self.reporter = reporter
        self.label = label
        self.total = total
        self.unit = unit
        self.done: float = 0
        self.detail = ""
        self.start = time.monotonic()
        self.printed = False  # a line or a bar of it was shown: its end is shown too

    def advance(self, n: float = 1) -> None:
        self.update(self.done + n)

    def update(self, done: float, detail: Optional[str] = None) -> None:
        self.done = done
        if detail is not None:
            self.detail = detail
        self.reporter._changed(self)

    def note(self, detail: str) -> None:
        """What the step does now (``committing``, ``compacting``): shown with the step."""
        self.detail = detail
        self.reporter._changed(self, force=True)

    def set_total(self, total: Optional[float]) -> None:
        self.total = total
        self.reporter._changed(self)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def text(self, final: bool = False) -> str:
        """``900 of 2,000 files, writing, 12 s`` (line mode)."""
        parts = []
        if self.total is not None:
            parts.append(f"{_count(self.done)} of {_count(self.total)} {self.unit}".rstrip())
        elif self.done:
            parts.append(f"{_count(self.done)} {self.unit}".rstrip())
        if self.detail and not final:
            parts.append(self.detail)
        parts.append(("done in " if final else "") + f"{self.elapsed:.1f} s")
        return f"{self.label}: " + ", ".join(parts)


class _NullStep(Step):
    def __init__(self) -> None:  # noqa: D107 - nothing to hold
        self.label, self.total, self.unit, self.done, self.detail, self.printed = "", None, "", 0, "", False
        self.start = time.monotonic()

    def update(self, done: float, detail: Optional[str] = None) -> None:
        self.done = done

    def note(self, detail: str) -> None:
        pass

    def set_total(self, total: Optional[float]) -> None:
        pass


class Stream(Protocol):
    """What a reporter writes to: a text stream (stderr) or a line callback's adapter."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class Reporter:
    """Progress on ``stream`` (stderr): a bar on a terminal, lines every ``interval`` seconds otherwise.

    ``tty`` None asks the stream; ``quiet`` prints nothing (lines given to :meth:`line` included).
    A reporter is also a plain ``progress(line)`` callable, for the library functions that take one.
    """

    def __init__(self, stream: Optional[Stream] = None, *, tty: Optional[bool] = None, interval: float = INTERVAL,
                 quiet: bool = False, prefix: str = "kg: ") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if tty is None:
            try:
                tty = bool(self.stream.isatty())
            except (AttributeError, ValueError):
                tty = False
        self.tty = tty
        self.interval = max(0.0, float(interval))
        self.quiet = quiet
        self.prefix = prefix
        self._steps: list[Step] = []
        self._lock = threading.RLock()
        self._last = 0.0  # when the last line or redraw was written
        self._drawn = 0  # width of the bar line on screen (0: none)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    # ---- the library's interface

    def __call__(self, text: str) -> None:
        self.line(text)

    def line(self, text: str) -> None:
        """A message of its own (above the bar on a terminal)."""
        if self.quiet:
            return
        with self._lock:
            self._clear()
            self._write(f"{self.prefix}{text}\n")
            self._last = time.monotonic()
            self._redraw()

    @contextmanager
    def step(self, label: str, total: Optional[float] = None, unit: str = "") -> Iterator[Step]:
        """A step, shown while the block runs: ``total`` None for one whose length is unknown (a ticker)."""
        s = Step(self, label, total, unit)
        if self.quiet:
            yield s
            return
        with self._lock:
            self._steps.append(s)
            if self.tty or self.interval == 0:
                self._show(s)
            self._ensure_thread()
        try:
            yield s
        finally:
            with self._lock:
                if s in self._steps:
                    self._steps.remove(s)
                if self.tty:
                    self._clear()
                    if s.printed and (s.elapsed >= KEEP or self.interval == 0):
                        self._write(self._bar(s, final=True) + "\n")  # a long step stays on screen
                    self._redraw()
                elif s.printed or self.interval == 0 or s.elapsed >= self.interval:
                    self._write(f"{self.prefix}{s.text(final=True)}\n")
                self._last = time.monotonic()
                idle = not self._steps
            if idle:
                self._stop_thread()

    def close(self) -> None:
        with self._lock:
            self._clear()
        self._stop_thread()

    # ---- drawing

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr never stops the work
            pass

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0

    def _bar(self, s: Step, final: bool = False) -> str:
        secs = f"{s.elapsed:.0f} s" if s.elapsed >= 10 else f"{s.elapsed:.1f} s"
        if s.total:
            frac = min(1.0, max(0.0, s.done / s.total))
            width = BAR_WIDTH if _columns() >= 80 else 10
            fill = int(round(frac * width))
            text = (f"{s.label} [{'#' * fill}{'-' * (width - fill)}] {frac * 100:3.0f} %  "
                    f"{_count(s.done)} of {_count(s.total)} {s.unit}".rstrip())
        else:
            spin = "✓" if final else _SPIN[int(s.elapsed / REDRAW) % len(_SPIN)]
            text = f"{s.label} {spin}" + (f" {_count(s.done)} {s.unit}".rstrip() if s.done else "")
        if s.detail and not final:
            text += f", {s.detail}"
        return f"{self.prefix}{text}, {secs}"

    def _show(self, s: Step) -> None:
        """Draw (terminal) or print (lines) the innermost step now."""
        if self.tty:
            self._clear()
            text = self._bar(s)
            width = _columns() - 1
            if len(text) > width:
                text = text[:width]
            self._write(text)
            self._drawn = len(text)
        else:
            self._write(f"{self.prefix}{s.text()}\n")
        s.printed = True
        self._last = time.monotonic()

    def _redraw(self) -> None:
        if self.tty and self._steps:
            self._show(self._steps[-1])

    def _changed(self, s: Step, force: bool = False) -> None:
        if self.quiet:
            return
        with self._lock:
            if not self._steps or self._steps[-1] is not s:
                return
            now = time.monotonic()
            if self.tty:
                due = force or now - self._last >= REDRAW
            else:  # a line every interval, none for a step shorter than that
                due = now - self._last >= self.interval and now - s.start >= self.interval
            if due or self.interval == 0:
                self._show(s)

    # ---- the ticker thread: keeps a bar moving and a log line coming while a step runs

    def _ensure_thread(self) -> None:
        if self.interval == 0 and not self.tty:
            return
        if self._thread is None or not self._thread.is_alive():
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._tick, args=(self._stop,), name="kg-progress", daemon=True)
            self._thread.start()

    def _stop_thread(self) -> None:
        """Called without the lock held (the thread may be waiting for it to draw)."""
        with self._lock:
            if self._steps:
                return  # a new step began meanwhile: its thread keeps running
            self._stop.set()
            t, self._thread = self._thread, None
        if t is not None and t is not threading.current_thread():
            t.join(timeout=2)

    def _tick(self, stop: threading.Event) -> None:
        wait = REDRAW if self.tty else min(self.interval, 1.0)
        while not stop.wait(wait):
            with self._lock:
                if stop.is_set() or not self._steps:
                    continue
                s = self._steps[-1]
                now = time.monotonic()
                if self.tty or (now - self._last >= self.interval and now - s.start >= self.interval):
                    self._show(s)


def _columns() -> int:
    try:
        cols = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        cols = 0
    return max(40, cols) if cols else 100  # 0: a terminal that states no size


class _Lines(Reporter):
    """A reporter over a plain ``progress(line)`` callable (the library's older interface): a line at
    each step's end when it took ``interval`` or more, and its messages passed through."""

    def __init__(self, say: Callable[[str], None], interval: float = INTERVAL) -> None:
        super().__init__(stream=_CallbackStream(say), tty=False, interval=interval, prefix="")


class _CallbackStream:
    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say

    def write(self, text: str) -> None:
        for line in text.splitlines():
            if line:
                self.say(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _Null(Reporter):
    def __init__(self) -> None:
        super().__init__(stream=_CallbackStream(lambda _l: None), tty=False, quiet=True)

    @contextmanager
    def step(self, label: str, total: Optional[float] = None, unit: str = "") -> Iterator[Step]:
        yield _NullStep()


NULL = _Null()


def steps(progress: Any) -> Reporter:
    """A reporter for whatever a library function was given as ``progress``: itself when a Reporter,
    one writing lines to it when a plain callable, a silent one when None."""
    if progress is None:
        return NULL
    if isinstance(progress, Reporter):
        return progress
    if callable(progress):
        return _Lines(progress)
    raise TypeError(f"progress must be a kg.progress.Reporter, a callable taking a line, or None, not {progress!r}")


def for_cli(quiet: bool = False, stream: Optional[Stream] = None) -> Reporter:
    """The reporter of a kg command: stderr, a bar on a terminal; ``KG_PROGRESS_INTERVAL`` sets the
    seconds between lines without one (0: a line at every event — for tests and detailed logs),
    ``KG_PROGRESS=lines|bar|off`` forces a mode."""
    from kg.config import progress_settings

    env = progress_settings()
    interval = INTERVAL if env.interval is None else env.interval
    return Reporter(stream, tty=env.tty, interval=interval, quiet=quiet or env.off)


__all__ = ["INTERVAL", "NULL", "Reporter", "Step", "for_cli", "steps"]

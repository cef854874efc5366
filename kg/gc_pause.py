"""The one switch for Python's cyclic garbage collector.

Loading, exporting, reading a store back and unpickling a worker's graph each make millions of
objects without a cycle among them. Every collection those allocations trigger walks everything
alive, the whole model graph included: a third of a bulk load and of an export, 3-5 times the cost
of unpickling (measured in the modules that use this). They pause the collector meanwhile.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is switched back on after it only if it
    was on before (blocks nest)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""One exception root; every message names the file, the position and, where there is one, the fix."""
from __future__ import annotations

from typing import Optional


class KgError(Exception):
    """Root of every error kg raises on purpose."""


class InputError(KgError):
    """A file that cannot be read or parsed. Carries the file and, when known, the position."""

    def __init__(self, file: str, reason: str, position: Optional[int] = None, fix: Optional[str] = None):
        self.file = file
        self.reason = reason
        self.position = position
        self.fix = fix
        where = f"{file}" + (f" (char {position})" if position is not None else "")
        super().__init__(f"{where}: {reason}" + (f" — {fix}" if fix else ""))


class StoreError(KgError):
    """The graph store cannot be opened, written or queried."""


class QueryError(KgError):
    """A named query is unknown, or its parameters are wrong."""


class NoDocumentError(KgError):
    """Paths that give no document: a path that does not exist, a folder with no file kg reads, or files
    that all failed. `path` is the path named (None when the message is about several)."""

    def __init__(self, message: str, path: Optional[str] = None):
        self.path = path
        super().__init__(message)

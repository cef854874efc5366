"""One exception root; every message names the file, the position and, where there is one, the fix."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Advice:
    """What the user can do about an error, named in the library's terms (a parameter, a store folder),
    never as a command-line flag: each front end words it (kg.cli_advice for the command line).

    kind: "params" (give these parameters), "no-limit" (the query always gives every row), "no-every-row"
    (only library queries take limit=None), "build" (the store at values[0] must be built first),
    "pyshacl" (check with the pyshacl engine), "jobs" (parse with this many worker processes),
    "another-folder" (the store folder named is not one), "open-for-writing" (the store at values[0] must be
    opened for writing once; "open-neo4j-for-writing" the same of the Neo4j database), "pick" (ask again with these parameters: name = one of the organizations
    suggested, jurisdiction = a place), "lookup" (the query values[0] lists organizations by part of a name)."""

    kind: str
    values: tuple[str, ...] = ()


class KgError(Exception):
    """Root of every error kg raises on purpose; ``advice`` (optional) says what the user can do."""

    def __init__(self, *args: object, advice: Optional[Advice] = None) -> None:
        super().__init__(*args)
        self.advice = advice


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

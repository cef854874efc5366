"""`kg check`: how much of a file's role text kg reads, without loading anything.

For a person deciding whether to trust a new source: per file, what it turned out to be, the edges
it gives, role-looking brackets / labelled lines / table role cells found and read, and the file
position of each one that was not read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from kg.pipeline import FileReport, collect_files, parse_files


@dataclass
class CheckReport:
    file: str
    status: str  # ok | partial | unread | no-roles | failed
    format: Optional[str] = None
    encoding: Optional[str] = None
    edges: int = 0
    found: dict[str, int] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=dict)
    unread: list[dict] = field(default_factory=list)
    error: Optional[str] = None

    def as_dict(self) -> dict:
        return {"file": self.file, "status": self.status, "format": self.format, "encoding": self.encoding,
                "edges": self.edges, "found": self.found, "read": self.read, "unread": self.unread,
                "error": self.error}


def check_report(r: FileReport) -> CheckReport:
    """The coverage of one parsed (or failed) file."""
    if not r.ok:
        return CheckReport(file=r.file, status="failed", error=r.error)
    cov = r.coverage
    edges = r.counts.get("leads", 0) + r.counts.get("responsible_for", 0)
    return CheckReport(
        file=r.file, status=r.status, format=r.format, encoding=r.encoding, edges=edges,
        found=dict(cov.found) if cov else {}, read=dict(cov.read) if cov else {},
        unread=cov.as_dict()["unread"] if cov else [],
    )


def check_paths(paths: Iterable[str | Path]) -> list[CheckReport]:
    """Parse files and folders (nothing is loaded) and report, per file, what kg could and could not read."""
    batch = parse_files(collect_files(paths))
    return [check_report(r) for r in batch.reports]

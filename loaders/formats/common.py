"""What every reader returns (Extracted) and what several readers share: the output lines a reader writes
while it notes where each table cell went (_Lines), the grid → Table helpers the HTML, DOCX and XLSX readers
use, and the text helpers the HTML, DOCX and PDF readers use."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional, Sequence

from kg.loaders.tables import Cell, Table


@dataclass(frozen=True)
class Extracted:
    text: str
    encoding: str
    format: str  # text | html | docx | xlsx | pdf
    note: Optional[str] = None
    tables: tuple[Table, ...] = field(default=(), hash=False)  # Table is mutable: kept out of the hash


# fixes that both read_document and a reader give
_OCR_FIX = ("OCR it (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and load the searchable PDF, "
            "or save the recognised text as TXT")
_XLSX_FIX = "re-download the XLSX, or open it in Excel/WPS and save it again"
# CJK characters: no space between two of them (HTML source line breaks, PDF generated spaces)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _plain(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


# ───────────────────────────── tables ─────────────────────────────

_CAPTION_MAX = 50  # a caption is a short line: a title, not a sentence


class _Lines:
    """Output lines, and where each starts in their "\\n"-join, so a reader can say where it put a
    table cell while it writes the text (the text never has to be searched afterwards)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.starts: list[int] = []
        self.cell_lines: set[int] = set()  # lines that are table cells: never another table's caption

    @property
    def pos(self) -> int:
        """Where the next line will start."""
        return self.starts[-1] + len(self.lines[-1]) + 1 if self.lines else 0

    def add(self, line: str) -> None:
        self.starts.append(self.pos)
        self.lines.append(line)

    def cell_since(self, first: int) -> Cell:
        """The lines added since line number `first` as one cell; an empty cell ("") where the next line starts."""
        if first >= len(self.lines):
            return Cell("", self.pos, self.pos)
        text = "\n".join(self.lines[first:])
        self.cell_lines.update(range(first, len(self.lines)))
        return Cell(text, self.starts[first], self.starts[first] + len(text))

    def line_before(self, offset: int) -> Optional[str]:
        """The line right above the line holding `offset`, unless that line is a table cell."""
        k = bisect_right(self.starts, offset) - 1
        return self.lines[k - 1] if k >= 1 and k - 1 not in self.cell_lines else None

    def text(self) -> str:
        return "\n".join(self.lines)


def _caption(line: Optional[str]) -> Optional[str]:
    """A line that can title a table: short, and not a sentence or clause."""
    line = (line or "").strip(" \t\u3000\xa0")
    return line if line and len(line) <= _CAPTION_MAX and line[-1] not in "。；;，," else None


def _texts(row: Sequence[Optional[Cell]]) -> list[Cell]:
    """The distinct cells of a row that hold text, left to right."""
    seen: dict[int, Cell] = {}
    for c in row:
        if c is not None and c.text and id(c) not in seen:
            seen[id(c)] = c
    return list(seen.values())


def _unique(rows: Sequence[Sequence[Optional[Cell]]]) -> list[Cell]:
    return list({id(c): c for r in rows for c in r if c is not None}.values())


def _grid_table(grid: Sequence[Sequence[Optional[Cell]]], lines: _Lines, caption: Optional[str] = None,
                min_size: int = 2) -> Optional[Table]:
    """A Table from the grid a reader built: ragged rows padded with None, rows and columns without any
    text dropped, leading title rows (one cell across the table: 附件2 / XX任务分工表) taken out of the
    grid as the caption. None unless at least `min_size` rows and columns remain."""
    width = max((len(r) for r in grid), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in grid]
    rows = [r for r in rows if _texts(r)]
    keep = [j for j in range(width) if any(c is not None and c.text for c in (r[j] for r in rows))]
    rows = [[r[j] for j in keep] for r in rows]
    titles = _title_rows(rows)
    if titles:
        caption = caption or _texts(rows[titles - 1])[0].text.split("\n")[-1].strip() or None
        rows = rows[titles:]
    if len(rows) < min_size or len(keep) < min_size:
        return None
    cells = _unique(rows)
    start = min(c.start for c in cells if c.text)
    end = max(c.end for c in cells if c.text)
    for c in cells:
        if not c.text:  # an empty cell sits inside the table's span
            c.start = c.end = min(max(c.start, start), end)
    return Table(rows, start, end, caption or _caption(lines.line_before(start)))


def _title_rows(rows: Sequence[Sequence[Optional[Cell]]]) -> int:
    """How many leading rows are titles: one cell with text (merged across, or alone), above a row with more."""
    k = 0
    while k < len(rows) - 1 and len(_texts(rows[k])) == 1 and any(len(_texts(r)) > 1 for r in rows[k + 1:]):
        k += 1
    return k


def _shift(tables: list[Table], by: int) -> None:
    """Move tables and their cells `by` characters (a line was put before the text)."""
    for t in tables:
        t.start += by
        t.end += by
        for c in _unique(t.rows):
            c.start += by
            c.end += by

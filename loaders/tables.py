"""Tables as the format readers found them: a grid of cells, each cell a span of the extracted text.

A reader (HTML, DOCX, XLSX, PDF) writes every cell's text into `Extracted.text` once, on lines of
its own, and records where it put it, so a table cell has provenance like any other text. Merged
cells (rowspan / colspan / vMerge / gridSpan / merged ranges) are the same `Cell` object in every
grid position they cover; a position no cell covers is None.

As the HTML, DOCX and XLSX readers (loaders/formats/) fill it in:
- Every row has the same number of columns; rows and columns holding no text at all are dropped.
- An empty cell is a `Cell` with text "" and start == end, a point inside the table's span (where the
  next cell's text starts); None is only a position no cell covers (a short HTML row, DOCX
  w:gridBefore / w:gridAfter).
- Leading title rows — one cell with text across the table ("附件2", "XX任务分工表") — are not grid
  rows: their text stays in the text right above `Table.start`, and the last line is the caption.
- `caption` is, in order: the HTML <caption>; the title row; the nearest line right above the
  table when it is short (≤ 50 characters), not a sentence (no final 。；，) and not a table cell;
  for an XLSX sheet, its name unless it is a default one (Sheet2) — a later sheet always, the first one
  when it has no title row (the line above it is then the file name); else None.
- `start` is the start of the first cell with text, `end` the end of the last one.
- A DOCX or HTML table without a header right after a role table, with nothing but blank lines, 续表 or a
  page number between and the same column count, continues it: the reader joins the two grids
  (role_tables.join_continued), so its rows are read with the first table's header.
- XLSX: a row above the header holding only role labels (牵头部门：X) becomes a column of that role, its
  value on each task row that names no unit of that role (formats/xlsx._label_columns).
- HTML and DOCX report "leaf" tables only (no table inside them): a table around other tables is
  page or document layout. They need at least 2 rows and 2 columns; an HTML table with a cell that
  holds half the article is layout too. XLSX: every visible sheet with text is a table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass(eq=False)
class Cell:
    """One cell: its text exactly as `Extracted.text[start:end]` (lines of a multi-line cell included)."""

    text: str
    start: int
    end: int


@dataclass
class Table:
    """A rectangular grid of cells (rows × columns) and the span of `Extracted.text` the table occupies."""

    rows: list[list[Optional[Cell]]] = field(default_factory=list)
    start: int = 0
    end: int = 0
    caption: Optional[str] = None  # a caption / title line the reader found right above the table

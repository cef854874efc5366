"""Tables as the format readers found them: a grid of cells, each cell a span of the extracted text.

A reader (HTML, DOCX, XLSX, PDF) writes every cell's text into `Extracted.text` once, on lines of
its own, and records where it put it, so a table cell has provenance like any other text. Merged
cells (rowspan / colspan / vMerge / gridSpan / merged ranges) are the same `Cell` object in every
grid position they cover; a position no cell covers is None.
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

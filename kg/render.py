"""Render rows as table, json, jsonl, csv or csv-excel — the one shared --format of every command.

csv is for programs: plain UTF-8, "\n" line ends, lists as JSON (lossless: a unit's own name may hold 、,
as in 各市、县人民政府), booleans true/false. csv-excel is for people opening the file in Excel (on Windows
too): a UTF-8 byte-order mark, "\r\n" line ends, lists joined with 、, spans as start–end, booleans
true/false.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any, Optional, Sequence

FORMATS = ("table", "json", "jsonl", "csv", "csv-excel")
LIST_JOIN = "、"
"""How a list cell reads in csv-excel and xlsx: the way Chinese documents list units."""
BOM = "\ufeff"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def is_span(column: str, value: Any) -> bool:
    """A [start, end) character span, as `kg extract` gives in its `span` column."""
    return (column == "span" and isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value))


def excel_cell(column: str, value: Any) -> Any:
    """A value as a person reads it in a sheet: 、-joined lists, start–end spans, true/false; numbers stay numbers."""
    if is_span(column, value):
        return f"{value[0]}–{value[1]}"
    if isinstance(value, (list, tuple)):
        return LIST_JOIN.join(_cell(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))


def _clip(s: str, limit: int) -> str:
    if _width(s) <= limit:
        return s
    out, w = "", 0
    for ch in s:
        cw = _width(ch)
        if w + cw > limit - 1:
            break
        out, w = out + ch, w + cw
    return out + "…"


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Optional[Sequence[str]] = None, max_cell: int = 40,
           footer: Optional[str] = None) -> str:
    """Text for rows in one of FORMATS; JSON keeps Chinese readable (ensure_ascii=False).

    `footer` replaces the table's "(N rows)" line (other formats have no footer).
    """
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue()
    if fmt == "csv-excel":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_cell(excel_cell(c, r.get(c))) for c in cols])
        return BOM + buf.getvalue()
    if fmt == "table":
        if not cols:
            return "(no rows)\n"
        cells = [[_clip(_cell(r.get(c)), max_cell) for c in cols] for r in rows]
        widths = [max([_width(c)] + [_width(row[k]) for row in cells]) for k, c in enumerate(cols)]
        lines = ["  ".join(_pad(c, widths[k]) for k, c in enumerate(cols)).rstrip()]
        lines.append("  ".join("-" * widths[k] for k in range(len(cols))))
        lines += ["  ".join(_pad(v, widths[k]) for k, v in enumerate(row)).rstrip() for row in cells]
        return "\n".join(lines) + f"\n({footer or f'{len(rows)} rows'})\n"
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def cut_note(page: Any) -> Optional[str]:
    """A page's "100 of 1,063 rows" with how the CLI shows the rest, or None when nothing was cut."""
    summary = page.summary()
    return summary and summary + " — pass --limit N or --all"


def render_page(page: Any, fmt: str, max_cell: int = 40) -> tuple[str, Optional[str]]:
    """(stdout text, stderr line or None) for a kg.library.Page: a query's rows and whether its limit cut them.

    table: the rows and a footer "(100 of 1,063 rows — pass --limit N or --all)" when cut; csv, csv-excel and
    jsonl: the rows only, the same line for stderr; json: one object
    {"rows": [...], "limit": 100, "total": 1063, "truncated": true}.
    """
    note = cut_note(page)
    if fmt == "json":
        return json.dumps(page.as_json(), ensure_ascii=False, indent=2) + "\n", None
    rows = page.records()
    if fmt == "table":
        return render(rows, fmt, page.columns, max_cell, footer=note), None
    return render(rows, fmt, page.columns, max_cell), note

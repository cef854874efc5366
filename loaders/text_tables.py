"""Tables inside plain text: tab-separated lines (copied from Excel or Word, or saved by Excel as
"Unicode text") and Markdown / ASCII pipe tables (| 序号 | 重点任务 | 牵头单位 |, with |---| rules).

A block is a run of consecutive table lines of one kind (tab or pipe, rule lines included) that holds
at least 2 rows with the same number (≥ 3) of cells, header included. Each cell is a span of the
text, stripped of surrounding spaces, so `text[c.start:c.end] == c.text` and a table row has the same
provenance as any clause. An empty cell is an empty Cell (start == end): in text nothing says a cell
is merged, so no merge is invented here; read_role_table carries an empty group cell down, as a
reader of a 分工表 printed without merges does.

Tab rows follow Excel's quoting: a field that starts with '"' runs to the closing '"' and may hold
line breaks (a multi-line cell); its Cell spans the text inside the quotes (a doubled "" stays as
written). A line without tabs between two tab rows is kept as a one-cell row only when it reads as a
heading (一、… / （一）… / 第一部分…): Word copies a full-width heading row that way. Any other
tab-less line ends the block, since it may as well be a cell's second paragraph. ASCII grid tables
whose rows span several lines are read one line per row.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Optional

from kg.loaders.tables import Cell, Table

MIN_COLUMNS = 3
MIN_ROWS = 2
MAX_QUOTED = 4000  # a quoted tab field longer than this is not a field (a stray quote)

_PIPES = "|｜"
_RULE = re.compile(r"^[ \t\u3000]*[|｜+]?[ \t\u3000]*:?[-=─━]{2,}:?[ \t\u3000]*(?:[|｜+][ \t\u3000]*:?[-=─━]*:?[ \t\u3000]*)*$")
_HEADING = re.compile(r"^[ \t\u3000]*(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+(?:部分|章|节|篇))")
_STRIP = " \t\u3000\xa0\r\n"


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its line break."""
    out = []
    pos = 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text) or not out:
        out.append((pos, len(text)))
    return out


def _cell(text: str, a: int, b: int) -> Cell:
    while a < b and text[a] in _STRIP:
        a += 1
    while b > a and text[b - 1] in _STRIP:
        b -= 1
    return Cell(text[a:b], a, b)


def _pipe_row(text: str, a: int, b: int) -> Optional[list[Cell]]:
    """The cells of a pipe line, or None when the line is not one (needs ≥ 2 pipes, or a leading one)."""
    line = text[a:b]
    stripped = line.strip(_STRIP)
    if not stripped or sum(line.count(p) for p in _PIPES) < 2 and stripped[0] not in _PIPES:
        return None
    cuts = [a + i for i, ch in enumerate(line) if ch in _PIPES]
    bounds = [a - 1] + cuts + [b]
    segments = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if stripped[0] in _PIPES:
        segments = segments[1:]
    if stripped[-1] in _PIPES:
        segments = segments[:-1]
    return [_cell(text, s, e) for s, e in segments]


def _tab_row(text: str, pos: int, end: int) -> Optional[tuple[list[Cell], int]]:
    """The cells of a tab row starting at `pos` and the position after it (past its line break);
    None when the row holds no tab. Quoted fields may run over line breaks."""
    cells: list[Cell] = []
    tabs = 0
    while True:
        if pos < end and text[pos] == '"':
            close = _closing_quote(text, pos + 1, end)
            if close is not None:
                cells.append(Cell(text[pos + 1:close], pos + 1, close))
                pos = close + 1
            else:
                stop = _field_end(text, pos, end)
                cells.append(_cell(text, pos, stop))
                pos = stop
        else:
            stop = _field_end(text, pos, end)
            cells.append(_cell(text, pos, stop))
            pos = stop
        if pos < end and text[pos] == "\t":
            tabs += 1
            pos += 1
            continue
        break
    if tabs == 0:
        return None
    m = re.compile(r"\r\n|\n|\r").match(text, pos)
    return cells, (m.end() if m else pos)


def _field_end(text: str, pos: int, end: int) -> int:
    m = re.compile(r"[\t\r\n]").search(text, pos, end)
    return m.start() if m else end


def _closing_quote(text: str, pos: int, end: int) -> Optional[int]:
    limit = min(end, pos + MAX_QUOTED)
    while True:
        k = text.find('"', pos, limit)
        if k < 0:
            return None
        if text[k + 1:k + 2] == '"':
            pos = k + 2
            continue
        return k if k + 1 >= end or text[k + 1] in "\t\r\n" else None


def _table(text: str, rows: list[list[Cell]], singles: set[int]) -> Optional[Table]:
    """A Table from the rows of one block, or None when the block is too small to be a table."""
    counts = Counter(len(r) for i, r in enumerate(rows) if i not in singles)
    if not any(n >= MIN_COLUMNS and k >= MIN_ROWS for n, k in counts.items()):
        return None
    trimmed = []
    for r in rows:
        r = list(r)
        while len(r) > 1 and not r[-1].text:  # trailing empty fields (Excel pads ragged rows)
            r.pop()
        trimmed.append(r)
    width = max(max(len(r) for r in trimmed), max(n for n, k in counts.items() if k >= MIN_ROWS))
    grid: list[list[Optional[Cell]]] = []
    for i, r in enumerate(trimmed):
        if i in singles:
            grid.append([r[0]] + [None] * (width - 1))  # a one-cell heading line: no cell beside it
            continue
        line_end = rows[i][-1].end if rows[i] else 0
        # Positions a short row does not reach get an empty cell at its end (not a merge).
        pad: list[Optional[Cell]] = [Cell("", line_end, line_end) for _ in range(width - len(r))]
        grid.append([*r, *pad])
    start = min(c.start for c in grid[0] if c is not None)
    end = max(c.end for c in grid[-1] if c is not None)
    return Table(grid, start, end, None)


def _kind(text: str, a: int, b: int) -> Optional[str]:
    """"pipe", "tab" or None for the line text[a:b] (a line that opens with a pipe is a pipe row even
    when indented with a tab)."""
    line = text[a:b]
    stripped = line.strip(_STRIP)
    if stripped[:1] and stripped[0] in _PIPES:
        return "pipe"
    if "\t" in line.strip(" \u3000\r\n") or line[:1] == '"':
        return "tab" if _tab_row(text, a, len(text)) is not None else None
    if _pipe_row(text, a, b) is not None:
        return "pipe"
    return "space" if _space_row(text, a, b) is not None else None


# a space-aligned row (序号  重点任务  牵头单位 …, a table saved as text): cells apart by 2+ spaces or a full-width one
_SPACE_GAP = re.compile(r"(?: {2,}|[ \u3000]*\u3000[ \u3000]*)")


def _space_row(text: str, a: int, b: int) -> Optional[list[Cell]]:
    """The cells of a space-aligned line, or None when it has fewer than MIN_COLUMNS of them."""
    line = text[a:b]
    lead = len(line) - len(line.lstrip(_STRIP))
    body = line.rstrip(_STRIP)
    if "\t" in body or len(_SPACE_GAP.findall(body, lead)) < MIN_COLUMNS - 1:
        return None
    cuts = [(a + m.start(), a + m.end()) for m in _SPACE_GAP.finditer(body, lead)]
    bounds = [a + lead] + [x for c in cuts for x in c] + [a + len(body)]
    return [_cell(text, bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]


def _space_block(text: str, lines: list[tuple[int, int]], i: int) -> tuple[list[list[Cell]], int]:
    """The space-aligned rows from line i on, and the line after."""
    rows: list[list[Cell]] = []
    while i < len(lines) and (cells := _space_row(text, *lines[i])) is not None:
        rows.append(cells)
        i += 1
    return rows, i


def find_text_tables(text: str) -> list[Table]:
    """Tab-separated and pipe tables in `text`, in order; every Cell indexes `text`."""
    lines = _lines(text)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        kind = _kind(text, *lines[i])
        if kind is None:
            i += 1
            continue
        block_start = i
        if kind == "tab":
            rows, singles, i = _tab_block(text, lines, i)
        else:
            rows, i = _pipe_block(text, lines, i) if kind == "pipe" else _space_block(text, lines, i)
            singles = set()
        table = _trimmed_table(text, rows, singles)
        if table is not None:
            table.caption = _caption(text, lines, table.start)
            tables.append(table)
        if i == block_start:
            i += 1
    return tables


def _tab_block(text: str, lines: list[tuple[int, int]], i: int) -> tuple[list[list[Cell]], set[int], int]:
    """The tab rows from line i on, the indexes of single-cell heading rows among them, and the line after."""
    rows: list[list[Cell]] = []
    singles: set[int] = set()
    pos = lines[i][0]
    while i < len(lines):
        la, lb = lines[i]
        if la < pos:  # consumed by a quoted field that ran over a line break
            i += 1
            continue
        got = _tab_row(text, la, len(text)) if _kind(text, la, lb) == "tab" else None
        if got is None:
            next_is_row = i + 1 < len(lines) and _kind(text, *lines[i + 1]) == "tab"
            if rows and next_is_row and _HEADING.match(text[la:lb]):
                singles.add(len(rows))
                rows.append([_cell(text, la, lb)])
                i += 1
                continue
            break
        cells, pos = got
        rows.append(cells)
        i += 1
    return rows, singles, i


def _pipe_block(text: str, lines: list[tuple[int, int]], i: int) -> tuple[list[list[Cell]], int]:
    """The pipe rows from line i on (rule lines +----+ passed over), and the line after."""
    rows: list[list[Cell]] = []
    while i < len(lines):
        la, lb = lines[i]
        if text[la:lb].strip(_STRIP) and _RULE.match(text[la:lb]):
            i += 1
            continue
        cells_p = _pipe_row(text, la, lb) if _kind(text, la, lb) == "pipe" else None
        if cells_p is None:
            break
        rows.append(cells_p)
        i += 1
    return rows, i


def _trimmed_table(text: str, rows: list[list[Cell]], singles: set[int]) -> Optional[Table]:
    """The table of `rows` without a stray short line at either end (an indented note "\\t注：…")."""
    while rows and len(rows) - 1 not in singles and len(rows[-1]) < MIN_COLUMNS:
        rows.pop()
    lead = 0
    while lead < len(rows) and len(rows[lead]) < MIN_COLUMNS:
        lead += 1
    rows = rows[lead:]
    singles = {k - lead for k in singles if k >= lead}
    return _table(text, rows, singles) if rows else None


def _caption(text: str, lines: list[tuple[int, int]], start: int) -> Optional[str]:
    """The non-empty line right above a table when it is short (附件2 重点任务分工表); rule lines
    (+----+) are passed over."""
    k = bisect.bisect_right([a for a, _ in lines], start) - 1  # the table's first line
    for a, b in reversed(lines[max(0, k - 3):k]):
        s = text[a:b].strip(_STRIP)
        if not s or _RULE.match(s):
            continue
        return s if len(s) <= 60 and _kind(text, a, b) is None else None
    return None

"""Ruled tables on a PDF page, found from the page's drawn lines (pypdfium2 path objects).

Chinese plans attach their role table (任务分工表 / 责任分解表 / 任务清单: 序号 | 重点任务 | 具体措施 |
牵头单位 | 责任单位 | 完成时限) as a grid drawn with ruling lines — stroked line segments, rectangles,
or (Word, WPS) thin filled rectangles. `find_ruled_tables(page)` collects the horizontal and vertical
rules of one page, groups the ones that touch into grids, and reads merged cells from the rules
that are missing: no rule between two grid units means one cell spans both (rowspan / colspan).
The reader in loaders/formats.py then routes each character of the page's text layer whose centre
falls in a grid to its cell (`PageGrid.add_char`), and `layout` writes the cells into the text
and makes the `kg.loaders.tables.Table`s.

Only ruled tables are found: a table laid out with spaces or tab stops alone, or one ruled with
horizontal lines only (三线表), stays text. All coordinates here are distances from the page's top
(y grows downwards), in PDF points.
"""
from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass, field
from typing import Optional

# Guards for pages drawn with vector graphics (maps, charts): beyond these a page is not searched.
MAX_PATH_OBJECTS = 4000  # path objects on one page
MAX_SEGMENTS = 40000  # path segments on one page
MAX_RULES = 1000  # horizontal (or vertical) rules on one page, after joining collinear pieces
MAX_ROWS, MAX_COLUMNS = 150, 40  # a grid larger than this on one page is graph paper, not a table

_SNAP = 2.5  # rules closer than this (pt) are one rule (double borders, half-pixel offsets)
_THIN = 3.0  # a filled rectangle this thin (pt) is a rule
_STRAIGHT = 0.6  # a segment whose ends differ by less than this (pt) across its run is axis-parallel
_COVER = 0.6  # a grid unit's side with at least this fraction ruled is a border between two cells

_LATIN = re.compile(r"[A-Za-z]")
_ENDS = "。！？；!?;"
_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)]|\d{1,2}[.、．]|[─—-]{2})")


@dataclass
class _Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    space_after: bool = False


@dataclass
class PageGrid:
    """One ruled grid on one page: column and row boundaries, and which grid units form one cell."""

    page: int
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    group: list[list[int]]  # group[i][j]: the cell (an id) covering grid unit (row i, column j)
    chars: dict[int, list[_Char]] = field(default_factory=dict)

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def locate(self, x: float, y: float) -> Optional[int]:
        """The cell id at point (x, y), or None outside the grid."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        j = min(bisect.bisect_left(self.xs, x, 1) - 1, self.n_cols - 1)
        i = min(bisect.bisect_left(self.ys, y, 1) - 1, self.n_rows - 1)
        return self.group[i][j]

    def add_char(self, cell: int, ch: str, box: tuple[float, float, float, float]) -> None:
        """A character of the text layer (box: left, top, right, bottom, y downwards) in a cell."""
        self.chars.setdefault(cell, []).append(_Char(ch, box[0], box[2], box[1], box[3]))

    def mark_space(self, cell: int) -> None:
        """The text layer has a (real) space after the last character added to `cell`."""
        if self.chars.get(cell):
            self.chars[cell][-1].space_after = True

    def cell_text(self, cell: int) -> str:
        """The cell's lines, top to bottom, joined: CJK and numbers wrapped inside the cell join without
        a space, Latin words with one; a line ending a sentence followed by an item marker (1. / （一）)
        starts a new line."""
        return join_cell_lines(self.cell_lines(cell))

    def cell_lines(self, cell: int) -> list[str]:
        chars = sorted(self.chars.get(cell, ()), key=lambda c: (c.top + c.bottom) / 2)
        lines: list[list[_Char]] = []
        mid = None
        for c in chars:
            cm = (c.top + c.bottom) / 2
            h = max(c.bottom - c.top, 1.0)
            if lines and abs(cm - mid) < 0.5 * h:
                lines[-1].append(c)
            else:
                lines.append([c])
                mid = cm
        out = []
        for ln in lines:
            ln.sort(key=lambda c: c.x0)
            s = "".join(c.ch + (" " if c.space_after and k < len(ln) - 1 else "") for k, c in enumerate(ln))
            if s.strip():
                out.append(s.strip())
        return out

    def same_columns(self, other: "PageGrid", tol: float = 2.0) -> bool:
        return len(self.xs) == len(other.xs) and all(abs(a - b) <= tol for a, b in zip(self.xs, other.xs))


def join_cell_lines(lines: list[str]) -> str:
    text = ""
    for ln in lines:
        if not text:
            text = ln
        elif text[-1] in _ENDS and _ITEM.match(ln):
            text += "\n" + ln
        elif _LATIN.match(text[-1]) and _LATIN.match(ln[0]):
            text += " " + ln
        else:
            text += ln
    return text


# ───────────────────────────── rules from path objects ─────────────────────────────

def _mul(m: tuple, n: tuple) -> tuple:
    """Matrix product m·n of PDF matrices (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _visible(obj, getter) -> bool:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return True
    return a.value > 0 and not (r.value > 240 and g.value > 240 and b.value > 240)


class _TooMuch(Exception):
    pass


def _rules(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal rules (y, x0, x1) and vertical rules (x, y0, y1) drawn on the page, in user space
    (y upwards). Raises _TooMuch beyond the guards."""
    import pypdfium2.raw as c

    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    budget = {"objects": MAX_PATH_OBJECTS, "segments": MAX_SEGMENTS}
    fm, st = ctypes.c_int(), ctypes.c_int()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    mat = c.FS_MATRIX()

    def add(p, q) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) <= _STRAIGHT and abs(x0 - x1) > _STRAIGHT:
            hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) <= _STRAIGHT and abs(y0 - y1) > _STRAIGHT:
            vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    def path(obj, m) -> None:
        budget["objects"] -= 1
        n = c.FPDFPath_CountSegments(obj)
        budget["segments"] -= max(n, 0)
        if budget["objects"] < 0 or budget["segments"] < 0:
            raise _TooMuch
        if n <= 0 or not c.FPDFPath_GetDrawMode(obj, fm, st):
            return
        stroked = bool(st.value) and _visible(obj, c.FPDFPageObj_GetStrokeColor)
        filled = fm.value != c.FPDF_FILLMODE_NONE and _visible(obj, c.FPDFPageObj_GetFillColor)
        if not (stroked or filled):
            return
        if c.FPDFPageObj_GetMatrix(obj, mat):
            m = _mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), m)
        a, b, cc, d, e, f = m
        subpaths: list[tuple[list[tuple[float, float]], bool, bool]] = []  # points, closed, curved
        for k in range(n):
            seg = c.FPDFPath_GetPathSegment(obj, k)
            c.FPDFPathSegment_GetPoint(seg, fx, fy)
            x, y = fx.value, fy.value
            pt = (a * x + cc * y + e, b * x + d * y + f)
            kind = c.FPDFPathSegment_GetType(seg)
            if kind == c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append(([pt], False, False))
            else:
                pts, closed, curved = subpaths[-1]
                pts.append(pt)
                subpaths[-1] = (pts, closed, curved or kind == c.FPDF_SEGMENT_BEZIERTO)
            if c.FPDFPathSegment_GetClose(seg):
                pts, _, curved = subpaths[-1]
                subpaths[-1] = (pts, True, curved)
        for pts, closed, curved in subpaths:
            if curved:
                continue
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            if filled and not stroked:
                if len(pts) < 3:
                    continue
                # a filled shape: a thin one is a rule; a rectangle contributes its four sides
                if h <= _THIN and w > h:
                    hs.append(((max(ys) + min(ys)) / 2, min(xs), max(xs)))
                    continue
                if w <= _THIN and h > w:
                    vs.append(((max(xs) + min(xs)) / 2, min(ys), max(ys)))
                    continue
                closed = True
            for p, q in zip(pts, pts[1:]):
                add(p, q)
            if closed and len(pts) > 2:
                add(pts[-1], pts[0])

    def walk(count, get, parent, m) -> None:
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_PATH:
                path(obj, m)
            elif kind == c.FPDF_PAGEOBJ_FORM:
                fm_ = c.FS_MATRIX()
                inner = m
                if c.FPDFPageObj_GetMatrix(obj, fm_):
                    inner = _mul((fm_.a, fm_.b, fm_.c, fm_.d, fm_.e, fm_.f), m)
                walk(c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, obj, inner)

    walk(c.FPDFPage_CountObjects, c.FPDFPage_GetObject, page.raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return hs, vs


def _cluster(values: list[float], tol: float = _SNAP) -> list[float]:
    """Sorted values → the mean of each run of values closer than tol to their neighbour."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _merge(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear rules (same position within _SNAP) that touch or overlap → one rule each."""
    out: list[tuple[float, float, float]] = []
    runs: list[list[tuple[float, float, float]]] = []
    for seg in sorted(segs):
        if runs and seg[0] - runs[-1][-1][0] <= _SNAP:
            runs[-1].append(seg)
        else:
            runs.append([seg])
    for run in runs:
        pos = sum(s[0] for s in run) / len(run)
        cur = None
        for _, a, b in sorted(run, key=lambda s: s[1]):
            if cur and a <= cur[1] + _SNAP:
                cur[1] = max(cur[1], b)
            else:
                if cur:
                    out.append((pos, cur[0], cur[1]))
                cur = [a, b]
        out.append((pos, cur[0], cur[1]))
    return out


def _coverage(rules: list[tuple[float, float, float]], pos: float, a: float, b: float) -> float:
    """The fraction of [a, b] covered by the rules at position pos."""
    if b <= a:
        return 1.0
    got = sum(max(0.0, min(b, r1) - max(a, r0)) for p, r0, r1 in rules if abs(p - pos) <= _SNAP)
    return min(1.0, got / (b - a))


def find_ruled_tables(page, index: int, min_rows: int = 2) -> list[PageGrid]:
    """The ruled grids on one page (at least `min_rows` rows and two columns), top to bottom."""
    height = page.get_height()
    try:
        hs, vs = _rules(page)
    except _TooMuch:
        return []
    if len(hs) < 2 or len(vs) < 2:
        return []
    # y downwards from here on
    hs = _merge([(height - y, x0, x1) for y, x0, x1 in hs])
    vs = _merge([(x, height - y1, height - y0) for x, y0, y1 in vs])
    if len(hs) > MAX_RULES or len(vs) > MAX_RULES:
        return []  # hatching, a chart or a map, not a text table
    # rules that touch form one grid
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - _SNAP <= x <= hx1 + _SNAP and vy0 - _SNAP <= y <= vy1 + _SNAP:
                parent[find(i)] = find(len(hs) + j)
    comps: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    grids = []
    for ch, cv in comps.values():
        if len(ch) < 2 or len(cv) < 2:
            continue
        left, right = min(h[1] for h in ch), max(h[2] for h in ch)
        top, bottom = min(v[1] for v in cv), max(v[2] for v in cv)
        xs = _cluster([v[0] for v in cv] + [left, right])
        ys = _cluster([h[0] for h in ch] + [top, bottom])
        if len(xs) < 3 or len(ys) < min_rows + 1 or len(xs) > MAX_COLUMNS + 1 or len(ys) > MAX_ROWS + 1:
            continue
        grid = _groups(xs, ys, ch, cv)
        if grid is not None:
            grids.append(PageGrid(index, xs, ys, grid))
    grids.sort(key=lambda g: (g.top, g.x0))
    return grids


def _groups(xs, ys, hs, vs) -> Optional[list[list[int]]]:
    """Union the grid units not separated by a rule; group[i][j] is the cell id of unit (i, j)."""
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and _coverage(vs, xs[j + 1], ys[i], ys[i + 1]) < _COVER:
                parent[find(i * nc + j)] = find(i * nc + j + 1)
            if i + 1 < nr and _coverage(hs, ys[i + 1], xs[j], xs[j + 1]) < _COVER:
                parent[find(i * nc + j)] = find((i + 1) * nc + j)
    ids: dict[int, int] = {}
    group = [[ids.setdefault(find(i * nc + j), len(ids)) for j in range(nc)] for i in range(nr)]
    if len(ids) < 2:
        return None  # a box, not a table
    return group


# ───────────────────────────── grids → text and Table ─────────────────────────────

_CAPTION_MAX = 50  # a caption is a short line …
_NOT_CAPTION = "。；，,;"  # … that does not end a sentence


def _continues(run: list[PageGrid], g: PageGrid) -> bool:
    return g.page == run[-1].page + 1 and g.same_columns(run[-1])


def _continue_groups(rows: list[list], grows: list[list]) -> None:
    """A merged group cell cut by the page break: on the new page it is an empty cell at the top of a
    column whose last cell on the page before spans several rows (a rowspan). The empty part becomes
    that cell again, so the group stays one cell over the page break."""
    for j, top in enumerate(grows[0]):
        above = rows[-1][j]
        if top.text or not above.text:
            continue
        if any(c is top for r in grows for k, c in enumerate(r) if k != j) or \
                any(c is above for r in rows for k, c in enumerate(r) if k != j):
            continue  # spans columns: not a plain group cell
        if sum(1 for r in rows if r[j] is above) < 2:
            continue  # the cell above is one row, not a group
        for r in grows:
            if r[j] is top:
                r[j] = above


def _block_end(rows: list[list], i: int) -> int:
    """The end of the block of rows starting at row i: rows joined by cells that span them."""
    end = i + 1
    while end < len(rows) and any(a is b for a, b in zip(rows[end - 1], rows[end])):
        end += 1
    return end


def _header_rows(rows: list[list]) -> list[tuple[int, int]]:
    """The leading rows a continuation page may repeat, as (start, stop) row ranges: the header (the
    first row with the rows its cells span into), after a title row (one cell across the table) if
    there is one — or the header without that title."""
    if not rows:
        return []
    end = _block_end(rows, 0)
    if all(c is rows[0][0] for c in rows[0]) and end < len(rows):
        return [(0, _block_end(rows, end)), (end, _block_end(rows, end))]
    return [(0, end)]


def _grid_rows(run: list[PageGrid]) -> list[list]:
    """The cells of a run of page grids (one table over page breaks) as one grid of Cells. A
    continuation page's first rows that repeat the table's header (with or without its title row)
    are dropped."""
    from kg.loaders.tables import Cell

    rows: list[list] = []
    first: list[list[str]] = []
    repeated: list[tuple[int, int]] = []
    for n, g in enumerate(run):
        cells = {cid: Cell(g.cell_text(cid), 0, 0) for row in g.group for cid in row}
        grows = [[cells[cid] for cid in row] for row in g.group]
        texts = [[c.text for c in r] for r in grows]
        if n == 0:
            first, repeated = texts, _header_rows(grows)
        else:
            for a, b in repeated:
                top = first[a:b]
                if any(any(r) for r in top) and texts[:len(top)] == top:
                    grows = grows[len(top):]
                    break
            if grows and rows:
                _continue_groups(rows, grows)
        rows.extend(grows)
    return rows


def layout(items: list) -> tuple[str, list]:
    """Paragraph lines and page grids, in reading order → (text, tables), as loaders/tables.py says.

    Strings become lines of the text as they are. Grids that follow each other directly on
    consecutive pages with the same column boundaries are one table (a continued table: repeated
    header rows dropped, a group cell cut by the page break joined, `_grid_rows`). Leading title rows
    (one cell across the table: 附件2 / XX任务分工表) are lines above the table, the last one its
    caption; else the caption is the line right above when it is short and not a sentence. Rows and
    columns without any text are dropped. Then each cell's text is a line (or lines) of its own, row
    by row, a merged cell once where it starts; an empty cell writes nothing and is a zero-length
    span where the next cell starts. A grid left with fewer than two rows or columns is not a table:
    its cells are plain lines."""
    from kg.loaders.tables import Table

    merged: list = []
    for it in items:
        if isinstance(it, PageGrid) and merged and isinstance(merged[-1], list) and _continues(merged[-1], it):
            merged[-1].append(it)
        elif isinstance(it, PageGrid):
            merged.append([it])
        else:
            merged.append(it)
    parts: list[str] = []
    pos = 0
    tables = []

    def line(s: str) -> None:
        nonlocal pos
        parts.append(s)
        pos += len(s) + 1

    for k, it in enumerate(merged):
        if isinstance(it, str):
            line(it)
            continue
        rows = [r for r in _grid_rows(it) if any(c.text for c in r)]
        caption = None
        prev = merged[k - 1] if k else None
        if isinstance(prev, str) and 0 < len(prev.strip()) <= _CAPTION_MAX and prev.strip()[-1] not in _NOT_CAPTION:
            caption = prev.strip()
        while len(rows) > 1 and all(c is rows[0][0] for c in rows[0]):  # a title row
            caption = rows[0][0].text
            line(caption)
            rows = rows[1:]
        keep = [j for j in range(len(rows[0]) if rows else 0) if any(r[j].text for r in rows)]
        rows = [[r[j] for j in keep] for r in rows]
        if len(rows) < 2 or len(rows[0]) < 2:
            done: set[int] = set()
            for c in (c for r in rows for c in r):
                if id(c) not in done:
                    done.add(id(c))
                    line(c.text)
            continue
        seen: set[int] = set()
        empties = []
        for row in rows:
            for c in row:
                if id(c) in seen:
                    continue
                seen.add(id(c))
                if c.text:
                    c.start, c.end = pos, pos + len(c.text)
                    line(c.text)
                else:
                    c.start = c.end = pos
                    empties.append(c)
        written = [c for c in (c for r in rows for c in r) if c.text]
        start, end = written[0].start, max(c.end for c in written)
        for c in empties:  # after the last written cell: the table's end
            c.start = c.end = min(c.start, end)
        tables.append(Table(rows, start, end, caption))
    return "\n".join(parts), tables

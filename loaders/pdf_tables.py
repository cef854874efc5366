"""Ruled tables on a PDF page, found from the page's drawn lines (pypdfium2 path objects).

Chinese plans attach their role table (任务分工表 / 责任分解表 / 任务清单: 序号 | 重点任务 | 具体措施 |
牵头单位 | 责任单位 | 完成时限) as a grid drawn with ruling lines — stroked line segments, rectangles,
or (Word, WPS) thin filled rectangles. `find_ruled_tables(page)` collects the horizontal and vertical
rules of one page, groups the ones that touch into grids, and reads merged cells from the rules
that are missing: no rule between two grid units means one cell spans both (rowspan / colspan).
The reader in loaders/formats/pdf.py then routes each character of the page's text layer whose centre
falls in a grid to its cell (`PageGrid.add_char`), and `layout` writes the cells into the text
and makes the `kg.loaders.tables.Table`s.

A table without vertical rules (a 三线表, or columns aligned by position only) is found from its
header row instead (`find_unruled_tables`, at the end of this file): only a header with a role column
(牵头单位 / 责任单位 / 配合单位 … / 完成时限) makes one. All coordinates here are distances from the
page's top (y grows downwards), in PDF points.
"""
from __future__ import annotations

import bisect
import ctypes
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from kg.loaders.clauses import _STRONG_END as _STRONG_HEAD
from kg.loaders.clauses import NOT_UNIT_SOFT, _has_head, plausible_unit
from kg.loaders.role_tables import GROUP, NUMBER, OTHER, ROLE_WORD, SECTION, header_row_kinds, text_kinds

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
    page: int = 0


@dataclass
class PageGrid:
    """One ruled grid on one page: column and row boundaries, and which grid units form one cell."""

    page: int
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    group: list[list[int]]  # group[i][j]: the cell (an id) covering grid unit (row i, column j)
    chars: dict[int, list[_Char]] = field(default_factory=dict)
    _padding: Optional[float] = field(default=None, repr=False, compare=False)

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
        starts a new line, and so does a unit after a unit line that stops short of the cell's width
        (one unit a line, Enter pressed between them)."""
        return join_cell_lines(self.cell_lines(cell))

    def cell_lines(self, cell: int) -> list["CellLine"]:
        """The cell's lines, top to bottom, each with how far short of the cell's text width it stops."""
        chars = sorted(self.chars.get(cell, ()), key=lambda c: (c.top + c.bottom) / 2)
        lines: list[list[_Char]] = []
        mid = 0.0  # the middle of the last line, set with its first character
        for c in chars:
            cm = (c.top + c.bottom) / 2
            h = max(c.bottom - c.top, 1.0)
            if lines and abs(cm - mid) < 0.5 * h:
                lines[-1].append(c)
            else:
                lines.append([c])
                mid = cm
        width = self.text_width(cell)
        out = []
        for ln in lines:
            ln.sort(key=lambda c: c.x0)
            s = "".join(c.ch + (" " if c.space_after and k < len(ln) - 1 else "") for k, c in enumerate(ln))
            if s.strip():
                em = max(max(c.bottom - c.top for c in ln), 1.0)
                out.append(CellLine(s.strip(), (width - (ln[-1].x1 - ln[0].x0)) / em))
        return out

    def text_width(self, cell: int) -> float:
        """The width text can take in `cell`: its columns' width less the grid's padding on both sides."""
        cols = [j for row in self.group for j, cid in enumerate(row) if cid == cell]
        return self.xs[max(cols) + 1] - self.xs[min(cols)] - 2 * self.padding()

    def padding(self) -> float:
        """The space between a cell's border and its text: in a low fifth of the cells, the nearest any of
        their characters comes to the left border (cells centred or right-aligned are further off)."""
        if self._padding is None:
            gaps = sorted(min(c.x0 for c in cs) - self.xs[min(j for row in self.group for j, cid in enumerate(row)
                                                                 if cid == cell)]
                          for cell, cs in self.chars.items() if cs)
            self._padding = max(0.0, gaps[len(gaps) // 5]) if gaps else 0.0
        return self._padding

    def same_columns(self, other: "PageGrid", tol: float = 2.0) -> bool:
        return len(self.xs) == len(other.xs) and all(abs(a - b) <= tol for a, b in zip(self.xs, other.xs))


class CellLine(NamedTuple):
    """A line of a table cell and how far (in em) it stops short of the width the cell's text can take."""

    text: str
    slack: float = 0.0


_SHORT = 1.0  # a cell line that stops this many em short of the cell's text width was ended by hand
_MARK = re.compile(r"[（(][^（()）]{1,6}[）)]$")  # 市发展改革委（牵头）


def join_cell_lines(lines: list[CellLine]) -> str:
    text = ""
    prev: Optional[CellLine] = None
    for ln in lines:
        s = ln.text
        if not text:
            text = s
        elif text[-1] in _ENDS and _ITEM.match(s):
            text += "\n" + s
        elif _LATIN.match(text[-1]) and _LATIN.match(s[0]):
            text += " " + s
        elif prev is not None and _unit_break(_last_unit(text), prev.slack, s):
            text += "\n" + s
        else:
            text += s
        prev = ln
    return text


_UNIT_SEP = re.compile(r"[\n、，,；;\s]")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _last_unit(text: str) -> str:
    """The cell text after its last separator outside brackets, brackets dropped (各县（市、区）人民政府: 各县人民政府)."""
    return _UNIT_SEP.split(_BRACKETED.sub("", text[-80:]))[-1]


def _unit_break(unit: str, slack: float, nxt: str) -> bool:
    """Whether a cell's unit (`unit`, ending a line `slack` em short of the cell's width) was ended by hand
    before the next line: it is a whole unit (a unit's head noun last, or a role mark after one) and the next
    line starts another; either the line stops well short of the cell's width, or it fills it but ends in a
    strong head (局, 委, 办 …) and the next line starts at a unit's level (市, 县, 各 …) or is a whole unit
    itself. A wrapped name (市发展改 / 革委, 国家税务总局临江市 / 税务局) still joins."""
    if not nxt or not _CJK_START.match(nxt) or not _whole_unit(unit):
        return False
    if slack >= _SHORT:  # unless the next line's first word completes the unit (团市 / 委、: kept off the line by the 、)
        return bool(_STRONG_HEAD.search(unit)) or len(_UNIT_SEP.split(nxt, 1)[0]) > 2
    return bool(_STRONG_HEAD.search(unit)) and bool(
        _LEVEL_START.match(nxt) or len(nxt) >= 4 and _STRONG_HEAD.search(nxt) and _whole_unit(nxt))


def _whole_unit(s: str) -> bool:
    """A unit's name (no sentence words), with or without a role mark after it."""
    core = unicodedata.normalize("NFKC", _MARK.sub("", s))
    return 2 <= len(core) <= 40 and _has_head(core) and plausible_unit(core) and not NOT_UNIT_SOFT.search(core)


_LEVEL_START = re.compile(r"^(?:市|县|区|省|州|各|乡|镇|街道|国家|中共|共青团)")
_CJK_START = re.compile(r"[\u4e00-\u9fff]")


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

    found = _RuleFinder(c)
    found.walk(c.FPDFPage_CountObjects, c.FPDFPage_GetObject, page.raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return found.hs, found.vs


class _RuleFinder:
    """The rules of the path objects of a page (forms walked into), within the guards' budget."""

    def __init__(self, c) -> None:
        self.c = c  # pypdfium2.raw
        self.hs: list[tuple[float, float, float]] = []
        self.vs: list[tuple[float, float, float]] = []
        self.budget = {"objects": MAX_PATH_OBJECTS, "segments": MAX_SEGMENTS}
        self.fm, self.st = ctypes.c_int(), ctypes.c_int()
        self.fx, self.fy = ctypes.c_float(), ctypes.c_float()
        self.mat = c.FS_MATRIX()

    def walk(self, count, get, parent, m) -> None:
        c = self.c
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_PATH:
                self.path(obj, m)
            elif kind == c.FPDF_PAGEOBJ_FORM:
                fm_ = c.FS_MATRIX()
                inner = m
                if c.FPDFPageObj_GetMatrix(obj, fm_):
                    inner = _mul((fm_.a, fm_.b, fm_.c, fm_.d, fm_.e, fm_.f), m)
                self.walk(c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, obj, inner)

    def path(self, obj, m) -> None:
        """The rules of one visible path object (m: the matrix of the forms around it)."""
        c, budget = self.c, self.budget
        budget["objects"] -= 1
        n = c.FPDFPath_CountSegments(obj)
        budget["segments"] -= max(n, 0)
        if budget["objects"] < 0 or budget["segments"] < 0:
            raise _TooMuch
        if n <= 0 or not c.FPDFPath_GetDrawMode(obj, self.fm, self.st):
            return
        stroked = bool(self.st.value) and _visible(obj, c.FPDFPageObj_GetStrokeColor)
        filled = self.fm.value != c.FPDF_FILLMODE_NONE and _visible(obj, c.FPDFPageObj_GetFillColor)
        if not (stroked or filled):
            return
        mat = self.mat
        if c.FPDFPageObj_GetMatrix(obj, mat):
            m = _mul((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), m)
        for pts, closed, curved in self.subpaths(obj, n, m):
            if not curved:
                self.shape(pts, closed, filled, stroked)

    def subpaths(self, obj, n: int, m) -> list[tuple[list[tuple[float, float]], bool, bool]]:
        """The path's subpaths in page space: (points, closed, curved)."""
        c, fx, fy = self.c, self.fx, self.fy
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
        return subpaths

    def shape(self, pts: list[tuple[float, float]], closed: bool, filled: bool, stroked: bool) -> None:
        """The rules of a straight subpath: its axis-parallel sides, or itself when it is a thin filled shape."""
        if filled and not stroked:
            if len(pts) < 3:
                return
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            # a filled shape: a thin one is a rule; a rectangle contributes its four sides
            if h <= _THIN and w > h:
                self.hs.append(((max(ys) + min(ys)) / 2, min(xs), max(xs)))
                return
            if w <= _THIN and h > w:
                self.vs.append(((max(xs) + min(xs)) / 2, min(ys), max(ys)))
                return
            closed = True
        for p, q in zip(pts, pts[1:]):
            self.add(p, q)
        if closed and len(pts) > 2:
            self.add(pts[-1], pts[0])

    def add(self, p, q) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) <= _STRAIGHT and abs(x0 - x1) > _STRAIGHT:
            self.hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) <= _STRAIGHT and abs(y0 - y1) > _STRAIGHT:
            self.vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


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
        first, *rest = sorted(run, key=lambda s: s[1])  # a run has one rule at least
        cur = [first[1], first[2]]
        for _, a, b in rest:
            if a <= cur[1] + _SNAP:
                cur[1] = max(cur[1], b)
            else:
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


def page_rules(page) -> Optional[tuple[list, list]]:
    """The page's horizontal rules (y, x0, x1) and vertical rules (x, y0, y1), collinear pieces joined,
    y downwards; None for a page beyond the guards (a map, a chart: not searched for tables)."""
    height = page.get_height()
    try:
        hs, vs = _rules(page)
    except _TooMuch:
        return None
    hs = _merge([(height - y, x0, x1) for y, x0, x1 in hs]) if hs else []
    vs = _merge([(x, height - y1, height - y0) for x, y0, y1 in vs]) if vs else []
    if len(hs) > MAX_RULES or len(vs) > MAX_RULES:
        return None  # hatching, a chart or a map, not a text table
    return hs, vs


def find_ruled_tables(page, index: int, min_rows: int = 2, rules: Optional[tuple[list, list]] = None) -> list[PageGrid]:
    """The ruled grids on one page (at least `min_rows` rows and two columns), top to bottom.
    `rules`: the page's `page_rules` if already read."""
    if rules is None:
        rules = page_rules(page)
    if rules is None:
        return []
    hs, vs = rules
    if len(hs) < 2 or len(vs) < 2:
        return []
    grids = []
    for ch, cv in _touching(hs, vs):
        grid = _component_grid(ch, cv, index, min_rows)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.top, g.x0))
    return grids


def _touching(hs: list, vs: list) -> list[tuple[list, list]]:
    """The rules grouped by touching: (horizontal, vertical) rules of each group."""
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
    return list(comps.values())


def _component_grid(ch: list, cv: list, index: int, min_rows: int) -> Optional[PageGrid]:
    """The grid one group of touching rules draws, if it is a table's (size within the limits, cells)."""
    if len(ch) < 2 or len(cv) < 2:
        return None
    left, right = min(h[1] for h in ch), max(h[2] for h in ch)
    top, bottom = min(v[1] for v in cv), max(v[2] for v in cv)
    xs = _cluster([v[0] for v in cv] + [left, right])
    ys = _cluster([h[0] for h in ch] + [top, bottom])
    if len(xs) < 3 or len(ys) < min_rows + 1 or len(xs) > MAX_COLUMNS + 1 or len(ys) > MAX_ROWS + 1:
        return None
    grid = _groups(xs, ys, ch, cv)
    return PageGrid(index, xs, ys, grid) if grid is not None else None


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
    are dropped; a first row that is the rest of the page before's last row (cut by the page break)
    is joined to it."""
    from kg.loaders.tables import Cell

    rows: list[list] = []
    lines: dict[int, list[CellLine]] = {}  # each Cell's lines, for joining a row cut by a page break
    first: list[list[str]] = []
    repeated: list[tuple[int, int]] = []
    for n, g in enumerate(run):
        cells = {}
        for cid in {cid for row in g.group for cid in row}:
            cl = g.cell_lines(cid)
            cells[cid] = Cell(join_cell_lines(cl), 0, 0)
            lines[id(cells[cid])] = cl
        grows = [[cells[cid] for cid in row] for row in g.group]
        texts = [[c.text for c in r] for r in grows]
        if n == 0:
            first, repeated = texts, _header_rows(grows)
        else:
            grows = _drop_repeated(grows, texts, first, repeated)
            if grows and rows:
                grows = _join_cut_row(rows, grows, lines)
            if grows and rows:
                _continue_groups(rows, grows)
        rows.extend(grows)
    return rows


def _drop_repeated(grows: list[list], texts: list[list[str]], first: list[list[str]],
                   repeated: list[tuple[int, int]]) -> list[list]:
    """A continuation page's rows without the header rows it repeats from the table's first page."""
    for a, b in repeated:
        top = first[a:b]
        if any(any(r) for r in top) and texts[:len(top)] == top:
            return grows[len(top):]
    return grows


def _join_cut_row(rows: list[list], grows: list[list], lines: dict[int, list[CellLine]]) -> list[list]:
    """A row cut by a page break (Word lets a row break across pages): the new page's first row has an
    empty 序号 cell where the page before's last row has a number. Its cells are the rest of that row's
    cells, joined line by line to them (a unit cut 市发展改 / 革委 is one again); the row is dropped."""
    last, top = rows[-1], grows[0]
    key = next((j for j, c in enumerate(last) if _NUMBER.match(c.text) and _one_row(rows, c)), None)
    if key is None or top[key].text or not any(c.text for c in top) or not _one_row(grows, top[key]):
        return grows
    for j, below in enumerate(top):
        above = last[j]
        if below is above or any(below is c for k, c in enumerate(top) if k < j):
            continue
        if below.text:
            joined = lines.get(id(above), []) + lines.get(id(below), [])
            above.text = join_cell_lines(joined)
            lines[id(above)] = joined
        for r in grows:
            r[:] = [above if c is below else c for c in r]
    return grows[1:]


def _one_row(rows: list[list], cell) -> bool:
    """Whether `cell` is in one row of `rows` only (not a merged group cell)."""
    return sum(1 for r in rows if any(c is cell for c in r)) == 1


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
    writer = _LayoutWriter()
    merged = _table_runs(items)
    for k, it in enumerate(merged):
        if isinstance(it, str):
            writer.line(it)
        else:
            writer.table(it, merged[k - 1] if k else None)
    return "\n".join(writer.parts), writer.tables


def _table_runs(items: list) -> list:
    """The items with grids that continue each other on consecutive pages in one list (a run)."""
    merged: list = []
    for it in items:
        if isinstance(it, PageGrid) and merged and isinstance(merged[-1], list) and _continues(merged[-1], it):
            merged[-1].append(it)
        elif isinstance(it, PageGrid):
            merged.append([it])
        else:
            merged.append(it)
    return merged


class _LayoutWriter:
    """The lines of `layout`'s text, with the position of the next one, and the tables made."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.tables: list = []

    def line(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s) + 1

    def table(self, run: list[PageGrid], prev: object) -> None:
        """A run of grids: its title rows as lines, then its cells (a Table), or only lines when it is
        too small to be a table. `prev`: the item before it, a caption when it is a short line."""
        rows = [r for r in _grid_rows(run) if any(c.text for c in r)]
        caption = None
        if isinstance(prev, str) and 0 < len(prev.strip()) <= _CAPTION_MAX and prev.strip()[-1] not in _NOT_CAPTION:
            caption = prev.strip()
        while len(rows) > 1 and all(c is rows[0][0] for c in rows[0]):  # a title row
            caption = rows[0][0].text
            self.line(caption)
            rows = rows[1:]
        keep = [j for j in range(len(rows[0]) if rows else 0) if any(r[j].text for r in rows)]
        rows = [[r[j] for j in keep] for r in rows]
        if len(rows) < 2 or len(rows[0]) < 2:
            done: set[int] = set()
            for c in (c for r in rows for c in r):
                if id(c) not in done:
                    done.add(id(c))
                    self.line(c.text)
            return
        self.tables.append(self.cells(rows, caption))

    def cells(self, rows: list[list], caption: Optional[str]):
        """Each cell's text as lines, row by row, a merged cell once; the Table of their spans."""
        from kg.loaders.tables import Table

        seen: set[int] = set()
        empties = []
        for row in rows:
            for c in row:
                if id(c) in seen:
                    continue
                seen.add(id(c))
                if c.text:
                    c.start, c.end = self.pos, self.pos + len(c.text)
                    self.line(c.text)
                else:
                    c.start = c.end = self.pos
                    empties.append(c)
        written = [c for c in (c for r in rows for c in r) if c.text]
        start, end = written[0].start, max(c.end for c in written)
        for c in empties:  # after the last written cell: the table's end
            c.start = c.end = min(c.start, end)
        return Table(rows, start, end, caption)


# ───────────────────────────── tables without rules (三线表, aligned columns) ─────────────────────────────
#
# A role table printed without vertical rules — a 三线表 (a rule above and below the header and one at
# the bottom) or no rules at all — is found from its header row: a line (or two adjacent lines, for
# header cells wrapped in narrow columns) whose pieces, kept apart by wide gaps, are all column headers,
# one of them a role header (牵头单位, 责任部门, 配合单位 … or 完成时限). The header cells' x-extents and
# the gutters between the following lines' pieces give the column boundaries; lines that fit the columns
# belong to the table, rows start where the 序号 column has a number. Conservative on purpose: a false
# table in prose is worse than a missed one.

_HEAD_HINT = ROLE_WORD  # cheap: a line that may be a header row holds a role word
_NUMBER = re.compile(r"^\d{1,3}[.、．]?$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节条部分]|附件|附表|注[:：])")

_HEAD_GAP = 0.8  # header cells are kept apart by at least this many em
_PIECE_GAP = 0.5  # so are a data line's pieces in different columns
_FIRST_ROW = 8.0  # the first row's number comes this many em under the header at most (cells centred in a tall row)
_MAX_LINE_GAP = 5.0  # a vertical gap (top to top, em) this large ends the table
_PAGE_Y = 100000.0  # rows of a table over page breaks: y + page × this, one coordinate for the whole table


def _line_em(line) -> float:
    return line.em or 10.0


def _pieces(chars: list, gap: float) -> list[list]:
    """Characters → runs along x, split where the gap to everything left of a character exceeds `gap`."""
    out: list[list] = []
    right = 0.0
    for c in sorted(chars, key=lambda c: c.x0):
        if out and c.x0 - right <= gap:
            out[-1].append(c)
            right = max(right, c.x1)
        else:
            out.append([c])
            right = c.x1
    return out


def _piece_text(piece: list) -> str:
    rows: list[list] = []
    for c in sorted(piece, key=lambda c: (c.top + c.bottom) / 2):
        if rows and abs((c.top + c.bottom) / 2 - (rows[-1][0].top + rows[-1][0].bottom) / 2) < 0.5 * max(c.bottom - c.top, 1):
            rows[-1].append(c)
        else:
            rows.append([c])
    return "".join(c.ch for r in rows for c in sorted(r, key=lambda c: c.x0)).replace(" ", "").replace("\u3000", "")


@dataclass
class _Header:
    lines: list  # the header's lines (one or two)
    names: list[str]  # column header texts, left to right
    extents: list[tuple[float, float]]  # their x-extents
    pieces: list[list]  # their characters
    key: int  # the 序号 column (else 0)
    kinds: list[str]  # each column's kind (role_tables: number, group, task, role …)


def _header(lines: list) -> Optional[_Header]:
    """The column headers of a header row made of `lines`, or None when they are not one."""
    if any(ln.table for ln in lines):
        return None
    chars = [ln.chars for ln in lines]
    if not all(chars):
        return None
    em = max(_line_em(ln) for ln in lines)
    pieces = _pieces([c for cs in chars for c in cs], _HEAD_GAP * em)
    if not 2 <= len(pieces) <= MAX_COLUMNS:
        return None
    names = [_piece_text(p) for p in pieces]
    if any(not n or len(n) > 8 for n in names):
        return None
    kinds = header_row_kinds(names)  # the header words of every other format's tables
    # conservative, as a table found in prose is worse than one missed: at most one cell of four or more unknown
    if kinds is None or sum(k.kind != OTHER for k in kinds) < len(names) - (1 if len(names) >= 4 else 0):
        return None
    key = next((j for j, k in enumerate(kinds) if k.kind == NUMBER), 0)
    return _Header(list(lines), names, [(min(c.x0 for c in p), max(c.x1 for c in p)) for p in pieces], pieces, key,
                   text_kinds(kinds))


def header_line(line) -> bool:
    """A line that is by itself the header row of a table without rules (kept where running headers go)."""
    return bool(_HEAD_HINT.search(line.text)) and bool(getattr(line, "chars", None)) and _header([line]) is not None


_HEADER_WINDOWS = ((-1, 1), (0, 2), (-2, 0), (0, 1), (-1, 0), (0, 0))  # lines around flat[i]: three, two, one


def _find_header(flat: list, i: int) -> Optional[tuple[_Header, int]]:
    """The header row at flat[i], with the lines above or below it when its cells wrap (narrow columns:
    序 / 号, 牵头 / 单位; centred vertically, a cell of one line sits between the two lines of another, so a
    header can be three lines): the header and the index of its last line."""
    em = _line_em(flat[i])

    def near(a, b) -> bool:
        return a.page == b.page and a.top is not None and b.top is not None and 0 < b.top - a.top <= 1.8 * em

    for lo, hi in _HEADER_WINDOWS:
        if i + lo < 0 or i + hi >= len(flat):
            continue
        window = flat[i + lo:i + hi + 1]
        if all(near(a, b) for a, b in zip(window, window[1:])):
            h = _header(window)
            if h:
                return h, i + hi
    return None


def _candidates(piece: list, ext: list[tuple[float, float]], tol: float) -> list[int]:
    """The columns a data piece can belong to: those it fits between the neighbouring headers."""
    a, b = min(c.x0 for c in piece), max(c.x1 for c in piece)
    n = len(ext)
    return [j for j in range(n) if (j == 0 or a > ext[j - 1][1] - tol) and (j == n - 1 or b < ext[j + 1][0] + tol)]


def _same_header(h: _Header, other: Optional[_Header], tol: float = 3.0) -> bool:
    return other is not None and other.names == h.names and all(
        abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol for a, b in zip(h.extents, other.extents))


def find_unruled_tables(pages: list[list], hrules: list[Optional[list]]) -> list[tuple[PageGrid, list]]:
    """Tables without vertical rules in the pages' lines (objects with text, page, top, em, chars,
    table; `chars` the line's `_Char`s, y downwards). `hrules[k]`: page k's horizontal rules (y, x0,
    x1), None for a page that is not searched. Returns each table as a PageGrid (its rows in one y
    coordinate over page breaks) with the lines it takes up, the header's first line first."""
    flat = [ln for k, page in enumerate(pages) if hrules[k] is not None for ln in page]
    found = []
    i = 0
    while i < len(flat):
        ln = flat[i]
        if ln.table or not _HEAD_HINT.search(ln.text) or not getattr(ln, "chars", None):
            i += 1
            continue
        got = _find_header(flat, i)
        table = _unruled_table(flat, got, hrules) if got else None
        if table is None:
            i += 1
            continue
        grid, used, i = table
        found.append((grid, used))
    return found


def _unruled_table(flat: list, got: tuple[_Header, int], hrules: list) -> Optional[tuple[PageGrid, list, int]]:
    """The table under the header `got` (header, index of its last line in `flat`): its grid, the lines
    it takes up and the index of the first line after it; None when it is not a table."""
    head, last = got
    reader = _UnruledBody(flat, head, hrules)
    reader.read(last + 1)
    body, at, skip = reader.body, reader.at, reader.skip
    # a line that breaks the columns the others make (text across a gutter) ends the table before it
    for _ in range(50):
        if sum(1 for ln, pcs in body if any(head.key in c and _NUMBER.match(_piece_text(p)) for p, c in pcs)) < 2:
            return None
        built = _build(head, body, skip)
        if built:
            return built[0], built[1], at[-1] + 1
        body.pop()
        at.pop()
        while skip and (skip[-1].page, skip[-1].top) > (body[-1][0].page, body[-1][0].top):
            skip.pop()
    return None


class _UnruledBody:
    """The lines under a header without rules that fit its columns, up to the first that ends the table."""

    def __init__(self, flat: list, head: _Header, hrules: list) -> None:
        self.flat, self.head, self.hrules = flat, head, hrules
        self.em = max(_line_em(ln) for ln in head.lines)
        self.left, self.right = head.extents[0][0], head.extents[-1][1]
        self.body: list[tuple[Any, list[tuple[list, list[int]]]]] = []  # (line, [(piece, candidate columns)])
        self.at: list[int] = []  # each body line's index in flat
        self.skip: list = []  # repeated header lines on later pages

    def read(self, k: int) -> None:
        """The body from flat[k] on."""
        flat = self.flat
        prev = self.head.lines[-1]
        numbered = 0
        while k < len(flat):
            ln = flat[k]
            chars = None if ln.table else getattr(ln, "chars", None)
            if not chars:
                break
            if ln.page != prev.page:
                if ln.page != prev.page + 1:
                    break
                end = self.repeated_header(k)
                if end is not None:
                    self.skip.extend(flat[k:end + 1])
                    prev = flat[end]
                    k = end + 1
                    continue
            elif ln.top - prev.top > _MAX_LINE_GAP * self.em:
                break
            row = self.pieces(ln, chars)
            if row is None or self.past_end(ln, prev, numbered, row[1]):
                break
            self.body.append((ln, row[0]))
            self.at.append(k)
            numbered += row[1]
            prev = ln
            k += 1

    def repeated_header(self, k: int) -> Optional[int]:
        """The index of the last line of the table's header repeated at flat[k] (a new page), else None."""
        rep = _find_header(self.flat, k)
        return rep[1] if rep and _same_header(self.head, rep[0]) else None

    def pieces(self, ln, chars: list) -> Optional[tuple[list[tuple[list, list[int]]], bool]]:
        """A line's pieces with the columns each fits, and whether it has a number in the 序号 column;
        None for a line that does not fit the columns."""
        head = self.head
        lem = _line_em(ln)
        pieces = [(p, _candidates(p, head.extents, 0.2 * lem)) for p in _pieces(chars, _PIECE_GAP * lem)]
        if any(not cand for _, cand in pieces):
            return None  # spans columns: prose
        if _HEADING.match(ln.text) and not any(_NUMBER.match(_piece_text(p)) for p, c in pieces if head.key in c):
            return None
        has_number = False
        for p, cand in pieces:
            if head.key in cand and _NUMBER.match(_piece_text(p)):
                has_number = True
            elif cand == [head.key]:
                return None  # text in the 序号 column that is not a number
        return pieces, has_number

    def past_end(self, ln, prev, numbered: int, has_number: bool) -> bool:
        """Whether an unnumbered line is past the table: below its bottom rule, or far below the header."""
        if ln.page == prev.page and numbered and not has_number and _ruled_between(
                self.hrules[ln.page], prev, ln, self.left, self.right):
            return True  # below the bottom rule
        return not numbered and not has_number and ln.top - self.head.lines[-1].top > _FIRST_ROW * self.em


def _ruled_between(rules: Optional[list], a, b, left: float, right: float) -> bool:
    if not rules:
        return False
    lo = a.top + 0.5 * _line_em(a)
    return any(lo < y < b.top and min(x1, right) - max(x0, left) >= 0.5 * (right - left) for y, x0, x1 in rules)


def _build(head: _Header, body: list, skip: list) -> Optional[tuple[PageGrid, list]]:
    n = len(head.extents)
    # column boundaries: in the gutter between each pair of header cells, where no piece is
    placed = [(p, [j]) for j, p in enumerate(head.pieces)] + [pc for _, pcs in body for pc in pcs]
    bounds = _column_bounds(head.extents, placed)
    if bounds is None:
        return None
    everything = [c for p, _ in placed for c in p]
    xs = [min(c.x0 for c in everything) - 1.0] + bounds + [max(c.x1 for c in everything) + 1.0]
    cols = [[_column(xs, p, n) for p, _ in pcs] for _, pcs in body]
    starts = [i for i, (_, pcs) in enumerate(body)
              if any(cl == head.key and _NUMBER.match(_piece_text(p)) for (p, _), cl in zip(pcs, cols[i]))]
    firsts = [_row_first(body, starts, r) for r in range(len(starts))]
    nrows = len(starts) + 1  # the header is row 0
    cells = _row_cells(head, body, cols, firsts, nrows)
    if any(not any(cells[r][j] for j in range(n) if j != head.key) for r in range(1, nrows)):
        return None  # a numbered line with nothing else: a list, not a table
    group = _group_cells(head, cells)
    grid = PageGrid(head.lines[0].page, xs, [_vy(head.lines[0])] + [_vy(body[f][0]) for f in firsts]
                    + [_vy(body[-1][0]) + 1.0], group)
    for r in range(nrows):
        for j in range(n):
            for c in cells[r][j]:
                grid.chars.setdefault(group[r][j], []).append(
                    _Char(c.ch, c.x0, c.x1, c.top + c.page * _PAGE_Y, c.bottom + c.page * _PAGE_Y, c.space_after))
    return grid, list(head.lines) + [ln for ln, _ in body] + skip


def _column_bounds(ext: list[tuple[float, float]], placed: list) -> Optional[list[float]]:
    """The boundary between each pair of neighbouring columns; None when a pair has no gutter."""
    bounds = []
    for j in range(1, len(ext)):
        mid = _gutter(ext, placed, j)
        if mid is None:
            return None
        bounds.append(mid)
    return bounds


def _gutter(ext: list[tuple[float, float]], placed: list, j: int) -> Optional[float]:
    """The middle of the widest stretch between columns j - 1 and j that no piece able to be in both covers."""
    lo = max([ext[j - 1][1]] + [max(c.x1 for c in p) for p, cand in placed if cand == [j - 1]])
    hi = min([ext[j][0]] + [min(c.x0 for c in p) for p, cand in placed if cand == [j]])
    if lo >= hi:
        return None
    spans = sorted((max(lo, min(c.x0 for c in p)), min(hi, max(c.x1 for c in p)))
                   for p, cand in placed if j - 1 in cand and j in cand)
    best, at = -1.0, lo
    for a, b in spans + [(hi, hi)]:
        if a - at > best:
            best, mid = a - at, (at + a) / 2
        at = max(at, b)
    if best <= 0:
        return None
    return mid


def _column(xs: list[float], p: list, n: int) -> int:
    return min(max(bisect.bisect_left(xs, (min(c.x0 for c in p) + max(c.x1 for c in p)) / 2) - 1, 0), n - 1)


def _vy(ln) -> float:
    """A line's y in the one coordinate of a table over page breaks."""
    return ln.page * _PAGE_Y + ln.top


def _row_first(body: list, starts: list[int], r: int) -> int:
    """The first body line of row r (which starts with a number at body line starts[r])."""
    # rows: a new row at each line with a number in the 序号 column; the lines between two numbered
    # lines split at the widest vertical gap (the latest of equal ones): cells aligned at their top
    # start on the numbered line, cells centred in the row start above it
    s = starts[r]
    if r == 0:
        return 0  # lines above the first number: the first row's (cells centred in the row)
    if body[s][0].page != body[s - 1][0].page:  # (a row starting a page starts there)
        return s
    gaps = [(_vy(body[g][0]) - _vy(body[g - 1][0]), g) for g in range(starts[r - 1] + 1, s + 1)
            if body[g][0].page == body[g - 1][0].page]
    if not gaps:
        return s
    top = max(gp for gp, _ in gaps)
    return max(g for gp, g in gaps if gp >= top - 1.0)


def _row_cells(head: _Header, body: list, cols: list[list[int]], firsts: list[int], nrows: int) -> list[list[list]]:
    """The characters of each cell: cells[row][column], the header's in row 0."""
    n = len(head.extents)
    row_of = [0] * len(body)
    for r, first in enumerate(firsts):
        for i in range(first, len(body)):
            row_of[i] = r
    cells: list[list[list]] = [[[] for _ in range(n)] for _ in range(nrows)]
    for j, p in enumerate(head.pieces):
        cells[0][j].extend(p)
    for i, (_ln, pcs) in enumerate(body):
        for (p, _), cl in zip(pcs, cols[i]):
            cells[row_of[i] + 1][cl].extend(p)
    return cells


def _group_cells(head: _Header, cells: list[list[list]]) -> list[list[int]]:
    """The cell id of each (row, column): in a group column (重点任务 …) with some empty cells below a
    first one that is not, an empty cell is part of the one above."""
    nrows, n = len(cells), len(head.extents)
    group = [[r * n + j for j in range(n)] for r in range(nrows)]
    for j, kind in enumerate(head.kinds):
        if j == head.key or kind not in (GROUP, SECTION) or not cells[1][j]:
            continue
        if not any(not cells[r][j] for r in range(2, nrows)):
            continue
        for r in range(2, nrows):
            if not cells[r][j]:
                group[r][j] = group[r - 1][j]
    return group

"""PDF: the text layer (pypdfium2) as lines with their geometry, page numbers and running headers/footers
dropped, lines joined into paragraphs; ruled and unruled tables found by loaders/pdf_tables.py."""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

from kg.errors import InputError
from kg.limits import DEFAULT, LimitExceeded, Limits
from kg.loaders.clauses import LABEL
from kg.loaders.formats.common import _CJK, _OCR_FIX, Extracted, _plain
from kg.loaders.text import RADICALS

if TYPE_CHECKING:
    from kg.loaders.pdf_tables import PageGrid


_PAGE_NO = re.compile(
    r"^[\s\-—–─－~～·•_]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?(?:\s*[/／,，]?\s*(?:共\s*)?[0-9０-９]{1,4}\s*页?)?"
    r"[\s\-—–─－~～·•_]*$|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_WIDE_GAP = 0.9  # a gap (in em) between two characters of a line that stands for a space
_TERMINAL = "。！？；：）」』”!?;:)"
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)]|\d{1,2}[.、．]|[─—-]{2}|附件)")




class _Box(NamedTuple):
    x0: float
    x1: float
    top: float


@dataclass
class _Line:
    text: str
    page: int
    x0: Optional[float] = None  # x0, x1 and top: all three, or none (a page whose text the characters do not match)
    x1: Optional[float] = None
    top: Optional[float] = None  # distance from the top of the page
    em: Optional[float] = None
    table: Optional[PageGrid] = None  # a ruled table at its place in reading order; text ""
    raw: Optional[list] = field(default=None, compare=False, repr=False)  # (character, loose box, space after)
    height: float = field(default=0.0, compare=False, repr=False)

    def box(self) -> _Box:
        """x0, x1 and top, of a line read with its geometry (the code that asks reads only such lines)."""
        if self.x0 is None or self.x1 is None or self.top is None:
            raise ValueError(f"PDF line without geometry (page {self.page + 1}): {self.text[:40]!r}")
        return _Box(self.x0, self.x1, self.top)

    @property
    def chars(self) -> Optional[list]:
        """The line's characters as pdf_tables._Char (y downwards), made when asked for."""
        if self.raw is None:
            return None
        from kg.loaders.pdf_tables import _Char

        h = self.height
        return [_Char(ch, b[0], b[2], h - b[3], h - b[1], sp, self.page) for ch, b, sp in self.raw]


def _page_lines(page, index: int, grids: tuple | list = ()) -> tuple[list[_Line], int]:
    """Lines of one page in reading order (top to bottom), with their horizontal extent; and the
    number of characters on the page. Characters inside one of `grids` (ruled tables) go to the
    grid's cells instead, and a grid that got text is a line of its own (`table`) where it starts."""
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range().translate(RADICALS) if n else ""
        height = page.get_height()
        if len(text) != n:  # text not aligned with the characters: keep the lines without geometry
            return [_Line(t, index) for t in re.split(r"\r\n|\r|\n", text) if t.strip()], n
        lines = _TextPageLines(tp, text, index, height).read(grids)
    finally:
        tp.close()
    lines = [ln for ln in lines if ln.text]
    lines.sort(key=lambda ln: (round(ln.box().top / 3), ln.box().x0))
    merged = _merge_pieces(lines, index)
    for g in grids:
        if g.chars:
            at = next((k for k, ln in enumerate(merged) if ln.top > g.top), len(merged))
            merged.insert(at, _Line("", index, g.x0, g.x1, g.top, None, g))
    return merged, n


class _TextPageLines:
    """The characters of a pdfium text page as lines with geometry, in the order pdfium gives them
    (a line break ends a line); a character inside a cell of a ruled table goes to that cell."""

    def __init__(self, tp, text: str, index: int, height: float) -> None:
        import pypdfium2.raw as pdfium_c

        self.pdfium_c = pdfium_c
        self.tp, self.text, self.index, self.height = tp, text, index, height
        self.lines: list[_Line] = []
        self.cur: list[int] = []  # the characters of the line being read

    def read(self, grids: tuple | list) -> list[_Line]:
        text, cur = self.text, self.cur
        into = None  # the (grid, cell) the last character went to
        rect = self.pdfium_c.FS_RECTF()
        for i, ch in enumerate(text):
            if ch in "\r\n":
                self.flush()
                into = None
            elif grids and not ch.isspace():
                into = self.to_cell(i, ch, grids, rect)
            elif into:  # a space after a table character: kept inside the cell unless pdfium made it up
                if not self.generated_space(i):
                    into[0].mark_space(into[1])
            else:
                cur.append(i)
        self.flush()
        return self.lines

    def to_cell(self, i: int, ch: str, grids: tuple | list, rect) -> Optional[tuple]:
        """Give character `i` to the ruled-table cell it sits in, else to the current line; the (grid, cell)."""
        into = None
        if self.pdfium_c.FPDFText_GetLooseCharBox(self.tp.raw, i, rect):
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
            x, y = (left + right) / 2, self.height - (bottom + top) / 2
            into = next(((g, cell) for g in grids if (cell := g.locate(x, y)) is not None), None)
        if into:
            into[0].add_char(into[1], ch, (left, self.height - top, right, self.height - bottom))
        else:
            self.cur.append(i)
        return into

    def generated_space(self, i: int):
        """Whether character `i` is a space pdfium generated between CJK characters (justified text)."""
        text = self.text
        return (self.pdfium_c.FPDFText_IsGenerated(self.tp.raw, i) == 1 and 0 < i < len(text) - 1
                and _CJK.match(text[i - 1]) and _CJK.match(text[i + 1]))

    def wide_gap(self, i: int, em: Optional[float]) -> bool:
        """Whether the characters around character `i` stand more than about an em apart: a gap drawn for
        full-width spaces (牵头领导：张建国　　牵头单位：…), not the slack of justified text."""
        if not em:
            return False
        before, after = self.tp.get_charbox(i - 1, loose=True), self.tp.get_charbox(i + 1, loose=True)
        return after[0] - before[2] > _WIDE_GAP * em

    def flush(self) -> None:
        """End the current line: a _Line of its characters, if it has any that are not spaces."""
        text, cur = self.text, self.cur
        chars = [i for i in cur if not text[i].isspace()]
        if chars:
            self.lines.append(self.line(chars))
        cur.clear()

    def line(self, chars: list[int]) -> _Line:
        text, cur, height = self.text, self.cur, self.height
        boxes = [self.tp.get_charbox(i, loose=True) for i in chars]
        widths = [b[2] - b[0] for i, b in zip(chars, boxes) if _CJK.match(text[i]) and b[2] > b[0]]
        keep = []
        spaced = set()
        em = statistics.median(widths) if widths else None
        for k, i in enumerate(cur):  # drop spaces pdfium generated between CJK characters (justified text)
            if text[i] == " " and self.generated_space(i) and not self.wide_gap(i, em):
                continue
            keep.append(text[i])
            if k and text[i].isspace():
                spaced.add(cur[k - 1])
        return _Line(
            "".join(keep).strip(), self.index, min(b[0] for b in boxes), max(b[2] for b in boxes),
            height - max(b[3] for b in boxes),
            statistics.median(widths) if widths else statistics.median(b[3] - b[1] for b in boxes),
            raw=[(text[i], b, i in spaced) for i, b in zip(chars, boxes)], height=height)


def _merge_pieces(lines: list[_Line], index: int) -> list[_Line]:
    """Pieces of one visual line (same baseline, left to right) joined into one line."""
    merged: list[_Line] = []
    for ln in lines:  # pieces of one visual line (same baseline) become one line
        prev = merged[-1] if merged else None
        if prev and _same_line(prev, ln):
            merged[-1] = _joined(prev, ln, index)
        else:
            merged.append(ln)
    return merged


def _same_line(prev: _Line, ln: _Line) -> bool:
    """Whether `ln` continues `prev` on its visual line: the same baseline, and to its right."""
    a, b = prev.box(), ln.box()
    return abs(a.top - b.top) < 0.5 * (ln.em or 10) and b.x0 >= a.x1 - 1


def _joined(prev: _Line, ln: _Line, index: int) -> _Line:
    """Two pieces of a line as one: a space between them when the gap is wide and not inside CJK text."""
    a, b = prev.box(), ln.box()
    gap = b.x0 - a.x1
    sep = " " if gap > 0.8 * (ln.em or 10) and not (_CJK.match(prev.text[-1]) and _CJK.match(ln.text[0])) else ""
    raw = (prev.raw or []) + (ln.raw or [])
    if sep and prev.raw:
        raw[len(prev.raw) - 1] = raw[len(prev.raw) - 1][:2] + (True,)
    return _Line(prev.text + sep + ln.text, index, a.x0, b.x1, min(a.top, b.top), prev.em,
                 raw=raw, height=prev.height)


def _has_graphics(page) -> bool:
    for _obj in page.get_objects(max_depth=2):
        return True
    return False


def _drop_headers_footers(pages: list[list[_Line]], heights: list[float]) -> int:
    """Remove page numbers (— 3 —, 第3页, 3/10 …) and running headers/footers repeated at the
    same height on most pages (not the header row of a table without rules repeated on every page it
    runs over). Returns how many lines were removed."""
    removed = _drop_page_numbers(pages, heights)
    if len(pages) >= 2:
        removed += _drop_running_lines(pages)
    return removed


def _drop_page_numbers(pages: list[list[_Line]], heights: list[float]) -> int:
    """Page numbers near the top or bottom of the page (the first or last line when there is no geometry)."""
    removed = 0
    for k, lines in enumerate(pages):
        h = heights[k]
        keep = []
        for j, ln in enumerate(lines):
            if ln.table:
                keep.append(ln)
                continue
            edge = (ln.top is not None and (ln.top < 0.12 * h or ln.top > 0.85 * h)) or \
                (ln.top is None and j in (0, len(lines) - 1))
            if edge and _PAGE_NO.match(ln.text.strip()):
                removed += 1
                continue
            keep.append(ln)
        pages[k] = keep
    return removed


def _drop_running_lines(pages: list[list[_Line]]) -> int:
    """Lines among the first or last two of a page whose text (digits aside) recurs at about the same
    height on at least half the pages (and three); in a short document (two or three pages), on every
    page, or on every page after the first (a running header the cover page does not carry)."""
    removed = 0
    n = len(pages)
    for key, where in _edge_lines(pages).items():
        pages_with = {k for k, _ in where}
        if n >= 4 and len(pages_with) < max(3, (n + 1) // 2) or n < 4 and len(pages_with | {0}) < n or len(pages_with) < 2:
            continue
        tops = [t for _, t in where if t is not None]
        mode_top = statistics.median(tops) if tops else None
        for k in pages_with:
            before = len(pages[k])
            pages[k] = [ln for ln in pages[k] if ln.table or not (
                re.sub(r"[0-9０-９]+", "#", _plain(ln.text)) == key
                and (mode_top is None or ln.top is None or abs(ln.top - mode_top) < 3)
                and (ln in pages[k][:2] or ln in pages[k][-2:]))]
            removed += before - len(pages[k])
    return removed


def _edge_lines(pages: list[list[_Line]]) -> dict[str, list[tuple[int, Optional[float]]]]:
    """The first and last two lines of every page (not tables, not a table's header row), by their text
    with digits as #: where (page, top) each was seen."""
    from kg.loaders.pdf_tables import header_line

    seen: dict[str, list[tuple[int, Optional[float]]]] = {}
    for k, lines in enumerate(pages):
        for ln in lines[:2] + lines[-2:]:
            if ln.table or header_line(ln):
                continue
            seen.setdefault(re.sub(r"[0-9０-９]+", "#", _plain(ln.text)), []).append((k, ln.top))
    return seen


def _join_lines(pages: list[list[_Line]]) -> list[Union[str, PageGrid]]:
    """Lines → paragraphs: a line that runs to the right edge of the text column continues on the next
    line (also across pages); a short line, or a new indented line after a finished sentence, ends it.
    A table line ends the paragraph before it and is passed on as its grid."""
    lines = [ln for page in pages for ln in page]
    geo = [ln for ln in lines if ln.x0 is not None and not ln.table]
    if not geo:
        return [ln.table or ln.text for ln in lines]
    long_lines = [ln for ln in geo if len(ln.text) >= 10] or geo
    left = statistics.median_low(sorted(round(ln.box().x0) for ln in long_lines))
    rights = sorted(ln.box().x1 for ln in long_lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    out: list[Union[str, PageGrid]] = []
    buf = ""
    prev: Optional[_Line] = None
    for ln in lines:
        if ln.table:
            if buf:
                out.append(buf)
            out.append(ln.table)
            buf, prev = "", None
            continue
        if prev is not None and buf:
            em = prev.em or 10
            full = prev.x0 is not None and prev.box().x1 >= right - 1.6 * em
            indented = ln.x0 is not None and ln.x0 > left + 0.9 * (ln.em or em)
            ends = buf.rstrip()[-1:] in _TERMINAL
            if full and not (ends and (_MARKER.match(ln.text) or indented)) and not _starts_block(ln.text, buf) \
                    and not _other_size(prev, ln):
                # Latin words wrap at spaces; CJK text and numbers wrap anywhere
                sep = " " if re.match(r"[A-Za-z]", buf[-1:]) and re.match(r"[A-Za-z]", ln.text[:1]) else ""
                buf += sep + ln.text
                prev = ln
                continue
            out.append(buf)
        buf = ln.text
        prev = ln
    if buf:
        out.append(buf)
    return out


def _starts_block(text: str, before: str) -> bool:
    """A line that starts a paragraph of its own whatever ends the line before: a heading (一、 （一） 1.)
    or a role label line (牵头单位：…, 完成时限：…, 牵头领导：…), unless a bracket the text `before` it opened is
    still open."""
    if _open_bracket(before):
        return False  # （ / 责任单位：…）: the label is inside a bracket the line before opened
    return bool(_HEADING_LINE.match(text) or _LABEL_LINE.match(unicodedata.normalize("NFKC", text[:16])))


def _open_bracket(text: str) -> bool:
    """Whether the end of `text` has a bracket opened and not closed."""
    tail = text[-200:]
    return tail.count("（") + tail.count("(") > tail.count("）") + tail.count(")")


def _other_size(prev: _Line, ln: _Line) -> bool:
    """Whether two lines are set in type of clearly different sizes (a title over the body): never one paragraph.
    Only lines with CJK characters are compared: their em is a character's width, a Latin line's is its height."""
    a, b = prev.em, ln.em
    if not a or not b or not _CJK.search(prev.text) or not _CJK.search(ln.text):
        return False
    return max(a, b) > _OTHER_SIZE * min(a, b)


_OTHER_SIZE = 1.3
# a heading's marker: 一、 / （一） / 1. (not 1.5 or 1、2 of a number wrapped to the line's start)
_HEADING_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．、](?![\d.．、]))")


_LABEL_LINE = re.compile(r"^(?:" + LABEL + r"|(?:完成|落实|办结)?(?:时限|时间|期限)|时间节点|[^\s:]{0,4}(?:领导|负责人|责任人))\s*:")


_TABLE_PAGES = 1000  # ruled tables are looked for on this many pages (cost: about 1 ms a page without a table)


def _page_grids(page, index: int, before: list) -> tuple[list, Optional[list]]:
    """The ruled tables of a page: grids of at least two rows and two columns, and a one-row grid at the
    top of the page that continues the last table of the page before (same columns); and the page's
    horizontal rules (y, x0, x1) for the tables without vertical rules, None for a page not searched
    (beyond the drawing guards)."""
    from kg.loaders.pdf_tables import find_ruled_tables, page_rules

    rules = page_rules(page)
    grids = find_ruled_tables(page, index, min_rows=1, rules=rules) if rules is not None else []
    last = before[-1] if before else None
    return [g for i, g in enumerate(grids)
            if g.n_rows >= 2 or (i == 0 and last is not None and last.page == index - 1 and g.same_columns(last))], \
        (rules[0] if rules is not None else None)


def _unruled_tables(pages: list[list[_Line]], hrules: list[Optional[list]]) -> None:
    """Tables without vertical rules (三线表, columns aligned by position only): each one's lines are
    replaced by one table line (its grid) where its header was."""
    from kg.loaders.pdf_tables import find_unruled_tables

    found = find_unruled_tables(pages, hrules)
    if not found:
        return
    drop = {id(ln) for _, used in found for ln in used[1:]}
    at = {id(used[0]): grid for grid, used in found}
    for k, lines in enumerate(pages):
        pages[k] = [(_Line("", ln.page, grid.x0, grid.x1, ln.top, None, grid) if (grid := at.get(id(ln))) else ln)
                    for ln in lines if id(ln) not in drop]


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    from kg.loaders.pdf_tables import layout

    doc = _read_pages(data, file, limits)
    _check_text_layer(doc, file)
    removed = _drop_headers_footers(doc.pages, doc.heights)
    _unruled_tables(doc.pages, doc.hrules)
    text, tables = layout(_join_lines(doc.pages))
    return Extracted(text, "unicode", "pdf", _notes(doc, removed), tuple(tables))


@dataclass
class _Pages:
    """What was read of a PDF's pages: their lines and heights, and what a note or an error needs."""

    n_pages: int
    pages: list[list[_Line]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    textless: list[int] = field(default_factory=list)  # page numbers (from 1) without text
    graphics: int = 0  # textless pages with images or drawings
    total: int = 0  # characters
    hrules: list[Optional[list]] = field(default_factory=list)  # each page's horizontal rules; None: not searched

    def add(self, page, k: int, grids: list) -> list:
        """Read page `k` (its ruled tables first, if it is among the first _TABLE_PAGES); its grids."""
        grids, hs = _page_grids(page, k, grids) if k < _TABLE_PAGES else ([], None)
        self.hrules.append(hs)
        lines, n = _page_lines(page, k, grids)
        self.heights.append(page.get_height())
        if not any(ln.text.strip() or ln.table for ln in lines):
            self.textless.append(k + 1)
            self.graphics += _has_graphics(page)
        self.total += n
        self.pages.append(lines)
        return grids


def _open_pdf(data: bytes, file: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(file, "encrypted PDF: it needs a password to open",
                             fix="open it with its password and save (or print to PDF) an unprotected copy") from None
        raise InputError(file, f"corrupt PDF ({msg.rstrip('.')})", fix="re-download the PDF or export it again") from None


def _read_pages(data: bytes, file: str, limits: Limits) -> _Pages:
    """Every page of the PDF, read one at a time; the page count checked against `limits` first."""
    import pypdfium2 as pdfium

    pdf = _open_pdf(data, file)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise InputError(file, "empty PDF: it has no pages", fix="re-download the PDF or export it again")
        if limits.max_pdf_pages and n_pages > limits.max_pdf_pages:  # before a page is read: its tree may lie
            raise LimitExceeded(file, f"PDF too long: {n_pages:,} pages", "max_pdf_pages", limits.max_pdf_pages,
                                "split the PDF")
        doc = _Pages(n_pages)
        grids: list = []  # the ruled tables of the page (pdf_tables.PageGrid)
        for k in range(n_pages):
            page = pdf[k]
            try:
                grids = doc.add(page, k, grids)
            finally:
                page.close()
    except pdfium.PdfiumError as e:
        raise InputError(file, f"corrupt PDF ({str(e).rstrip('.')})", fix="re-download the PDF or export it again") from None
    finally:
        pdf.close()
    return doc


def _check_text_layer(doc: _Pages, file: str) -> None:
    """Refuse a PDF without text (scanned or blank) or whose text maps to no Unicode characters."""
    n_pages, pages = doc.n_pages, doc.pages
    pages_word = f"{n_pages} page{'s' if n_pages != 1 else ''}"
    if len(doc.textless) == n_pages:
        if doc.graphics:
            raise InputError(file, f"scanned PDF with no text layer ({pages_word}, "
                                   f"{doc.graphics} with images or drawings, none with text); run OCR first", fix=_OCR_FIX)
        raise InputError(file, f"empty PDF: {pages_word}, all blank (no text, no images)",
                         fix="check that this is the right file")
    all_text = "".join(ln.text or "".join(c.ch for cs in (ln.table.chars if ln.table else {}).values() for c in cs)
                       for page in pages for ln in page)
    bad = sum(1 for ch in all_text if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t"))
    if bad > 0.3 * len(all_text):
        raise InputError(file, f"PDF text layer is unreadable: {bad} of {len(all_text)} characters map to no "
                               "Unicode character (fonts without a ToUnicode table); run OCR first", fix=_OCR_FIX)


def _notes(doc: _Pages, removed: int) -> Optional[str]:
    """Pages without text, lines removed, pages not searched for tables."""
    n_pages, textless = doc.n_pages, doc.textless
    notes = []
    if textless:
        shown = ", ".join(map(str, textless[:10])) + (" …" if len(textless) > 10 else "")
        notes.append(f"{len(textless)} of {n_pages} pages have no text layer (page {shown}); "
                     "their text is missing — run OCR on them")
    if removed:
        notes.append(f"{removed} page-number/header/footer lines removed")
    if n_pages > _TABLE_PAGES:
        notes.append(f"tables looked for on the first {_TABLE_PAGES} of {n_pages} pages only")
    return "; ".join(notes) or None

"""Word 97-2003 (.doc): the main text of the WordDocument stream, paragraphs and tables, read from its
piece table ([MS-DOC] 2.4.1); the table rows and their cells' column positions from the paragraphs'
properties (PAPX: which paragraph mark ends a table row, and its row's cell edges and merges).

Much of what government offices publish is still .doc. Word auto-numbering set on a paragraph is rebuilt
from the list tables (PlfLst, PlfLfo), as the DOCX reader rebuilds it; numbering a paragraph takes only from
its style is not (the style sheet is not read). Headers, footers, footnotes and text boxes are stories
after the main text and are left out, as the DOCX reader leaves out headers and footers."""
from __future__ import annotations

import io
import struct
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.formats.common import Extracted, _grid_table, _Lines, _plain
from kg.loaders.formats.docx import _format_number
from kg.loaders.tables import Cell, Table

_FIX = "open it in Word, WPS or LibreOffice and save as .docx (or: libreoffice --headless --convert-to docx FILE)"
_CELL = "\x07"
_TABLE_TEXT_MAX = 20_000_000  # characters of main text (a 100 MB limit on the file holds it far below this)

# sprm codes ([MS-DOC] 2.6): what a paragraph's properties say about tables and lists
_IN_TABLE, _TTP, _ITAP, _ILFO, _ILVL = 0x2416, 0x2417, 0x6649, 0x460B, 0x260A
_INNER_TTP, _DEF_TABLE = 0x244C, 0xD608
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # operand size by the sprm's spra (6: sized)


class _Corrupt(Exception):
    """The WordDocument stream does not hold what its FIB says."""


@dataclass
class _Para:
    """One paragraph (or table cell / row mark) of the main text: its text and the properties kg uses."""

    text: str
    end: str  # "\r" paragraph, "\x07" cell or row end
    props: dict[int, bytes] = field(default_factory=dict)

    @property
    def row_end(self) -> bool:
        return self.end == _CELL and (self.props.get(_TTP, b"\0")[:1] == b"\x01"
                                      or self.props.get(_INNER_TTP, b"\0")[:1] == b"\x01")

    @property
    def depth(self) -> int:
        """Table depth: 0 outside tables, 1 in a table, 2+ in nested ones."""
        if _ITAP in self.props:
            return int.from_bytes(self.props[_ITAP][:4], "little", signed=True)
        return 1 if self.props.get(_IN_TABLE, b"\0")[:1] == b"\x01" else 0


def _u16(b: bytes, at: int) -> int:
    if at + 2 > len(b):
        raise _Corrupt(f"FIB field at {at} past its end")
    return int(struct.unpack_from("<H", b, at)[0])


def _u32(b: bytes, at: int) -> int:
    if at + 4 > len(b):
        raise _Corrupt(f"field at {at} past its end")
    return int(struct.unpack_from("<I", b, at)[0])


class _Fib:
    """The few FIB fields kg needs: which table stream, the main text's length, where the piece table and
    the paragraph properties' bin table are."""

    def __init__(self, wd: bytes) -> None:
        if _u16(wd, 0) != 0xA5EC:
            raise _Corrupt("no Word FIB at the start of the WordDocument stream")
        self.nfib = _u16(wd, 2)
        flags = _u16(wd, 0x0A)
        self.encrypted = bool(flags & 0x0100)
        self.table = "1Table" if flags & 0x0200 else "0Table"
        csw = _u16(wd, 32)
        lw = 34 + 2 * csw
        cslw = _u16(wd, lw)
        self.ccp_text = _u32(wd, lw + 2 + 3 * 4)
        fc = lw + 2 + 4 * cslw
        cb = _u16(wd, fc)
        blob = fc + 2
        if cb < 34:
            raise _Corrupt("FIB too short for a piece table")
        self.clx = (_u32(wd, blob + 33 * 8), _u32(wd, blob + 33 * 8 + 4))
        self.papx = (_u32(wd, blob + 13 * 8), _u32(wd, blob + 13 * 8 + 4))
        self.lists = (_u32(wd, blob + 73 * 8), _u32(wd, blob + 73 * 8 + 4)) if cb > 74 else (0, 0)
        self.lfos = (_u32(wd, blob + 74 * 8), _u32(wd, blob + 74 * 8 + 4)) if cb > 74 else (0, 0)


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    """The text of a .doc, one paragraph per line; table cells each on lines of their own (as DOCX)."""
    wd, table = _streams(data, file)
    try:
        fib = _Fib(wd)
        if fib.encrypted:
            raise InputError(file, "encrypted (password-protected) Word document",
                             fix="open it with its password, remove the protection and save an unprotected .docx")
        paras = _paragraphs(wd, table, fib)
        numbering = _Numbering(table, fib)
        body = _Body(numbering)
        body.write(paras)
    except _Corrupt as e:
        raise InputError(file, f"corrupt DOC: {e}", fix=_FIX) from None
    text = body.lines.text()
    if not _plain(text):
        raise InputError(file, "empty DOC: the document body has no text", fix="check that this is the right file")
    notes = []
    if numbering.used:
        notes.append(f"{numbering.used} list markers rebuilt from Word auto-numbering")
    if numbering.missing:
        notes.append(f"{numbering.missing} paragraph(s) use Word auto-numbering that kg could not rebuild; their "
                     "markers (一、/（一）/1.) are not in the text")
    note = "; ".join(notes) or None
    return Extracted(text, "utf-16-le", "doc", note, tuple(body.tables))


def _streams(data: bytes, file: str) -> tuple[bytes, bytes]:
    """The WordDocument stream and its table stream; anything else is an InputError naming the file."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error) as e:
        raise InputError(file, f"corrupt DOC: not a readable Office compound file ({e})", fix=_FIX) from None
    with ole:
        if not ole.exists("WordDocument"):
            raise InputError(file, "unsupported format: an Office 97-2003 file that is not a Word document "
                                   f"(streams: {', '.join('/'.join(s) for s in ole.listdir()[:5])})", fix=_FIX)
        try:
            wd = ole.openstream("WordDocument").read()
            fib = _Fib(wd)
            if fib.nfib < 0x00C1:  # Word 6.0 / 95: another layout (8-bit text, no Clx of this kind)
                raise InputError(file, "unsupported format: a Word 6.0/95 document (older than Word 97)", fix=_FIX)
            table = ole.openstream(fib.table).read() if ole.exists(fib.table) else b""
        except _Corrupt as e:
            raise InputError(file, f"corrupt DOC: {e}", fix=_FIX) from None
        except OSError as e:
            raise InputError(file, f"corrupt DOC: {e}", fix=_FIX) from None
    return wd, table


# ───────────────────────────── text: the piece table ─────────────────────────────

def _pieces(table: bytes, fib: _Fib) -> list[tuple[int, int, int, bool]]:
    """(first cp, last cp + 1, byte offset, compressed) of each piece of text."""
    fc, lcb = fib.clx
    clx = table[fc:fc + lcb]
    if len(clx) != lcb or not lcb:
        raise _Corrupt("the piece table lies outside the table stream")
    at = 0
    while at < len(clx) and clx[at] == 1:  # Prc: formatting of pieces, skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != 2:
        raise _Corrupt("no piece table in the Clx")
    size = _u32(clx, at + 1)
    plc = clx[at + 5:at + 5 + size]
    n = (len(plc) - 4) // 12
    if n < 1:
        raise _Corrupt("an empty piece table")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for i in range(n):
        fc_raw = _u32(plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(fc_raw & 0x40000000)
        offset = (fc_raw & 0x3FFFFFFF) // 2 if compressed else fc_raw
        out.append((cps[i], cps[i + 1], offset, compressed))
    return out


def _main_text(wd: bytes, pieces: list[tuple[int, int, int, bool]], ccp: int) -> tuple[str, list[int]]:
    """The main document's characters, and each character's byte offset in the WordDocument stream (the
    offset decides which paragraph properties apply to a paragraph mark)."""
    if ccp > _TABLE_TEXT_MAX:
        raise _Corrupt(f"the FIB claims {ccp:,} characters of text")
    parts: list[str] = []
    offsets: list[int] = []
    for start, end, offset, compressed in pieces:
        if start >= ccp:
            break
        n = min(end, ccp) - start
        width = 1 if compressed else 2
        raw = wd[offset:offset + n * width]
        if len(raw) != n * width:
            raise _Corrupt("a piece of text lies outside the WordDocument stream")
        text = raw.decode("cp1252", errors="replace") if compressed else raw.decode("utf-16-le", errors="replace")
        parts.append(text)
        if len(text) == n:
            offsets.extend(range(offset, offset + n * width, width))
        else:  # a character outside the BMP is two code units: the next character's bytes start 4 further
            offsets.extend(_char_offsets(text, offset))
    return "".join(parts), offsets


def _char_offsets(text: str, offset: int) -> list[int]:
    """The byte offset of each character of UTF-16 text that holds characters outside the BMP."""
    out = []
    for ch in text:
        out.append(offset)
        offset += 4 if ord(ch) > 0xFFFF else 2
    return out


# ───────────────────────────── paragraph properties ─────────────────────────────

def _sprms(grpprl: bytes) -> dict[int, bytes]:
    """Sprm → operand, for the sprms kg reads (others skipped by their size)."""
    out: dict[int, bytes] = {}
    at = 0
    while at + 2 <= len(grpprl):
        sprm = _u16(grpprl, at)
        at += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _DEF_TABLE:  # sized by two bytes, one more than the size says
                size = _u16(grpprl, at) - 1 if at + 2 <= len(grpprl) else 0
                at, size = at + 2, max(size, 0)
            else:
                size = grpprl[at] if at < len(grpprl) else 0
                at += 1
        else:
            size = _OPERAND[spra]
        if sprm in (_IN_TABLE, _TTP, _ITAP, _ILFO, _ILVL, _INNER_TTP, _DEF_TABLE):
            out[sprm] = grpprl[at:at + size]
        at += size
    return out


class _Papx:
    """Paragraph properties by byte offset: the bin table (PlcBtePapx) points to 512-byte pages (PapxFkp),
    each mapping runs of offsets to a paragraph's grpprl."""

    def __init__(self, wd: bytes, table: bytes, fib: _Fib) -> None:
        self.wd = wd
        fc, lcb = fib.papx
        plc = table[fc:fc + lcb] if lcb and fc + lcb <= len(table) else b""
        n = (len(plc) - 4) // 8 if len(plc) >= 12 else 0
        self.bounds = list(struct.unpack_from(f"<{n + 1}I", plc, 0)) if n else []
        self.pages = [(_u32(plc, 4 * (n + 1) + 4 * i) & 0x3FFFFF) for i in range(n)]
        self._fkp: dict[int, tuple[list[int], list[dict[int, bytes]]]] = {}

    def at(self, offset: int) -> dict[int, bytes]:
        """The properties of the paragraph whose mark lies at byte `offset` ({} when none are found)."""
        k = bisect_right(self.bounds, offset) - 1
        if k < 0 or k >= len(self.pages):
            return {}
        fcs, props = self._page(self.pages[k])
        j = bisect_right(fcs, offset) - 1
        return props[j] if 0 <= j < len(props) else {}

    def _page(self, pn: int) -> tuple[list[int], list[dict[int, bytes]]]:
        if pn not in self._fkp:
            self._fkp[pn] = self._read_page(self.wd[pn * 512:pn * 512 + 512])
        return self._fkp[pn]

    @staticmethod
    def _read_page(fkp: bytes) -> tuple[list[int], list[dict[int, bytes]]]:
        if len(fkp) < 512:
            return [], []
        crun = fkp[511]
        if 4 * (crun + 1) + 13 * crun > 511:
            return [], []
        fcs = list(struct.unpack_from(f"<{crun + 1}I", fkp, 0))
        props: list[dict[int, bytes]] = []
        for i in range(crun):
            b = fkp[4 * (crun + 1) + 13 * i] * 2
            if not b:
                props.append({})
                continue
            cb = fkp[b]
            start, size = (b + 1, 2 * cb - 1) if cb else (b + 2, 2 * fkp[b + 1])
            props.append(_sprms(fkp[start + 2:start + size]))  # after the style index (istd)
        return fcs, props


def _paragraphs(wd: bytes, table: bytes, fib: _Fib) -> list[_Para]:
    """The main text cut at paragraph and cell marks, each piece with its mark's properties."""
    text, offsets = _main_text(wd, _pieces(table, fib), fib.ccp_text)
    papx = _Papx(wd, table, fib)
    out: list[_Para] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in "\r\x07":
            out.append(_Para(_clean(text[start:i]), ch, papx.at(offsets[i])))
            start = i + 1
    if text[start:].strip():
        out.append(_Para(_clean(text[start:]), "\r"))
    return out


_CONTROL = {0x0B: "\n", 0x0C: "\n", 0x1E: "-", 0x1F: "", 0x02: "", 0x01: "", 0x08: "", 0x05: "", 0xA0: " ", 0x00: ""}


def _clean(s: str) -> str:
    """A paragraph's characters as text: field codes dropped (their results kept), control marks dropped,
    a line break (vertical tab) a new line."""
    if "\x13" in s:
        s = _drop_field_codes(s)
    return s.translate(_CONTROL)


def _drop_field_codes(s: str) -> str:
    """Between a field's begin (0x13) and separator (0x14) lies its code (HYPERLINK "…", PAGE …), after it
    the result the reader sees, up to its end (0x15). Fields nest."""
    out: list[str] = []
    stack: list[bool] = []  # per open field: whether its code is still running
    coding = 0  # how many of them (a count, so that a run of fields costs no scan of the stack)
    for ch in s:
        if ch == "\x13":
            stack.append(True)
            coding += 1
        elif ch == "\x14" and stack:
            coding -= stack[-1]
            stack[-1] = False
        elif ch == "\x15" and stack:
            coding -= stack.pop()
        elif not coding:
            out.append(ch)
    return "".join(out)


# ───────────────────────────── layout: lines and tables ─────────────────────────────

def _row_edges(props: dict[int, bytes]) -> tuple[list[int], list[int]]:
    """A row's cell edges (twips) and each cell's merge flags, from its row mark's sprmTDefTable."""
    op = props.get(_DEF_TABLE, b"")
    if not op:
        return [], []
    n = op[0]
    if len(op) < 1 + 2 * (n + 1):
        return [], []
    edges = list(struct.unpack_from(f"<{n + 1}h", op, 1))
    tcs = 1 + 2 * (n + 1)
    flags = [_u16(op, tcs + 20 * i) if tcs + 20 * i + 2 <= len(op) else 0 for i in range(n)]
    return edges, flags


class _Body:
    """The output lines and tables of the main text, written in order."""

    def __init__(self, numbering: "_Numbering") -> None:
        self.lines = _Lines()
        self.tables: list[Table] = []
        self.numbering = numbering

    def write(self, paras: list[_Para]) -> None:
        i = 0
        while i < len(paras):
            if paras[i].depth >= 1 or (paras[i].end == _CELL and not paras[i].row_end):
                i = self._table(paras, i)
            else:
                self._paragraph(paras[i])
                i += 1

    def _paragraph(self, p: _Para) -> None:
        text = p.text
        if text.strip() and _ILFO in p.props:
            marker = self.numbering.marker(p.props)
            if marker:
                text = marker + text.lstrip()
        for line in text.split("\n"):
            if line.strip():
                self.lines.add(line)

    def _table(self, paras: list[_Para], i: int) -> int:
        """Write the table starting at paragraph i; return the index after it. A nested table's text is
        written inside its cell (its rows are not a table of their own)."""
        rows: list[tuple[list[Cell], _Para]] = []
        cells: list[Cell] = []
        first = len(self.lines.lines)
        while i < len(paras) and (paras[i].depth >= 1 or paras[i].end == _CELL):
            p = paras[i]
            i += 1
            if p.depth > 1:
                self._paragraph(p)
                continue
            if p.row_end:
                rows.append((cells, p))
                cells, first = [], len(self.lines.lines)
                continue
            self._paragraph(p)
            if p.end == _CELL:
                cells.append(self.lines.cell_since(first))
                first = len(self.lines.lines)
        if cells:
            rows.append((cells, _Para("", _CELL)))
        table = _grid_table(_grid(rows), self.lines)
        if table:
            self.tables.append(table)
        return i


def _grid(rows: list[tuple[list[Cell], _Para]]) -> list[list[Optional[Cell]]]:
    """Rows of cells placed on the table's columns: a cell covers the columns between its edges (a cell
    merged across is one wide cell in a .doc); a vertically merged cell's continuation is the cell above."""
    spans = [_row_edges(mark.props) for _, mark in rows]
    cuts = sorted({e for edges, _ in spans for e in edges})
    grid: list[list[Optional[Cell]]] = []
    for (cells, _), (edges, flags) in zip(rows, spans):
        if len(edges) != len(cells) + 1 or len(cuts) < 2:
            grid.append(list(cells))
            continue
        row: list[Optional[Cell]] = [None] * bisect_left(cuts, edges[0])
        above = grid[-1] if grid else []
        for k, cell in enumerate(cells):
            width = max(1, bisect_left(cuts, edges[k + 1]) - bisect_left(cuts, edges[k]))
            col = len(row)
            up = above[col] if col < len(above) else None
            placed = cell
            if not cell.text and (flags[k] >> 5) & 3 == 1 and up is not None:
                placed = up  # vertMerge 1: merged with the cell above
            elif not cell.text and flags[k] & 3 >= 2 and row and row[-1] is not None:
                placed = row[-1]  # horzMerge 2/3: merged with the cell to its left (older Word)
            row.extend([placed] * width)
        grid.append(row)
    return grid


# ───────────────────────────── Word auto-numbering ─────────────────────────────

# MSONFC ([MS-OSHARED] 2.2.1.3) → the w:numFmt name kg's DOCX reader writes numbers by
_NFC = {0: "decimal", 1: "upperRoman", 2: "lowerRoman", 3: "upperLetter", 4: "lowerLetter", 10: "ideographDigital",
        11: "japaneseCounting", 14: "decimalFullWidth", 16: "japaneseLegal", 17: "japaneseDigitalTenThousand",
        18: "decimalEnclosedCircle", 19: "decimalFullWidth2", 22: "decimalZero", 23: "bullet",
        26: "decimalEnclosedFullstop", 27: "decimalEnclosedParen", 28: "decimalEnclosedCircleChinese",
        29: "ideographEnclosedCircle", 30: "ideographTraditional", 31: "ideographZodiac", 33: "taiwaneseCounting",
        34: "ideographLegalTraditional", 35: "taiwaneseCountingThousand", 36: "taiwaneseDigital",
        37: "chineseCounting", 38: "chineseLegalSimplified", 39: "chineseCountingThousand", 255: "none"}


@dataclass
class _Level:
    start: int
    fmt: str
    text: str  # the number text; characters 0-8 stand for the numbers of levels 1-9
    legal: bool


def _level(b: bytes, at: int) -> tuple[_Level, int]:
    """One LVL at `at`: the level, and where the next begins."""
    if at + 28 > len(b):
        raise _Corrupt("a list level lies outside the table stream")
    start = max(struct.unpack_from("<i", b, at)[0], 0)  # Word starts a list at 0 or more
    nfc, flags = b[at + 4], b[at + 5]
    chpx, papx = b[at + 24], b[at + 25]
    xst = at + 28 + chpx + papx
    cch = _u16(b, xst)
    text = b[xst + 2:xst + 2 + 2 * cch].decode("utf-16-le", errors="replace")
    return _Level(start, _NFC.get(nfc, "decimal"), text, bool(flags & 0x04)), xst + 2 + 2 * cch


class _Numbering:
    """The lists of a .doc (PlfLst: each list's levels) and the list each paragraph's ilfo names (PlfLfo),
    with the counters of the lists met so far: a paragraph's marker as Word shows it (一、 /（一）/ 1.)."""

    def __init__(self, table: bytes, fib: _Fib) -> None:
        self.levels: dict[int, list[_Level]] = {}  # list id → its levels
        self.lfos: list[tuple[int, dict[int, int]]] = []  # per ilfo - 1: (list id, level → start override)
        self.counters: dict[int, list[Optional[int]]] = {}
        self.used = self.missing = 0
        fc, lcb = fib.lists
        if lcb >= 2 and fc + lcb <= len(table):  # the count, at least, lies inside the stream
            self._read_lists(table, fc)
        fc, lcb = fib.lfos
        if lcb >= 4 and fc + lcb <= len(table):
            self._read_lfos(table, fc)

    def _read_lists(self, b: bytes, fc: int) -> None:
        n = struct.unpack_from("<h", b, fc)[0]
        lists = []
        for i in range(max(n, 0)):
            at = fc + 2 + 28 * i
            if at + 28 > len(b):
                raise _Corrupt("a list lies outside the table stream")
            lists.append((struct.unpack_from("<i", b, at)[0], 1 if b[at + 26] & 0x01 else 9))
        at = fc + 2 + 28 * max(n, 0)
        for lsid, count in lists:
            levels = []
            for _ in range(count):
                lvl, at = _level(b, at)
                levels.append(lvl)
            self.levels[lsid] = levels

    def _read_lfos(self, b: bytes, fc: int) -> None:
        n = max(struct.unpack_from("<i", b, fc)[0], 0)
        if fc + 4 + 16 * n > len(b):
            raise _Corrupt("the list overrides lie outside the table stream")
        heads = [(struct.unpack_from("<i", b, fc + 4 + 16 * i)[0], b[fc + 4 + 16 * i + 12]) for i in range(n)]
        at = fc + 4 + 16 * n
        for lsid, count in heads:
            starts: dict[int, int] = {}
            at += 4  # LFOData.cp
            for _ in range(count):
                if at + 8 > len(b):
                    raise _Corrupt("a list override lies outside the table stream")
                start, bits = struct.unpack_from("<iB", b, at)
                at += 8
                if bits & 0x10:  # fStartAt
                    starts[bits & 0x0F] = start
                if bits & 0x20:  # fFormatting: an LVL follows
                    _, at = _level(b, at)
            self.lfos.append((lsid, starts))

    def marker(self, props: dict[int, bytes]) -> Optional[str]:
        """The marker of a paragraph with these properties (None: not numbered); counts it."""
        ilfo = int.from_bytes(props[_ILFO][:2], "little", signed=True)
        if ilfo <= 0 or ilfo > 2000:  # 0: no list; 0xF801 (< 0): numbering switched off
            return None
        ilvl = props.get(_ILVL, b"\0")[0] if props.get(_ILVL) else 0
        if ilfo > len(self.lfos) or self.lfos[ilfo - 1][0] not in self.levels:
            self.missing += 1
            return None
        lsid, starts = self.lfos[ilfo - 1]
        levels = self.levels[lsid]
        if ilvl >= len(levels):
            self.missing += 1
            return None
        counters = self.counters.setdefault(lsid, [None] * 9)
        lvl = levels[ilvl]
        count = counters[ilvl]
        counters[ilvl] = starts.get(ilvl, lvl.start) if count is None else count + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        self.used += 1
        if lvl.fmt == "bullet":
            return lvl.text if lvl.text and not any(0xE000 <= ord(c) <= 0xF8FF for c in lvl.text) else ""
        out = []
        for ch in lvl.text:
            k = ord(ch)
            if k >= 9:
                out.append(ch)
            elif k < len(levels):
                shown = counters[k]
                value = shown if shown is not None else starts.get(k, levels[k].start)
                fmt = "decimal" if lvl.legal and k < ilvl else levels[k].fmt
                out.append(_format_number(value, fmt))
        text = "".join(out)
        return text + " " if text and text[-1].isascii() and text[-1].isalnum() else text

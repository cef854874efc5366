"""DOCX: the paragraphs and tables of word/document.xml in document order, list markers (一、/（一）/1.)
rebuilt from Word auto-numbering, text boxes and nested tables read where they sit."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.formats.common import Extracted, _grid_table, _Lines, _plain
from kg.loaders.formats.package import _check_package, _head
from kg.loaders.role_tables import join_continued
from kg.loaders.tables import Cell


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CN_DIGITS = "〇一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if not rest else ("零" + _chinese_number(rest) if rest < 10 else
                                     (_chinese_number(rest) if rest >= 20 else "一" + _chinese_number(rest)))
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                 (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_LEGAL_DIGITS = str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰")
_ENCLOSED = {"decimalEnclosedCircle": 0x2460, "decimalEnclosedCircleChinese": 0x2460, "ideographEnclosedCircle": 0x2460,
             "decimalEnclosedParen": 0x2474, "decimalEnclosedFullstop": 0x2488}
"""Formats written with one Unicode character for 1-20 (①, ⑴, ⒈), and the code of the one for 1."""
_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    **dict.fromkeys(("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
                     "taiwaneseCountingThousand", "koreanCounting", "ideographLegalTraditional"), _chinese_number),
    "chineseLegalSimplified": lambda n: _chinese_number(n).translate(_LEGAL_DIGITS),
    **dict.fromkeys(("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"),
                    lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n))),
    "ideographTraditional": lambda n: _TIANGAN[(n - 1) % 10],
    "ideographZodiac": lambda n: _DIZHI[(n - 1) % 12],
    **dict.fromkeys(("decimalFullWidth", "decimalFullWidth2"), lambda n: "".join(chr(ord(d) + 0xFEE0) for d in str(n))),
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}
"""w:numFmt → how a number is written; a format not here (decimal, anything unknown) is str(n)."""


def _format_number(n: int, fmt: str) -> str:
    if n < 0:  # a list that starts below 0 (no office writes one): the number as it is
        return str(n)
    if fmt in _ENCLOSED and 1 <= n <= 20:
        return chr(_ENCLOSED[fmt] + n - 1)
    write = _NUMBER_FORMATS.get(fmt)
    return write(n) if write is not None else str(n)  # decimal and anything unknown


def _val(el, tag: str, default=None):
    child = el.find(_W + tag) if el is not None else None
    return child.get(_W + "val") if child is not None else default


class _Numbering:
    """Word auto-numbering: the marker (一、 /（一）/ 1.) each numbered paragraph shows."""

    def __init__(self, numbering_el, styles_el):
        self.abstract: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, dict], dict[int, int]]] = {}
        self.counters: dict[str, list[Optional[int]]] = {}
        self.style_numpr: dict[str, tuple[Optional[str], Optional[int]]] = {}
        self.style_based: dict[str, str] = {}
        if numbering_el is not None:
            self._read_numbering(numbering_el)
        if styles_el is not None:
            self._read_styles(styles_el)
        self.used = 0
        self.missing = 0

    def _read_numbering(self, numbering_el) -> None:
        """The abstract numberings' levels, and each w:num's abstract numbering, level overrides and restarts."""
        for an in numbering_el.findall(_W + "abstractNum"):
            self.abstract[an.get(_W + "abstractNumId")] = {
                int(lvl.get(_W + "ilvl", "0")): self._level(lvl) for lvl in an.findall(_W + "lvl")}
        for num in numbering_el.findall(_W + "num"):
            levels, starts = {}, {}
            for ov in num.findall(_W + "lvlOverride"):
                ilvl = int(ov.get(_W + "ilvl", "0"))
                so = _val(ov, "startOverride")
                if so is not None:
                    starts[ilvl] = int(so)
                if ov.find(_W + "lvl") is not None:
                    levels[ilvl] = self._level(ov.find(_W + "lvl"))
            self.nums[num.get(_W + "numId")] = (_val(num, "abstractNumId"), levels, starts)

    def _read_styles(self, styles_el) -> None:
        """The numbering paragraph styles carry, and what each style is based on (numbering is inherited)."""
        for st in styles_el.findall(_W + "style"):
            sid = st.get(_W + "styleId")
            ppr = st.find(_W + "pPr")
            numpr = ppr.find(_W + "numPr") if ppr is not None else None
            if numpr is not None:
                ilvl = _val(numpr, "ilvl")
                self.style_numpr[sid] = (_val(numpr, "numId"), int(ilvl) if ilvl is not None else None)
            based = _val(st, "basedOn")
            if based:
                self.style_based[sid] = based

    @staticmethod
    def _level(lvl) -> dict:
        return {"start": int(_val(lvl, "start", "1")), "fmt": _val(lvl, "numFmt", "decimal"),
                "text": _val(lvl, "lvlText", ""), "suff": _val(lvl, "suff", "tab"),
                "lgl": lvl.find(_W + "isLgl") is not None}

    def numpr(self, p) -> tuple[Optional[str], int]:
        ppr = p.find(_W + "pPr")
        num_id, ilvl = None, None
        if ppr is not None:
            numpr = ppr.find(_W + "numPr")
            if numpr is not None:
                num_id, lv = _val(numpr, "numId"), _val(numpr, "ilvl")
                ilvl = int(lv) if lv is not None else None
            style = _val(ppr, "pStyle")
            seen = set()
            while num_id is None and style and style not in seen:
                seen.add(style)
                if style in self.style_numpr:
                    num_id, slv = self.style_numpr[style]
                    ilvl = slv if ilvl is None else ilvl
                style = self.style_based.get(style)
        return num_id, ilvl or 0

    def marker(self, p) -> Optional[str]:
        num_id, ilvl = self.numpr(p)
        if num_id is None or num_id == "0":
            return None
        if num_id not in self.nums or self.nums[num_id][0] not in self.abstract:
            self.missing += 1
            return None
        abstract_id, overrides, starts = self.nums[num_id]
        levels = dict(self.abstract[abstract_id])
        levels.update(overrides)
        if ilvl not in levels:
            self.missing += 1
            return None
        key = f"num:{num_id}" if starts or overrides else f"abs:{abstract_id}"
        counters = self.counters.get(key)
        if counters is None:
            counters = self.counters[key] = [None] * 10
        lvl = levels[ilvl]
        start = starts.get(ilvl, lvl["start"])
        count = counters[ilvl]
        counters[ilvl] = start if count is None else count + 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        self.used += 1
        if lvl["fmt"] == "bullet":
            ch = lvl["text"]
            return ch if ch and not any(0xE000 <= ord(c) <= 0xF8FF for c in ch) else ""

        def repl(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            count = counters[k]
            value = count if count is not None else starts.get(k, levels[k]["start"])
            fmt = "decimal" if lvl["lgl"] and k < ilvl else levels[k]["fmt"]
            return _format_number(value, fmt)

        text = re.sub(r"%([1-9])", repl, lvl["text"])
        if text and lvl["suff"] != "nothing" and (text[-1].isascii() and text[-1].isalnum()):
            text += " "
        return text


def _para_text(p, entities: Optional[list[str]] = None) -> tuple[str, list]:
    """The visible text of a w:p (runs, hyperlinks, fields' results, tracked insertions), and the
    w:p elements of text boxes inside it (emitted as lines of their own). An entity reference inside a
    w:t (&xxe; — the parser never expands one) is left out, its name added to `entities`, and the text
    after it kept."""
    parts: list[str] = []
    boxes: list = []
    _walk(p, parts, boxes, entities)
    return "".join(parts), boxes


_SKIPPED = (_W + "del", _W + "delText", _W + "instrText", _W + "pPr", _W + "rPr")
_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
"""Run content that stands for one character."""


def _walk(el, parts: list[str], boxes: list, entities: Optional[list[str]]) -> None:
    """The text under `el` into `parts`, text boxes' paragraphs into `boxes` (see _para_text)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag == _MC_FALLBACK:
            continue
        if tag == _W + "t":
            _t_text(child, parts, entities)
        elif tag in _CHARS:
            parts.append(_CHARS[tag])
        elif tag in _SKIPPED:
            continue
        elif tag == _W + "txbxContent":
            boxes.extend(child.iter(_W + "p"))
        else:
            _walk(child, parts, boxes, entities)


def _t_text(t, parts: list[str], entities: Optional[list[str]]) -> None:
    """A w:t's text; an entity reference inside it is left out (its name noted), the text after it kept."""
    parts.append(t.text or "")
    for sub in t:  # an entity reference or a comment: the text after it is its tail
        if entities is not None and not isinstance(sub.tag, str) and sub.tag.__name__ == "Entity":
            entities.append(sub.text or "")
        parts.append(sub.tail or "")


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    document, encoding = _open(data, file, limits)
    body = _Body(_numbering(document))
    body.block(document.element.body)
    text = body.lines.text()
    if not _plain(text):
        raise InputError(file, "empty DOCX: the document body has no text", fix="check that this is the right file")
    # a table split by a page or section break goes on in a second table without a header: one table again
    grids = join_continued(body.grids, text)
    tables = tuple(t for g in grids if (t := _grid_table(g, body.lines)) is not None)
    return Extracted(text, encoding, "docx", _notes(body.entities, body.numbering), tables)


def _open(data: bytes, file: str, limits: Limits):
    """The python-docx Document (the package checked against `limits` first) and the XML encoding of
    word/document.xml; anything unreadable is an InputError naming the file."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    fix = "re-download the DOCX, or open it in Word/WPS and save it again"
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        _check_package(zf, file, "DOCX", fix, limits)
        head = _head(zf, "word/document.xml")
        document = docx.Document(io.BytesIO(data))
    except InputError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError, etree.XMLSyntaxError, ValueError,
            zipfile.LargeZipFile, OSError, zlib.error) as e:
        raise InputError(file, f"corrupt DOCX: {type(e).__name__}: {e}", fix=fix) from None
    m = re.search(rb"encoding=[\"']([A-Za-z0-9_-]+)", head)
    encoding = m.group(1).decode().lower() if m else "utf-8"
    return document, encoding


def _numbering(document) -> _Numbering:
    """The document's auto-numbering (from its numbering and styles parts, either may be missing)."""
    part = document.part
    try:
        numbering_el = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_el = None
    try:
        styles_el = part.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        styles_el = None
    return _Numbering(numbering_el, styles_el)


class _Body:
    """The lines and tables of a document body, read in document order (block → paragraph / table,
    recursively: cells, content controls, insertions and text boxes hold blocks of their own)."""

    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering
        self.lines = _Lines()
        self.grids: list[list[list[Optional[Cell]]]] = []  # the leaf tables' grids, in document order
        self.entities: list[str] = []

    def paragraph(self, p) -> None:
        text, boxes = _para_text(p, self.entities)
        marker = self.numbering.marker(p)
        if marker is not None and text.strip():
            text = marker + text.lstrip()
        if text.strip():
            self.lines.add(text)
        for bp in boxes:
            self.paragraph(bp)

    def block(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                self.paragraph(child)
            elif tag == _W + "tbl":
                self.table(child)
            elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins"):
                self.block(child)
            elif tag == _W + "sdtPr":
                continue

    def table(self, tbl) -> None:
        leaf = next(tbl.iterdescendants(_W + "tbl"), None) is None  # one around tables is layout
        grid: list[list[Optional[Cell]]] = []
        for tr in tbl.iter(_W + "tr"):
            if tr.getparent() is not None and tr.getparent() is not tbl:
                continue  # rows of nested tables are read inside their cell
            if leaf:
                grid.append(_docx_row(tr, self.block, self.lines, grid[-1] if grid else []))
            else:
                for tc in tr.findall(_W + "tc"):
                    self.block(tc)
        if leaf:
            self.grids.append(grid)


def _notes(entities: list[str], numbering: _Numbering) -> Optional[str]:
    """What the reader should know: entity references left out, list markers rebuilt or missing."""
    notes = []
    if entities:
        shown = ", ".join(sorted(set(entities))[:5])
        notes.append(f"{len(entities)} entity reference(s) ({shown}) left out of the text: the document declares "
                     "entities (a DOCTYPE, which Word never writes) and kg never expands them — check the text "
                     "around them")
    if numbering.used:
        notes.append(f"{numbering.used} list markers rebuilt from Word auto-numbering")
    if numbering.missing:
        notes.append(f"{numbering.missing} paragraph(s) use Word auto-numbering whose definition is missing; "
                     "their markers (一、/（一）/1.) are not in the text")
    return "; ".join(notes) or None


def _int_val(el, path: str, default: int, limit: int) -> int:
    """An integer w:val (gridSpan, gridBefore …) clamped to [0, limit]; junk is `default`."""
    found = el.find(path, {"w": _W[1:-1]}) if el is not None else None
    raw = found.get(_W + "val") if found is not None else None
    return max(0, min(int(raw), limit)) if raw is not None and raw.strip().isdigit() else default


def _docx_row(tr, block, lines: _Lines, above: list[Optional[Cell]]) -> list[Optional[Cell]]:
    """Write one w:tr's cells (through `block`) and place them: w:gridBefore columns skipped, w:gridSpan
    columns covered; an empty w:vMerge / w:hMerge continuation is the cell above / to the left."""
    row: list[Optional[Cell]] = [None] * _int_val(tr, "w:trPr/w:gridBefore", 0, 63)
    for tc in tr.findall(_W + "tc"):
        first = len(lines.lines)
        block(tc)
        empty, col = first == len(lines.lines), len(row)
        if empty and _continues(tc, "vMerge") and col < len(above) and above[col] is not None:
            cell = above[col]
        elif empty and _continues(tc, "hMerge") and row and row[-1] is not None:
            cell = row[-1]
        else:
            cell = lines.cell_since(first)
        row.extend([cell] * max(1, _int_val(tc, "w:tcPr/w:gridSpan", 1, 63)))
    return row


def _continues(tc, merge: str) -> bool:
    """Whether a w:tc continues a merged cell: w:vMerge / w:hMerge without val="restart"."""
    el = tc.find(f"{_W}tcPr/{_W}{merge}")
    return el is not None and el.get(_W + "val", "continue") != "restart"

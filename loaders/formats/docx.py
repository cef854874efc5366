"""DOCX: the paragraphs and tables of word/document.xml in document order, list markers (一、/（一）/1.)
rebuilt from Word auto-numbering, text boxes and nested tables read where they sit."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.formats.common import Extracted, _grid_table, _Lines, _plain
from kg.loaders.formats.package import _check_package, _head
from kg.loaders.tables import Cell, Table


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


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting", "ideographLegalTraditional"):
        return _chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n).translate(str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰"))
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything unknown


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
        if styles_el is not None:
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
        self.used = 0
        self.missing = 0

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
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
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
            value = counters[k] if counters[k] is not None else starts.get(k, levels[k]["start"])
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

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == _MC_FALLBACK:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
                for sub in child:  # an entity reference or a comment: the text after it is its tail
                    if entities is not None and not isinstance(sub.tag, str) and sub.tag.__name__ == "Entity":
                        entities.append(sub.text or "")
                    parts.append(sub.tail or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag in (_W + "del", _W + "delText", _W + "instrText", _W + "pPr", _W + "rPr"):
                continue
            elif tag == _W + "txbxContent":
                boxes.extend(child.iter(_W + "p"))
            else:
                walk(child)

    walk(p)
    return "".join(parts), boxes


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
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
    part = document.part
    try:
        numbering_el = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_el = None
    try:
        styles_el = part.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        styles_el = None
    numbering = _Numbering(numbering_el, styles_el)
    lines = _Lines()
    tables: list[Table] = []

    entities: list[str] = []

    def paragraph(p) -> None:
        text, boxes = _para_text(p, entities)
        marker = numbering.marker(p)
        if marker is not None and text.strip():
            text = marker + text.lstrip()
        if text.strip():
            lines.add(text)
        for bp in boxes:
            paragraph(bp)

    def block(container) -> None:
        for child in container:
            tag = child.tag
            if tag == _W + "p":
                paragraph(child)
            elif tag == _W + "tbl":
                leaf = next(child.iterdescendants(_W + "tbl"), None) is None  # one around tables is layout
                grid: list[list[Optional[Cell]]] = []
                for tr in child.iter(_W + "tr"):
                    if tr.getparent() is not None and tr.getparent() is not child:
                        continue  # rows of nested tables are read inside their cell
                    if leaf:
                        grid.append(_docx_row(tr, block, lines, grid[-1] if grid else []))
                    else:
                        for tc in tr.findall(_W + "tc"):
                            block(tc)
                table = _grid_table(grid, lines) if leaf else None
                if table:
                    tables.append(table)
            elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins"):
                block(child)
            elif tag == _W + "sdtPr":
                continue

    body = document.element.body
    block(body)
    text = lines.text()
    if not _plain(text):
        raise InputError(file, "empty DOCX: the document body has no text", fix="check that this is the right file")
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
    return Extracted(text, encoding, "docx", "; ".join(notes) or None, tuple(tables))


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

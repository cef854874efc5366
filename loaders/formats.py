"""Every input format → text with one paragraph per line: plain text, HTML pages, DOCX, XLSX, PDF.

`read_document(path, data)` is the one entry point. It decides the format from the bytes
first (a PDF saved as .txt is still a PDF) and from the extension second, and returns
`Extracted(text, encoding, format, note, tables)`:

- text   one paragraph (or source line) per line; headings such as 一、… and （一）… on lines
         of their own, so kg's paragraph logic (loaders/text.py) works unchanged.
- encoding  the character encoding found: for text and HTML the one the bytes were decoded
         with (a page declaring GB2312/GBK is decoded as GB18030, their superset); for DOCX
         the XML encoding of word/document.xml ("utf-8"); for XLSX "utf-8"; for PDF "unicode"
         (the text layer is already Unicode).
- format   text | html | docx | xlsx | pdf
- note     something the reader should know but that did not stop the load (list markers
         rebuilt from Word auto-numbering, a declared charset that was wrong, PDF pages
         without text …), or None.
- tables   the tables the reader found (kg.loaders.tables.Table): grids of cells, each cell a span
         of `text` on lines of its own, merged cells resolved. Tables do not change the text: an
         HTML or DOCX table's cells are the lines they always were. XLSX text is its tables.

Anything that cannot be read raises InputError naming the file, the reason and the fix:
scanned PDFs (no text layer), encrypted or corrupt PDF/DOCX/XLSX, workbooks over the cell limit,
and formats kg does not read (.doc, .wps, .xls, images …). A file over one of the kg.limits.Limits
(a PDF over max_pdf_pages, a DOCX/XLSX over max_unpacked_mb or max_inflation) raises LimitExceeded,
an InputError naming the setting, before the costly part is read.
"""
from __future__ import annotations

import datetime
import io
import math
import re
import statistics
import unicodedata
import zipfile
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, MB, LimitExceeded, Limits
from kg.loaders.decode import decode_bytes
from kg.loaders.tables import Cell, Table

__all__ = ["Extracted", "read_document", "SUFFIXES"]


@dataclass(frozen=True)
class Extracted:
    text: str
    encoding: str
    format: str  # text | html | docx | xlsx | pdf
    note: Optional[str] = None
    tables: tuple[Table, ...] = field(default=(), hash=False)  # Table is mutable: kept out of the hash


TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".docx", ".xlsx", ".pdf")

_CONVERT = "convert it to DOCX, PDF or TXT"
_SHEET_FIX = ("convert it to XLSX: open it in Excel, WPS or LibreOffice and save as .xlsx "
              "(or: libreoffice --headless --convert-to xlsx FILE)")
_UNSUPPORTED = {
    ".doc": ("Word 97-2003 document (.doc)", "open it in Word, WPS or LibreOffice and save as .docx "
             "(or: libreoffice --headless --convert-to docx FILE)"),
    ".dot": ("Word 97-2003 template (.dot)", "save it as .docx"),
    ".wps": ("WPS Writer document (.wps)", "open it in WPS or LibreOffice and save as .docx "
             "(or: libreoffice --headless --convert-to docx FILE)"),
    ".wpt": ("WPS Writer template (.wpt)", "save it as .docx"),
    ".rtf": ("RTF document", "save it as .docx (or: libreoffice --headless --convert-to docx FILE)"),
    ".odt": ("OpenDocument text (.odt)", "save it as .docx (or: libreoffice --headless --convert-to docx FILE)"),
    ".xls": ("Excel 97-2003 workbook (.xls)", _SHEET_FIX),
    ".xlsb": ("Excel binary workbook (.xlsb)", _SHEET_FIX),
    ".et": ("WPS spreadsheet (.et)", _SHEET_FIX),
    ".csv": ("spreadsheet (.csv)", _CONVERT),
    ".ppt": ("PowerPoint 97-2003 presentation (.ppt)", _CONVERT),
    ".pptx": ("PowerPoint presentation (.pptx)", _CONVERT),
    ".dps": ("WPS presentation (.dps)", _CONVERT),
    ".ofd": ("OFD fixed-layout document (.ofd)", "export it to PDF (with a text layer) from an OFD reader"),
    ".ceb": ("CEB document (.ceb)", "export it to PDF from Apabi Reader"),
    ".zip": ("zip archive", "unpack it and load the documents inside"),
    ".rar": ("rar archive", "unpack it and load the documents inside"),
    ".7z": ("7z archive", "unpack it and load the documents inside"),
}
_OCR_FIX = ("OCR it (e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`) and load the searchable PDF, "
            "or save the recognised text as TXT")
for _ext in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"):
    _UNSUPPORTED[_ext] = (f"image ({_ext})", _OCR_FIX)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"BM", None),
)
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)


def read_document(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """The text of one document file, whatever its format, one paragraph per line. `limits` bounds what a
    PDF (max_pdf_pages) and a DOCX / XLSX package (max_unpacked_mb, max_inflation) may cost."""
    path = Path(path)
    file = path.name
    ext = path.suffix.lower()
    if not data.strip():
        raise InputError(file, "empty file (no text to read)" if ext not in (".docx", ".xlsx", ".pdf")
                         else f"empty file: 0 bytes of {ext[1:].upper()}", fix="re-download or re-export the file")
    head = data[:1024]
    if b"%PDF-" in head:
        return _read_pdf(data, file, limits)
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, file, ext, limits)
    if data.startswith(_OLE_MAGIC):
        return _ole(data, file, ext)
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic) and kind:
            raise InputError(file, f"unsupported format: {kind}, not a text document; {_CONVERT}", fix=_OCR_FIX)
    if ext in _UNSUPPORTED:
        kind, fix = _UNSUPPORTED[ext]
        raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix)
    if ext == ".pdf":
        what = "an HTML page (often a download error page)" if _HTML_SNIFF.search(head.decode("latin-1")) else \
            "not a PDF (no %PDF- header)"
        raise InputError(file, f"corrupt PDF: the file is {what}", fix="re-download the PDF")
    if ext == ".docx":
        raise InputError(file, "corrupt DOCX: not a zip package (a .docx is one)", fix="re-download or re-save the DOCX")
    if ext == ".xlsx":
        raise InputError(file, "corrupt XLSX: not a zip package (a .xlsx is one)", fix=_XLSX_FIX)
    if ext in HTML_SUFFIXES:
        return _read_html(data, file)
    decoded = decode_bytes(data, file)
    start = decoded.text.lstrip("\ufeff \t\r\n")[:2048]
    if start.startswith("<") and _HTML_SNIFF.search(start):
        return _read_html(data, file)
    return Extracted(decoded.text, decoded.encoding, "text", None)


def _ole(data: bytes, file: str, ext: str) -> Extracted:
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise InputError(file, "encrypted (password-protected) Office document",
                         fix="open it with its password, remove the protection and save an unprotected .docx")
    if ext in _UNSUPPORTED:
        kind, fix = _UNSUPPORTED[ext]
    else:
        kind, fix = ("Office 97-2003 binary file (.doc/.xls/.wps)" + (f" named {ext}" if ext else ""),
                     "save it as .docx (or: libreoffice --headless --convert-to docx FILE)")
    raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix)


def _read_zip(data: bytes, file: str, ext: str, limits: Limits = DEFAULT) -> Extracted:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        if ext == ".docx":
            raise InputError(file, f"corrupt DOCX: broken zip package ({e})",
                             fix="re-download or re-save the DOCX") from None
        if ext == ".xlsx":
            raise InputError(file, f"corrupt XLSX: broken zip package ({e})", fix=_XLSX_FIX) from None
        if ext in _UNSUPPORTED:
            kind, fix = _UNSUPPORTED[ext]
            raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix) from None
        raise InputError(file, f"unsupported format: a broken zip archive ({e}); {_CONVERT}") from None
    if "word/document.xml" in names:
        return _read_docx(data, file, limits)
    if "xl/workbook.xml" in names:
        return _read_xlsx(data, file, limits)
    if "xl/workbook.bin" in names:
        kind, fix = _UNSUPPORTED[".xlsb"]
        raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix)
    if ext == ".xlsx":
        raise InputError(file, "corrupt XLSX: the zip package has no xl/workbook.xml", fix=_XLSX_FIX)
    if any(n.startswith("xl/") for n in names):
        kind = "Excel workbook without xl/workbook.xml"
    elif any(n.startswith("ppt/") for n in names):
        kind = "PowerPoint presentation (.pptx)"
    elif "OFD.xml" in names:
        kind = "OFD fixed-layout document"
    elif "content.xml" in names:
        kind = "OpenDocument file"
    elif ext == ".docx":
        raise InputError(file, "corrupt DOCX: the zip package has no word/document.xml",
                         fix="re-download or re-save the DOCX")
    else:
        kind = "zip archive"
    raise InputError(file, f"unsupported format: {kind}; {_CONVERT}")


# ───────────────────────────── zip packages (DOCX, XLSX) ─────────────────────────────

_INFLATION_FLOOR = MB  # a member unpacking to less is never a bomb, whatever its ratio (small XML packs 50×)
_CHUNK = MB  # bytes of a member inflated at a time while it is checked


def _check_package(zf: zipfile.ZipFile, file: str, kind: str, fix: str, limits: Limits) -> None:
    """Refuse a DOCX / XLSX package that unpacks too big (max_unpacked_mb) or a member that unpacks too
    many times its packed size (max_inflation): first from the sizes the zip directory declares, then
    while streaming every member a chunk at a time (which also checks each member's CRC, as testzip did).
    Nothing is inflated whole: python-docx and openpyxl see the package only once it passed."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    for i in infos:
        _inflation_limit(i, i.file_size, file, kind, limits)
    _unpacked_limit(sum(i.file_size for i in infos), file, kind, limits)
    total = 0
    for i in infos:
        n = 0
        try:
            with zf.open(i) as fh:
                while chunk := fh.read(_CHUNK):
                    n += len(chunk)
                    total += len(chunk)
                    _inflation_limit(i, n, file, kind, limits)
                    _unpacked_limit(total, file, kind, limits)
        except zipfile.BadZipFile:
            raise InputError(file, f"corrupt {kind}: damaged zip member {i.filename}", fix=fix) from None
        except (EOFError, OSError, zlib.error, NotImplementedError, RuntimeError) as e:
            raise InputError(file, f"corrupt {kind}: zip member {i.filename}: {type(e).__name__}: {e}",
                             fix=fix) from None


def _unpacked_limit(size: int, file: str, kind: str, limits: Limits) -> None:
    if limits.max_unpacked_mb and size > limits.max_unpacked_mb * MB:
        raise LimitExceeded(file, f"{kind} too large: it unpacks to {size / MB:,.0f} MB", "max_unpacked_mb",
                            limits.max_unpacked_mb, "split the document")


def _inflation_limit(info: zipfile.ZipInfo, size: int, file: str, kind: str, limits: Limits) -> None:
    ratio = size / max(info.compress_size, 1)
    if limits.max_inflation and size > _INFLATION_FLOOR and ratio > limits.max_inflation:
        raise LimitExceeded(
            file, f"{kind} member {info.filename} unpacks to {size / MB:,.1f} MB from {info.compress_size / MB:,.2f} MB "
                  f"({ratio:,.0f} times: a zip bomb, or a damaged file)", "max_inflation", limits.max_inflation,
            f"open it in {'Excel' if kind == 'XLSX' else 'Word'}/WPS and save it again")


def _head(zf: zipfile.ZipFile, name: str, n: int = 100) -> bytes:
    """The first `n` bytes of a member, inflating no more of it than that."""
    with zf.open(name) as fh:
        return fh.read(n)


# ───────────────────────────── tables ─────────────────────────────

_CAPTION_MAX = 50  # a caption is a short line: a title, not a sentence


class _Lines:
    """Output lines, and where each starts in their "\\n"-join, so a reader can say where it put a
    table cell while it writes the text (the text never has to be searched afterwards)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.starts: list[int] = []
        self.cell_lines: set[int] = set()  # lines that are table cells: never another table's caption

    @property
    def pos(self) -> int:
        """Where the next line will start."""
        return self.starts[-1] + len(self.lines[-1]) + 1 if self.lines else 0

    def add(self, line: str) -> None:
        self.starts.append(self.pos)
        self.lines.append(line)

    def cell_since(self, first: int) -> Cell:
        """The lines added since line number `first` as one cell; an empty cell ("") where the next line starts."""
        if first >= len(self.lines):
            return Cell("", self.pos, self.pos)
        text = "\n".join(self.lines[first:])
        self.cell_lines.update(range(first, len(self.lines)))
        return Cell(text, self.starts[first], self.starts[first] + len(text))

    def line_before(self, offset: int) -> Optional[str]:
        """The line right above the line holding `offset`, unless that line is a table cell."""
        k = bisect_right(self.starts, offset) - 1
        return self.lines[k - 1] if k >= 1 and k - 1 not in self.cell_lines else None

    def text(self) -> str:
        return "\n".join(self.lines)


def _caption(line: Optional[str]) -> Optional[str]:
    """A line that can title a table: short, and not a sentence or clause."""
    line = (line or "").strip(" \t\u3000\xa0")
    return line if line and len(line) <= _CAPTION_MAX and line[-1] not in "。；;，," else None


def _texts(row: list[Optional[Cell]]) -> list[Cell]:
    """The distinct cells of a row that hold text, left to right."""
    seen: dict[int, Cell] = {}
    for c in row:
        if c is not None and c.text and id(c) not in seen:
            seen[id(c)] = c
    return list(seen.values())


def _unique(rows: list[list[Optional[Cell]]]) -> list[Cell]:
    return list({id(c): c for r in rows for c in r if c is not None}.values())


def _grid_table(grid: list[list[Optional[Cell]]], lines: _Lines, caption: Optional[str] = None,
                min_size: int = 2) -> Optional[Table]:
    """A Table from the grid a reader built: ragged rows padded with None, rows and columns without any
    text dropped, leading title rows (one cell across the table: 附件2 / XX任务分工表) taken out of the
    grid as the caption. None unless at least `min_size` rows and columns remain."""
    width = max((len(r) for r in grid), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in grid]
    rows = [r for r in rows if _texts(r)]
    keep = [j for j in range(width) if any(r[j] is not None and r[j].text for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    titles = _title_rows(rows)
    if titles:
        caption = caption or _texts(rows[titles - 1])[0].text.split("\n")[-1].strip() or None
        rows = rows[titles:]
    if len(rows) < min_size or len(keep) < min_size:
        return None
    cells = _unique(rows)
    start = min(c.start for c in cells if c.text)
    end = max(c.end for c in cells if c.text)
    for c in cells:
        if not c.text:  # an empty cell sits inside the table's span
            c.start = c.end = min(max(c.start, start), end)
    return Table(rows, start, end, caption or _caption(lines.line_before(start)))


def _title_rows(rows: list[list[Optional[Cell]]]) -> int:
    """How many leading rows are titles: one cell with text (merged across, or alone), above a row with more."""
    k = 0
    while k < len(rows) - 1 and len(_texts(rows[k])) == 1 and any(len(_texts(r)) > 1 for r in rows[k + 1:]):
        k += 1
    return k


def _shift(tables: list[Table], by: int) -> None:
    """Move tables and their cells `by` characters (a line was put before the text)."""
    for t in tables:
        t.start += by
        t.end += by
        for c in _unique(t.rows):
            c.start += by
            c.end += by


# ───────────────────────────── HTML ─────────────────────────────

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "euc-cn", "gb18030", "csgb2312", "ms936", "windows-936"}
_ALIASES = {"utf8": "utf-8", "big5": "big5hkscs", "unicode": "utf-16"}

_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select",
              "button", "input", "textarea", "nav", "footer", "aside", "head", "map", "audio", "video"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
               "tbody", "thead", "tfoot", "section", "article", "blockquote", "pre", "dd", "dt", "dl", "center",
               "hr", "address", "figure", "figcaption", "caption", "main", "header", "footer", "form", "fieldset",
               "body", "html", "legend", "details", "summary", "option"}
# Containers that Chinese government CMSs (TRS WCM, Hanweb, …) put the article body in.
_CONTENT_MARKERS = re.compile(
    r"^(?:trs_editor|trs_ueditor|trs_editor_view|custom_unionstyle|zoom|ucap-content|ucapcontent|"
    r"article[-_]?content|art[-_]?con|pages?[-_]?content|content|contents|con|article|articlecont|"
    r"detail|details|detail[-_]?content|xxgk[-_]?content|main[-_]?content|maincontent|text|wzy|"
    r"news[-_]?content|newscontent|view|textcontent|zw|zwgk[-_]?content|conTxt|contxt|article[-_]?body)$", re.I)
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|foot|bottom|copyright|share|bdshare|bdsharebuttonbox|jiathis|"
    r"social|breadcrumb|crumbs?|position|location|sidebar|related|relate|xgwj|xgxx|toolbar|tools|print|"
    r"fontsize|font-size|zihao|comment|login|search|banner|qrcode|ewm|pagination|pager|prev-next|"
    r"attachments?-?links?)(?:$|[\s_-])", re.I)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_HARD = "\x1e"  # a hard line break while linearising (never in decoded text)


def _html_decode(data: bytes, file: str) -> tuple[str, str, Optional[str]]:
    """(text, encoding, note): BOM, then the declared charset (GB* as gb18030), then decode_bytes."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        d = decode_bytes(data, file)
        return d.text, d.encoding, None
    m = _META_CHARSET.search(data[:16384])
    declared = (m.group(1) or m.group(2)).decode("ascii").lower() if m else None
    if declared is None:
        d = decode_bytes(data, file)
        return d.text, d.encoding, None
    codec = "gb18030" if declared in _GB else _ALIASES.get(declared, declared)
    # A page that declares GB2312 but is really UTF-8 (a common CMS slip): valid UTF-8 wins.
    if codec != "utf-8" and not data.isascii():
        try:
            text = data.decode("utf-8")
            return text, "utf-8", f"declares charset {declared} but is UTF-8; decoded as utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec), codec, None
    except LookupError:
        problem = f"declares an unknown charset {declared!r}"
    except UnicodeDecodeError as e:
        problem = f"declares charset {declared} but byte {e.start} is not {codec}"
    d = decode_bytes(data, file)
    return d.text, d.encoding, f"{problem}; decoded as {d.encoding}"


def _classes(el) -> list[str]:
    return (el.get("class") or "").split() + ([el.get("id")] if el.get("id") else [])


def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content()))


def _link_len(el) -> int:
    return sum(len(re.sub(r"\s+", "", a.text_content())) for a in el.iter("a"))


def _main_element(body):
    """The article body: a known CMS container when there is a good one, else the densest text block."""
    total = max(_text_len(body), 1)

    def score(el) -> float:
        n = _text_len(el)
        return n - 2 * _link_len(el)

    marked = [el for el in body.iter() if isinstance(el.tag, str) and el.tag in ("article", "main")
              or isinstance(el.tag, str) and any(_CONTENT_MARKERS.match(c) for c in _classes(el))]
    marked = [el for el in marked if score(el) >= max(100, 0.2 * total) or score(el) >= 0.6 * total]
    if marked:
        best = max(marked, key=score)
        # the deepest marked container holding nearly all of the best one's text
        inner = [el for el in marked if el is not best and best in el.iterancestors() and score(el) >= 0.85 * score(best)]
        while inner:
            best = max(inner, key=lambda el: sum(1 for _ in el.iterancestors()))
            inner = [el for el in marked if el is not best and best in el.iterancestors()
                     and score(el) >= 0.85 * score(best)]
        return best
    # readability-style: each text block scores its parent fully and its grandparent by half
    scores: dict = {}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        own = len(re.sub(r"\s+", "", (el.text or "") + "".join((c.tail or "") for c in el)))
        if own < 10:
            continue
        for k, anc in enumerate(_self_and_up(el, 2)):
            if el.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6") and k == 0:
                continue
            scores[anc] = scores.get(anc, 0) + own / (1 if k <= 1 else 2)
    if not scores:
        return body
    best = max(scores, key=lambda el: scores[el] * (1 - _link_len(el) / max(_text_len(el), 1)))
    return best


def _self_and_up(el, n: int) -> list:
    """`el` and its first `n` ancestors (not all of them: a deeply nested page would make that quadratic)."""
    out = [el]
    while len(out) <= n and (el := el.getparent()) is not None:
        out.append(el)
    return out


def _linearise(root, marks: frozenset = frozenset()) -> list:
    """The text of `root` with _HARD at block boundaries; each element of `marks` (table cells, all
    block tags) is bracketed by (True, el) and (False, el) tokens right inside its _HARD marks."""
    from lxml import etree

    parts: list = []
    pre = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            if tag is None:
                continue
            if tag in _BLOCK_TAGS:
                parts.append(_HARD)
            if el in marks:
                parts.append((True, el))
            if tag == "pre":
                pre += 1
            if el.text:
                parts.append(el.text.replace("\n", _HARD) if pre else el.text)
        else:
            if el in marks:
                parts.append((False, el))
            if tag in _BLOCK_TAGS:
                parts.append(_HARD)
            if tag == "pre":
                pre -= 1
            if el is not root and el.tail:
                parts.append(el.tail.replace("\n", _HARD) if pre else el.tail)
    return parts


def _html_lines(parts: list, lines: _Lines) -> dict:
    """Write the linearised parts as lines; the cell of each marked element. Marks sit next to _HARD,
    where no whitespace run or line crosses, so collapsing piece by piece gives the same lines."""
    cells: dict = {}
    opened: dict = {}
    buf: list[str] = []

    def flush() -> None:
        for line in _collapse_lines("".join(buf)):
            lines.add(line)
        buf.clear()

    for part in parts:
        if isinstance(part, str):
            buf.append(part)
            continue
        flush()
        starting, el = part
        if starting:
            opened[el] = len(lines.lines)
        else:
            cells[el] = lines.cell_since(opened[el])
    flush()
    return cells


def _collapse(text: str) -> str:
    return "\n".join(_collapse_lines(text))


def _collapse_lines(text: str) -> list[str]:
    """HTML whitespace: a run of ASCII spaces/newlines is one space, or nothing between CJK characters
    when it holds a newline (a source line break inside a Chinese sentence); &nbsp; and U+3000 stay."""
    def sub(m: re.Match) -> str:
        a = text[m.start() - 1] if m.start() else ""
        b = text[m.end()] if m.end() < len(text) else ""
        if ("\n" in m.group(0) or "\r" in m.group(0)) and _CJK.match(a or " ") and _CJK.match(b or " "):
            return ""
        return " "

    text = re.sub(r"[ \t\r\n\f]+", sub, text)
    lines = (line.strip(" \t\r\n\f") for line in text.split(_HARD))
    return [line for line in lines if line.strip()]


def _html_cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _leaf_tables(main) -> list:
    """The <table>s of the article that hold no other table (one around other tables is layout)."""
    return [t for t in main.iter("table") if next(t.iterdescendants("table"), None) is None]


def _span(el, attr: str, limit: int) -> int:
    """rowspan / colspan as browsers read them: leading digits; junk is 1; rowspan=0 runs to the end."""
    m = re.match(r"\s*(\d+)", el.get(attr) or "")
    n = int(m.group(1)) if m else 1
    if n == 0:
        n = limit if attr == "rowspan" else 1
    return max(1, min(n, limit))


def _html_grid(table, cells: dict) -> list[list[Optional[Cell]]]:
    """The HTML table model: each cell takes the first free slot of its row and covers rowspan × colspan."""
    rows = list(table.iter("tr"))
    taken: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(rows):
        col = 0
        for td in _html_cells(tr):
            while (r, col) in taken:
                col += 1
            rs, cs = _span(td, "rowspan", len(rows) - r), _span(td, "colspan", 100)
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, col + dc)] = cells[td]
            col += cs
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c)) for c in range(width)] for r in range(len(rows))]


def _html_caption(table) -> Optional[str]:
    cap = table.find("caption")
    if cap is None:
        return None
    return re.sub(r"\s+", " ", cap.text_content()).strip() or None


def _html_tables(leaves: list, cells: dict, lines: _Lines) -> list[Table]:
    """The data tables among the leaf tables: at least 2 × 2, and no cell holding most of the article
    (a one-level layout table around the page's text)."""
    total = max(lines.pos, 1)
    out = []
    for t in leaves:
        table = _grid_table(_html_grid(t, cells), lines, _html_caption(t))
        if table and not any(len(c.text) > max(500, total // 2) for c in _unique(table.rows)):
            out.append(table)
    return out


def _html_title(doc) -> str:
    for h in doc.iter("h1"):
        t = re.sub(r"\s+", " ", h.text_content()).strip()
        if 4 <= len(t) <= 120:
            return t
    t = doc.find(".//title")
    if t is not None and t.text_content().strip():
        segs = re.split(r"\s*[_|｜]\s*|\s+[-–—－]\s+", t.text_content().strip())
        return max(segs, key=len).strip()
    return ""


def _plain(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


_DOCTYPE_SUBSET = re.compile(r"(\s*<!DOCTYPE\s+[^\s\[>]+)[^\[>]*\[(.*?)\]\s*>", re.I | re.S)
_MAX_DEPTH = 200  # elements nested deeper are flattened (libxml2 stops reading at 256, losing the rest)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})  # <p>a<p>b: siblings, not nested


def _drop_internal_subset(text: str, notes: list[str]) -> str:
    """Remove a DOCTYPE's internal subset (<!DOCTYPE html [ <!ENTITY …> ]>). An HTML parser ends the DOCTYPE
    at its first ">", so the rest of the subset would show as text ("]>"); its entities are never expanded."""
    m = _DOCTYPE_SUBSET.match(text)
    if not m:
        return text
    n = len(re.findall(r"<!ENTITY", m.group(2)))
    notes.append(f"DOCTYPE internal subset skipped ({n} entity declaration(s), never expanded)")
    return m.group(1) + ">" + text[m.end():]


def _parse_html(text: str, notes: list[str]):
    """The lxml tree of a page. libxml2 stops reading a page nested deeper than 256 elements and drops
    everything after that point; such a page is read again with the nesting past _MAX_DEPTH flattened
    (as browsers do past their own depth limit), and any other early stop is noted, never silent."""
    from lxml import html as lhtml

    parser = lhtml.HTMLParser()
    doc = lhtml.document_fromstring(text, parser=parser)
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if fatal and "depth" in fatal[0].message.lower():
        flat, dropped = _flatten(text, _MAX_DEPTH)
        parser = lhtml.HTMLParser()
        doc = lhtml.document_fromstring(flat, parser=parser)
        fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
        notes.append(f"elements nested deeper than {_MAX_DEPTH} levels flattened ({dropped:,} tags dropped, "
                     "their text kept)")
    if fatal:
        e = fatal[0]
        notes.append(f"the HTML parser stopped at line {e.line}, column {e.column} ({e.message.strip()}): "
                     "the text after that point is missing")
    return doc


_TAG_AT = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)([^<>]{0,4096})>")


def _flatten(text: str, depth: int) -> tuple[str, int]:
    """The page with no element nested deeper than `depth`: deeper start and end tags are dropped (a block
    tag leaves a <br>, one for a run of them, so its line breaks stay) and their content joins the deepest
    element kept. A plain linear scan of the tags (comments kept whole), not a parser: it only has to count
    depth."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (tag, written)
    kept = dropped = 0
    last = pos = 0
    broke = False  # the last thing written is the <br> of a dropped block tag

    def line_break() -> None:
        nonlocal broke
        if not broke:
            out.append("<br>")
        broke = True

    while (pos := text.find("<", pos)) >= 0:
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            pos = len(text) if end < 0 else end + 3
            continue
        m = _TAG_AT.match(text, pos)
        if m is None:
            pos += 1
            continue
        if pos > last:
            out.append(text[last:pos])
            broke = broke and not text[last:pos].strip()
        last = pos = m.end()
        tag = m.group(2).lower()
        if tag in _VOID or m.group(3).rstrip().endswith("/"):
            out.append(m.group(0))
            broke = False
        elif not m.group(1):  # a start tag
            if tag in _SELF_CLOSING and stack and stack[-1][0] == tag:
                kept -= stack.pop()[1]
            if kept < depth:
                out.append(m.group(0))
                broke = False
                stack.append((tag, True))
                kept += 1
            else:
                dropped += 1
                stack.append((tag, False))
                if tag in _BLOCK_TAGS:
                    line_break()
        else:  # an end tag: closes the nearest open element of its name (looked for among the last 64)
            at = next((k for k in range(len(stack) - 1, max(len(stack) - 64, 0) - 1, -1) if stack[k][0] == tag), None)
            if at is None:
                out.append(m.group(0))
                continue
            written = stack[at][1]
            kept -= sum(w for _, w in stack[at:])
            del stack[at:]
            if written:
                out.append(m.group(0))
                broke = False
            elif tag in _BLOCK_TAGS:
                line_break()
    out.append(text[last:])
    return "".join(out), dropped


def _read_html(data: bytes, file: str) -> Extracted:
    from lxml import etree

    text, encoding, note = _html_decode(data, file)
    notes = [note] if note else []
    text = text.replace(_HARD, " ")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    text = _drop_internal_subset(text, notes)
    try:
        doc = _parse_html(text, notes)
    except (etree.ParserError, ValueError) as e:
        raise InputError(file, f"unreadable HTML ({e})", fix="re-download the page") from None
    note = "; ".join(notes) or None
    title = _html_title(doc)
    body = doc.find("body")
    if body is None:
        body = doc
    for el in list(body.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None:  # comments and processing instructions
                el.drop_tree()
        elif el.tag.lower() in _DROP_TAGS:
            el.drop_tree()
    main = _main_element(body)
    main_len = max(_text_len(main), 1)
    for el in list(main.iter()):
        if el is main or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if any(_BOILERPLATE.search(c) for c in _classes(el)) and _text_len(el) < 0.3 * main_len:
            el.drop_tree()
    leaves = _leaf_tables(main)
    lines = _Lines()
    cells = _html_lines(_linearise(main, frozenset(td for t in leaves for tr in t.iter("tr") for td in _html_cells(tr))),
                        lines)
    out = lines.text()
    if len(_plain(out)) < 20:
        raise InputError(file, "HTML page has no article text (it may load its text with JavaScript)",
                         fix="save the page as shown in a browser, or load the document it links to")
    tables = _html_tables(leaves, cells, lines)
    if title and _plain(title) not in _plain(out[: len(title) + 400]):
        out = title + "\n" + out
        _shift(tables, len(title) + 1)
    return Extracted(out, encoding, "html", note, tuple(tables))


# ───────────────────────────── DOCX ─────────────────────────────

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


def _read_docx(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
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


# ───────────────────────────── XLSX ─────────────────────────────

XLSX_MAX_CELLS = 200_000  # cells a workbook may have read, and may place in grids: ~8 s and ~130 MB at the limit
_XLSX_FIX = "re-download the XLSX, or open it in Excel/WPS and save it again"
_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d+$", re.I)
_FIXED = re.compile(r"^[#,0]*\.(0+)$")  # 0.00, #,##0.0 …: a fixed number of decimals


class _CellBudget:
    """How many more cells a workbook may cost before it is refused. Read-only openpyxl streams rows, so
    memory and time follow the cells read and the grid positions made; one budget bounds each."""

    def __init__(self, file: str):
        self.file = file
        self.left = XLSX_MAX_CELLS

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(self.file, f"XLSX too large: more than {XLSX_MAX_CELLS:,} cells, the most kg reads from "
                                        "one workbook",
                             fix="split the workbook, or delete the sheets, rows and columns that hold no table")


def _read_xlsx(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    """Every visible sheet with text is a table (merged ranges resolved). The text is a title line (the
    first sheet's title row, else the file's stem), then each sheet's cells, one per line, row by row."""
    import openpyxl

    read, placed = _CellBudget(file), _CellBudget(file)
    sheets: list[tuple[str, list[list[Cell]]]] = []
    hidden = uncached = 0
    try:  # openpyxl raises all kinds of errors on a damaged workbook: each one means "corrupt"
        with _xlsx_package(data, file, limits) as zf:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    hidden += 1
                    continue
                values = _sheet_values(ws, read)
                merges, missing = _sheet_merges(zf, ws._worksheet_path)
                uncached += missing
                if values:
                    sheets.append((ws.title, _sheet_grid(values, merges, placed)))
            wb.close()
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 — see above
        raise InputError(file, f"corrupt XLSX: {type(e).__name__}: {e}", fix=_XLSX_FIX) from None
    if not sheets:
        raise InputError(file, "empty XLSX: no visible sheet has any text" + (
            f" ({uncached} formula cell(s) have no saved value)" if uncached else ""),
            fix="open it in Excel/WPS and save it again" if uncached else "check that this is the right file")
    lines = _Lines()
    tables: list[Table] = []
    for k, (name, grid) in enumerate(sheets):
        if k == 0 and not _title_rows(grid):
            lines.add(Path(file).stem)
        _write_cells(grid, lines)
        table = _grid_table(grid, lines, min_size=1)
        if table:
            if table.caption is None and k and not _DEFAULT_SHEET.match(name):
                table.caption = name
            tables.append(table)
    notes = []
    if uncached:
        notes.append(f"{uncached} formula cell(s) have no saved value and read as empty "
                     "(open the file in Excel/WPS and save it to store the results)")
    if hidden:
        notes.append(f"{hidden} hidden sheet(s) skipped")
    return Extracted(lines.text(), "utf-8", "xlsx", "; ".join(notes) or None, tuple(tables))


def _xlsx_package(data: bytes, file: str, limits: Limits = DEFAULT) -> zipfile.ZipFile:
    """The zip package, refused when it unpacks too big or too many times its size (a zip bomb stops here,
    before openpyxl), or when a member is damaged (see _check_package)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    _check_package(zf, file, "XLSX", _XLSX_FIX, limits)
    return zf


def _sheet_values(ws, budget: _CellBudget) -> dict[tuple[int, int], str]:
    """(row, column) → text of every cell with text, streamed row by row."""
    ws.reset_dimensions()  # a stale <dimension> would pad every row out to it
    out: dict[tuple[int, int], str] = {}
    for r, row in enumerate(ws.iter_rows(), start=1):
        budget.take(max(len(row), 1))
        for c, cell in enumerate(row, start=1):
            text = _cell_text(cell.value, getattr(cell, "number_format", None) or "General")
            if text:
                out[(r, c)] = text
    return out


def _sheet_merges(zf: zipfile.ZipFile, path: str) -> tuple[list[tuple[int, int, int, int]], int]:
    """The merged ranges of a sheet as (min_row, min_col, max_row, max_col), and how many formula cells
    have no saved value — streamed from the sheet's XML, which read-only openpyxl does not report."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    merges: list[tuple[int, int, int, int]] = []
    missing = 0
    with zf.open(path) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=("{*}mergeCell", "{*}c", "{*}row")):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                try:
                    c1, r1, c2, r2 = range_boundaries(el.get("ref", ""))
                except (ValueError, TypeError):
                    continue
                if None not in (c1, r1, c2, r2):
                    merges.append((r1, c1, r2, c2))
            elif tag == "c":
                kids = {k.tag.rsplit("}", 1)[-1]: k for k in el if isinstance(k.tag, str)}
                if "f" in kids and not (kids.get("v") is not None and kids["v"].text):
                    missing += 1
            elif tag == "row":
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    return merges, missing


def _cell_text(value, number_format: str) -> str:
    """A cell's value about as Excel shows it: 1 not 1.0, 15% for 0.15 in a % format, dates ISO; the lines
    of a multi-line cell trimmed, blank ones dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    elif isinstance(value, (datetime.date, datetime.time)):
        text = value.isoformat()
    elif isinstance(value, (int, float)):
        text = _number(value, number_format)
    else:
        text = str(value)
    lines = (ln.strip(" \t\r\f\v") for ln in text.replace("_x000D_", "").replace("\r\n", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln.strip())


def _number(value: float, number_format: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if "%" in number_format:
        m = re.search(r"\.(0+)", number_format)
        return f"{value * 100:.{len(m.group(1)) if m else 0}f}%"
    m = _FIXED.match(number_format.replace("\\", ""))
    if m:
        return f"{value:.{len(m.group(1))}f}"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{value:.15g}"


def _sheet_grid(values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]],
                budget: _CellBudget) -> list[list[Cell]]:
    """The sheet's rows and columns that hold text, each position a Cell (positions set when written);
    a merged range is one Cell (its top-left value) in every position it covers. Ranges that overlap (Excel
    never writes them) can cover no more positions than the grid has."""
    rows = sorted({r for r, _ in values})
    cols = sorted({c for _, c in values})
    area = len(rows) * len(cols)
    budget.take(area)
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    grid = [[Cell(values.get((r, c), ""), 0, 0) for c in cols] for r in rows]
    for r1, c1, r2, c2 in merges:
        rs = rows[bisect_left(rows, r1): bisect_right(rows, r2)]
        cs = cols[bisect_left(cols, c1): bisect_right(cols, c2)]
        area -= len(rs) * len(cs)
        if area < 0:
            break
        if not rs or not cs:
            continue
        cell = grid[ri[r1]][ci[c1]] if r1 in ri and c1 in ci else Cell("", 0, 0)
        for r in rs:
            for c in cs:
                grid[ri[r]][ci[c]] = cell
    return grid


def _write_cells(grid: list[list[Cell]], lines: _Lines) -> None:
    """Each cell's text on lines of its own, row by row; a merged cell once, where it starts."""
    done: set[int] = set()
    for row in grid:
        for cell in row:
            if id(cell) in done:
                continue
            done.add(id(cell))
            first = len(lines.lines)
            for line in cell.text.split("\n") if cell.text else ():
                lines.add(line)
            at = lines.cell_since(first)
            cell.start, cell.end = at.start, at.end


# ───────────────────────────── PDF ─────────────────────────────

_PAGE_NO = re.compile(
    r"^[\s\-—–─－~～·•_]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?(?:\s*[/／,，]?\s*(?:共\s*)?[0-9０-９]{1,4}\s*页?)?"
    r"[\s\-—–─－~～·•_]*$|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_TERMINAL = "。！？；：）」』”!?;:)"
_MARKER = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)]|\d{1,2}[.、．]|[─—-]{2}|附件)")


@dataclass
class _Line:
    text: str
    page: int
    x0: Optional[float] = None
    x1: Optional[float] = None
    top: Optional[float] = None  # distance from the top of the page
    em: Optional[float] = None
    table: Optional[object] = None  # a ruled table (pdf_tables.PageGrid) at its place in reading order; text ""
    raw: Optional[list] = field(default=None, compare=False, repr=False)  # (character, loose box, space after)
    height: float = field(default=0.0, compare=False, repr=False)

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
    import pypdfium2.raw as pdfium_c

    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        text = tp.get_text_range() if n else ""
        height = page.get_height()
        if len(text) != n:  # text not aligned with the characters: keep the lines without geometry
            return [_Line(t, index) for t in re.split(r"\r\n|\r|\n", text) if t.strip()], n
        lines: list[_Line] = []
        cur: list[int] = []

        def flush() -> None:
            chars = [i for i in cur if not text[i].isspace()]
            if chars:
                boxes = [tp.get_charbox(i, loose=True) for i in chars]
                widths = [b[2] - b[0] for i, b in zip(chars, boxes) if _CJK.match(text[i]) and b[2] > b[0]]
                keep = []
                spaced = set()
                for k, i in enumerate(cur):  # drop spaces pdfium generated between CJK characters (justified text)
                    if text[i] == " " and pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1 and 0 < i < len(text) - 1 \
                            and _CJK.match(text[i - 1]) and _CJK.match(text[i + 1]):
                        continue
                    keep.append(text[i])
                    if k and text[i].isspace():
                        spaced.add(cur[k - 1])
                lines.append(_Line(
                    "".join(keep).strip(), index, min(b[0] for b in boxes), max(b[2] for b in boxes),
                    height - max(b[3] for b in boxes),
                    statistics.median(widths) if widths else statistics.median(b[3] - b[1] for b in boxes),
                    raw=[(text[i], b, i in spaced) for i, b in zip(chars, boxes)], height=height))
            cur.clear()

        into = None  # the (grid, cell) the last character went to
        rect = pdfium_c.FS_RECTF()
        for i, ch in enumerate(text):
            if ch in "\r\n":
                flush()
                into = None
            elif grids and not ch.isspace():
                into = None
                if pdfium_c.FPDFText_GetLooseCharBox(tp.raw, i, rect):
                    left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
                    x, y = (left + right) / 2, height - (bottom + top) / 2
                    into = next(((g, cell) for g in grids if (cell := g.locate(x, y)) is not None), None)
                if into:
                    into[0].add_char(into[1], ch, (left, height - top, right, height - bottom))
                else:
                    cur.append(i)
            elif into:  # a space after a table character: kept inside the cell unless pdfium made it up
                if not (pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1 and 0 < i < len(text) - 1
                        and _CJK.match(text[i - 1]) and _CJK.match(text[i + 1])):
                    into[0].mark_space(into[1])
            else:
                cur.append(i)
        flush()
    finally:
        tp.close()
    lines = [ln for ln in lines if ln.text]
    lines.sort(key=lambda ln: (round(ln.top / 3), ln.x0))
    merged: list[_Line] = []
    for ln in lines:  # pieces of one visual line (same baseline) become one line
        prev = merged[-1] if merged else None
        if prev and abs(prev.top - ln.top) < 0.5 * (ln.em or 10) and ln.x0 >= prev.x1 - 1:
            gap = ln.x0 - prev.x1
            sep = " " if gap > 0.8 * (ln.em or 10) and not (_CJK.match(prev.text[-1]) and _CJK.match(ln.text[0])) else ""
            raw = (prev.raw or []) + (ln.raw or [])
            if sep and prev.raw:
                raw[len(prev.raw) - 1] = raw[len(prev.raw) - 1][:2] + (True,)
            merged[-1] = _Line(prev.text + sep + ln.text, index, prev.x0, ln.x1, min(prev.top, ln.top), prev.em,
                               raw=raw, height=prev.height)
        else:
            merged.append(ln)
    for g in grids:
        if g.chars:
            at = next((k for k, ln in enumerate(merged) if ln.top > g.top), len(merged))
            merged.insert(at, _Line("", index, g.x0, g.x1, g.top, None, g))
    return merged, n


def _has_graphics(page) -> bool:
    for _obj in page.get_objects(max_depth=2):
        return True
    return False


def _drop_headers_footers(pages: list[list[_Line]], heights: list[float]) -> int:
    """Remove page numbers (— 3 —, 第3页, 3/10 …) and running headers/footers repeated at the
    same height on most pages (not the header row of a table without rules repeated on every page it
    runs over). Returns how many lines were removed."""
    from kg.loaders.pdf_tables import header_line

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
    if len(pages) >= 3:
        seen: dict[str, list[tuple[int, Optional[float]]]] = {}
        for k, lines in enumerate(pages):
            for ln in lines[:2] + lines[-2:]:
                if ln.table or header_line(ln):
                    continue
                seen.setdefault(re.sub(r"[0-9０-９]+", "#", _plain(ln.text)), []).append((k, ln.top))
        for key, where in seen.items():
            pages_with = {k for k, _ in where}
            if len(pages_with) < max(3, (len(pages) + 1) // 2):
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


def _join_lines(pages: list[list[_Line]]) -> list:
    """Lines → paragraphs: a line that runs to the right edge of the text column continues on the next
    line (also across pages); a short line, or a new indented line after a finished sentence, ends it.
    A table line ends the paragraph before it and is passed on as its grid."""
    lines = [ln for page in pages for ln in page]
    geo = [ln for ln in lines if ln.x0 is not None and not ln.table]
    if not geo:
        return [ln.table or ln.text for ln in lines]
    long_lines = [ln for ln in geo if len(ln.text) >= 10] or geo
    left = statistics.median_low(sorted(round(ln.x0) for ln in long_lines))
    rights = sorted(ln.x1 for ln in long_lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    out: list[str] = []
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
            full = prev.x0 is not None and prev.x1 >= right - 1.6 * em
            indented = ln.x0 is not None and ln.x0 > left + 0.9 * (ln.em or em)
            ends = buf.rstrip()[-1:] in _TERMINAL
            if full and not (ends and (_MARKER.match(ln.text) or indented)):
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


def _read_pdf(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    import pypdfium2 as pdfium

    from kg.loaders.pdf_tables import layout

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(file, "encrypted PDF: it needs a password to open",
                             fix="open it with its password and save (or print to PDF) an unprotected copy") from None
        raise InputError(file, f"corrupt PDF ({msg.rstrip('.')})", fix="re-download the PDF or export it again") from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise InputError(file, "empty PDF: it has no pages", fix="re-download the PDF or export it again")
        if limits.max_pdf_pages and n_pages > limits.max_pdf_pages:  # before a page is read: its tree may lie
            raise LimitExceeded(file, f"PDF too long: {n_pages:,} pages", "max_pdf_pages", limits.max_pdf_pages,
                                "split the PDF")
        pages: list[list[_Line]] = []
        heights: list[float] = []
        textless: list[int] = []
        graphics = 0
        total = 0
        grids: list = []  # the ruled tables of the page (pdf_tables.PageGrid)
        hrules: list[Optional[list]] = []  # each page's horizontal rules; None: not searched for tables
        for k in range(n_pages):
            page = pdf[k]
            try:
                grids, hs = _page_grids(page, k, grids) if k < _TABLE_PAGES else ([], None)
                hrules.append(hs)
                lines, n = _page_lines(page, k, grids)
                heights.append(page.get_height())
                if not any(ln.text.strip() or ln.table for ln in lines):
                    textless.append(k + 1)
                    graphics += _has_graphics(page)
                total += n
                pages.append(lines)
            finally:
                page.close()
    except pdfium.PdfiumError as e:
        raise InputError(file, f"corrupt PDF ({str(e).rstrip('.')})", fix="re-download the PDF or export it again") from None
    finally:
        pdf.close()
    pages_word = f"{n_pages} page{'s' if n_pages != 1 else ''}"
    if len(textless) == n_pages:
        if graphics:
            raise InputError(file, f"scanned PDF with no text layer ({pages_word}, "
                                   f"{graphics} with images or drawings, none with text); run OCR first", fix=_OCR_FIX)
        raise InputError(file, f"empty PDF: {pages_word}, all blank (no text, no images)",
                         fix="check that this is the right file")
    all_text = "".join(ln.text or "".join(c.ch for cs in (ln.table.chars if ln.table else {}).values() for c in cs)
                       for page in pages for ln in page)
    bad = sum(1 for ch in all_text if 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t"))
    if bad > 0.3 * len(all_text):
        raise InputError(file, f"PDF text layer is unreadable: {bad} of {len(all_text)} characters map to no "
                               "Unicode character (fonts without a ToUnicode table); run OCR first", fix=_OCR_FIX)
    removed = _drop_headers_footers(pages, heights)
    _unruled_tables(pages, hrules)
    text, tables = layout(_join_lines(pages))
    notes = []
    if textless:
        shown = ", ".join(map(str, textless[:10])) + (" …" if len(textless) > 10 else "")
        notes.append(f"{len(textless)} of {n_pages} pages have no text layer (page {shown}); "
                     "their text is missing — run OCR on them")
    if removed:
        notes.append(f"{removed} page-number/header/footer lines removed")
    if n_pages > _TABLE_PAGES:
        notes.append(f"tables looked for on the first {_TABLE_PAGES} of {n_pages} pages only")
    return Extracted(text, "unicode", "pdf", "; ".join(notes) or None, tuple(tables))

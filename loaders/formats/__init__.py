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
- format   text | html | docx | xlsx | pdf | doc | xls
- note     something the reader should know but that did not stop the load (list markers
         rebuilt from Word auto-numbering, a declared charset that was wrong, PDF pages
         without text …), or None.
- tables   the tables the reader found (kg.loaders.tables.Table): grids of cells, each cell a span
         of `text` on lines of its own, merged cells resolved. Tables do not change the text: an
         HTML or DOCX table's cells are the lines they always were. XLSX text is its tables.

Anything that cannot be read raises InputError naming the file, the reason and the fix:
scanned PDFs (no text layer), encrypted or corrupt PDF/DOCX/XLSX/DOC/XLS, workbooks over the cell limit,
and formats kg does not read (.ppt, .ofd, .wps in WPS's own format, images …). A file over one of the kg.limits.Limits
(a PDF over max_pdf_pages, a DOCX/XLSX over max_unpacked_mb or max_inflation) raises LimitExceeded,
an InputError naming the setting, before the costly part is read.

This module sniffs the format and hands the bytes to the reader of that format: formats/html.py,
docx.py, xlsx.py, pdf.py, doc.py (Word 97-2003) and xls.py (Excel 97-2003), each `read(data, file, limits) -> Extracted`. Plain text needs no reader
(decode_bytes). formats/package.py checks the zip package of a DOCX / XLSX; formats/common.py holds
Extracted and what several readers share (output lines, grid → Table).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.decode import decode_bytes
from kg.loaders.formats import doc, docx, html, pdf, xls, xlsx
from kg.loaders.formats.common import _OCR_FIX, _XLSX_FIX, Extracted

__all__ = ["Extracted", "read_document", "SUFFIXES"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".docx", ".xlsx", ".pdf", ".doc", ".xls")

_CONVERT = "convert it to DOCX, PDF or TXT"
_SHEET_FIX = ("convert it to XLSX: open it in Excel, WPS or LibreOffice and save as .xlsx "
              "(or: libreoffice --headless --convert-to xlsx FILE)")
# Refused by name. A .doc / .xls (and a .wps / .et saved in their formats) is read: these name what a file is when
# its bytes are not a Word document or a workbook kg can read.
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
for _ext in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"):
    _UNSUPPORTED[_ext] = (f"image ({_ext})", _OCR_FIX)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"), (b"II*\x00", "TIFF image"), (b"MM\x00*", "TIFF image"), (b"BM", None),
)
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)

# One reader per format (formats/<format>.py), each `read(data, file, limits) -> Extracted`;
# plain text needs none: decode_bytes is its reader.
_READERS: dict[str, Callable[[bytes, str, Limits], Extracted]] = {
    "html": html.read, "docx": docx.read, "xlsx": xlsx.read, "pdf": pdf.read, "doc": doc.read,
    "xls": xls.read}


def read_document(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """The text of one document file, whatever its format, one paragraph per line. `limits` bounds what a
    PDF (max_pdf_pages) and a DOCX / XLSX package (max_unpacked_mb, max_inflation) may cost."""
    path = Path(path)
    file = path.name
    ext = path.suffix.lower()
    if not data.strip():
        raise InputError(file, "empty file (no text to read)" if ext not in (".docx", ".xlsx", ".pdf")
                         else f"empty file: 0 bytes of {ext[1:].upper()}", fix="re-download or re-export the file")
    found = _read_by_magic(data, file, ext, limits)
    if found is not None:
        return found
    _refuse_by_extension(data[:1024], file, ext)
    return _read_text(data, file, ext, limits)


def _read_by_magic(data: bytes, file: str, ext: str, limits: Limits) -> Extracted | None:
    """A PDF, zip package (DOCX, XLSX …), Office 97-2003 file or image, known by its first bytes whatever
    its name; None for anything else."""
    head = data[:1024]
    if b"%PDF-" in head:
        return _READERS["pdf"](data, file, limits)
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, file, ext, limits)
    if data.startswith(_OLE_MAGIC):
        return _ole(data, file, ext, limits)
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic) and kind:
            raise InputError(file, f"unsupported format: {kind}, not a text document; {_CONVERT}", fix=_OCR_FIX)
    return None


def _refuse_by_extension(head: bytes, file: str, ext: str) -> None:
    """A format kg does not read, by its name; or a .pdf / .docx / .xlsx whose bytes are not one."""
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


def _read_text(data: bytes, file: str, ext: str, limits: Limits) -> Extracted:
    """Plain text, or HTML: by its name, or by its first characters (a page saved as .txt)."""
    if ext in HTML_SUFFIXES:
        return _READERS["html"](data, file, limits)
    decoded = decode_bytes(data, file)
    start = decoded.text.lstrip("\ufeff \t\r\n")[:2048]
    if start.startswith("<") and _HTML_SNIFF.search(start):
        return _READERS["html"](data, file, limits)
    return Extracted(decoded.text, decoded.encoding, "text", None)


def _ole(data: bytes, file: str, ext: str, limits: Limits) -> Extracted:
    """An Office 97-2003 compound file: a Word document (.doc, whatever its name) is read; anything else
    (an encrypted package, .xls, .ppt …) is refused with what it is and how to convert it."""
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise InputError(file, "encrypted (password-protected) Office document",
                         fix="open it with its password, remove the protection and save an unprotected .docx")
    kind = _ole_kind(data)
    if kind:
        return _READERS[kind](data, file, limits)
    if ext in (".doc", ".xls"):
        raise InputError(file, f"corrupt {ext[1:].upper()}: the Office 97-2003 compound file has no readable "
                               f"{'Word document' if ext == '.doc' else 'workbook'} in it", fix=_UNSUPPORTED[ext][1])
    if ext in _UNSUPPORTED:
        kind, fix = _UNSUPPORTED[ext]
    else:
        kind, fix = ("Office 97-2003 binary file (.doc/.xls/.wps)" + (f" named {ext}" if ext else ""),
                     "save it as .docx (or: libreoffice --headless --convert-to docx FILE)")
    raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix)


def _ole_kind(data: bytes) -> Optional[str]:
    """"doc" for a Word 97-2003 document (a WordDocument stream: .doc, and .wps saved in Word's format),
    "xls" for an Excel workbook (a Workbook or Book stream: .xls, .et); None for anything else, or a file
    whose compound structure cannot be read (it is refused by its name)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("WordDocument"):
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except (OSError, ValueError, struct.error, IndexError, TypeError):
        return None
    return None


def _read_zip(data: bytes, file: str, ext: str, limits: Limits = DEFAULT) -> Extracted:
    names = _zip_names(data, file, ext)
    if "word/document.xml" in names:
        return _READERS["docx"](data, file, limits)
    if "xl/workbook.xml" in names:
        return _READERS["xlsx"](data, file, limits)
    if "xl/workbook.bin" in names:
        kind, fix = _UNSUPPORTED[".xlsb"]
        raise InputError(file, f"unsupported format: {kind}; {_CONVERT}", fix=fix)
    if ext == ".xlsx":
        raise InputError(file, "corrupt XLSX: the zip package has no xl/workbook.xml", fix=_XLSX_FIX)
    raise InputError(file, f"unsupported format: {_zip_kind(names, file, ext)}; {_CONVERT}")


def _zip_names(data: bytes, file: str, ext: str) -> set[str]:
    """The member names of a zip package; a broken one is refused as what its name says it is."""
    try:
        return set(zipfile.ZipFile(io.BytesIO(data)).namelist())
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


def _zip_kind(names: set[str], file: str, ext: str) -> str:
    """What a zip package kg does not read is, from its members (a .docx without word/document.xml is corrupt)."""
    if any(n.startswith("xl/") for n in names):
        return "Excel workbook without xl/workbook.xml"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint presentation (.pptx)"
    if "OFD.xml" in names:
        return "OFD fixed-layout document"
    if "content.xml" in names:
        return "OpenDocument file"
    if ext == ".docx":
        raise InputError(file, "corrupt DOCX: the zip package has no word/document.xml",
                         fix="re-download or re-save the DOCX")
    return "zip archive"

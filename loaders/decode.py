"""Bytes → text, with the encoding found and named, never guessed silently.

Order: a BOM decides (UTF-8, UTF-16); then strict UTF-8; then strict GB18030 (a superset
of GBK and GB2312); then charset-normalizer for anything else. A file that is empty,
binary, truncated mid-character or undecodable raises InputError naming the byte.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits, read_limited

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# control characters other than \t \n \v \f \r, and the private use area: binary that decoded
_CONTROL_OR_PRIVATE = re.compile("[\x00-\x08\x0e-\x1f\ue000-\uf8ff]")
_CJK_OR_ASCII = re.compile("[\x00-\x7f\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16, gb18030, … as detected


def _looks_like_text(text: str) -> bool:
    """Reject decodings full of control characters: binary that happened to decode."""
    if not text:
        return False
    bad = len(_CONTROL_OR_PRIVATE.findall(text, 0, 20000))
    return bad / min(len(text), 20000) < 0.01


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte order whose decoding reads as CJK/ASCII text wins."""
    if len(data) < 4 or len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and _mostly_cjk_or_ascii(text):
            return text
    return None


def decode_bytes(data: bytes, file: str = "<bytes>") -> Decoded:
    """Decode raw bytes of a text document, naming the encoding used."""
    if not data.strip():
        raise InputError(file, "empty file (no text to read)")
    decoded = _decode_bom(data, file)
    if decoded is not None:
        return decoded
    if b"\x00" in data:
        return _decode_utf16(data, file)
    try:
        return _decode_utf8(data, file)
    except UnicodeDecodeError as e:
        utf8_error = e
    _check_truncated(data, file, utf8_error)
    decoded = _decode_gb18030(data) or _decode_detected(data)
    if decoded is not None:
        return decoded
    raise InputError(
        file,
        f"unknown encoding: not UTF-8 (invalid byte at {utf8_error.start}), not GB18030, not UTF-16",
        utf8_error.start,
        "convert the file to UTF-8",
    )


def _decode_bom(data: bytes, file: str) -> Optional[Decoded]:
    """The text after a byte-order mark, if the bytes start with one (and decode to text)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise InputError(file, f"invalid {enc} after its byte-order mark at byte {e.start}", e.start) from None
            if enc == "utf-8-sig" or _looks_like_text(text):
                return Decoded(text, enc)
    return None


def _decode_utf16(data: bytes, file: str) -> Decoded:
    """Bytes with a NUL: UTF-16 without a byte-order mark, or a binary file."""
    text16 = _utf16_without_bom(data)
    if text16 is not None and _looks_like_text(text16):
        return Decoded(text16, "utf-16")
    raise InputError(file, f"binary file (NUL byte at byte {data.index(0)}), not a text document")


def _decode_utf8(data: bytes, file: str) -> Decoded:
    """UTF-8 text; UnicodeDecodeError when the bytes are not UTF-8."""
    text = data.decode("utf-8")
    if _looks_like_text(text):
        return Decoded(text, "utf-8")
    raise InputError(file, "binary file (control characters), not a text document")


def _check_truncated(data: bytes, file: str, utf8_error: UnicodeDecodeError) -> None:
    """Valid UTF-8 up to a character cut off at the very end: the file was truncated."""
    if utf8_error.reason != "unexpected end of data" or utf8_error.end != len(data):
        return
    try:
        data[: utf8_error.start].decode("utf-8")
    except UnicodeDecodeError:
        return
    raise InputError(
        file, f"truncated UTF-8: the last character is cut off at byte {utf8_error.start}",
        utf8_error.start, "re-download or re-save the file",
    )


def _decode_gb18030(data: bytes) -> Optional[Decoded]:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    if _looks_like_text(text) and _mostly_cjk_or_ascii(text):
        return Decoded(text, "gb18030")
    return None


def _decode_detected(data: bytes) -> Optional[Decoded]:
    """The encoding charset_normalizer finds, if its text looks like text."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # detector failures are reported as undecodable below
        best = None
    if best is not None:
        text = str(best)
        if _looks_like_text(text):
            return Decoded(text, best.encoding)
    return None


def _mostly_cjk_or_ascii(text: str) -> bool:
    sample = text[:20000]
    ok = len(_CJK_OR_ASCII.findall(sample))
    return ok / max(len(sample), 1) > 0.9


def decode_file(path: str | Path, limits: Limits = DEFAULT) -> Decoded:
    """Read and decode a text file; unreadable files, and files over max_file_mb, raise InputError with the reason."""
    return decode_bytes(read_limited(Path(path), limits), str(path))

"""File names as kg shows and stores them.

A file name is whatever bytes the file system holds: a newline, an escape sequence, a right-to-left
override, or bytes that are not UTF-8 (Python hands them over as lone surrogates, U+DC80–U+DCFF).
Printed raw they break a report line or rewrite the terminal; stored raw they make the database
driver fail. `escaped` writes every such character as a backslash escape, one line, reversible.
"""
from __future__ import annotations

import unicodedata

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, format (bidi), surrogates, private, unassigned, separators


def _escape_char(c: str) -> str:
    if c in _SHORT:
        return _SHORT[c]
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode carries it: show the byte
        return f"\\x{n - 0xDC00:02x}"
    if n <= 0xFF:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


def escaped(text: str) -> str:
    """text on one line, safe to print: controls, bidi and other format characters, lone surrogates
    and backslash written as escapes (\\n, \\x1b, \\u202e, \\xff for a byte that is not UTF-8, \\\\).
    Text without any of them comes back unchanged."""
    if text.isprintable() and "\\" not in text:
        return text  # the common case, checked in C
    return "".join(_escape_char(c) if c in _SHORT or unicodedata.category(c) in _UNSAFE else c for c in text)


def storable(name: str) -> str:
    """name as a store can hold it: unchanged when it is valid UTF-8, else escaped (see escaped)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return escaped(name)
    return name

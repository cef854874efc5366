"""The zip package a DOCX or an XLSX is: refused before python-docx or openpyxl opens it when it unpacks
too big (max_unpacked_mb), a member unpacks too many times its packed size (max_inflation: a zip bomb),
or a member is damaged."""
from __future__ import annotations

import zipfile
import zlib

from kg.errors import InputError
from kg.limits import MB, LimitExceeded, Limits


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

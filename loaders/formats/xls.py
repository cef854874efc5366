"""Excel 97-2003 (.xls, and WPS .et saved in its format): read as an XLSX is (every visible sheet with
text a table, merged ranges resolved, cells shown about as Excel shows them), through xlrd."""
from __future__ import annotations

from typing import Any

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.formats.common import Extracted
from kg.loaders.formats.xlsx import _CellBudget, _cell_text, _sheet_grid, workbook_text
from kg.loaders.tables import Cell

_FIX = ("open it in Excel, WPS or LibreOffice and save it again, or as .xlsx "
        "(or: libreoffice --headless --convert-to xlsx FILE)")


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    """Every visible sheet with text is a table; the text is each sheet's cells, one per line, row by row."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=_Quiet(), ignore_workbook_corruption=True)
    except Exception as e:  # noqa: BLE001 — xlrd raises all kinds of errors on a damaged workbook
        raise InputError(file, f"corrupt XLS: {type(e).__name__}: {e}", fix=_FIX) from None
    try:
        sheets, hidden = _read_sheets(book, file)
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 — see above
        raise InputError(file, f"corrupt XLS: {type(e).__name__}: {e}", fix=_FIX) from None
    finally:
        book.release_resources()
    return workbook_text(sheets, hidden, 0, file, "xls")


class _Quiet:
    """xlrd's log (warnings about the file's quirks) kept off stderr."""

    def write(self, _text: str) -> None:
        pass


def _read_sheets(book: Any, file: str) -> tuple[list[tuple[str, list[list[Cell]]]], int]:
    read, placed = _CellBudget(file, "XLS"), _CellBudget(file, "XLS")
    sheets: list[tuple[str, list[list[Cell]]]] = []
    hidden = 0
    for k in range(book.nsheets):
        sh = book.sheet_by_index(k)
        if sh.visibility != 0:
            hidden += 1
            continue
        values: dict[tuple[int, int], str] = {}
        for r in range(sh.nrows):  # ragged: a row holds only the cells up to its last one written
            read.take(max(sh.row_len(r), 1))
            values.update(((r + 1, c + 1), text) for c in range(sh.row_len(r)) if (text := _text(book, sh.cell(r, c))))
        book.unload_sheet(k)
        merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells]
        if values:
            sheets.append((sh.name, _sheet_grid(values, merges, placed)))
    return sheets, hidden


def _text(book: Any, cell: Any) -> str:
    """A cell's value about as Excel shows it (as XLSX cells are: 1 not 1.0, dates ISO, % formats)."""
    import xlrd

    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return _cell_text(bool(value), "General")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return _cell_text(xlrd.xldate.xldate_as_datetime(value, book.datemode), "General")
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _cell_text(value, "General")
    if kind == xlrd.XL_CELL_NUMBER:
        return _cell_text(value, _number_format(book, cell))
    return _cell_text(value, "General")


def _number_format(book: Any, cell: Any) -> str:
    try:
        return str(book.format_map[book.xf_list[cell.xf_index].format_key].format_str) or "General"
    except (IndexError, KeyError, AttributeError, TypeError):
        return "General"




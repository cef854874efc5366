"""XLSX: every visible sheet with text is a table, merged ranges resolved, cells shown about as Excel
shows them; read-only openpyxl under a cell budget (XLSX_MAX_CELLS), the package checked first."""
from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.formats.common import _XLSX_FIX, Extracted, _grid_table, _Lines, _title_rows
from kg.loaders.formats.package import _check_package
from kg.loaders.role_tables import NUMBER, ROLE, SECTION_NUMBER, Column, classify_header, header_columns, is_placeholder
from kg.loaders.tables import Cell, Table


XLSX_MAX_CELLS = 200_000  # cells a workbook may have read, and may place in grids: ~8 s and ~130 MB at the limit
_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表)\s*\d*$", re.I)
_FIXED = re.compile(r"^[#,0]*\.(0+)$")  # 0.00, #,##0.0 …: a fixed number of decimals


class _CellBudget:
    """How many more cells a workbook may cost before it is refused. Read-only openpyxl streams rows, so
    memory and time follow the cells read and the grid positions made; one budget bounds each."""

    def __init__(self, file: str, kind: str = "XLSX"):
        self.file = file
        self.kind = kind
        self.left = XLSX_MAX_CELLS

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(self.file, f"{self.kind} too large: more than {XLSX_MAX_CELLS:,} cells, the most kg reads from "
                                        "one workbook",
                             fix="split the workbook, or delete the sheets, rows and columns that hold no table")


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    """Every visible sheet with text is a table (merged ranges resolved). The text is a title line (the
    first sheet's title row, else the file's stem), then each sheet's cells, one per line, row by row."""
    sheets, hidden, uncached = _read_sheets(data, file, limits)
    return workbook_text(sheets, hidden, uncached, file, "xlsx")


def workbook_text(sheets: list[tuple[str, list[list[Cell]]]], hidden: int, uncached: int, file: str,
                  fmt: str) -> Extracted:
    """The Extracted of a workbook's visible sheets (name, grid): what XLSX and XLS share."""
    if not sheets:
        raise InputError(file, f"empty {fmt.upper()}: no visible sheet has any text" + (
            f" ({uncached} formula cell(s) have no saved value)" if uncached else ""),
            fix="open it in Excel/WPS and save it again" if uncached else "check that this is the right file")
    lines = _Lines()
    tables: list[Table] = []
    for k, (name, grid) in enumerate(sheets):
        titled = bool(_title_rows(grid))
        if k == 0 and not titled:
            lines.add(Path(file).stem)
        _write_cells(grid, lines)
        grid = _label_columns(grid)
        # a sheet named by its content (not Sheet1) titles a table with no title row of its own, the first sheet's
        # too (the line above it is the file name, put there as the document's title)
        named = name if not _DEFAULT_SHEET.match(name) else None
        table = _grid_table(grid, lines, named if k == 0 and not titled else None, min_size=1)
        if table:
            if table.caption is None and k and named:
                table.caption = named
            tables.append(table)
    notes = []
    if uncached:
        notes.append(f"{uncached} formula cell(s) have no saved value and read as empty "
                     "(open the file in Excel/WPS and save it to store the results)")
    if hidden:
        notes.append(f"{hidden} hidden sheet(s) skipped")
    return Extracted(lines.text(), "utf-8", fmt, "; ".join(notes) or None, tuple(tables))


def _read_sheets(data: bytes, file: str, limits: Limits) -> tuple[list[tuple[str, list[list[Cell]]]], int, int]:
    """The grid of every visible sheet with text (name, grid), how many sheets are hidden, and how many
    formula cells have no saved value; within the cell budgets, the package checked first."""
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
    return sheets, hidden, uncached


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
    """A cell's value about as Excel shows it: 1 not 1.0, 15% for 0.15 in a % format, dates ISO unless the
    format is a Chinese date format (2025年9月); the lines
    of a multi-line cell trimmed, blank ones dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (datetime.date, datetime.time)):
        text = _date_text(value, number_format)
    elif isinstance(value, (int, float)):
        text = _number(value, number_format)
    else:
        text = str(value)
    lines = (ln.strip(" \t\r\f\v") for ln in text.replace("_x000D_", "").replace("\r\n", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln.strip())


def _date_text(value, number_format: str) -> str:
    """A date as Excel shows it under a Chinese date format (yyyy"年"m"月"d"日", [DBNum1]…: 2025年9月, as the
    plan's reader sees it), else ISO (2025-09-30): a plain date format's look is the reader's locale, not the
    plan's words."""
    if isinstance(value, datetime.date) and _CJK_DATE.search(number_format):
        shown = _cjk_date(value, number_format)
        if shown:
            return shown
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    return value.isoformat()


_CJK_DATE = re.compile(r"[年月日]|\[DBNum\d\]", re.I)
_DATE_TOKEN = re.compile(r'"([^"]*)"|\\(.)|(y+|m+|d+)|([^A-Za-z])|(.)', re.I)
_CN_DIGITS = "〇一二三四五六七八九"


def _cjk_date(value: datetime.date, number_format: str) -> str:
    """The date under a number format made of y / m / d, quoted or plain literals (年 月 日 - /) and
    [DBNum1] (Chinese numerals); "" when the format holds anything else (a time, a weekday): ISO then."""
    section = number_format.split(";")[0]
    chinese = "dbnum1" in section.lower()
    section = re.sub(r"\[[^\]]*\]", "", section)
    out = []
    for m in _DATE_TOKEN.finditer(section):
        quoted, escaped, token, literal, other = m.groups()
        if other is not None:
            return ""  # h, s, aaa …: not a plain date
        if token is None:
            out.append(quoted if quoted is not None else escaped if escaped is not None else literal)
            continue
        out.append(_date_part(value, token.lower(), chinese))
    return "".join(p for p in out if p not in ("_", "*"))


def _date_part(value: datetime.date, token: str, chinese: bool) -> str:
    """One y / m / d token of a date format: yy the year's last two digits, mm and dd padded."""
    if token[0] == "y":
        year = str(value.year)[-2:] if len(token) <= 2 else str(value.year)
        return "".join(_CN_DIGITS[int(c)] for c in year) if chinese else year
    n = value.month if token[0] == "m" else value.day
    if chinese:
        return _cn_number(n)
    return f"{n:02d}" if len(token) == 2 else str(n)


def _cn_number(n: int) -> str:
    """1–31 in Chinese numerals, as [DBNum1] shows a month or day: 九, 十二, 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return head + (_CN_DIGITS[ones] if ones else "") if n else "〇"


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


# a role label on a row of its own above a sheet's header: 牵头部门：市发展改革委
_LABEL = re.compile(r"^([^：:\n]{2,10})[：:][ \t\u3000]*(\S[^\n]*)$")


def _label_columns(grid: list[list[Cell]]) -> list[list[Cell]]:
    """A role label on a row of its own above the header (牵头部门：市发展改革委) names who answers for the sheet's
    rows, as a column merged down the whole table would: it becomes such a column (its header the label, its
    value the cell of each task row) and its row leaves the grid, so the line is read once, as the table. A row
    that names its own unit under a column of the label's role keeps it (the label is the sheet's default)."""
    rows: list[list[Optional[Cell]]] = [list(r) for r in grid]
    read = header_columns(rows)
    if read is None:
        return grid
    first, last, columns = read
    labels = [_role_label(grid[i]) for i in range(first)]
    if not any(labels):
        return grid
    grid = [list(r) for r in grid]
    for found in labels:
        for cell, m in found or ():
            _add_label_column(grid, first, last, columns, cell, m)
    return [r for r, found in zip(grid, labels + [None] * len(grid)) if not found]


def _role_label(row: list[Cell]) -> Optional[list[tuple[Cell, re.Match]]]:
    """The row's cells when every cell with text is a role label (牵头部门：X), else None."""
    cells = list({id(c): c for c in row if c.text}.values())
    out = []
    for c in cells:
        m = _LABEL.match(c.text)
        if m is None or classify_header(m.group(1)).kind != ROLE:
            return None
        out.append((c, m))
    return out or None


def _add_label_column(grid: list[list[Cell]], first: int, last: int, columns: list[Column], cell: Cell,
                      m: re.Match) -> None:
    """Append the label's column: its header on the header row, its value on each task row (two or more cells
    with text, none of them in a column of the label's role)."""
    kind = classify_header(m.group(1))
    same = [c.index for c in columns if c.role == kind.role and c.qualifier == kind.qualifier]
    header = Cell(m.group(1), cell.start + m.start(1), cell.start + m.end(1))
    value = Cell(m.group(2), cell.start + m.start(2), cell.start + m.end(2))
    numbers = [c.index for c in columns if c.kind == NUMBER][:1]
    for i, row in enumerate(grid):
        own = any(j < len(row) and row[j].text and not is_placeholder(row[j].text) for j in same)
        put = header if i == first else value if i > last and _task_row(row, numbers) and not own else None
        row.append(put if put is not None else Cell("", cell.start, cell.start))


def _task_row(row: list[Cell], numbers: list[int]) -> bool:
    """A row about a task: two or more cells with text, and not a heading (一 | 种业创新 in the 序号 column)."""
    texts = list({id(c): c for c in row if c.text}.values())
    heading = len(texts) == 2 and bool(numbers) and texts[0] is row[numbers[0]] \
        and bool(SECTION_NUMBER.match(texts[0].text.strip()))
    return len(texts) >= 2 and not heading


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

"""Excel workbooks: the 任务分工表 of each document, the organizations, and any query result.

People exchange responsibility tables as spreadsheets laid out the way the plans print them
(序号 | 行动 | 任务 | 牵头单位 | 责任单位 | 配合单位 | 完成时限 …); `kg export xlsx` writes that layout from a
parsed graph, so a reader can check kg's reading against the document row by row. Units are written
as the document writes them, in the order it lists them, joined with 、; the 单位 sheet maps each to
its canonical organization. openpyxl's write-only mode streams rows, so large stores fit in memory.
"""
from __future__ import annotations

import io
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any, Iterable, Optional, Sequence, Union

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kg.model import Graph, Responsibility
from kg.render import LIST_JOIN, excel_cell
from kg.table import mention_end

TASK_COLUMNS = ["序号", "行动", "任务", "牵头单位", "责任单位", "配合单位", "完成时限", "原文条款", "位置"]
TASK_WIDTHS = [6, 24, 36, 26, 40, 26, 16, 60, 14]
ORG_COLUMNS = ["单位", "辖区", "领域", "集合单位", "原文写法", "牵头", "负责", "配合", "指导", "合计", "文件数"]
ORG_WIDTHS = [30, 14, 12, 9, 30, 7, 7, 7, 7, 7, 8]
DOC_COLUMNS = ["工作表", "标题", "文号", "发文机关", "成文日期", "辖区", "文件", "行动", "任务", "分工条目"]
DOC_WIDTHS = [24, 50, 22, 24, 12, 14, 28, 7, 7, 9]
DOCS_SHEET, ORGS_SHEET = "文件", "单位"
SPAN_DASH = "–"

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class XlsxReport:
    """What a workbook holds: sheets of documents, task-table rows, organizations."""

    documents: int
    rows: int
    organizations: int


# --------------------------------------------------------------------------------------------
# The 任务分工表 of one document
# --------------------------------------------------------------------------------------------

def _join(items: Iterable[str], sep: str = LIST_JOIN) -> str:
    """Distinct items in their first order, joined."""
    return sep.join(dict.fromkeys(i for i in items if i))


def _unit(r: Responsibility) -> str:
    return f"{r.mention}（指导）" if r.qualifier == "指导" else r.mention


def task_table(graph: Graph, document_id: str) -> list[dict[str, Any]]:
    """The rows of one document's 任务分工表, in document order.

    A row per task; an action gets a row of its own (任务 empty) when a clause names units for the action
    itself or it has no task. Units as written, in the order the document lists them: 牵头单位 = 牵头,
    责任单位 = 负责 and 指导 (marked （指导）), 配合单位 = 配合. 原文条款 are the role clauses, 位置 their
    start–end character offsets in the document text.
    """
    actions = sorted((a for a in graph.actions if a.document_id == document_id), key=lambda a: (a.ordinal, a.id))
    tasks_of: dict[str, list] = {}
    for t in graph.tasks:
        if t.document_id == document_id:
            tasks_of.setdefault(t.action_id, []).append(t)
    edges_of: dict[str, list[Responsibility]] = {}
    for r in graph.responsibilities:
        if r.document_id == document_id:
            edges_of.setdefault(r.target_id, []).append(r)
    for edges in edges_of.values():
        edges.sort(key=lambda r: (r.prov.start, mention_end(r.prov.text, r.mention), r.id))
    rows: list[dict[str, Any]] = []

    def row(action: str, task: str, edges: list[Responsibility]) -> None:
        clauses = sorted({(r.prov.start, r.prov.end, r.prov.text) for r in edges})
        rows.append({
            "序号": len(rows) + 1, "行动": action, "任务": task,
            "牵头单位": _join(r.mention for r in edges if r.qualifier == "牵头"),
            "责任单位": _join(_unit(r) for r in edges if r.qualifier in ("负责", "指导")),
            "配合单位": _join(r.mention for r in edges if r.qualifier == "配合"),
            "完成时限": _join((r.deadline or "" for r in edges), "；"),
            "原文条款": _join((c[2] for c in clauses), "\n"),
            "位置": _join(f"{a}{SPAN_DASH}{b}" for a, b, _ in clauses),
        })

    for a in actions:
        tasks = sorted(tasks_of.get(a.id, []), key=lambda t: (t.ordinal, t.id))
        if edges_of.get(a.id) or not tasks:
            row(a.title, "", edges_of.get(a.id, []))
        for t in tasks:
            row(a.title, t.title, edges_of.get(t.id, []))
    return rows


def organization_rows(graph: Graph) -> list[dict[str, Any]]:
    """One row per organization: canonical name, jurisdiction, sector, names as written, edges by role."""
    counts: dict[str, dict[str, int]] = {}
    docs: dict[str, set[str]] = {}
    for r in graph.responsibilities:
        c = counts.setdefault(r.organization_id, {})
        c[r.qualifier] = c.get(r.qualifier, 0) + 1
        docs.setdefault(r.organization_id, set()).add(r.document_id)
    rows = []
    for o in sorted(graph.organizations, key=lambda o: (o.jurisdiction or "", o.name, o.id)):
        c = counts.get(o.id, {})
        rows.append({
            "单位": o.name, "辖区": o.jurisdiction, "领域": o.sector or "", "集合单位": "是" if o.collective else "",
            "原文写法": _join(a for a in o.aliases if a != o.name),
            "牵头": c.get("牵头", 0), "负责": c.get("负责", 0), "配合": c.get("配合", 0), "指导": c.get("指导", 0),
            "合计": sum(c.values()), "文件数": len(docs.get(o.id, ())),
        })
    return rows


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _value(v: Any) -> Any:
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


def _write(ws: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
           wrap: Sequence[str] = ()) -> None:
    """A header row (bold, frozen, with a filter), the rows, column widths; text never read as a formula."""
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = _BOLD
        header.append(cell)
    ws.append(header)
    wrapped = {k for k, c in enumerate(columns) if c in wrap}
    for r in rows:
        out = []
        for k, v in enumerate(r):
            cell = WriteOnlyCell(ws, value=_value(v))
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # a clause is text, not a formula
            cell.alignment = _WRAP if k in wrapped else _TOP
            out.append(cell)
        ws.append(out)


def _display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _fit_widths(columns: Sequence[str], rows: Sequence[Sequence[Any]], cap: int = 60) -> list[float]:
    widths: list[float] = []
    for k, c in enumerate(columns):
        longest = max([_display_width(str(c))] + [_display_width(str(r[k])) for r in rows[:500] if r[k] is not None])
        widths.append(min(cap, max(6, longest + 2)))
    return widths


class _SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique whatever the case."""

    def __init__(self, *taken: str):
        self.taken = {t.lower() for t in taken}

    def __call__(self, wanted: str) -> str:
        base = _SHEET_BAD.sub("", wanted).strip("'").strip() or "sheet"
        name, n = base[:31], 1
        while name.lower() in self.taken:
            n += 1
            suffix = f"~{n}"
            name = base[:31 - len(suffix)] + suffix
        self.taken.add(name.lower())
        return name


def _sheet_title(title: str) -> str:
    """The title without its period in brackets (…实施方案（2021—2025年）→ …实施方案), which sheet tabs cannot spare."""
    short = re.sub(r"[（(][^（()）]*\d{4}[^（()）]*[）)]$", "", title).strip()
    return short or title


def write_task_tables(graph: Graph, out: Union[str, os.PathLike, IO[bytes]]) -> XlsxReport:
    """Write the workbook: a 文件 sheet listing the documents, one 任务分工表 sheet per document (in file order),
    and a 单位 sheet of organizations."""
    wb = Workbook(write_only=True)
    names = _SheetNames(DOCS_SHEET, ORGS_SHEET)
    docs = sorted(graph.documents, key=lambda d: (d.file, d.id))
    n_actions = Counter(a.document_id for a in graph.actions)
    n_tasks = Counter(t.document_id for t in graph.tasks)
    n_edges = Counter(r.document_id for r in graph.responsibilities)
    sheets = [names(_sheet_title(d.title)) for d in docs]
    index = wb.create_sheet(DOCS_SHEET)
    _write(index, DOC_COLUMNS, [[s, d.title, d.doc_number or "", d.issuer or "", d.date or "", d.jurisdiction, d.file,
                                 n_actions[d.id], n_tasks[d.id], n_edges[d.id]]
                                for s, d in zip(sheets, docs)], DOC_WIDTHS)
    total = 0
    for sheet, d in zip(sheets, docs):
        rows = task_table(graph, d.id)
        total += len(rows)
        _write(wb.create_sheet(sheet), TASK_COLUMNS, [[r[c] for c in TASK_COLUMNS] for r in rows], TASK_WIDTHS,
               wrap=("行动", "任务", "牵头单位", "责任单位", "配合单位", "原文条款"))
    orgs = organization_rows(graph)
    _write(wb.create_sheet(ORGS_SHEET), ORG_COLUMNS, [[r[c] for c in ORG_COLUMNS] for r in orgs], ORG_WIDTHS)
    wb.save(out)
    return XlsxReport(documents=len(docs), rows=total, organizations=len(orgs))


def rows_to_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Any]], sheet: str = "result",
                 notes: Sequence[str] = ()) -> bytes:
    """One sheet of rows (lists 、-joined, spans start–end, as csv-excel), a header frozen, widths fitted;
    notes (a cut listing, "did you mean") on a second sheet so the first stays pure data."""
    cells = [[excel_cell(c, v) for c, v in zip(columns, r)] for r in rows]
    wb = Workbook(write_only=True)
    names = _SheetNames()
    _write(wb.create_sheet(names(sheet)), list(columns), cells, _fit_widths(columns, cells))
    if notes:
        _write(wb.create_sheet(names("notes")), ["note"], [[n] for n in notes], [100])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def page_to_xlsx(page: Any, sheet: str = "result") -> bytes:
    """A query result (kg.library.Page) as an .xlsx file's bytes: its rows on one sheet; when the limit cut
    them, or kg has a "did you mean", that on a second sheet `notes`."""
    notes = list(getattr(page, "notes", []) or [])
    summary: Optional[str] = page.summary() if hasattr(page, "summary") else None
    if summary:
        notes.insert(0, summary)
    return rows_to_xlsx(page.columns, page.rows, sheet, notes)

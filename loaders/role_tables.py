"""What a table says about roles: the header, the kind of each column, and per data row its group,
task, role cells and deadline.

Role tables (任务分工表 / 责任分解表 / 任务清单 / 重点任务清单 / 工作台账) state the same thing as
role clauses, in columns: 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限. The header
wording varies from table to table, so a header is read by its grammar, not looked up in a list:

  [modifier] + role word + [unit noun]       市卫健委内牵头处室, 牵头责任单位, 责任单位（部门）
     牵头 (主责)                              → LEADS (牵头)
     责任 / 负责 / 承办 / 实施 / 落实 / 主办   → RESPONSIBLE_FOR (负责)   (a unit noun required,
                                                  except bare 负责 / 承办 / 主办)
     配合 / 协办 / 协助 / 参与 / 协同 / 协作 / 支持 / 会同 → RESPONSIBLE_FOR (配合)
     指导                                      → RESPONSIBLE_FOR (指导)
  a header ending in a person noun (领导 / 责任人 / 负责人 / 联系人 / 姓名 / 职务 / 电话 …) names
  people, not units: 牵头领导 and 责任人 are "person" columns, never role columns.

A modifier (市卫健委内, 区级) is allowed only before a unit noun, so a data cell such as
"区教体局牵头" is never mistaken for a header. 主责单位 leads, as the README ("What the parser reads") and the
clause grammar (clauses.LABELS) have it.

This module does not split cells into units: a role cell's text is a clause, and the caller reads it
with the clause grammar (kg.loaders.clauses), so a cell such as "市教育局牵头，市科协配合" under a
责任单位 column still gets its verbs read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from kg.loaders.clauses import SUB_UNIT_NOUNS, first_leads_mode
from kg.loaders.tables import Cell, Table
from kg.model import Qualifier, Role

LEADS: Role = "LEADS"
RESPONSIBLE_FOR: Role = "RESPONSIBLE_FOR"

# Column kinds.
NUMBER, SECTION, GROUP, TASK, ROLE, PERSON, DEADLINE, IGNORE, OTHER = (
    "number", "section", "group", "task", "role", "person", "deadline", "ignore", "other")
TEXT = "text"  # a text column before group/task/section are decided

# "none" written in a cell; 同上 / 同前 / 同左 point at another cell and are never a unit either (not copied: no guess)
PLACEHOLDERS = frozenset({"/", "／", "\\", "—", "——", "-", "--", "－", "–", "―", "无", "暂无", "空", "×", "x", "N/A", "n/a",
                          "同上", "同前", "同左"})

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕|［[^［］]*］")
_UNIT = r"(?:单位|部门|处室|科室|" + SUB_UNIT_NOUNS + r"|机构|机关|主体|司局|处|科|室|股|局|方)"
# A short modifier (市卫健委内, 区级, 主要) that holds no role word of its own.
_MOD = r"(?:(?!牵头|主责|责任|负责|配合|协办|协助|参与|参加|协同|指导|承办|实施|落实).){0,10}?"
_ROLE_RULES: list[tuple[re.Pattern[str], Role, Qualifier]] = [
    # (header pattern on the normalised header, role, qualifier) — tried in order
    (re.compile(r"^(?:牵头|主责)(?:考核|责任|负责)?$|^" + _MOD + r"(?:牵头|主责)(?:考核|责任|负责)?" + _UNIT + "$"),
     LEADS, "牵头"),
    (re.compile(r"^(?:配合|协办|协助|参与|参加|协同|协作|支持|会同)$|^其他责任" + _UNIT + "$|^" + _MOD
                + r"(?:配合|协办|协助|参与|参加|协同|协作|支持|会同)(?:责任|实施)?" + _UNIT + "$"),
     RESPONSIBLE_FOR, "配合"),
    (re.compile(r"^指导$|^" + _MOD + r"指导" + _UNIT + "$"), RESPONSIBLE_FOR, "指导"),
    (re.compile(r"^(?:负责|承办|主办)$|^(?:责任|职责)分工$|^" + _MOD
                + r"(?:责任|负责|承办|实施|落实|主办|执行)(?:责任)?" + _UNIT + "$"),
     RESPONSIBLE_FOR, "负责"),
    # 承担单位 answers for the task, as the label 承担单位: does in a clause
    (re.compile(r"^" + _MOD + r"承担(?:责任)?" + _UNIT + "$"), RESPONSIBLE_FOR, "负责"),
]
_PERSON = re.compile(r"(?:领导|负责人|责任人|联系人|联络人|联络员|经办人|填报人|姓名|职务|职称|电话|联系方式|手机)$")
_NUMBER = re.compile(r"^(?:序号|编号|序|号|排序|项次|No\.?|NO\.?|no\.?|№|#)$")
_IGNORE = re.compile(r"^(?:备注|说明|附注|注)$")
_DEADLINE = re.compile(r"时限|时间|节点|期限|进度|日期|年限|时序|完成年度")
# Text columns, ranked by how specific they are: the most specific one is the task, the text column
# left of it the group (action), any further left a section. A goal column (目标要求, 工作要求, 预期成效,
# 2025年目标) says what the task must reach, not what it is: it titles a row only in a table with no other
# text column (GOAL).
GOAL = -1
_TEXT_RANKS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"(?:目标|要求|成效|标准|效果|成果|目标值|指标值|预期值)$"), GOAL),
    (re.compile(r"具体|细化|分解|(?:措施|内容|举措)$"), 3),
    (re.compile(r"(?:任务|事项|工作|名称|指标)$"), 1),
    (re.compile(r"(?:类别|分类|类型|领域|板块|方面|项目|行动|工程|专项|环节|方向)$"), 0),
]
# a cell holding a value, not a task: 30, 85%, ≥90, 100万吨, 12个以上
_VALUE = re.compile(r"^[≥≤>＜<＞≧≦约]?\d[\d.,，]*(?:%|％|‰)?[万亿千百]?[\u4e00-\u9fff]{0,2}(?:以上|以下|左右)?$")
# a section's number in a 序号 cell: 一 / 二、 / （三）
SECTION_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)]?[、.．]?$")
MAX_HEADER = 14  # a header longer than this (normalised) is text, not a header
MAX_TEXT_HEADER = 7  # text-column headers are short nouns (重点任务, 具体工作措施)


@dataclass
class HeaderKind:
    """What one header says: the column kind, and for a role column its role and qualifier."""

    kind: str  # number | text | role | person | deadline | ignore | other | empty
    role: Optional[Role] = None
    qualifier: Optional[Qualifier] = None
    rank: int = 0  # for text columns: 3 specific (具体措施) … 0 a category (类别)


@dataclass
class Column:
    """One column of a role table. `header` joins its header cells top-down with " / "."""

    index: int
    kind: str  # number | section | group | task | role | person | deadline | ignore | other
    header: str
    role: Optional[Role] = None
    qualifier: Optional[Qualifier] = None


@dataclass
class RoleRow:
    """One data row: what it is about and who answers for it.

    `roles` holds (role, qualifier, cell) for each non-empty, non-placeholder role cell in column
    order; a cell merged across several role columns is listed once, with its leftmost column's
    role. `group` is the row's action cell: a merged (rowspan) cell is the same object for each row
    it covers, and an empty group cell takes the group of the row above (a 分工表 printed without
    merges leaves the repeated cell empty), back to the last in-table heading. `number` and
    `section` are carried down the same way. `heading` is the in-table heading row (一、深化改革,
    a merged cell across the width) that the row sits under.
    """

    index: int  # row index in the table grid
    cells: list[Optional[Cell]]
    number: Optional[Cell] = None
    section: Optional[Cell] = None
    group: Optional[Cell] = None
    task: Optional[Cell] = None
    roles: list[tuple[Role, Qualifier, Cell]] = field(default_factory=list)
    deadline: Optional[Cell] = None
    heading: Optional[Cell] = None


@dataclass
class RoleTable:
    """A table read as a role table: header rows, the column kinds and one RoleRow per data row.

    `first_leads` is set (its mode, clauses.first_leads_mode) when a header, the title row or the caption says
    the first-listed unit leads
    (责任单位（列第一位者为牵头单位）): the caller then reads each role cell in that mode.
    """

    table: Table
    header_rows: list[int]
    columns: list[Column]
    rows: list[RoleRow]
    title: Optional[Cell] = None  # a title row above the header (XX任务分工表)
    headings: list[Cell] = field(default_factory=list)  # in-table heading rows, in order
    first_leads: int = 0  # a first-listed-leads note on the table: its mode (clauses.first_leads_mode)

    @property
    def role_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == ROLE]


def normalize_header(text: str) -> str:
    """A header without spaces/line breaks, bracketed notes and a trailing colon: 责 任\\n单 位（部门）：
    → 责任单位."""
    s = _SPACE.sub("", text)
    prev = None
    while prev != s:
        prev, s = s, _BRACKETED.sub("", s)
    return s.rstrip(":：*＊")


def is_placeholder(text: str) -> bool:
    """"/", "—", "无" … in a cell mean "none"."""
    s = _SPACE.sub("", text)
    return not s or s in PLACEHOLDERS or bool(re.fullmatch(r"[/／\\—\-－–―]+", s))


def classify_header(text: str) -> HeaderKind:
    """The kind of column a header names (see the module docstring for the grammar)."""
    s = normalize_header(text)
    if not s:
        return HeaderKind("empty")
    if len(s) > MAX_HEADER:
        return HeaderKind(OTHER)
    # 责任单位及责任人, 牵头单位/部门: a coordinated header is a role column if one conjunct is one.
    parts = [p for p in re.split(r"[及和、/／]", s) if p] or [s]
    kinds = [_classify_part(p) for p in parts]
    for k in kinds:
        if k.kind == ROLE:
            return k
    return kinds[0] if len(kinds) == 1 else next((k for k in kinds if k.kind != OTHER), kinds[0])


def _classify_part(s: str) -> HeaderKind:
    if _IGNORE.match(s):
        return HeaderKind(IGNORE)
    if _NUMBER.match(s):
        return HeaderKind(NUMBER)
    if _PERSON.search(s):
        return HeaderKind(PERSON)
    for pattern, role, qualifier in _ROLE_RULES:
        if pattern.match(s):
            return HeaderKind(ROLE, role, qualifier)
    if _DEADLINE.search(s):
        return HeaderKind(DEADLINE)
    if len(s) <= MAX_TEXT_HEADER:
        for pattern, rank in _TEXT_RANKS:
            if pattern.search(s):
                return HeaderKind(TEXT, rank=rank)
    return HeaderKind(OTHER)


def _distinct(row: Sequence[Optional[Cell]]) -> list[Cell]:
    seen: set[int] = set()
    out = []
    for c in row:
        if c is not None and id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


def _text(c: Optional[Cell]) -> str:
    return _SPACE.sub("", c.text) if c is not None else ""


def _is_header_row(row: list[Optional[Cell]]) -> bool:
    return header_row_kinds([c.text for c in _distinct(row) if _text(c)]) is not None


def _is_full_width(row: list[Optional[Cell]]) -> Optional[Cell]:
    """The one cell of a row that says one thing across the table (a title or an in-table heading):
    the row's only non-empty cell, standing in the first column (merged across the row, or with
    empty cells or no cells beside it), and not a bare number."""
    filled = [c for c in _distinct(row) if _text(c)]
    if len(filled) != 1 or len(row) < 2:
        return None
    c = filled[0]
    if row[0] is c and not re.fullmatch(r"[\d.．、]+", _text(c)) and not is_placeholder(c.text):
        return c
    return None


def _header_span(rows: list[list[Optional[Cell]]]) -> Optional[tuple[int, int]]:
    """[first, last] indices of the header rows, or None when no row names a role column."""
    h = next((i for i, r in enumerate(rows) if _is_header_row(r)), None)
    if h is None:
        return None
    first = h
    # A row above belongs to the header when a header cell spans down into row h (序号 rowspan=2 over
    # a 牵头 | 配合 row), or when all its cells are header words; a title row never does.
    while first > 0:
        above = rows[first - 1]
        shared = any(c is not None and any(c is d for d in rows[first]) for c in above)
        cells = [c for c in _distinct(above) if _text(c)]
        if _is_full_width(above) is not None or not cells:
            break
        words = all(classify_header(c.text).kind not in (OTHER, "empty") for c in cells)
        if not (shared or words):
            break
        first -= 1
    last = h
    # A row below continues the header when each of its new cells (not merged from above) is empty
    # or a header word: 牵头单位 | 配合单位 under a 责任单位 spanning both.
    while last + 1 < len(rows):
        below, above = rows[last + 1], rows[last]
        new = [c for j, c in enumerate(below) if c is not None and c is not above[j]]
        filled = [c for c in _distinct(new) if _text(c)]
        if not filled or any(classify_header(c.text).kind in (OTHER, "empty") for c in filled):
            break
        last += 1
    return first, last


def _classify_columns(rows: list[list[Optional[Cell]]], first: int, last: int) -> list[Column]:
    width = max(len(r) for r in rows)
    columns: list[Column] = []
    kinds: list[HeaderKind] = []
    for j in range(width):
        levels: list[Cell] = []
        for i in range(first, last + 1):
            c = rows[i][j] if j < len(rows[i]) else None
            if c is not None and _text(c) and all(c is not d for d in levels):
                levels.append(c)
        # The lowest header cell is the most specific (牵头 under 责任单位); when it says nothing on its
        # own, read the levels together (牵头 over 单位 → 牵头单位), then each level upwards.
        k = HeaderKind("empty")
        candidates = [levels[-1].text] if levels else []
        if len(levels) > 1:
            candidates.append("".join(normalize_header(c.text) for c in levels))
            candidates += [c.text for c in reversed(levels[:-1])]
        for cand in candidates:
            k = classify_header(cand)
            if k.kind not in (OTHER, "empty"):
                break
        if k.kind == TEXT and _values_only(rows[last + 1:], j):
            k = HeaderKind(TEXT, rank=GOAL)  # 2025年 | 30: the value an indicator must reach, not a title
        kinds.append(k)
        header = " / ".join(_SPACE.sub("", c.text) for c in levels)
        kind = k.kind if k.kind != "empty" else OTHER
        columns.append(Column(j, kind, header, k.role, k.qualifier))
    for col, kind in zip(columns, text_kinds(kinds)):
        col.kind = kind if col.kind == TEXT else col.kind
    return columns


def _values_only(rows: Sequence[Sequence[Optional[Cell]]], j: int) -> bool:
    """Column j's data cells are all values (numbers, percentages): an indicator's value column."""
    cells = [r[j] for r in rows if j < len(r)]
    texts = [t for t in (_text(c) for c in cells if c is not None and not is_placeholder(c.text)) if t]
    return bool(texts) and all(_VALUE.match(t) for t in texts)


def text_kinds(kinds: Sequence[HeaderKind]) -> list[str]:
    """Each column's kind, text columns decided: the most specific (rightmost on a tie) is the task; the
    text column left of it the group; text columns further left are sections; right of the task "other".
    Goal columns are "other" unless no other text column is there to title the row."""
    out = [k.kind if k.kind != "empty" else OTHER for k in kinds]
    text_cols = [j for j, k in enumerate(out) if k == TEXT]
    titles = [j for j in text_cols if kinds[j].rank != GOAL]
    if titles and len(titles) < len(text_cols):
        for j in set(text_cols) - set(titles):
            out[j] = OTHER
        text_cols = titles
    if text_cols:
        task = max(text_cols, key=lambda j: (kinds[j].rank, j))
        left = [j for j in text_cols if j < task]
        for j in text_cols:
            out[j] = TASK if j == task else GROUP if left and j == left[-1] else SECTION if j < task else OTHER
    return out


def header_row_kinds(names: Sequence[str]) -> Optional[list[HeaderKind]]:
    """The kinds of a row of header texts when it is a header row: it names a role column and at least one
    other known column, and holds no long text (how a table's header row is recognised in every format)."""
    if any(len(normalize_header(n)) > MAX_HEADER or _SPACE.sub("", n).isdigit() for n in names if n.strip()):
        return None
    kinds = [classify_header(n) for n in names]
    known = [k for k in kinds if k.kind != OTHER]
    return kinds if any(k.kind == ROLE for k in known) and len(known) >= 2 else None


# a role word a header row must hold (the words of _ROLE_RULES): a cheap test before a line is read as one
ROLE_WORD = re.compile(r"牵头|主责|责任|负责|配合|协办|协助|参与|参加|协同|协作|支持|会同|指导|承办|主办")


def read_role_table(table: Table) -> Optional[RoleTable]:
    """The roles a table states, or None when it is not a role table (no header row names a role
    column: 姓名 | 职务 member lists, indicator tables, the page's index block).

    Rows before the header are skipped (a full-width one is kept as `title`); a row that repeats the
    header (printed again on each page) is skipped; a full-width row inside the table is an in-table
    heading that applies to the rows below it; empty rows are skipped.
    """
    rows = table.rows
    if not rows:
        return None
    span = _header_span(rows)
    if span is None:
        return None
    first, last = span
    columns = _classify_columns(rows, first, last)
    if _contact_list(columns):
        return None
    title = None
    for i in range(first - 1, -1, -1):
        title = _is_full_width(rows[i])
        if title is not None:
            break
    notes = [c.header for c in columns] + [title.text if title is not None else "", table.caption or ""]
    first_leads = max(first_leads_mode(_SPACE.sub("", s)) for s in notes)
    out, headings = _RowReader(columns).read(rows, first, last)
    return RoleTable(table, list(range(first, last + 1)), columns, out, title, headings, first_leads)


def header_columns(rows: list[list[Optional[Cell]]]) -> Optional[tuple[int, int, list[Column]]]:
    """The header rows [first, last] of a grid and its columns, or None when no row names a role column."""
    span = _header_span(rows) if rows else None
    return None if span is None else (span[0], span[1], _classify_columns(rows, *span))


def contact_list(table: Table) -> bool:
    """The table is a list of units with their contacts, not a role table (see _contact_list)."""
    span = _header_span(table.rows) if table.rows else None
    return span is not None and _contact_list(_classify_columns(table.rows, *span))


def _contact_list(columns: list[Column]) -> bool:
    """A list of units with their contacts (牵头单位 | 联络员 | 联系电话: the liaison list closing many plans): a
    person column and no column saying what the task is (no task, group, section or deadline column)."""
    kinds = {c.kind for c in columns}
    return PERSON in kinds and not kinds & {TASK, GROUP, SECTION, DEADLINE}


class _RowReader:
    """The body rows of a role table, top to bottom: each row's cells by column kind, an empty cell taking
    the value above it, a full-width row heading the rows below."""

    def __init__(self, columns: list[Column]) -> None:
        def col(kind: str) -> list[int]:
            return [c.index for c in columns if c.kind == kind]

        self.columns = columns
        self.number_col, self.group_col, self.task_col = col(NUMBER)[:1], col(GROUP)[:1], col(TASK)[:1]
        self.section_cols, self.role_cols, self.deadline_cols = col(SECTION), col(ROLE), col(DEADLINE)[:1]
        self.carried: dict[str, Optional[Cell]] = {}
        self.arabic = False  # the table numbers its tasks 1, 2, 3 (set by read)

    def read(self, rows: list, first: int, last: int) -> tuple[list[RoleRow], list[Cell]]:
        """The rows below the header rows first..last, and the in-table headings among them."""
        header_texts = [[_text(c) for c in rows[i]] for i in range(first, last + 1)]
        # numeral headings only where tasks are numbered 1, 2, 3: a table numbering its tasks 一, 二 has none
        self.arabic = any(re.fullmatch(r"\d+[.．、]?", _text(r[j])) for r in rows[last + 1:]
                          for j in self.number_col if j < len(r))
        out: list[RoleRow] = []
        headings: list[Cell] = []
        heading: Optional[Cell] = None
        for i in range(last + 1, len(rows)):
            row = rows[i]
            texts = [_text(c) for c in row]
            if not any(texts) or texts in header_texts or _is_header_row(row):
                continue  # empty, or the header again (a table that repeats it on each page)
            full = _is_full_width(row) or self.numbered_heading(row)
            if full is not None:
                heading = full
                headings.append(full)
                self.carried = {}  # a group above a heading does not run on below it
                continue
            out.append(self.role_row(i, row, heading))
        return out, headings

    def numbered_heading(self, row: list) -> Optional[Cell]:
        """一 | 种业创新 | | |: an in-table heading typed into the 序号 column as a Chinese numeral with its name in
        the next cell, not merged across: the name heads the rows below it, as a merged heading row does."""
        if not self.number_col or not self.arabic:
            return None
        j = self.number_col[0]
        filled = [c for c in _distinct(row) if _text(c)]
        number = row[j] if j < len(row) else None
        if len(filled) != 2 or number is None or filled[0] is not number:
            return None
        return filled[1] if SECTION_NUMBER.match(_text(number)) else None

    def role_row(self, i: int, row: list, heading: Optional[Cell]) -> RoleRow:
        rr = RoleRow(
            index=i,
            cells=list(row),
            number=self.carry("number", self.number_col, row),
            section=self.carry("section", self.section_cols, row),
            group=self.carry("group", self.group_col, row),
            task=_cell(row, self.task_col[0]) if self.task_col else None,
            deadline=_cell(row, self.deadline_cols[0]) if self.deadline_cols else None,
            heading=heading,
        )
        seen: set[int] = set()
        for j in self.role_cols:
            c = _cell(row, j)
            if c is not None and id(c) not in seen and _text(c):
                seen.add(id(c))
                role, qualifier = self.columns[j].role, self.columns[j].qualifier
                assert role is not None and qualifier is not None
                rr.roles.append((role, qualifier, c))
        return rr

    def carry(self, name: str, js: list[int], row: list) -> Optional[Cell]:
        """An empty cell takes the value above (a table printed without merges leaves it empty); a
        placeholder ("/") is an explicit "none" and stops the carry."""
        if not js:
            return None
        j = js[0]
        c = row[j] if j < len(row) else None
        if c is None or not _text(c):
            return self.carried.get(name)
        self.carried[name] = _cell(row, j)
        return self.carried[name]


def _cell(row: list, j: int) -> Optional[Cell]:
    """Column j's cell of the row, unless missing or a placeholder."""
    c = row[j] if j < len(row) else None
    return c if c is not None and not is_placeholder(c.text) else None


# A line between a table and its continuation that says nothing of its own: 续表 / （续表2） / 续上表, or a page
# number (— 3 —, -3-, 第3页).
_CONTINUATION_GAP = re.compile(r"^(?:[（(]?续(?:上|前)?表?[\d一二三四五六七八九十]*[）)]?[:：]?"
                               r"|[—\-－–]*\d{1,3}[—\-－–]*|第\d+页(?:共\d+页)?)$")
# a leading row of its own that titles a new table, not a continued one: 附件2 / XX任务清单 / 联络员名单
_NEW_TABLE_TITLE = re.compile(r"^附件|(?:表|清单|名单|台账|一览)$")

Grid = list[list[Optional[Cell]]]


def join_continued(grids: Sequence[Grid], text: str) -> list[Grid]:
    """The grids with each continuation joined to the table it continues. A role table broken in two — a DOCX
    table split by a page or section break, an HTML page pasting each printed page's table on its own — leaves
    a second table without a header: its rows are the first table's rows, read with the first table's header
    (dropped otherwise: a table with no header row is no role table). `text` is the text the cells' offsets
    index."""
    out: list[Grid] = []
    for grid in grids:
        if out and _continues(out[-1], grid, text):
            out[-1] = out[-1] + [row for row in grid if not _continuation_mark(row)]
        else:
            out.append(grid)
    return out


def _continues(prev: Grid, grid: Grid, text: str) -> bool:
    """`grid` continues `prev`: the same number of columns, no header row of its own while `prev` has one, no
    title of a new table, and nothing between the two but blank lines, 续表 or a page number."""
    if not prev or not grid or max(map(len, prev)) != max(map(len, grid)):
        return False
    if _header_span(grid) is not None or _header_span(prev) is None:
        return False
    first = next((r for r in grid if _distinct_texts(r)), None)
    if first is None or len(_distinct_texts(first)) == 1 and _NEW_TABLE_TITLE.search(_distinct_texts(first)[0]):
        return False
    if not any(len(_distinct_texts(r)) > 1 for r in grid):
        return False  # a note boxed under the table (注：…), no rows of a task
    ends = [c.end for r in prev for c in r if c is not None and c.text]
    starts = [c.start for r in grid for c in r if c is not None and c.text]
    if not ends or not starts or max(ends) > min(starts):
        return False
    gap = (_SPACE.sub("", ln) for ln in text[max(ends):min(starts)].split("\n"))
    return all(not ln or _CONTINUATION_GAP.match(ln) for ln in gap)


def _distinct_texts(row: Sequence[Optional[Cell]]) -> list[str]:
    return [_text(c) for c in _distinct(row) if _text(c)]


def _continuation_mark(row: Sequence[Optional[Cell]]) -> bool:
    """A row that only says the table goes on (续表 in a cell merged across the continuation's top)."""
    texts = _distinct_texts(row)
    return len(texts) == 1 and bool(_CONTINUATION_GAP.match(texts[0])) and not texts[0].isdigit()

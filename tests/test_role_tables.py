"""Role tables: reading a grid of cells as header, column kinds and rows of group / task / role cells
(loaders/role_tables.py), and finding tab / pipe tables inside plain text (loaders/text_tables.py).

Tables are built by hand over a synthetic text, as a format reader builds them: each cell's text on a
line of its own, a merged cell the same Cell object in every position it covers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

import pytest

from kg.loaders.role_tables import (
    LEADS,
    RESPONSIBLE_FOR,
    RoleTable,
    classify_header,
    is_placeholder,
    read_role_table,
)
from kg.loaders.tables import Cell, Table
from kg.loaders.text_tables import find_text_tables

DOC14 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs" / "14_guangzhou_jiatingyisheng_2023.html"

UP, LEFT = "^", "<"  # in a spec: the cell above (rowspan) / the cell to the left (colspan)
Spec = list[list[Union[str, None]]]


def make_table(spec: Spec) -> tuple[str, Table]:
    """A Table over a synthetic text: a str is a new cell (its text on its own line), UP / LEFT repeat
    the cell above / to the left (a merge), None is a position no cell covers."""
    text = ""
    grid: list[list[Optional[Cell]]] = []
    for i, row in enumerate(spec):
        out: list[Optional[Cell]] = []
        for j, v in enumerate(row):
            if v == UP:
                out.append(grid[i - 1][j])
            elif v == LEFT:
                out.append(out[j - 1])
            elif v is None:
                out.append(None)
            else:
                out.append(Cell(v, len(text), len(text) + len(v)))
                text += v + "\n"
        grid.append(out)
    return text, Table(grid, 0, len(text), None)


def read(spec: Spec) -> RoleTable:
    text, table = make_table(spec)
    rt = read_role_table(table)
    assert rt is not None, "expected a role table"
    return rt


def kinds(rt: RoleTable) -> list[str]:
    return [c.kind for c in rt.columns]


def roles(row) -> list[tuple[str, str, str]]:
    return [(role, qual, cell.text) for role, qual, cell in row.roles]


def txt(cell: Optional[Cell]) -> Optional[str]:
    return None if cell is None else cell.text


HEADER6 = ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]


def test_simple_six_columns():
    rt = read([
        HEADER6,
        ["1", "深化教育改革", "推进课程改革", "市教育局", "市科协、市财政局", "2024年底前"],
        ["2", "加强队伍建设", "培训骨干教师", "市人社局", "市教育局", "长期坚持"],
    ])
    assert rt.header_rows == [0]
    assert kinds(rt) == ["number", "group", "task", "role", "role", "deadline"]
    assert [(c.role, c.qualifier) for c in rt.role_columns] == [(LEADS, "牵头"), (RESPONSIBLE_FOR, "配合")]
    assert len(rt.rows) == 2
    r = rt.rows[0]
    assert (txt(r.number), txt(r.group), txt(r.task), txt(r.deadline)) == ("1", "深化教育改革", "推进课程改革", "2024年底前")
    assert roles(r) == [(LEADS, "牵头", "市教育局"), (RESPONSIBLE_FOR, "配合", "市科协、市财政局")]
    assert roles(rt.rows[1]) == [(LEADS, "牵头", "市人社局"), (RESPONSIBLE_FOR, "配合", "市教育局")]
    assert r.heading is None and rt.title is None and not rt.first_leads


def test_cells_index_the_text():
    text, table = make_table([HEADER6, ["1", "深化改革", "推进A", "市教育局", "市科协", "6月底"]])
    rt = read_role_table(table)
    assert rt is not None
    _, _, cell = rt.rows[0].roles[0]
    assert text[cell.start:cell.end] == "市教育局"


def test_rowspan_group_cells_are_one_object_per_group():
    rt = read([
        HEADER6,
        ["1", "深化改革", "措施一", "市教育局", "市科协", "2024年"],
        [UP, UP, "措施二", "市卫健委", "市医保局", UP],
        [UP, UP, "措施三", "市人社局", "/", "2025年"],
        ["2", "加强保障", "措施四", "市财政局", "—", "持续推进"],
    ])
    assert len(rt.rows) == 4
    g = [r.group for r in rt.rows]
    assert g[0] is g[1] is g[2] and g[3] is not g[0]
    assert [txt(r.group) for r in rt.rows] == ["深化改革"] * 3 + ["加强保障"]
    assert [txt(r.number) for r in rt.rows] == ["1", "1", "1", "2"]
    assert [txt(r.task) for r in rt.rows] == ["措施一", "措施二", "措施三", "措施四"]
    assert rt.rows[1].deadline is rt.rows[0].deadline  # a merged deadline cell applies to both rows
    assert roles(rt.rows[2]) == [(LEADS, "牵头", "市人社局")]  # "/" is no unit


def test_two_row_header_under_a_title_row():
    rt = read([
        ["XX市重点任务分工表", LEFT, LEFT, LEFT, LEFT],
        ["序号", "重点任务", "责任单位", LEFT, "完成时限"],
        [UP, UP, "牵头单位", "配合单位", UP],
        ["1", "建设科普场馆", "市科协", "市财政局、市自然资源和规划局", "2025年"],
    ])
    assert rt.header_rows == [1, 2]
    assert txt(rt.title) == "XX市重点任务分工表"
    assert kinds(rt) == ["number", "task", "role", "role", "deadline"]
    assert [(c.role, c.qualifier) for c in rt.role_columns] == [(LEADS, "牵头"), (RESPONSIBLE_FOR, "配合")]
    assert rt.columns[2].header == "责任单位 / 牵头单位"
    assert len(rt.rows) == 1
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "市科协"), (RESPONSIBLE_FOR, "配合", "市财政局、市自然资源和规划局")]
    assert rt.rows[0].group is None  # one text column: the row is its own action-less task


def test_two_row_header_with_bare_role_words_and_no_merges():
    # As printed in text: no merges, the second header row says only 牵头 / 配合 under 责任单位.
    rt = read([
        ["序号", "工作任务", "责任单位", "", "完成时间"],
        ["", "", "牵头", "配合", ""],
        ["1", "开展科普活动", "区科协", "区教体局", "每年"],
    ])
    assert rt.header_rows == [0, 1]
    assert kinds(rt) == ["number", "task", "role", "role", "deadline"]
    assert [c.qualifier for c in rt.role_columns] == ["牵头", "配合"]
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "区科协"), (RESPONSIBLE_FOR, "配合", "区教体局")]


def test_header_row_below_a_spanning_parent():
    # The role word is only in the lower row; the row above belongs to the header through its rowspans.
    rt = read([
        ["序号", "重点工作", "单位", LEFT],
        [UP, UP, "牵头", "参与"],
        ["1", "推进A", "市发展改革委", "市商务局"],
    ])
    assert rt.header_rows == [0, 1]
    assert [c.qualifier for c in rt.role_columns] == ["牵头", "配合"]


def test_repeated_header_rows_are_skipped():
    header = ["序号", "工作事项", "主要内容", "牵头单位", "配合单位"]
    rt = read([
        header,
        ["1", "事项一", "内容一", "市卫生健康委", "市医保局"],
        header,  # the header printed again at the top of the next page
        ["2", "事项二", "内容二", "各区政府", "/"],
        ["序 号", "工作事项", "主要内容", "牵头\n单位", "配合单位"],  # again, laid out differently
        ["3", "事项三", "内容三", "市人社局", "市财政局"],
    ])
    assert [txt(r.task) for r in rt.rows] == ["内容一", "内容二", "内容三"]
    assert [txt(r.group) for r in rt.rows] == ["事项一", "事项二", "事项三"]
    assert all("牵头单位" not in c.text for r in rt.rows for _, _, c in r.roles)


def test_in_table_section_heading_rows():
    rt = read([
        HEADER6,
        ["一、深化改革", LEFT, LEFT, LEFT, LEFT, LEFT],
        ["1", "改革A", "措施一", "市教育局", "市科协", "2024年"],
        ["", "", "措施二", "市卫健委", "", ""],
        ["二、强化保障", LEFT, LEFT, LEFT, LEFT, LEFT],
        ["", "", "措施三", "市财政局", "", ""],
        ["2", "保障B", "措施四", "市人社局", "", ""],
    ])
    assert [txt(h) for h in rt.headings] == ["一、深化改革", "二、强化保障"]
    assert [txt(r.heading) for r in rt.rows] == ["一、深化改革", "一、深化改革", "二、强化保障", "二、强化保障"]
    assert [txt(r.task) for r in rt.rows] == ["措施一", "措施二", "措施三", "措施四"]
    # An empty group cell takes the group above, but never across a heading.
    assert [txt(r.group) for r in rt.rows] == ["改革A", "改革A", None, "保障B"]
    assert rt.rows[1].group is rt.rows[0].group


def test_heading_in_first_column_of_an_unmerged_table():
    rt = read([
        ["序号", "重点任务", "牵头单位", "责任单位"],
        ["一、组织保障", "", "", ""],
        ["1", "建立协调机制", "县政府办", "各成员单位"],
    ])
    assert [txt(h) for h in rt.headings] == ["一、组织保障"]
    assert len(rt.rows) == 1 and txt(rt.rows[0].heading) == "一、组织保障"


def test_people_columns_are_not_role_columns():
    rt = read([
        ["序号", "工作任务", "牵头单位", "牵头领导", "责任领导", "责任人", "联系人及电话"],
        ["1", "推进A", "市教育局", "张三", "李四", "王五", "赵六 12345678"],
    ])
    assert kinds(rt) == ["number", "task", "role", "person", "person", "person", "person"]
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "市教育局")]


@pytest.mark.parametrize("spec", [
    [["领导小组成员", LEFT, LEFT], ["职务", "姓名", "单位及职务"], ["组长", "张三", "市政府副市长"]],
    [["姓名", "职务", "工作单位"], ["张三", "组长", "市政府"], ["李四", "副组长", "市教育局"]],
    [["一级指标", "二级指标", "评价标准", "数据来源"], ["签约数量", "覆盖率", "较上年增加", "年报"]],
    [["序号", "重点任务", "完成时限"], ["1", "推进A", "2024年"]],
    [["1", "市教育局牵头", "推进A"], ["2", "区教体局负责", "推进B"]],  # role words in data cells only
])
def test_tables_without_a_role_column_are_not_role_tables(spec):
    _, table = make_table(spec)
    assert read_role_table(table) is None


def test_placeholder_cells_mean_none():
    rt = read([
        ["序号", "重点任务", "牵头单位", "责任单位", "配合单位", "协办单位", "完成时限"],
        ["1", "任务A", "市教育局", "/", "—", "无", "-"],
        ["2", "任务B", "／", "市科协", "－", " / ", "——"],
        ["3", "任务C", "", "", "市财政局", "", ""],
    ])
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "市教育局")]
    assert roles(rt.rows[1]) == [(RESPONSIBLE_FOR, "负责", "市科协")]
    assert roles(rt.rows[2]) == [(RESPONSIBLE_FOR, "配合", "市财政局")]
    assert [r.deadline for r in rt.rows] == [None, None, None]
    assert is_placeholder("／") and is_placeholder(" — ") and not is_placeholder("市教育局")


@pytest.mark.parametrize("header, role, qualifier", [
    ("牵头单位", LEADS, "牵头"),
    ("牵头\n单位", LEADS, "牵头"),
    ("牵 头 部 门", LEADS, "牵头"),
    ("牵头责任单位", LEADS, "牵头"),
    ("牵头单位（部门）", LEADS, "牵头"),
    ("主责单位", LEADS, "牵头"),
    ("市卫健委内牵头处室", LEADS, "牵头"),
    ("责任单位", RESPONSIBLE_FOR, "负责"),
    ("责 任 单 位", RESPONSIBLE_FOR, "负责"),
    ("责任单位（部门）", RESPONSIBLE_FOR, "负责"),
    ("责任单位(部门)", RESPONSIBLE_FOR, "负责"),
    ("责任部门", RESPONSIBLE_FOR, "负责"),
    ("责任主体", RESPONSIBLE_FOR, "负责"),
    ("负责单位", RESPONSIBLE_FOR, "负责"),
    ("实施主体", RESPONSIBLE_FOR, "负责"),
    ("承办单位", RESPONSIBLE_FOR, "负责"),
    ("主要责任单位", RESPONSIBLE_FOR, "负责"),
    ("配合单位", RESPONSIBLE_FOR, "配合"),
    ("配合\n部门", RESPONSIBLE_FOR, "配合"),
    ("协办单位", RESPONSIBLE_FOR, "配合"),
    ("协助单位", RESPONSIBLE_FOR, "配合"),
    ("参与单位", RESPONSIBLE_FOR, "配合"),
    ("参与部门", RESPONSIBLE_FOR, "配合"),
    ("协同单位", RESPONSIBLE_FOR, "配合"),
    ("协同责任单位", RESPONSIBLE_FOR, "配合"),
    ("协作单位", RESPONSIBLE_FOR, "配合"),
    ("其他责任单位", RESPONSIBLE_FOR, "配合"),  # the units beside the lead, as the label 其他责任单位: in a clause
    ("市卫健委内配合处室", RESPONSIBLE_FOR, "配合"),
    ("指导单位", RESPONSIBLE_FOR, "指导"),
])
def test_role_header_wordings(header, role, qualifier):
    k = classify_header(header)
    assert (k.kind, k.role, k.qualifier) == ("role", role, qualifier)


@pytest.mark.parametrize("header, kind", [
    ("牵头领导", "person"), ("责任领导", "person"), ("责任人", "person"), ("联系人", "person"),
    ("牵头单位负责人", "person"), ("姓名", "person"),
    ("序号", "number"), ("编号", "number"), ("No.", "number"),
    ("完成时限", "deadline"), ("时限", "deadline"), ("时间节点", "deadline"), ("完成时间", "deadline"),
    ("时限要求", "deadline"), ("进度安排", "deadline"),
    ("备注", "ignore"),
    ("重点任务", "text"), ("工作事项", "text"), ("具体措施", "text"), ("主要内容", "text"), ("任务", "text"),
    ("区教体局牵头", "other"), ("市教育局", "other"), ("实施步骤", "other"),
])
def test_other_header_wordings(header, kind):
    assert classify_header(header).kind == kind


def test_role_table_with_spaced_and_bracketed_headers():
    rt = read([
        ["序 号", "工作\n任务", "牵头\n单位", "责任单位（部门）", "配合单位(部门)", "完成\n时限"],
        ["1", "推进A", "县教育和体育局", "县科协", "县财政局", "2022年6月底前"],
    ])
    assert kinds(rt) == ["number", "task", "role", "role", "role", "deadline"]
    assert [c.qualifier for c in rt.role_columns] == ["牵头", "负责", "配合"]
    assert rt.columns[2].header == "牵头单位"


def test_one_text_column_gives_action_less_tasks():
    rt = read([["序号", "重点任务", "牵头单位"], ["1", "任务A", "市教育局"], ["2", "任务B", "市科协"]])
    assert kinds(rt) == ["number", "task", "role"]
    assert [(r.group, txt(r.task)) for r in rt.rows] == [(None, "任务A"), (None, "任务B")]


def test_three_text_columns_give_section_group_task():
    rt = read([
        ["类别", "重点任务", "具体措施", "责任单位", "备注"],
        ["教育", "课程改革", "开设科学课", "市教育局", "新增"],
    ])
    assert kinds(rt) == ["section", "group", "task", "role", "ignore"]
    r = rt.rows[0]
    assert (txt(r.section), txt(r.group), txt(r.task)) == ("教育", "课程改革", "开设科学课")
    assert roles(r) == [(RESPONSIBLE_FOR, "负责", "市教育局")]


def test_a_target_column_right_of_the_task_is_not_the_task():
    rt = read([["序号", "工作内容", "工作目标", "牵头部门"], ["1", "建设场馆", "建成3个", "市科协"]])
    assert kinds(rt) == ["number", "task", "other", "role"]


def test_role_cell_merged_across_two_role_columns_counts_once():
    rt = read([["序号", "工作任务", "牵头单位", "配合单位"], ["1", "推进A", "市教育局", LEFT]])
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "市教育局")]


def test_first_listed_leads_note_in_a_header():
    rt = read([["序号", "工作任务", "责任单位（列第一位者为牵头单位）"], ["1", "推进A", "市教育局、市科协"]])
    assert rt.first_leads
    assert [c.qualifier for c in rt.role_columns] == ["负责"]


# Tables inside plain text ------------------------------------------------------------------------

PIPE_TEXT = """六、组织实施
附件：重点任务分工表
| 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 |
|:---:|---|---|---|---|---|
| 1 | 深化改革 | 推进A | 市教育局 | 市科协、市财政局 | 2024年底前 |
|   |          | 推进B | 市卫健委 | / | 长期坚持 |
| 2 | 加强保障 | 推进C | 市人社局 | — |  |

以上任务由各单位按职责分工负责 | 不在表内。
"""

TAB_TEXT = (
    "各单位要按照分工抓好落实。\n"
    "序号\t工作任务\t具体措施\t牵头单位\t责任单位\t完成时限\n"
    "1\t科普基础设施\t\"建设科技馆\n(分两期)\"\t县科协\t县发改局、县财政局\t2023年\n"
    "\t\t改造科普长廊\t县住建局\t/\t2022年底\n"
    "二、能力提升\n"
    "2\t人才培养\t培训科普员\t县人社局\t县科协\t持续推进\n"
    "本表由县科协负责解释。\n"
)


def _check_offsets(text: str, tables: list[Table]) -> None:
    for t in tables:
        assert len({len(r) for r in t.rows}) == 1, "the grid is rectangular"
        for row in t.rows:
            for c in row:
                if c is not None:
                    assert text[c.start:c.end] == c.text


def test_pipe_table_in_text():
    tables = find_text_tables(PIPE_TEXT)
    assert len(tables) == 1
    t = tables[0]
    _check_offsets(PIPE_TEXT, tables)
    assert len(t.rows) == 4 and len(t.rows[0]) == 6  # the |---| rule is not a row
    assert t.caption == "附件：重点任务分工表"
    assert [c.text for c in t.rows[2]] == ["", "", "推进B", "市卫健委", "/", "长期坚持"]
    assert t.rows[2][1] is not t.rows[1][1]  # no merge invented for an empty cell
    rt = read_role_table(t)
    assert rt is not None
    assert kinds(rt) == ["number", "group", "task", "role", "role", "deadline"]
    assert [txt(r.group) for r in rt.rows] == ["深化改革", "深化改革", "加强保障"]
    assert [txt(r.number) for r in rt.rows] == ["1", "1", "2"]
    assert [roles(r) for r in rt.rows] == [
        [(LEADS, "牵头", "市教育局"), (RESPONSIBLE_FOR, "配合", "市科协、市财政局")],
        [(LEADS, "牵头", "市卫健委")],
        [(LEADS, "牵头", "市人社局")],
    ]
    assert [txt(r.deadline) for r in rt.rows] == ["2024年底前", "长期坚持", None]
    _, _, cell = rt.rows[0].roles[1]
    assert PIPE_TEXT[cell.start:cell.end] == "市科协、市财政局"


def test_tab_table_in_text():
    tables = find_text_tables(TAB_TEXT)
    assert len(tables) == 1
    _check_offsets(TAB_TEXT, tables)
    t = tables[0]
    assert t.caption == "各单位要按照分工抓好落实。"
    assert t.rows[1][2].text == "建设科技馆\n(分两期)"  # an Excel-quoted multi-line cell
    assert t.rows[3][0].text == "二、能力提升" and t.rows[3][1:] == [None] * 5  # a Word heading line
    rt = read_role_table(t)
    assert rt is not None
    assert kinds(rt) == ["number", "group", "task", "role", "role", "deadline"]
    assert [txt(r.task) for r in rt.rows] == ["建设科技馆\n(分两期)", "改造科普长廊", "培训科普员"]
    assert [txt(r.group) for r in rt.rows] == ["科普基础设施", "科普基础设施", "人才培养"]
    assert [txt(r.heading) for r in rt.rows] == [None, None, "二、能力提升"]
    assert roles(rt.rows[0]) == [(LEADS, "牵头", "县科协"), (RESPONSIBLE_FOR, "负责", "县发改局、县财政局")]
    assert roles(rt.rows[1]) == [(LEADS, "牵头", "县住建局")]
    assert TAB_TEXT[t.end:].startswith("\n本表由")


def test_ascii_grid_table_and_non_tables_in_text():
    text = (
        "A | B 不是表格。\n"
        "| 姓名 | 职务 |\n| 张三 | 组长 |\n\n"  # two columns: not a table
        "+------+----------+----------+\n"
        "| 序号 | 工作任务 | 牵头单位 |\n"
        "+------+----------+----------+\n"
        "| 1    | 推进A    | 市教育局 |\n"
        "+------+----------+----------+\n"
        "单独一行\t只有两格\n"
    )
    tables = find_text_tables(text)
    assert len(tables) == 1
    _check_offsets(text, tables)
    assert [[c.text for c in r] for r in tables[0].rows] == [["序号", "工作任务", "牵头单位"], ["1", "推进A", "市教育局"]]
    rt = read_role_table(tables[0])
    assert rt is not None and roles(rt.rows[0]) == [(LEADS, "牵头", "市教育局")]


def test_text_table_needs_two_rows_of_three_cells():
    assert find_text_tables("序号\t任务\t牵头单位\n") == []
    assert find_text_tables("序号\t任务\n1\t推进A\n") == []
    assert len(find_text_tables("序号\t任务\t牵头单位\n1\t推进A\t市教育局\n")) == 1


def test_real_role_table_of_document_14():
    from kg.loaders.formats import read_document

    ex = read_document(DOC14, DOC14.read_bytes())
    tables = getattr(ex, "tables", ())
    if not tables:
        pytest.skip("the HTML reader does not report tables yet (Extracted.tables is empty)")
    read = [rt for rt in (read_role_table(t) for t in tables) if rt is not None]
    assert len(read) == 1, "only the 任务分工表 is a role table (not the index block, not 附件1's indicators)"
    rt = read[0]
    assert kinds(rt) == ["number", "group", "task", "role", "role", "role", "role"]
    assert [c.qualifier for c in rt.role_columns] == ["牵头", "配合", "牵头", "配合"]
    assert len(rt.rows) == 39
    assert len({id(r.group) for r in rt.rows}) == 24
    first = rt.rows[0]
    assert txt(first.number) == "1" and txt(first.group) == "有序扩大家庭医生来源。"
    assert [(role, qual, ex.text[c.start:c.end]) for role, qual, c in first.roles] == [
        (LEADS, "牵头", "各区政府"), (RESPONSIBLE_FOR, "配合", "市卫生健康委"),
        (LEADS, "牵头", "基层处"), (RESPONSIBLE_FOR, "配合", "医政处"),
    ]
    assert all(c.text not in ("/", "／") for r in rt.rows for _, _, c in r.roles)

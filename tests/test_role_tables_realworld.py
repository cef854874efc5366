"""Role tables as real 任务分工表 / 责任清单 come: split in two, with goal and value columns, as XLSX date cells,
with a label line or numbered section rows above the rows. Each table is built here (an HTML string,
python-docx, openpyxl) and the expected edges are written from the table, not from kg's output."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import parse_path

L, R = "LEADS", "RESPONSIBLE_FOR"
TITLE = "测试市2025年大气污染防治攻坚任务清单"
HEADER = ["序号", "攻坚任务", "牵头单位", "配合单位", "完成时限"]
PART1 = [["1", "推进钢铁行业超低排放改造", "市生态环境局", "市工业和信息化局", "2025年6月底前"]]
PART2 = [["2", "整治扬尘污染", "市住建局", "市城管局", "长期坚持"],
         ["3", "加强机动车尾气监管", "市公安局", "市生态环境局", "持续推进"]]
SPLIT_EXPECTED = {
    ("推进钢铁行业超低排放改造", "市生态环境局", L), ("推进钢铁行业超低排放改造", "市工业和信息化局", R),
    ("整治扬尘污染", "市住建局", L), ("整治扬尘污染", "市城管局", R),
    ("加强机动车尾气监管", "市公安局", L), ("加强机动车尾气监管", "市生态环境局", R),
}


def edges(path: Path) -> set[tuple[str, str, str]]:
    """(task title, unit, role) of every edge kg reads from the file."""
    g = parse_path(path).graph
    tasks = {t.id: t.title for t in g.tasks}
    return {(tasks.get(r.target_id, r.target_id), r.mention, r.role) for r in g.responsibilities}


def full_edges(path: Path) -> set[tuple[str, str, str, str, str]]:
    """(action, task, unit, role, deadline) of every edge."""
    g = parse_path(path).graph
    tasks = {t.id: t for t in g.tasks}
    actions = {a.id: a.title for a in g.actions}
    out = set()
    for r in g.responsibilities:
        t = tasks[r.target_id]
        out.add((actions[t.action_id], t.title, r.mention, r.role, r.deadline or ""))
    return out


def _html_table(rows: list[list[str]]) -> str:
    return "<table border='1'>" + "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows) + "</table>"


def _html(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body><h1>{TITLE}</h1>{body}</body></html>"


# --- a role table continued in a second table without a header ---------------------------------------------

@pytest.mark.parametrize("between", ["<p></p>", "", "<p>续表</p>", "<p>— 2 —</p>"])
def test_html_table_continued_without_header_is_read_with_the_first_header(tmp_path, between):
    p = tmp_path / "plan.html"
    p.write_text(_html(_html_table([HEADER] + PART1) + between + _html_table(PART2)), encoding="utf-8")
    assert edges(p) == SPLIT_EXPECTED


def _docx_table(d, rows: list[list[str]]) -> None:
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            t.cell(i, j).text = v


@pytest.mark.parametrize("between", ["blank", "page_break", "caption"])
def test_docx_table_split_by_a_break_is_one_table(tmp_path, between):
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_paragraph(TITLE)
    _docx_table(d, [HEADER] + PART1)
    if between == "blank":
        d.add_paragraph("")
    elif between == "page_break":
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        d.add_paragraph("续表")
    _docx_table(d, PART2)
    p = tmp_path / "plan.docx"
    d.save(p)
    assert edges(p) == SPLIT_EXPECTED


def test_docx_continuation_starting_with_a_section_row_keeps_its_rows(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    _docx_table(d, [HEADER] + PART1)
    t = d.add_table(rows=3, cols=5)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "二、扬尘和机动车治理"
    for i, row in enumerate(PART2, 1):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    p = tmp_path / "plan.docx"
    d.save(p)
    assert edges(p) == SPLIT_EXPECTED


def test_a_headerless_table_after_text_or_of_another_width_is_not_a_continuation(tmp_path):
    # a paragraph of text between the tables, or a different column count: the second table stays apart
    p = tmp_path / "plan.html"
    p.write_text(_html(_html_table([HEADER] + PART1) + "<p>二、其他事项。各单位要加强协作。</p>"
                       + _html_table(PART2)), encoding="utf-8")
    first = {e for e in SPLIT_EXPECTED if e[0] == "推进钢铁行业超低排放改造"}
    assert edges(p) == first
    p.write_text(_html(_html_table([HEADER] + PART1) + _html_table([r[:4] for r in PART2])), encoding="utf-8")
    assert edges(p) == first


def test_a_second_table_with_its_own_header_is_read_with_it(tmp_path):
    other = ["序号", "攻坚任务", "责任单位", "配合单位", "完成时限"]
    p = tmp_path / "plan.html"
    p.write_text(_html(_html_table([HEADER] + PART1) + _html_table([other] + PART2)), encoding="utf-8")
    got = edges(p)
    assert ("整治扬尘污染", "市住建局", R) in got and ("整治扬尘污染", "市住建局", L) not in got


# --- goal, requirement and value columns are not the task -------------------------------------------------------

def grid_table(spec: list[list[str]]):
    """A Table over a synthetic text, each cell on a line of its own (as a format reader builds one)."""
    from kg.loaders.tables import Cell, Table

    text, rows = "", []
    for spec_row in spec:
        row = []
        for v in spec_row:
            row.append(Cell(v, len(text), len(text) + len(v)))
            text += v + "\n"
        rows.append(row)
    return Table(rows, 0, len(text) - 1)


def titles(spec: list[list[str]]) -> list[tuple[str, str]]:
    """(group, task) of each data row, as read_role_table decides them."""
    from kg.loaders.role_tables import read_role_table

    rt = read_role_table(grid_table(spec))
    assert rt is not None
    return [(r.group.text if r.group else "", r.task.text if r.task else "") for r in rt.rows]


@pytest.mark.parametrize("goal", ["目标要求", "工作要求", "主要目标", "工作目标", "预期成效", "完成标准"])
def test_a_goal_column_beside_the_task_is_not_its_title(goal):
    assert titles([["序号", "工作任务", goal, "牵头单位", "配合单位", "完成时限"],
                   ["1", "改造老旧小区42个", "完成改造并通过验收", "市住建局", "市财政局", "2025年11月"]]) == [
        ("", "改造老旧小区42个")]


def test_a_goal_column_after_the_deadline_is_not_the_title():
    assert titles([["序号", "重点任务", "牵头单位", "责任单位", "完成时限", "工作要求"],
                   ["1", "建设蔬菜种业创新中心", "市农业农村局", "市科技局", "2025年12月", "建成种质资源库1个"]]) == [
        ("", "建设蔬菜种业创新中心")]


def test_a_goal_column_between_a_task_and_its_measures_leaves_them_group_and_task():
    assert titles([["序号", "重点任务", "工作目标", "具体措施", "牵头单位"],
                   ["1", "推进城市更新", "改造50个小区", "实施老旧小区改造", "市住建局"]]) == [
        ("推进城市更新", "实施老旧小区改造")]


@pytest.mark.parametrize("header,row,expected", [
    (["序号", "重点任务", "具体措施", "牵头单位"], ["1", "推进城市更新", "实施老旧小区改造", "市住建局"],
     ("推进城市更新", "实施老旧小区改造")),
    (["序号", "工作事项", "主要内容", "责任单位"], ["1", "家庭医生签约", "扩大签约覆盖面", "市卫健委"],
     ("家庭医生签约", "扩大签约覆盖面")),
    (["序号", "工作目标", "牵头单位", "完成时限"], ["1", "新增学位6000个", "市教育局", "2025年底"],
     ("", "新增学位6000个")),
    (["序号", "重点任务", "牵头单位", "责任单位"], ["1", "新建学校5所", "市教育局", "各区政府"], ("", "新建学校5所")),
])
def test_task_columns_read_as_before(header, row, expected):
    # a goal column alone still titles its rows; 重点任务 | 具体措施 and 工作事项 | 主要内容 are group | task
    assert titles([header, row]) == [expected]


def test_an_indicator_table_is_titled_by_the_indicator_not_its_value(tmp_path):
    p = tmp_path / "plan.html"
    p.write_text(_html(_html_table([
        ["序号", "指标名称", "2024年", "2025年目标", "牵头单位", "责任单位"],
        ["1", "PM2.5年均浓度（微克/立方米）", "32", "30", "市生态环境局", "各县（市、区）人民政府"],
        ["2", "受污染耕地安全利用率（%）", "93", "95", "市农业农村局", "市生态环境局"]])), encoding="utf-8")
    assert edges(p) == {
        ("PM2.5年均浓度（微克/立方米）", "市生态环境局", L), ("PM2.5年均浓度（微克/立方米）", "各县（市、区）人民政府", R),
        ("受污染耕地安全利用率（%）", "市农业农村局", L), ("受污染耕地安全利用率（%）", "市生态环境局", R)}


def test_a_column_of_values_is_not_the_task():
    assert titles([["序号", "指标", "目标任务", "牵头单位"],
                   ["1", "城镇新增就业", "5万人以上", "市人社局"],
                   ["2", "城镇调查失业率", "5.5%", "市人社局"]]) == [("", "城镇新增就业"), ("", "城镇调查失业率")]


# --- XLSX date cells read as Excel shows them ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt,shown", [
    ('yyyy"年"m"月"d"日"', "2025年12月31日"),
    ('yyyy"年"m"月"', "2025年12月"),
    ("yyyy年m月d日", "2025年12月31日"),
    ('[DBNum1][$-804]yyyy"年"m"月"d"日"', "二〇二五年十二月三十一日"),
    ("yyyy-mm-dd", "2025-12-31"),
    ("yyyy/m/d", "2025-12-31"),
])
def test_an_xlsx_date_cell_reads_as_its_format_shows_it(tmp_path, fmt, shown):
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append(["1", "建设社区长者食堂", "市民政局", datetime.datetime(2025, 12, 31)])
    ws["D2"].number_format = fmt
    p = tmp_path / "plan.xlsx"
    wb.save(p)
    assert {e[4] for e in full_edges(p)} == {shown}


def test_a_date_format_with_a_time_stays_iso():
    import datetime

    from kg.loaders.formats.xlsx import _cell_text

    assert _cell_text(datetime.datetime(2025, 9, 30), 'yyyy"年"m"月"d"日" hh:mm') == "2025-09-30"
    assert _cell_text(datetime.datetime(2025, 9, 30, 8, 30), "General") == "2025-09-30 08:30:00"
    assert _cell_text(datetime.date(2025, 9, 30), 'm"月"d"日"') == "9月30日"


# --- XLSX: section rows typed as 一/二 in the 序号 column; sheets named by their content -------------------------

def _xlsx(path: Path, sheets: list[tuple[str, list[list]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def actions_of(path: Path) -> set[tuple[str, str, str]]:
    return {(a, t, u) for a, t, u, _, _ in full_edges(path)}


def test_a_section_row_typed_as_a_numeral_in_the_number_column_groups_the_rows_below(tmp_path):
    p = _xlsx(tmp_path / "plan.xlsx", [("Sheet1", [
        ["某市2025年重点任务台账", None, None, None, None],
        ["序号", "重点任务", "牵头部门（单位）", "配合部门（单位）", "完成时限"],
        ["一", "种业创新", None, None, None],
        [1, "建设蔬菜种业创新中心", "市农业农村局", "市科技局", "2025年12月"],
        ["二、", "设施提升", None, None, None],
        [2, "改造老旧棚室1万个", "市农业农村局", "各镇（街道）", "2025年10月底"],
        [3, "推广智能装备", "市农业农村局", None, "2025年全年"]])])
    assert actions_of(p) == {
        ("种业创新", "建设蔬菜种业创新中心", "市农业农村局"), ("种业创新", "建设蔬菜种业创新中心", "市科技局"),
        ("设施提升", "改造老旧棚室1万个", "市农业农村局"), ("设施提升", "改造老旧棚室1万个", "各镇（街道）"),
        ("设施提升", "推广智能装备", "市农业农村局")}


def test_a_row_numbered_with_a_numeral_that_names_a_unit_is_a_task_not_a_heading(tmp_path):
    p = _xlsx(tmp_path / "plan.xlsx", [("Sheet1", [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["一", "建设蔬菜种业创新中心", "市农业农村局", "2025年12月"],
        ["二", "改造老旧棚室", "市农业农村局", "2025年10月底"]])])
    assert {t for _, t, _ in actions_of(p)} == {"建设蔬菜种业创新中心", "改造老旧棚室"}


def test_every_sheet_named_by_its_content_names_its_rows_action(tmp_path):
    header = ["序号", "主要任务", "牵头单位", "配合单位", "完成时限"]
    p = _xlsx(tmp_path / "县优化营商环境任务清单.xlsx", [
        ("政务服务提速行动", [header, [1, "推行一件事一次办", "县行政审批服务局", "县数据资源局", "2025年6月"]]),
        ("要素保障强化行动", [header, [1, "开展标准地出让", "县自然资源局", "县发展改革局", "2025年12月"]])])
    assert {(a, t) for a, t, _ in actions_of(p)} == {("政务服务提速行动", "推行一件事一次办"),
                                                   ("要素保障强化行动", "开展标准地出让")}


def test_a_sheet_title_row_still_titles_its_rows_and_default_names_are_no_title(tmp_path):
    header = ["序号", "主要任务", "牵头单位", "配合单位", "完成时限"]
    p = _xlsx(tmp_path / "县优化营商环境任务清单.xlsx", [
        ("Sheet1", [header, [1, "推行一件事一次办", "县行政审批服务局", "县数据资源局", "2025年6月"]]),
        ("要素保障", [["要素保障强化行动任务表", None, None, None, None], header,
                   [1, "开展标准地出让", "县自然资源局", "县发展改革局", "2025年12月"]])])
    got = {(a, t) for a, t, _ in actions_of(p)}
    assert ("要素保障强化行动任务表", "开展标准地出让") in got
    assert not any(a == "Sheet1" for a, _ in got)


# --- XLSX: a role label on a row of its own above a sheet's header --------------------------------------------

LABEL_HEADER = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]


def _label_sheet(title: str, rows: list[list]) -> list[list]:
    return [[title, None, None, None, None], ["牵头部门：市发展改革委", None, None, None, None], LABEL_HEADER] + rows


def test_a_sheet_label_names_the_lead_of_rows_that_name_none(tmp_path):
    p = _xlsx(tmp_path / "plan.xlsx", [("重点项目", [
        ["扩大有效投资重点任务清单", None, None, None],
        ["牵头部门：市发展改革委", None, None, None],
        ["序号", "重点任务", "责任单位", "完成时限"],
        ["一、", "项目建设", None, None],
        [1, "实施重大项目攻坚", "市财政局", "2025年底"],
        [2, "加快专项债券发行使用", "各县（市、区）人民政府", "持续推进"]])])
    assert edges(p) == {
        ("实施重大项目攻坚", "市发展改革委", L), ("实施重大项目攻坚", "市财政局", R),
        ("加快专项债券发行使用", "市发展改革委", L), ("加快专项债券发行使用", "各县（市、区）人民政府", R)}


def test_a_sheet_label_is_read_alike_on_every_sheet_and_a_rows_own_lead_stands(tmp_path):
    p = _xlsx(tmp_path / "plan.xlsx", [
        ("扩大有效投资", _label_sheet("一、扩大有效投资重点任务清单", [
            ["1", "实施重大项目攻坚", "市发展改革委", "市财政局", "2025年底"],
            ["2", "加快专项债券发行使用", "市财政局", "市发展改革委", "持续推进"]])),
        ("促进消费提质升级", _label_sheet("二、促进消费提质升级重点任务清单", [
            ["1", "开展消费促进活动", "市商务局", "市体育局", "2025年底"],
            ["2", "推动大宗消费", "", "市公安局", "持续推进"]]))])
    assert edges(p) == {
        ("实施重大项目攻坚", "市发展改革委", L), ("实施重大项目攻坚", "市财政局", R),
        ("加快专项债券发行使用", "市财政局", L), ("加快专项债券发行使用", "市发展改革委", R),
        ("开展消费促进活动", "市商务局", L), ("开展消费促进活动", "市体育局", R),
        ("推动大宗消费", "市发展改革委", L), ("推动大宗消费", "市公安局", R)}
    assert parse_path(p).coverage.unread == []


def test_a_filing_line_above_the_header_is_no_label(tmp_path):
    p = _xlsx(tmp_path / "plan.xlsx", [("任务清单", [
        ["填报单位：市发展改革委", None, None, None, None], LABEL_HEADER,
        ["1", "实施重大项目攻坚", "市发展改革委", "市财政局", "2025年底"]])])
    assert edges(p) == {("实施重大项目攻坚", "市发展改革委", L), ("实施重大项目攻坚", "市财政局", R)}


def test_a_table_numbering_its_tasks_with_numerals_has_no_numeral_headings(tmp_path):
    # 二 names no unit here, but the table numbers every task 一, 二, 三: it is a task, not a heading
    p = _xlsx(tmp_path / "plan.xlsx", [("Sheet1", [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["一", "建设蔬菜种业创新中心", "市农业农村局", "2025年12月"],
        ["二", "推广智能装备", None, None],
        ["三", "改造老旧棚室", "市农业农村局", "2025年10月底"]])])
    assert {(a, t) for a, t, _ in actions_of(p)} == {(p.stem, "建设蔬菜种业创新中心"), (p.stem, "改造老旧棚室")}


def test_a_boxed_note_under_a_role_table_is_no_continuation():
    # 注 in a one-cell table of the same width under the table stays a table of its own (its text is no row)
    from kg.loaders.role_tables import join_continued
    from kg.loaders.tables import Cell

    text, grids = "", []
    for spec in ([HEADER, PART1[0]], [["注：责任单位中排在第一位的为牵头单位。"] * 5]):
        grid = []
        for spec_row in spec:
            cells: dict[str, Cell] = {}
            for v in spec_row:
                if v not in cells:
                    cells[v] = Cell(v, len(text), len(text) + len(v))
                    text += v + "\n"
            grid.append([cells[v] for v in spec_row])
        grids.append(grid)
    assert [len(g) for g in join_continued(grids, text)] == [2, 1]

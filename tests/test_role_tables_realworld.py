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

"""Layouts of real plans that a reviewer found misread, as small inline documents.

Each expected row is (section, action, task, unit as written, role, qualifier), written down from the
text before comparing with kg's output. Negative cases pin layouts that must keep their reading.
"""
from __future__ import annotations

from pathlib import Path

from kg.loaders import parse_path, parse_text
from kg.table import responsibility_rows

L, R = "LEADS", "RESPONSIBLE_FOR"


def edges(text: str, file: str = "plan.txt") -> list[tuple]:
    rows = responsibility_rows(parse_text(text, file).graph)
    return [(r["section"], r["action"], r["task"], r["unit"], r["role"], r["qualifier"]) for r in rows]


def path_edges(path: Path) -> list[tuple]:
    rows = responsibility_rows(parse_path(path).graph)
    return [(r["section"], r["action"], r["task"], r["unit"], r["role"], r["qualifier"]) for r in rows]


def titled(got: list[tuple]) -> list[tuple]:
    """(title the edge sits on, unit, role, qualifier): the task's title, or the action's when it has none."""
    return [(task or action, unit, role, q) for _s, action, task, unit, role, q in got]


# ───────────── a heading alone on its line, then a one-sentence body ending in the clause ─────────────

def test_one_sentence_body_under_an_action_heading_is_the_heading_body():
    text = ("某区2025年教育工作方案\n一、重点任务\n（一）推进集团化办学\n组建教育集团8个。（区教育局负责）\n"
            "（二）扩充学位\n新建学校5所，新增学位6000个。（区教育局牵头，区财政局配合）\n"
            "（三）加强师资队伍建设\n招聘教师300名。（区人社局、区教育局负责）\n")
    assert titled(edges(text)) == [
        ("推进集团化办学", "区教育局", R, "负责"),
        ("扩充学位", "区教育局", L, "牵头"),
        ("扩充学位", "区财政局", R, "配合"),
        ("加强师资队伍建设", "区人社局", R, "负责"),
        ("加强师资队伍建设", "区教育局", R, "负责"),
    ]


def test_one_sentence_body_under_a_single_level_heading_is_an_action_of_its_own():
    text = ("某市2025年促消费若干措施\n一、发放消费券\n发放汽车家电消费券2000万元。（市商务局、市财政局负责）\n"
            "二、举办促消费活动\n全年举办促消费活动100场以上，带动消费50亿元。（市商务局负责）\n")
    assert edges(text) == [
        (None, "发放消费券", None, "市商务局", R, "负责"),
        (None, "发放消费券", None, "市财政局", R, "负责"),
        (None, "举办促消费活动", None, "市商务局", R, "负责"),
    ]


def test_one_sentence_body_under_a_task_heading_in_a_web_page(tmp_path):
    page = ("<html><head><meta charset='utf-8'><title>t</title></head><body><div class='content'>"
            "<p>某市稳外贸若干措施</p><p>一、支持企业开拓市场</p>"
            "<p>（一）强化金融支持</p>"
            "<p><strong>1.加大出口信用保险支持。</strong></p>"
            "<p>扩大短期出口信用保险覆盖面。（责任单位：市商务局、市财政局）</p>"
            "<p><strong>2.优化外贸融资服务。</strong></p>"
            "<p>开展外贸企业融资对接活动，扩大信贷投放。（责任单位：市金融办）</p>"
            "</div></body></html>")
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    assert titled(path_edges(path)) == [
        ("加大出口信用保险支持", "市商务局", R, "负责"),
        ("加大出口信用保险支持", "市财政局", R, "负责"),
        ("优化外贸融资服务", "市金融办", R, "负责"),
    ]


def test_several_clause_sentences_under_one_heading_stay_tasks():
    """Two one-sentence paragraphs with a clause each under one heading: each is a task of its own."""
    text = ("某区2025年教育工作方案\n一、重点任务\n（一）推进集团化办学\n组建教育集团8个。（区教育局负责）\n"
            "新增集团成员校20所。（区财政局负责）\n（二）扩充学位\n新建学校5所。（区教育局负责）\n"
            "改扩建学校3所。（区住建局负责）\n")
    assert titled(edges(text)) == [
        ("组建教育集团8个", "区教育局", R, "负责"),
        ("新增集团成员校20所", "区财政局", R, "负责"),
        ("新建学校5所", "区教育局", R, "负责"),
        ("改扩建学校3所", "区住建局", R, "负责"),
    ]


def test_a_heading_sentence_with_a_body_still_titles_a_task():
    """完善监测评估体系。完善…。(…) under a heading: its first sentence heads a task (the 友谊县 seed)."""
    text = ("某县实施方案\n一、保障措施\n（一）组织保障\n成立工作专班。\n（二）机制保障\n"
            "完善监测评估体系。定期开展监测评估，发布评估报告。（责任单位：县科协、县统计局）\n")
    assert titled(edges(text)) == [
        ("完善监测评估体系", "县科协", R, "负责"),
        ("完善监测评估体系", "县统计局", R, "负责"),
    ]


# ───────────── a line break inside a role label in a document that is not hard-wrapped ─────────────

def test_a_break_inside_a_role_label_joins_the_lines():
    text = ("某市2025年工作要点\n一、重点任务\n（一）推进甲项工作。（市商务局负责）\n（二）推进乙项工作。建设平台。（责任\n"
            "单位：市住建局）\n（三）推进丙项工作。（牵头单\n位：市商务局；配合单位：市财政局）\n"
            "（四）推进丁项工作。（市城管局牵\n头，市财政局配合）\n")
    assert titled(edges(text)) == [
        ("推进甲项工作", "市商务局", R, "负责"),
        ("推进乙项工作", "市住建局", R, "负责"),
        ("推进丙项工作", "市商务局", L, "牵头"),
        ("推进丙项工作", "市财政局", R, "配合"),
        ("推进丁项工作", "市城管局", L, "牵头"),
        ("推进丁项工作", "市财政局", R, "配合"),
    ]


def test_a_br_inside_a_role_label_in_a_web_page(tmp_path):
    page = ("<html><head><meta charset='utf-8'><title>t</title></head><body><div class='content'>"
            "<p>某市2025年工作要点</p><p>一、重点任务</p>"
            "<p>（一）推进甲项工作。建设平台。（责任<br/>单位：市住建局）</p>"
            "<p>（二）推进乙项工作。（市商务局负责）</p></div></body></html>")
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    assert titled(path_edges(path)) == [("推进甲项工作", "市住建局", R, "负责"), ("推进乙项工作", "市商务局", R, "负责")]


def test_an_open_bracket_that_is_no_role_label_does_not_join():
    from kg.loaders.text import normalize, paragraphs

    text = "（一）推进甲项工作。建设平台（含\n配套设施）。\n（二）推进乙项工作。（责任\n（三）推进丙项工作。\n"
    assert [p.text for p in paragraphs(normalize(text))] == [
        "(一)推进甲项工作。建设平台(含", "配套设施)。", "(二)推进乙项工作。(责任", "(三)推进丙项工作。"]


# ───────────── a title paragraph right above a table ─────────────

def test_a_title_right_above_a_docx_table_keeps_its_own_line(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某市某区2025年城市更新行动重点任务分解表")
    t = d.add_table(rows=2, cols=4)
    for row, cells in zip(t.rows, [("序号", "工作任务", "牵头单位", "配合单位"), ("1", "改造老旧小区42个", "区住建局", "区财政局")]):
        for c, v in zip(row.cells, cells):
            c.text = v
    path = tmp_path / "plan.docx"
    d.save(path)
    g = parse_path(path).graph
    assert g.documents[0].title == "某市某区2025年城市更新行动重点任务分解表"
    assert titled(path_edges(path)) == [("改造老旧小区42个", "区住建局", L, "牵头"), ("改造老旧小区42个", "区财政局", R, "配合")]


def test_a_long_line_still_joins_the_next_when_no_table_starts_there():
    from kg.loaders.text import normalize, paragraphs

    text = "某区2025年城市更新行动任务分解表，按照全区统一部署和要求\n推进实施。\n"
    assert [p.text for p in paragraphs(normalize(text))] == ["某区2025年城市更新行动任务分解表,按照全区统一部署和要求推进实施。"]

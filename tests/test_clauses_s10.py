"""Clause wordings read since the last review round: support verbs with an object (做好配合), 负属地责任-style
responsibilities, 各负其责, the others as a collective (其他成员单位配合) and 此项工作由…负责 in an item's text."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import parse_path
from kg.loaders.clauses import parse_clause
from kg.loaders.text import normalize


def _assigned(clause: str) -> list[tuple[str, str, str]]:
    c = parse_clause(normalize(clause), 0)
    assert c is not None and not c.problems, (clause, c and c.problems)
    return [(a.unit, a.role, a.qualifier) for a in c.assignments]


@pytest.mark.parametrize("clause,expected", [
    ("县生态环境局牵头，县住房城乡建设局、县水务局按职责做好配合",
     [("县生态环境局", "LEADS", "牵头"), ("县住房城乡建设局", "RESPONSIBLE_FOR", "配合"),
      ("县水务局", "RESPONSIBLE_FOR", "配合")]),
    ("市商务局牵头，市公安局做好配合工作",
     [("市商务局", "LEADS", "牵头"), ("市公安局", "RESPONSIBLE_FOR", "配合")]),
    ("各乡镇人民政府负属地责任，县农业农村局负责督导",
     [("各乡镇人民政府", "RESPONSIBLE_FOR", "负责"), ("县农业农村局", "RESPONSIBLE_FOR", "指导")]),
    ("县应急管理局负监管责任，各生产经营单位负主体责任",
     [("县应急管理局", "RESPONSIBLE_FOR", "负责"), ("各生产经营单位", "RESPONSIBLE_FOR", "负责")]),
    ("县财政局、县农业农村局各负其责",
     [("县财政局", "RESPONSIBLE_FOR", "负责"), ("县农业农村局", "RESPONSIBLE_FOR", "负责")]),
    ("县城市管理局牵头，其他成员单位配合",
     [("县城市管理局", "LEADS", "牵头"), ("其他成员单位", "RESPONSIBLE_FOR", "配合")]),
    ("县农业农村局牵头，其余相关部门按职责分工负责",
     [("县农业农村局", "LEADS", "牵头"), ("其余相关部门", "RESPONSIBLE_FOR", "负责")]),
    ("市政府办公室、市数据局共同牵头，各部门按职责推进",
     [("市政府办公室", "LEADS", "牵头"), ("市数据局", "LEADS", "牵头"), ("各部门", "RESPONSIBLE_FOR", "负责")]),
])
def test_clause_wordings(clause, expected):
    assert _assigned(clause) == expected


@pytest.mark.parametrize("clause,expected", [
    # still notes on the clauses: no unit of their own
    ("市发展改革委牵头，其他任务由各区负责", [("市发展改革委", "LEADS", "牵头")]),
    ("市发展改革委、市财政局，其他单位不再列出", None),
])
def test_notes_on_the_others_stay_notes(clause, expected):
    c = parse_clause(normalize(clause), 0)
    got = None if c is None or not c.assignments else [(a.unit, a.role, a.qualifier) for a in c.assignments]
    assert got == expected


def test_this_item_is_done_by_sentence(tmp_path: Path):
    """此项工作由A负责，B配合。 at the end of an item names its units, as a bracket would; the title stays the item's."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某县农村人居环境整治方案\n\n一、重点任务\n"
                   "（一）推进农村厕所革命。全面排查问题厕所，2025年底前完成整改。此项工作由县农业农村局负责，各乡镇人民政府配合。\n"
                   "（二）加强生活垃圾治理。健全收运处置体系。该项任务统一由县城市管理局牵头。\n"
                   "（三）推进生活污水治理。此项工作要求各乡镇高度重视。\n", encoding="utf-8")
    g = parse_path(doc).graph
    titles = {t.id: t.title for t in g.tasks}
    got = [(titles[r.target_id], r.mention, r.role, r.qualifier) for r in g.responsibilities]
    assert got == [("推进农村厕所革命", "县农业农村局", "RESPONSIBLE_FOR", "负责"),
                   ("推进农村厕所革命", "各乡镇人民政府", "RESPONSIBLE_FOR", "配合"),
                   ("加强生活垃圾治理", "县城市管理局", "LEADS", "牵头")]


def test_kangxi_radicals_in_a_text_file(tmp_path: Path):
    """Text copied out of a PDF keeps Word's Kangxi radicals (部⻔, ⼯作, 改⾰): 牵头部⻔ is the label 牵头部门, and the
    unit stays as written while its organization is the ideograph name."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某县工作方案\n\n一、重点任务\n（一）推进⼯作。（牵头部⻔：县发展改⾰局；配合部⻔：县财政局）\n", encoding="utf-8")
    g = parse_path(doc).graph
    names = {o.id: o.name for o in g.organizations}
    got = [(r.mention, names[r.organization_id], r.role, r.qualifier) for r in g.responsibilities]
    assert got == [("县发展改⾰局", "县发展改革局", "LEADS", "牵头"), ("县财政局", "县财政局", "RESPONSIBLE_FOR", "配合")]


def test_a_deadline_from_a_year_on():
    c = parse_clause(normalize("市工业和信息化局负责，2024年起持续推进"), 0)
    assert c is not None and c.deadline == "2024年起持续推进"
    assert [(a.unit, a.role) for a in c.assignments] == [("市工业和信息化局", "RESPONSIBLE_FOR")]


def test_a_sentence_after_a_label_line_is_not_its_value(tmp_path: Path):
    """牵头单位:A　责任单位:B　完成时限:2025年3月底前 ⏎ 各责任单位要高度重视,明确责任人,…: the sentence below the last
    task's label line is its own paragraph (it was joined on: a unit 明确责任人, the deadline swallowing the sentence);
    a unit list wrapped onto the next line still joins."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某县2024年重点改革任务\n\n1.推进项目建设。加快项目审批。\n"
                   "牵头单位：县发展改革局　责任单位：县财政局、县自然资源\n和规划局\n"
                   "2.加强安全生产监管。开展安全检查。\n"
                   "牵头单位：县农业农村局　责任单位：县税务局、县直有关部门　完成时限：2025年3月底前\n"
                   "各责任单位要高度重视，明确责任人，每季度末向县政府办报送工作进展情况。\n", encoding="utf-8")
    g = parse_path(doc).graph
    got = [(r.mention, r.role, r.deadline) for r in g.responsibilities]
    assert got == [("县发展改革局", "LEADS", None), ("县财政局", "RESPONSIBLE_FOR", None),
                   ("县自然资源和规划局", "RESPONSIBLE_FOR", None),
                   ("县农业农村局", "LEADS", "2025年3月底前"), ("县税务局", "RESPONSIBLE_FOR", "2025年3月底前"),
                   ("县直有关部门", "RESPONSIBLE_FOR", "2025年3月底前")]


@pytest.mark.parametrize("clause,expected", [
    ("县供销合作社联合社负责", [("县供销合作社联合社", "RESPONSIBLE_FOR", "负责")]),
    ("省工商业联合会、省贸促会负责", [("省工商业联合会", "RESPONSIBLE_FOR", "负责"), ("省贸促会", "RESPONSIBLE_FOR", "负责")]),
    ("某园区联合党委负责", [("某园区联合党委", "RESPONSIBLE_FOR", "负责")]),
    ("市生态环境局联合市工信局负责", [("市生态环境局", "RESPONSIBLE_FOR", "负责"), ("市工信局", "RESPONSIBLE_FOR", "负责")]),
])
def test_lianhe_inside_a_name_is_no_conjunction(clause, expected):
    """联合 joins two units only before a placed one: 县供销合作社联合社 was split into 县供销合作社 and 社 (review set
    rev14 r22, by the reading of A联合B负责)."""
    assert _assigned(clause) == expected


def test_labels_with_a_space_for_the_colon(tmp_path: Path):
    """责任单位 县财政局 on its own line gave nothing (the line has no colon, bracket or role verb, so it was not read),
    配合单位 县林业局 under 责任单位：A was taken for more of A's units (负责, not 配合), two spaced labels on one line
    were one label, and the report said "no role text found" for a file whose edges all came from such labels."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某县2024年林业工作要点\n\n一、重点工作\n1.推进国土绿化。完成造林1万亩。\n责任单位 县财政局\n"
                   "配合单位 县林业局、县文化局\n2.加强森林防火。开展巡查。\n责任单位：县应急管理局\n配合单位 各乡镇人民政府\n"
                   "3.推进林长制。健全责任体系。\n牵头单位 县林业局 配合单位 县财政局\n", encoding="utf-8")
    parsed = parse_path(doc)
    titles = {a.id: a.title for a in parsed.graph.actions}
    got = [(titles[r.target_id], r.mention, r.qualifier) for r in parsed.graph.responsibilities]
    assert got == [("推进国土绿化", "县财政局", "负责"), ("推进国土绿化", "县林业局", "配合"), ("推进国土绿化", "县文化局", "配合"),
                   ("加强森林防火", "县应急管理局", "负责"), ("加强森林防火", "各乡镇人民政府", "配合"),
                   ("推进林长制", "县林业局", "牵头"), ("推进林长制", "县财政局", "配合")]
    cov = parsed.coverage
    assert cov.found["label"] == cov.read["label"] == 6 and not cov.unread


def test_a_unit_list_wrapped_before_yingji_still_joins(tmp_path: Path):
    """A label's unit list wrapped mid-name joins the next line even when 应急管理局 follows (应 opened a 'sentence'),
    and a 完成时限 value keeps 第1、第2批次 (第1、 is an ordinal, not an item marker) — review set rev15 p03b, p21."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某某县2024年安全生产工作方案\n\n一、重点任务\n1.开展隐患排查。全面排查整治。\n"
                   "责任单位：县发展改革局、县公安局、县交通运输局、县自然资\n源和规划局、县应急管理局，各乡镇人民政府\n"
                   "2.完成农村危房改造300户。责任单位：县住建局　完成时限：2024年6月底前完成第1、第2批次验收。\n", encoding="utf-8")
    got = [(r.mention, r.deadline) for r in parse_path(doc).graph.responsibilities]
    assert got == [("县发展改革局", None), ("县公安局", None), ("县交通运输局", None), ("县自然资源和规划局", None),
                   ("县应急管理局", None), ("各乡镇人民政府", None), ("县住建局", "2024年6月底前完成第1、第2批次验收")]


def test_duty_lines_with_an_adverb_or_a_dash_bullet(tmp_path: Path):
    """县水利局：主要负责… / A、B：分别负责… / 具体负责 gave nothing and were not counted as role text; ──县住建局：负责…
    lines (a dash bullet) under 二、职责分工 were unread (review set rev16 s09, s33, s41, s42)."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某县安全生产大检查工作方案\n一、检查重点\n对全县企业开展检查。\n二、职责分工\n"
                   "——县应急管理局：牵头负责大检查的组织协调和督导检查。\n——县水利局：主要负责水利工程安全检查。\n"
                   "——县市场监管局、县消防救援大队：分别负责特种设备、消防安全检查。\n——县自然资源局：具体负责地质灾害隐患排查。\n"
                   "三、工作要求\n各单位要于每月5日前报送检查情况。\n", encoding="utf-8")
    parsed = parse_path(doc)
    got = [(r.mention, r.role) for r in parsed.graph.responsibilities]
    assert got == [("县应急管理局", "LEADS"), ("县水利局", "RESPONSIBLE_FOR"), ("县市场监管局", "RESPONSIBLE_FOR"),
                   ("县消防救援大队", "RESPONSIBLE_FOR"), ("县自然资源局", "RESPONSIBLE_FOR")]
    assert parsed.coverage.found["label"] == parsed.coverage.read["label"] == 4


def test_a_signature_below_the_last_label_line_is_no_unit(tmp_path: Path):
    """某区人民政府办公室 ⏎ 2023年3月1日 after the last task's 责任单位 line was read as more of its units (a line of units
    below a label goes on with it), and a signature line was joined onto a long label line (review set rev16 s05)."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某区2023年工作方案\n\n一、重点任务\n（一）推进项目建设。加快项目进度。\n责任单位：区发改局、区住建局\n"
                   "（二）加强督查。定期通报。\n责任单位：区政府督查室、区财政局、区审计局、区农业农村局、区统计局\n"
                   "中共某区委办公室\n某区人民政府办公室\n2023年3月1日\n", encoding="utf-8")
    got = [r.mention for r in parse_path(doc).graph.responsibilities]
    assert got == ["区发改局", "区住建局", "区政府督查室", "区财政局", "区审计局", "区农业农村局", "区统计局"]


def test_page_numbers_and_form_feeds_of_text_saved_from_a_pdf(tmp_path: Path):
    """pdftotext keeps each page's number (— 1 —) and a form feed: the number became an item "1—" that took the
    clause of the sentence it cut (review set rev14 r36); now the number is no line and the sentence joins across it."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某市医疗卫生服务能力提升方案\n\n一、重点任务\n（一）推进分级诊疗。建设医联体。（牵头单位：市卫生健康委）\n"
                   "（二）推进中医药服务能力建设。加强中医馆建设，提升基层中医药服务水\n\n— 1 —\n\f平。（牵头单位：市卫生健康委；"
                   "配合单位：市医保局）\n（三）加强人才队伍建设。（市人社局负责）\n\n第2页\n\f", encoding="utf-8")
    g = parse_path(doc).graph
    titles = {t.id: t.title for t in g.tasks}
    got = [(titles[r.target_id], r.mention) for r in g.responsibilities]
    assert got == [("推进分级诊疗", "市卫生健康委"), ("推进中医药服务能力建设", "市卫生健康委"), ("推进中医药服务能力建设", "市医保局"),
                   ("加强人才队伍建设", "市人社局")]


@pytest.mark.parametrize("text,expected", [
    ("推进整治。（此项工作由县市场监管局负责，各乡镇配合）", [("县市场监管局", "负责"), ("各乡镇", "配合")]),
    ("推进整治。（该项任务统一由县商务局牵头）", [("县商务局", "牵头")]),
    ("推进整治。（此项工作要高度重视）", []),
])
def test_this_item_is_done_by_in_a_bracket(text, expected):
    """（此项工作由A负责，B配合） lost A ('此项工作由A' is no unit; review set rev15 p24): the bracket form of the sentence."""
    from kg.loaders.clauses import find_clauses

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.qualifier) for c in found for a in c.assignments] == expected


@pytest.mark.parametrize("clause,expected", [
    ("责任单位：县农业农村局/2024年底", [("县农业农村局", "RESPONSIBLE_FOR", "负责")]),
    ("责任单位：镇应急办/2024年6月", [("镇应急办", "RESPONSIBLE_FOR", "负责")]),
    ("责任单位：县财政局/县税务局", [("县财政局", "RESPONSIBLE_FOR", "负责"), ("县税务局", "RESPONSIBLE_FOR", "负责")]),
])
def test_a_date_after_a_slash_is_no_unit(clause, expected):
    """A 责任单位/完成时限 cell (县农业农村局/2024年底) gave a unit 2024年底 (review set rev15 p10, p27)."""
    assert _assigned(clause) == expected


def test_several_duties_on_one_line(tmp_path: Path):
    """2.镇应急办：负责应急处置；镇派出所：负责火案查处。 read only the first duty (review set rev16 s42): each further duty after
    a ； is a task of its own, titled by its text up to its ；/。 (several clauses in one item)."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某镇2023年森林防火工作方案\n\n一、职责分工\n1.镇林业站：负责森林防火日常监测。\n"
                   "2.镇应急办：负责应急处置；镇派出所：负责火案查处。\n"
                   "3.镇财政所：负责防灭火经费保障；镇党政办：负责宣传教育和信息报送；各村：负责巡山护林。\n", encoding="utf-8")
    g = parse_path(doc).graph
    titles = {x.id: x.title for x in [*g.actions, *g.tasks]}
    got = [(titles[r.target_id], r.mention) for r in g.responsibilities]
    assert got == [("镇林业站：负责森林防火日常监测", "镇林业站"), ("镇应急办：负责应急处置", "镇应急办"),
                   ("镇派出所：负责火案查处", "镇派出所"), ("镇财政所：负责防灭火经费保障", "镇财政所"),
                   ("镇党政办：负责宣传教育和信息报送", "镇党政办"), ("各村：负责巡山护林", "各村")]


def test_a_joint_signature_on_the_last_line(tmp_path: Path):
    """中共菏泽市委办公室　菏泽市人民政府办公室 on the document's last line, no date after it: the offices that sign, not
    units of the last label (review set rev16 s26)."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某市2018年乡村振兴工作要点\n\n一、重点任务\n1.深化平安乡村建设。开展专项斗争。\n责任单位：市委政法委、市公安局\n"
                   "中共某市委办公室　某市人民政府办公室\n", encoding="utf-8")
    assert [r.mention for r in parse_path(doc).graph.responsibilities] == ["市委政法委", "市公安局"]


@pytest.mark.parametrize("text,expected", [
    ("推进文旅融合。（镇文旅办牵头（联系人：王五），镇规划建设办配合）", [("镇文旅办", "牵头"), ("镇规划建设办", "配合")]),
    ("推进文旅融合。（镇文旅办牵头（联系电话：1234567），镇规划建设办配合）", [("镇文旅办", "牵头"), ("镇规划建设办", "配合")]),
    ("推进。（牵头单位：镇执法队（联系人：王五）；配合单位：镇财政所）", [("镇执法队", "牵头"), ("镇财政所", "配合")]),
])
def test_a_contact_bracket_after_a_role_verb(text, expected):
    """（镇文旅办牵头（联系人：王五），…） lost the lead silently: the part read as a contact line (review set rev17)."""
    from kg.loaders.clauses import find_clauses

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.qualifier) for c in found for a in c.assignments] == expected


def test_a_first_listed_note_on_its_own_line_after_the_items(tmp_path: Path):
    """各项任务中，排在第一位的为牵头单位，其他为责任单位。 printed after the items, with no 注 or 以上, covered only what
    follows it — nothing (review set rev17 t17: 4 leads typed as answering for it)."""
    doc = tmp_path / "plan.txt"
    doc.write_text("某市专项整治工作方案\n\n（一）整治集体资产管理问题。开展财务审计。（责任单位：市农业农村局、市财政局）\n"
                   "（二）整治补贴发放问题。推进一卡通管理。（责任单位：市财政局、市农业农村局）\n"
                   "各项任务中，排在第一位的为牵头单位，其他为责任单位。\n", encoding="utf-8")
    got = [(r.mention, r.role) for r in parse_path(doc).graph.responsibilities]
    assert got == [("市农业农村局", "LEADS"), ("市财政局", "RESPONSIBLE_FOR"), ("市财政局", "LEADS"),
                   ("市农业农村局", "RESPONSIBLE_FOR")]

"""Assignment phrasings beyond the seeds, in realistic documents written for these tests.

The expected edges were written down by hand from the documents in tests/phrasings/ before
comparing; each tuple is (task title, unit as written, role, qualifier, deadline).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import parse_path

HERE = Path(__file__).resolve().parent / "phrasings"


def edges(name: str) -> tuple[list[tuple], object]:
    g = parse_path(HERE / name).graph
    tasks = {t.id: t.title for t in g.tasks}
    actions = {a.id: a.title for a in g.actions}
    out = [(tasks.get(r.target_id) or actions[r.target_id], r.mention, r.role, r.qualifier, r.deadline)
           for r in g.responsibilities]
    return out, g


def test_national_first_listed_leads_collectives_after_deng_and_deadlines():
    got, g = edges("national_division.txt")
    doc = g.documents[0]
    assert (doc.jurisdiction, doc.level, doc.doc_number, doc.issuer) == ("全国", "国家", "国办发〔2024〕12号", "国务院办公厅")
    assert doc.title == "全民数字素养提升行动分工方案"
    assert got == [
        ("推动数字资源开放共享", "国家发展改革委", "LEADS", "牵头", None),
        ("推动数字资源开放共享", "工业和信息化部", "RESPONSIBLE_FOR", "负责", None),
        ("推动数字资源开放共享", "国家数据局", "RESPONSIBLE_FOR", "负责", None),
        ("推进社会保障卡应用", "人力资源社会保障部", "LEADS", "牵头", "2025年底前完成"),
        ("推进社会保障卡应用", "中国人民银行", "RESPONSIBLE_FOR", "负责", "2025年底前完成"),
        ("提升老年人数字技能", "民政部", "LEADS", "牵头", None),
        ("提升老年人数字技能", "国家卫生健康委", "RESPONSIBLE_FOR", "负责", None),
        ("提升老年人数字技能", "国务院相关部门", "RESPONSIBLE_FOR", "负责", None),
        ("提升老年人数字技能", "各地区", "RESPONSIBLE_FOR", "负责", None),
        ("提升农民数字素养", "农业农村部", "LEADS", "牵头", None),
        ("提升农民数字素养", "商务部", "RESPONSIBLE_FOR", "负责", None),
        ("提升劳动者数字技能", "人力资源社会保障部", "LEADS", "牵头", None),
        ("提升劳动者数字技能", "教育部", "RESPONSIBLE_FOR", "配合", None),
        ("提升劳动者数字技能", "全国总工会", "RESPONSIBLE_FOR", "配合", None),
    ]
    # two levels (一、 then （一）): the （一） items are tasks of an action titled by the 一、 heading
    assert [a.title for a in g.actions] == ["丰富优质数字资源供给", "提升重点人群数字素养"]
    orgs = {o.name: o for o in g.organizations}
    assert orgs["国务院相关部门"].collective and orgs["各地区"].collective
    assert orgs["人力资源社会保障部"].jurisdiction == "全国"
    # (APP) and (含电子社保卡) are text, not clauses
    assert not any("APP" in r.prov.text or "电子社保卡" in r.prov.text for r in g.responsibilities)


def test_province_first_listed_convention_and_every_qualifier():
    got, g = edges("province_first_listed.txt")
    assert g.documents[0].jurisdiction == "江苏省"
    assert got == [
        ("建设一批科技馆", "省科协", "LEADS", "牵头", None),
        ("建设一批科技馆", "省发展改革委", "RESPONSIBLE_FOR", "负责", None),
        ("建设一批科技馆", "省财政厅", "RESPONSIBLE_FOR", "负责", None),
        ("建设科普教育基地", "省科技厅", "LEADS", "牵头", None),
        ("建设科普教育基地", "省科协", "RESPONSIBLE_FOR", "负责", None),
        ("培养科普人才", "省人力资源社会保障厅", "LEADS", "牵头", "6月底完成"),
        ("加强科普宣传", "省委宣传部", "RESPONSIBLE_FOR", "指导", None),
        ("加强科普宣传", "省广电局", "RESPONSIBLE_FOR", "配合", None),
        ("加强科普宣传", "省科协", "RESPONSIBLE_FOR", "配合", None),
        ("开展科普志愿服务", "各设区市人民政府", "LEADS", "牵头", None),
        ("开展科普志愿服务", "省科协", "RESPONSIBLE_FOR", "配合", None),
    ]
    names = {o.name for o in g.organizations}
    assert {"江苏省科学技术协会", "江苏省科学技术厅", "中共江苏省委宣传部", "江苏省人力资源和社会保障厅"} <= names
    # (含农村、社区) inside a task is not a clause
    assert all("含农村" not in r.prov.text for r in g.responsibilities)


def test_run_on_body_two_levels_scores_and_several_clauses_in_one_paragraph():
    got, g = edges("city_one_line.txt")
    assert g.documents[0].title == "临沂市科普工作考核办法"
    assert got == [
        ("科普阵地建设", "市科协", "RESPONSIBLE_FOR", "负责", None),
        ("科普活动开展", "市科技局", "RESPONSIBLE_FOR", "负责", None),
        # a second clause in the item covers the text since the first: a task of its own, titled by its first clause
        ("开展科技活动周活动", "市委宣传部", "RESPONSIBLE_FOR", "负责", None),
        ("开展科技活动周活动", "市科协", "RESPONSIBLE_FOR", "负责", None),
        ("日常考核", "市直有关部门", "RESPONSIBLE_FOR", "负责", None),
    ]
    assert [t.title for t in g.tasks if t.action_id == g.actions[0].id] == ["科普阵地建设", "科普活动开展", "开展科技活动周活动"]
    assert [a.title for a in g.actions] == ["考核内容", "考核方式"]  # scores (20分) are not part of titles
    text = (HERE / "city_one_line.txt").read_text(encoding="utf-8")
    for r in g.responsibilities:
        assert text[r.prov.start:r.prov.end] == r.prov.text and r.mention in r.prov.text


@pytest.mark.parametrize("clause,expected", [
    ("（市教育局、市科协等按职责分工负责）", [("市教育局", "RESPONSIBLE_FOR"), ("市科协", "RESPONSIBLE_FOR")]),
    ("（市财政局按职责分工配合）", [("市财政局", "RESPONSIBLE_FOR")]),
    ("（县教育和体育局、县文化和旅游局负责）", [("县教育和体育局", "RESPONSIBLE_FOR"), ("县文化和旅游局", "RESPONSIBLE_FOR")]),
    ("（各街道办事处和各成员单位按职责分工负责）", [("各街道办事处", "RESPONSIBLE_FOR"), ("各成员单位", "RESPONSIBLE_FOR")]),
    ("（、市教育局、，市科协负责）", [("市教育局", "RESPONSIBLE_FOR"), ("市科协", "RESPONSIBLE_FOR")]),
    # 会同 a collective (各区 / 各县（市、区）) and the work they do: the collective answers with the lead
    ("（由市发展改革委牵头，会同各区推进）", [("市发展改革委", "LEADS"), ("各区", "RESPONSIBLE_FOR")]),
    ("（由市发展改革委牵头，会同各县（市、区）、市直有关部门组织实施）",
     [("市发展改革委", "LEADS"), ("各县(市、区)", "RESPONSIBLE_FOR"), ("市直有关部门", "RESPONSIBLE_FOR")]),
    ("（APP）", []),
    ("（3分）", []),
    ("（2021—2035年）", []),
])
def test_single_clauses(clause, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(clause))
    got = [(a.unit, a.role) for c in found for a in c.assignments]
    assert got == expected


def test_a_clause_naming_no_unit_is_reported():
    from kg.loaders import parse_text

    text = "测试县人民政府\n2023年1月1日\n测试县实施方案\n为落实任务，制定本实施方案。\n一、任务\n（一）科普行动\n1.开展活动。做好工作。（牵头单位：）\n"
    parsed = parse_text(text, "no-unit.txt")
    assert parsed.graph.responsibilities == []
    assert any("no-unit.txt" in w and "no unit" in w for w in parsed.warnings)


def test_clause_in_tortoise_shell_brackets_with_label_and_verb():
    """A provincial style: 〔责任单位:A、B按职责分工负责。…下同。〕 — and a bare 商务厅 is the province's."""
    from kg.loaders import parse_text

    text = ("四川省发展和改革委员会\n2022年10月18日\n四川省测试实施方案\n为落实部署,制定本方案。\n一、深化改革\n"
            "(一)加强市场体系建设。推进高标准市场体系建设。〔责任单位:省发展改革委、商务厅按职责分工负责。"
            "具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕\n")
    g = parse_text(text, "tortoise.txt").graph
    orgs = {o.id: o.name for o in g.organizations}
    assert [(r.mention, orgs[r.organization_id], r.qualifier) for r in g.responsibilities] == [
        ("省发展改革委", "四川省发展和改革委员会", "负责"), ("商务厅", "四川省商务厅", "负责")]
    assert g.responsibilities[0].prov.text.startswith("〔责任单位") and g.responsibilities[0].prov.text.endswith("〕")


def test_an_annex_is_read_on_as_a_section_of_its_own():
    got, g = edges("county_with_annex.txt")
    assert g.documents[0].jurisdiction == "东明县"
    assert [s.title for s in g.sections][-1] == "东明县全民健身重点任务分工表"
    assert got == [
        ("建设健身场地设施", "县教育和体育局", "RESPONSIBLE_FOR", "负责", None),
        ("建设健身场地设施", "县住建局", "RESPONSIBLE_FOR", "配合", None),
        ("建设健身场地设施", "县自然资源局", "RESPONSIBLE_FOR", "配合", None),
        ("开展全民健身活动", "县教育和体育局", "LEADS", "牵头", None),
        ("开展全民健身活动", "各乡镇人民政府", "RESPONSIBLE_FOR", "负责", None),
    ]
    orgs = {o.name for o in g.organizations}
    assert {"东明县教育和体育局", "东明县住房和城乡建设局"} <= orgs


@pytest.mark.parametrize("clause,expected,deadline", [
    # a unit is the noun phrase in the unit slot, whatever its head noun
    ("（国务院减轻企业负担部际联席会议牵头，各成员单位配合，持续推进）",
     [("国务院减轻企业负担部际联席会议", "LEADS", "牵头"), ("各成员单位", "RESPONSIBLE_FOR", "配合")], "持续推进"),
    ("（体育总局牵头，全国总工会、共青团中央、全国妇联等部门参与）",
     [("体育总局", "LEADS", "牵头"), ("全国总工会", "RESPONSIBLE_FOR", "配合"), ("共青团中央", "RESPONSIBLE_FOR", "配合"),
      ("全国妇联", "RESPONSIBLE_FOR", "配合")], None),
    # 各 distributes over a list of places that share the government noun
    ("（各省辖市、济源示范区人民政府负责）", [("各省辖市、济源示范区人民政府", "RESPONSIBLE_FOR", "负责")], None),
    ("（县水利局统筹，县自然资源局、县交通运输局配合）",
     [("县水利局", "LEADS", "牵头"), ("县自然资源局", "RESPONSIBLE_FOR", "配合"), ("县交通运输局", "RESPONSIBLE_FOR", "配合")], None),
    # a person named in a clause is not a unit
    ("（牵头领导：王强；牵头单位：市水利局；责任单位：各县市区政府）",
     [("市水利局", "LEADS", "牵头"), ("各县市区政府", "RESPONSIBLE_FOR", "负责")], None),
    # a deadline in a bracket of its own right after the clause
    ("（市民政局负责）（2024年6月底前）", [("市民政局", "RESPONSIBLE_FOR", "负责")], "2024年6月底前"),
    # a unit marks its own role in a list
    ("责任单位：市发改委（牵头）、市财政局", [("市发改委", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "负责")], None),
    ("（市发展改革委会同市财政局牵头，各区政府分头落实）",
     [("市发展改革委", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "负责"), ("各区政府", "RESPONSIBLE_FOR", "负责")], None),
    ("（牵头单位：市商务局；配合单位：市财政局、市税务局；完成时限：2024年6月底前）",
     [("市商务局", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "配合"), ("市税务局", "RESPONSIBLE_FOR", "配合")],
     "2024年6月底前"),
    ("（市人力社保局、市农业农村局分别牵头）",
     [("市人力社保局", "LEADS", "牵头"), ("市农业农村局", "LEADS", "牵头")], None),
    ("（市委宣传部、市文明办负责指导，各区县落实）",
     [("市委宣传部", "RESPONSIBLE_FOR", "指导"), ("市文明办", "RESPONSIBLE_FOR", "指导"), ("各区县", "RESPONSIBLE_FOR", "负责")], None),
    # an adverb before the verb is not part of the unit
    ("（县农业农村局牵头，县财政局、县乡村振兴局协同配合）",
     [("县农业农村局", "LEADS", "牵头"), ("县财政局", "RESPONSIBLE_FOR", "配合"), ("县乡村振兴局", "RESPONSIBLE_FOR", "配合")],
     None),
    ("（市文明办牵头，各县（市、区）、市直各部门按职责分工负责）",
     [("市文明办", "LEADS", "牵头"), ("各县(市、区)", "RESPONSIBLE_FOR", "负责"), ("市直各部门", "RESPONSIBLE_FOR", "负责")], None),
    # a deadline label after a space-separated label, or after a bare unit list
    ("（责任单位：市教育局 配合单位：市财政局 完成时限：长期坚持）",
     [("市教育局", "RESPONSIBLE_FOR", "负责"), ("市财政局", "RESPONSIBLE_FOR", "配合")], "长期坚持"),
    ("（市教育局、市科协；完成时限：2024年底）",
     [("市教育局", "RESPONSIBLE_FOR", "负责"), ("市科协", "RESPONSIBLE_FOR", "负责")], "2024年底"),
    # 参加 supports, as 参与 does (label and verb); 参加人员 names people, not a role
    ("（牵头单位：国家发展改革委、财政部；参加单位：商务部）",
     [("国家发展改革委", "LEADS", "牵头"), ("财政部", "LEADS", "牵头"), ("商务部", "RESPONSIBLE_FOR", "配合")], None),
    ("（市教育局牵头，市财政局参加）", [("市教育局", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "配合")], None),
    ("（参加人员：张三）", [], None),
    # not role clauses: a sentence that ends in a verb, a note, a deadline alone
    ("（抓好落实）", [], None),
    ("（市教育局、市科协；联系人：王强）", [], None),
    ("（以上任务均由各县区负责落实）", [], None),
    ("（2024年底前完成）", [], None),
])
def test_clause_grammar(clause, expected, deadline):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(clause))
    assert [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments] == expected
    assert next((c.deadline for c in found if c.deadline), None) == deadline


# ── clause grammar found by a red-team reading (each case hand-checked) ──
@pytest.mark.parametrize("clause,expected", [
    # two collectives with no shared suffix: 区直各部门 / 县直各部门 / 市直有关单位 stand on their own
    ("（区商务局牵头，各街道、区直各部门负责）",
     [("区商务局", "LEADS", "牵头"), ("各街道", "RESPONSIBLE_FOR", "负责"), ("区直各部门", "RESPONSIBLE_FOR", "负责")]),
    ("（各乡镇、县直各部门负责）", [("各乡镇", "RESPONSIBLE_FOR", "负责"), ("县直各部门", "RESPONSIBLE_FOR", "负责")]),
    ("（各县区、市直有关单位负责）", [("各县区", "RESPONSIBLE_FOR", "负责"), ("市直有关单位", "RESPONSIBLE_FOR", "负责")]),
    # true shared suffixes stay whole
    ("（各市、县人民政府负责）", [("各市、县人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("（各县（市、区）人民政府负责）", [("各县(市、区)人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("（教育、卫生部门负责）", [("教育、卫生部门", "RESPONSIBLE_FOR", "负责")]),
    ("（各市、州、县人民政府负责）", [("各市、州、县人民政府", "RESPONSIBLE_FOR", "负责")]),
    # zones that share one 管委会 are one unit as written; a 管委会 after a unit of its own is not shared
    ("（市科技局牵头，芜湖经开区、芜湖高新区管委会配合）",
     [("市科技局", "LEADS", "牵头"), ("芜湖经开区、芜湖高新区管委会", "RESPONSIBLE_FOR", "配合")]),
    ("（各县（区）人民政府，市各开发区、新区、园区管委会负责）",
     [("各县(区)人民政府", "RESPONSIBLE_FOR", "负责"), ("市各开发区、新区、园区管委会", "RESPONSIBLE_FOR", "负责")]),
    ("（市发改委、经开区管委会负责）", [("市发改委", "RESPONSIBLE_FOR", "负责"), ("经开区管委会", "RESPONSIBLE_FOR", "负责")]),
    ("（区发改局、高新区负责）", [("区发改局", "RESPONSIBLE_FOR", "负责"), ("高新区", "RESPONSIBLE_FOR", "负责")]),
    # a bare head noun after 和 (or 、) shares the prefix before it: one unit, never a unit called 政府
    ("（各县（市、区）党委和政府负责）", [("各县(市、区)党委和政府", "RESPONSIBLE_FOR", "负责")]),
    ("（各级党委和人民政府负责）", [("各级党委和人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("（各县（市、区）党委、政府负责）", [("各县(市、区)党委、政府", "RESPONSIBLE_FOR", "负责")]),
    ("（市委和市政府负责）", [("市委", "RESPONSIBLE_FOR", "负责"), ("市政府", "RESPONSIBLE_FOR", "负责")]),
    ("（县教育局和县体育局负责）", [("县教育局", "RESPONSIBLE_FOR", "负责"), ("县体育局", "RESPONSIBLE_FOR", "负责")]),
])
def test_red_team_unit_lists(clause, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(clause))
    assert [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments] == expected


@pytest.mark.parametrize("clause,expected,problems", [
    # verbs kg knows now: 主抓 / 负总责 / 抓好落实 answer for it; 主责 (like the label 主责单位 and the mark
    # （主责）) and 主办 lead; 协同 / 协调 / 予以支持 support; 督促指导 guides
    ("（市教育局主抓，市体育局协同）", [("市教育局", "RESPONSIBLE_FOR", "负责"), ("市体育局", "RESPONSIBLE_FOR", "配合")], 0),
    ("（各县区政府负总责，市直有关部门督促指导）",
     [("各县区政府", "RESPONSIBLE_FOR", "负责"), ("市直有关部门", "RESPONSIBLE_FOR", "指导")], 0),
    ("（市商务局主责，市市场监管局协同）", [("市商务局", "LEADS", "牵头"), ("市市场监管局", "RESPONSIBLE_FOR", "配合")], 0),
    ("（市政府办公室协调，市直各部门抓好落实）",
     [("市政府办公室", "RESPONSIBLE_FOR", "配合"), ("市直各部门", "RESPONSIBLE_FOR", "负责")], 0),
    ("（市教育局牵头，市财政局予以支持）", [("市教育局", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "配合")], 0),
    ("（县水利局统筹协调，县财政局配合）", [("县水利局", "LEADS", "牵头"), ("县财政局", "RESPONSIBLE_FOR", "配合")], 0),
    ("（市委督查落实办公室牵头，市社会工作指导中心配合）",
     [("市委督查落实办公室", "LEADS", "牵头"), ("市社会工作指导中心", "RESPONSIBLE_FOR", "配合")], 0),
    # a verb kg does not know is cut off the unit and never takes the next group's role; the clause says so
    ("（市交通局主推进，市公安局配合）", [("市交通局", "RESPONSIBLE_FOR", "负责"), ("市公安局", "RESPONSIBLE_FOR", "配合")], 1),
    # … but only in a clause with a known role word: prose in brackets stays text
    ("（申请人主动申请办理的，消防部门予以受理）", [], 0),
    ("（市交通局主推进）", [], 0),
    # 支持 beside a known role word supports; alone it is no clause ((资金支持) is text)
    ("（市科协负责，市外办、市科技局支持）",
     [("市科协", "RESPONSIBLE_FOR", "负责"), ("市外办", "RESPONSIBLE_FOR", "配合"), ("市科技局", "RESPONSIBLE_FOR", "配合")], 0),
    ("（资金支持）", [], 0),
    ("（市财政局支持）", [], 0),
    # the first-listed-leads note in other words, inside the clause it governs
    ("（责任单位：市科协、市委网信办，牵头单位列第一位）",
     [("市科协", "LEADS", "牵头"), ("市委网信办", "RESPONSIBLE_FOR", "负责")], 0),
    ("（市科协、市委网信办负责，第一个单位为牵头单位）",
     [("市科协", "LEADS", "牵头"), ("市委网信办", "RESPONSIBLE_FOR", "负责")], 0),
    # a part before the first role word that names nothing readable is reported, not dropped silently
    ("（人民银行芜湖中支，市财政局负责）", [("市财政局", "RESPONSIBLE_FOR", "负责")], 1),
])
def test_red_team_verbs(clause, expected, problems):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(clause))
    assert [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments] == expected
    assert sum(len(c.problems) for c in found) == problems


@pytest.mark.parametrize("clause,expected", [
    # a role verb that takes an object: the unit keeps its role, the object is not a unit
    ("（市应急局牵头，市消防救援支队配合做好相关工作）",
     [("市应急局", "LEADS", "牵头"), ("市消防救援支队", "RESPONSIBLE_FOR", "配合")]),
    ("（市应急局负责，市公安局协助做好交通管制）",
     [("市应急局", "RESPONSIBLE_FOR", "负责"), ("市公安局", "RESPONSIBLE_FOR", "配合")]),
    ("（由市财政局负责资金保障）", [("市财政局", "RESPONSIBLE_FOR", "负责")]),
    # after a role word, 做好/抓好 + object answers for it
    ("（市教育局牵头，市财政局做好资金保障）", [("市教育局", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "负责")]),
    # not role statements: a sentence whose subject is no unit, a noun phrase, 做好 with no role word before it
    ("（指导企业落实主体责任）", []),
    ("（市教育局负责的项目除外）", []),
    ("（市财政局做好资金保障）", []),
    ("（企业负责建设）", []),
])
def test_red_team_verb_with_object(clause, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(clause))
    assert [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments] == expected


def test_a_unit_dropped_from_a_clause_makes_the_report_partial():
    """Edges came out of the clause, but a part of it was not read: the coverage names it, the file is partial."""
    from kg.loaders import parse_text

    text = ("测试市人民政府办公室关于印发测试市2024年工作要点的通知\n测试市2024年工作要点\n一、重点任务\n"
            "（一）任务甲。（市教育局牵头，市财政局研究资金保障）\n"
            "（二）任务乙。（市应急局负责，市公安局协助做好交通管制）\n")
    parsed = parse_text(text, "partly.txt")
    got = [(r.mention, r.role, r.qualifier) for r in parsed.graph.responsibilities]
    assert got == [("市教育局", "LEADS", "牵头"), ("市应急局", "RESPONSIBLE_FOR", "负责"), ("市公安局", "RESPONSIBLE_FOR", "配合")]
    cov = parsed.coverage
    assert (cov.found["bracket"], cov.read["bracket"]) == (2, 1)
    assert [(u.kind, u.text) for u in cov.unread] == [("bracket", "市财政局研究资金保障")]
    assert text.index("（市教育局牵头") == cov.unread[0].start
    assert any("not read" in w and "市财政局研究资金保障" in w for w in parsed.warnings)


def test_bare_unit_lists_closing_a_sentence_answer_for_it():
    """(A、B) closing an item, nothing but units (and a deadline): they answer for it; brackets that are not
    unit lists stay text: (APP), (含电子社保卡), (市、县、乡三级), (如学校、医院), (2024年版), (试行), (3分)."""
    got, g = edges("bare_unit_lists.txt")
    assert got == [
        ("推进政务服务数字化", "市数据局", "RESPONSIBLE_FOR", "负责", None),
        ("推进政务服务数字化", "市政务服务中心", "RESPONSIBLE_FOR", "负责", None),
        ("推进经济运行监测", "市发展改革委", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("推进经济运行监测", "市统计局", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("推进经济运行监测", "各县（区）人民政府", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("推进公共服务数字化", "市教育局", "RESPONSIBLE_FOR", "负责", None),
        ("推进城市治理数字化", "市城管局", "RESPONSIBLE_FOR", "负责", None),
        ("推进城市治理数字化", "市各开发区、新区、园区管委会", "RESPONSIBLE_FOR", "负责", None),
    ]
    for text in ("APP", "电子社保卡", "三级", "学校", "2024年版", "试行", "3分"):
        assert not any(text in r.prov.text for r in g.responsibilities), text
    parsed = parse_path(HERE / "bare_unit_lists.txt")
    cov = parsed.coverage  # each bare list that gave edges is counted as role text found and read
    assert (cov.found["bracket"], cov.read["bracket"], cov.unread) == (4, 4, [])


def test_bare_unit_lists_with_a_first_listed_notice():
    got, _ = edges("bare_unit_lists_first_listed.txt")
    assert got == [
        ("推进经济调节数字化", "省发展改革委", "LEADS", "牵头", None),
        ("推进经济调节数字化", "省统计局", "RESPONSIBLE_FOR", "负责", None),
        ("推进经济调节数字化", "各市、州、县人民政府", "RESPONSIBLE_FOR", "负责", None),
        ("推进市场监管数字化", "省市场监管局", "LEADS", "牵头", "2024年底前完成"),
        ("推进市场监管数字化", "省委网信办（省互联网信息办公室）", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("推进市场监管数字化", "省司法厅", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("推进市场监管数字化", "省直有关部门", "RESPONSIBLE_FOR", "负责", "2024年底前完成"),
        ("提升安全保障能力", "省数据局", "LEADS", "牵头", "持续推进"),
        ("强化安全管理责任", "省委网信办", "LEADS", "牵头", None),
        ("强化安全管理责任", "省公安厅", "RESPONSIBLE_FOR", "负责", None),
    ]


@pytest.mark.parametrize("text,expected", [
    ("建设平台。（市发展改革委、市统计局）", [("市发展改革委", "RESPONSIBLE_FOR"), ("市统计局", "RESPONSIBLE_FOR")]),
    ("完善机制（市政府办公室，2024年底前）。", [("市政府办公室", "RESPONSIBLE_FOR")]),
    ("完善机制（市发改委、各县（市、区））", [("市发改委", "RESPONSIBLE_FOR"), ("各县(市、区)", "RESPONSIBLE_FOR")]),
    # not unit lists, or not closing a sentence
    ("各省（自治区、直辖市）", []),
    ("覆盖（省、市、县）", []),
    ("公共场所（如学校、医院）", []),
    ("市发展改革委（以下简称“市发改委”）", []),
    ("规划（2021—2025年）", []),
    ("建设（市民中心、文化中心）", []),
    ("加强（东部、中部、西部）", []),
    ("（各县区、各乡镇）", []),
    ("完善机制（市政府办公室）后报市政府", []),
])
def test_bare_unit_list_is_strict(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.role) for c in found for a in c.assignments] == expected


def test_a_note_after_the_items_looks_back():
    """注：以上各项任务中，排在第一位的为牵头单位 covers the items before it, not those after it."""
    got, _ = edges("note_after_items.txt")
    assert got == [
        ("加快重大项目建设", "市发改委", "LEADS", "牵头", None),
        ("加快重大项目建设", "市财政局", "RESPONSIBLE_FOR", "负责", None),
        ("加强要素保障", "市自然资源局", "LEADS", "牵头", None),
        ("开展产业链招商", "市商务局", "LEADS", "牵头", None),
        ("开展产业链招商", "市工信局", "RESPONSIBLE_FOR", "配合", None),
        ("开展以商招商", "市工商联", "LEADS", "牵头", None),
        ("开展以商招商", "市商务局", "RESPONSIBLE_FOR", "负责", None),
        ("加强组织领导", "市委办", "RESPONSIBLE_FOR", "负责", None),
        ("加强组织领导", "市政府办", "RESPONSIBLE_FOR", "负责", None),
        ("强化考核督导", "市委督查室", "RESPONSIBLE_FOR", "负责", None),
        ("强化考核督导", "市政府督查室", "RESPONSIBLE_FOR", "负责", None),
    ]


def test_a_note_under_a_table_covers_that_table():
    """注：责任单位中排在第一位的为牵头单位 right under a table: that table's rows; not the item above it, not
    the next table."""
    got, _ = edges("note_under_table.md")
    assert got == [
        ("建立工作台账", "市发改委", "RESPONSIBLE_FOR", "负责", None),
        ("建立工作台账", "市统计局", "RESPONSIBLE_FOR", "负责", None),
        ("推进项目建设", "市发改委", "LEADS", "牵头", "6月底"),
        ("推进项目建设", "市财政局", "RESPONSIBLE_FOR", "负责", "6月底"),
        ("推进项目建设", "市自然资源局", "RESPONSIBLE_FOR", "负责", "6月底"),
        ("推进招商引资", "市商务局", "LEADS", "牵头", "9月底"),
        ("推进招商引资", "市投促中心", "RESPONSIBLE_FOR", "负责", "9月底"),
        ("开展督查", "市委督查室", "RESPONSIBLE_FOR", "负责", "12月底"),
        ("开展督查", "市政府督查室", "RESPONSIBLE_FOR", "负责", "12月底"),
    ]


def test_a_first_listed_note_in_a_column_header_is_read_not_reported():
    from kg.loaders import parse_text

    text = ("# 测试市2024年重点任务分工表\n\n| 序号 | 重点任务 | 责任单位（排在第一位的为牵头单位） | 完成时限 |\n|---|---|---|---|\n"
            "| 1 | 推进项目建设。 | 市发改委、市财政局 | 6月底 |\n")
    parsed = parse_text(text, "header-note.md")
    assert [(r.mention, r.role) for r in parsed.graph.responsibilities] == [
        ("市发改委", "LEADS"), ("市财政局", "RESPONSIBLE_FOR")]
    cov = parsed.coverage
    assert cov.unread == [] and cov.found["bracket"] == 0 and (cov.found["table"], cov.read["table"]) == (1, 1)
    assert not any("not read" in w for w in parsed.warnings)


@pytest.mark.parametrize("text,expected", [
    # a division label (部门分工 / 责任分工 / 任务分工 / 职责分工 / 分工): its value is a clause, never a unit's name
    ("（部门分工：省发展改革委牵头，省统计局配合）",
     [("省发展改革委", "LEADS", "牵头"), ("省统计局", "RESPONSIBLE_FOR", "配合")]),
    ("【责任分工：省农业农村厅牵头，各市人民政府落实】",
     [("省农业农村厅", "LEADS", "牵头"), ("各市人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("分工：省发展改革委、省统计局负责。", [("省发展改革委", "RESPONSIBLE_FOR", "负责"), ("省统计局", "RESPONSIBLE_FOR", "负责")]),
    ("责任分工：省发展改革委、省统计局", [("省发展改革委", "RESPONSIBLE_FOR", "负责"), ("省统计局", "RESPONSIBLE_FOR", "负责")]),
    # labels of supporting units
    ("协同责任单位：省生态环境厅、省统计局等", [("省生态环境厅", "RESPONSIBLE_FOR", "配合"), ("省统计局", "RESPONSIBLE_FOR", "配合")]),
    ("协作单位：省科技厅", [("省科技厅", "RESPONSIBLE_FOR", "配合")]),
    ("其他责任单位：省交通运输厅", [("省交通运输厅", "RESPONSIBLE_FOR", "配合")]),
    ("（主要责任单位：省能源局）", [("省能源局", "RESPONSIBLE_FOR", "负责")]),
    # not clauses: a 职责分工 heading with nothing after it, 分工 inside a sentence, people
    ("职责分工：", []),
    ("明确任务分工：各地要细化方案", []),
    ("分管省领导：林克庆", []),
    ("牵头负责领导：刘惠。", []),
])
def test_division_labels(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    got = [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments]
    assert got == expected
    assert not any(":" in u or "分工" in u for u, _, _ in got)


@pytest.mark.parametrize("text,expected", [
    # posts, and posts with a person's name, are people: skipped, the rest of the clause is read (no problem reported)
    ("（分管副省长、协管副秘书长负责，省发展改革委牵头，省财政厅、省统计局等按职责分工负责）",
     [("省发展改革委", "LEADS", "牵头"), ("省财政厅", "RESPONSIBLE_FOR", "负责"), ("省统计局", "RESPONSIBLE_FOR", "负责")]),
    ("（市政府副市长李四负责，市自然资源局牵头，市住建局配合）",
     [("市自然资源局", "LEADS", "牵头"), ("市住建局", "RESPONSIBLE_FOR", "配合")]),
    ("（县委书记、县长负责，县委办牵头）", [("县委办", "LEADS", "牵头")]),
    ("（市卫生健康委主任负责，市卫生健康委牵头）", [("市卫生健康委", "LEADS", "牵头")]),
    ("（市委常委、常务副市长王五，市住建局）", []),
    # organizations whose names hold a post-like character stay units
    ("（市委、市人大常委会、市政协负责）",
     [("市委", "RESPONSIBLE_FOR", "负责"), ("市人大常委会", "RESPONSIBLE_FOR", "负责"), ("市政协", "RESPONSIBLE_FOR", "负责")]),
    ("（省长江办、团省委、省委书记处配合）",
     [("省长江办", "RESPONSIBLE_FOR", "配合"), ("团省委", "RESPONSIBLE_FOR", "配合"), ("省委书记处", "RESPONSIBLE_FOR", "配合")]),
])
def test_posts_and_people_are_not_units(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments] == expected
    assert not any(c.problems for c in found)


def test_a_stray_space_inside_a_unit_is_dropped():
    """A space (half or full width) separates units only between two whole units; 县 教育局 / 县财 政局 /
    各乡镇 （街道） are one unit each, the mention as written without the space."""
    got, _ = edges("stray_spaces.txt")
    assert got == [
        ("提升村容村貌", "县农业农村局", "LEADS", "牵头", None),
        ("提升村容村貌", "各乡镇（街道）", "RESPONSIBLE_FOR", "负责", None),
        ("推进改革", "县教育局", "RESPONSIBLE_FOR", "负责", None),
        ("推进改革", "县财政局", "RESPONSIBLE_FOR", "负责", None),
        ("强化保障", "县发改委", "RESPONSIBLE_FOR", "负责", None),
        ("强化保障", "县财政局", "RESPONSIBLE_FOR", "负责", None),
        ("加强管护", "县发改委", "RESPONSIBLE_FOR", "负责", None),
        ("加强管护", "县住建局", "RESPONSIBLE_FOR", "负责", None),
    ]


def test_brackets_that_explain_what_stands_before_them_are_not_clauses():
    """A bare unit list is a clause only where it closes a task: not after a count it enumerates (2个(A、B)),
    an organization it names again (设在市发展改革委(市营商环境办)), a person's name (王  强(…), 赵  敏(市医保局)),
    on a contact line or in a list of annexes (whose titles are not items either). Two bare lists closing one
    sentence ((市委宣传部)(市融媒体中心)) both count; a count the list does not match (改造10座(A、B)) is a task's."""
    got, g = edges("bare_list_explanations.txt")
    assert got == [
        ("完善医保支付", "市医保局", "RESPONSIBLE_FOR", "负责", None),
        ("完善医保支付", "市财政局", "RESPONSIBLE_FOR", "负责", None),
        ("改造危桥", "市交通运输局", "RESPONSIBLE_FOR", "负责", None),
        ("改造危桥", "市财政局", "RESPONSIBLE_FOR", "负责", None),
        ("强化宣传", "市委宣传部", "RESPONSIBLE_FOR", "负责", None),
        ("强化宣传", "市融媒体中心", "RESPONSIBLE_FOR", "负责", None),
        ("建设平台", "市卫生健康委", "RESPONSIBLE_FOR", "负责", None),
        ("建设平台", "市大数据局", "RESPONSIBLE_FOR", "负责", None),
    ]
    assert not any("指标" in a.title or "名单" in a.title for a in g.actions)


@pytest.mark.parametrize("text,expected", [
    ("确定试点单位3家（市第一人民医院、市中医医院、市妇幼保健院）。", []),
    ("授予10个单位先进集体称号（市第一中学、市实验小学等）。", []),
    ("考核结果报市政府（市政府督查室）。", []),
    ("重大事项报市委、市政府（市委办公室、市政府办公室）。", []),
    ("重大事项报市委、市政府（市委办公室、市政府办公室、市纪委）。",
     [("市委办公室", "RESPONSIBLE_FOR"), ("市政府办公室", "RESPONSIBLE_FOR"), ("市纪委", "RESPONSIBLE_FOR")]),
    ("建设平台、完善机制（市发展改革委、市统计局）。", [("市发展改革委", "RESPONSIBLE_FOR"), ("市统计局", "RESPONSIBLE_FOR")]),
    ("赵  敏（市医保局）", []),
    ("联系人：周八，电话：1234567（市发展改革委）。", []),
    ("附件：1.测试市重点项目清单（市发改委）", []),
    ("建设平台（市发展改革委、市统计局）。", [("市发展改革委", "RESPONSIBLE_FOR"), ("市统计局", "RESPONSIBLE_FOR")]),
    ("建设平台。（市发展改革委）", [("市发展改革委", "RESPONSIBLE_FOR")]),
    ("充实执法力量（市市场监管综合执法支队）。", [("市市场监管综合执法支队", "RESPONSIBLE_FOR")]),
    ("新建学校5所（市教育局）。", [("市教育局", "RESPONSIBLE_FOR")]),
])
def test_bare_lists_after_counts_names_and_people(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.role) for c in found for a in c.assignments] == expected


def test_duty_lines_and_unknown_role_labels_are_counted():
    """Duty lines (县财政局：负责… / （二）县公安局：负责…) are role text found and read; a role-looking label kg does
    not know (协调单位：/ 督办部门：) is found and not read — never an "ok"; 牵头领导：names a person."""
    parsed = parse_path(HERE / "unknown_labels_and_duty_lines.txt")
    cov = parsed.coverage
    assert (cov.found["label"], cov.read["label"]) == (4, 2)
    assert [u.text for u in cov.unread] == ["协调单位：县发改局", "督办部门：县政府督查室"]
    assert [(r.mention, r.qualifier) for r in parsed.graph.responsibilities] == [("县财政局", "负责"), ("县公安局", "负责")]


def test_duty_lines_with_a_full_stop_after_the_unit():
    """1.县民政局。负责… names the unit as 1.县民政局：负责… does — only when the first sentence is unit names alone and
    the next opens with 负责/牵头 (加强组织领导。负责同志… and 县财政局。做好… are not duty lines)."""
    got, _ = edges("duty_full_stop.txt")
    assert [(m, r, q) for _, m, r, q, _ in got] == [
        ("县民政局", "RESPONSIBLE_FOR", "负责"),
        ("县人力资源和社会保障局", "RESPONSIBLE_FOR", "负责"),
        ("县医疗保障局", "RESPONSIBLE_FOR", "负责"),
        ("县民政局", "RESPONSIBLE_FOR", "负责"),
    ]
    assert [t for t, *_ in got][:3] == ["县民政局", "县人力资源和社会保障局、县医疗保障局", "县人力资源和社会保障局、县医疗保障局"]


def test_a_running_text_sentence_naming_lead_and_support_units():
    """此项工作县民政局为牵头单位，县财政局、县农业农村局为配合单位。 outside any bracket says who leads and who supports;
    以县民政局为主 is not a role sentence; a 为牵头单位 sentence kg cannot read is never an "ok"."""
    got, _ = edges("as_label_running_text.txt")
    assert [(t, m, r, q) for t, m, r, q, _ in got] == [
        ("开展低保边缘家庭认定", "县民政局", "LEADS", "牵头"),
        ("开展低保边缘家庭认定", "县财政局", "RESPONSIBLE_FOR", "配合"),
        ("开展低保边缘家庭认定", "县农业农村局", "RESPONSIBLE_FOR", "配合"),
        ("健全主动发现机制", "县医疗保障局", "RESPONSIBLE_FOR", "负责"),
    ]
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    text = normalize("此项工作由县里统筹研究确定的有关方面为牵头单位。")
    assert not find_clauses(text)[0]
    cov = parse_path(HERE / "as_label_running_text.txt").coverage
    assert (cov.found["label"], cov.read["label"]) == (1, 1)


def test_a_later_clause_read_in_part_makes_the_report_partial():
    """Not only the first clause of a document: any clause that gave edges but left a part unread is found, not read."""
    cov = parse_path(HERE / "partly_read_later_clause.txt").coverage
    assert (cov.found["bracket"], cov.read["bracket"]) == (2, 1)
    assert [u.text for u in cov.unread] == ["督办单位:市政府督查室"]


def test_a_support_label_supports():
    """支持单位：/ 支持部门： support (配合), in a bracket and on a labelled line, as a role table's 支持单位 column does;
    政策支持：… is not a label."""
    got, _ = edges("support_label.txt")
    assert [(t, m, r, q) for t, m, r, q, _ in got] == [
        ("开展送戏下乡", "市文化和旅游局", "LEADS", "牵头"),
        ("开展送戏下乡", "市融媒体中心", "RESPONSIBLE_FOR", "配合"),
        ("举办文化节", "市委宣传部", "LEADS", "牵头"),
        ("举办文化节", "市总工会", "RESPONSIBLE_FOR", "配合"),
        ("加大政策支持", "市财政局", "RESPONSIBLE_FOR", "负责"),
    ]
    cov = parse_path(HERE / "support_label.txt").coverage
    assert cov.total_found == cov.total_read and not cov.unread


@pytest.mark.parametrize("cell,expected", [
    ("各乡镇人民政府\n（街道办事处）", [("各乡镇人民政府（街道办事处）", "配合")]),
    ("县应急管理局\n各乡镇人民政府\n（街道办事处）", [("县应急管理局", "配合"), ("各乡镇人民政府（街道办事处）", "配合")]),
    ("县消防救援大队\n（牵头）\n县应急管理局", [("县消防救援大队", "牵头"), ("县应急管理局", "配合")]),
    ("县财政局\n县消防救援大队", [("县财政局", "配合"), ("县消防救援大队", "配合")]),
])
def test_a_cell_line_that_is_only_a_bracket_continues_the_unit_before_it(cell, expected):
    from kg.loaders.clauses import cell_assignments
    from kg.loaders.text import normalize

    got = cell_assignments(normalize(cell), "RESPONSIBLE_FOR", "配合")
    assert [(a.unit, a.qualifier) for a in got] == [(normalize(u), q) for u, q in expected]


@pytest.mark.parametrize("clause,expected", [
    ("长沙市、株洲市、湘潭市人民政府负责", ["长沙市、株洲市、湘潭市人民政府"]),
    ("长沙县、浏阳市人民政府负责", ["长沙县、浏阳市人民政府"]),
    ("长沙市、株洲市、湘潭市负责", ["长沙市", "株洲市", "湘潭市"]),
    ("长沙市发改委、株洲市、湘潭市人民政府负责", ["长沙市发改委", "株洲市", "湘潭市人民政府"]),
    ("省发展改革委、长沙县、浏阳市人民政府负责", ["省发展改革委", "长沙县", "浏阳市人民政府"]),
    ("长沙市、湘潭市人民政府、株洲市人民政府负责", ["长沙市", "湘潭市人民政府", "株洲市人民政府"]),
])
def test_bare_place_names_share_the_last_places_government(clause, expected):
    """Only when every earlier item is a bare place name (X市/X县/X区) and the last is a place and its government."""
    from kg.loaders.clauses import parse_clause
    from kg.loaders.text import normalize

    c = parse_clause(normalize(clause), False)
    assert c is not None and [a.unit for a in c.assignments] == expected


def test_a_sentence_that_is_nothing_but_a_clause_answers_for_its_item():
    """县发改局牵头，县公安局、县财政局按职责分工负责。 written as a sentence of its own, without brackets: the
    whole sentence is the clause. A sentence with more than a clause stays text: 县政府负责领导当地的…工作 (a
    duty), 各地要按职责分工负责 (no unit), 加快推进人才引进，市人力资源社会保障局负责 (a task and a clause)."""
    got, g = edges("verb_sentences.txt")
    assert got == [
        ("开展招投标领域专项整治", "市发展改革委", "LEADS", "牵头", None),
        ("开展招投标领域专项整治", "市公安局", "RESPONSIBLE_FOR", "负责", None),
        ("开展招投标领域专项整治", "市财政局", "RESPONSIBLE_FOR", "负责", None),
        ("清理拖欠企业账款", "市财政局", "RESPONSIBLE_FOR", "负责", None),
        ("清理拖欠企业账款", "市工业和信息化局", "RESPONSIBLE_FOR", "负责", None),
        ("落实减税降费政策", "国家税务总局某市税务局", "RESPONSIBLE_FOR", "负责", None),
        ("加大信贷支持力度", "市金融工作局", "LEADS", "牵头", None),
        ("加大信贷支持力度", "人民银行某市分行", "RESPONSIBLE_FOR", "配合", None),
        ("加大信贷支持力度", "各县（市、区）人民政府", "RESPONSIBLE_FOR", "配合", None),
    ]
    for r in g.responsibilities:  # the span is the sentence, without its full stop
        assert r.prov.text.endswith(("负责", "配合", "负责落实")) and r.mention in r.prov.text


@pytest.mark.parametrize("text,expected", [
    ("推进改革。市发展改革委牵头,市财政局配合。", [("市发展改革委", "LEADS"), ("市财政局", "RESPONSIBLE_FOR")]),
    ("推进改革。市教育局、市科协负责", [("市教育局", "RESPONSIBLE_FOR"), ("市科协", "RESPONSIBLE_FOR")]),
    # the verb that ends it may be 落实 / 抓好落实 / 具体实施 / 牵头抓总, and a short 各区 is a listed collective
    ("推进改革。市人社局、市科协负责,各区人民政府落实。",
     [("市人社局", "RESPONSIBLE_FOR"), ("市科协", "RESPONSIBLE_FOR"), ("各区人民政府", "RESPONSIBLE_FOR")]),
    ("推进改革。市卫健局、市民政局按照职责分工抓好落实。", [("市卫健局", "RESPONSIBLE_FOR"), ("市民政局", "RESPONSIBLE_FOR")]),
    ("推进改革。市科协牵头抓总,市直有关部门配合,各区具体实施。",
     [("市科协", "LEADS"), ("市直有关部门", "RESPONSIBLE_FOR"), ("各区", "RESPONSIBLE_FOR")]),
    # a label, then 为 where a colon would be: in a sentence of its own or in a bracket
    ("推进改革。牵头单位为市科协,配合单位为市融媒体中心、市工信局。",
     [("市科协", "LEADS"), ("市融媒体中心", "RESPONSIBLE_FOR"), ("市工信局", "RESPONSIBLE_FOR")]),
    ("推进改革(牵头单位为市科协,配合部门是市教育局)。", [("市科协", "LEADS"), ("市教育局", "RESPONSIBLE_FOR")]),
    ("推进改革。各地要抓好落实。", []),
    ("推进改革。推动各项政策落实。", []),
    ("推进改革。市科协牵头抓总,定期召开联席会议。", []),
    ("推进改革。主要任务为市科协的工作重点。", []),
    ("推进改革。牵头为市科协。", []),
    # not a sentence of its own, or more than a clause, or no unit in it
    ("推进改革,市教育局负责。", []),
    ("市教育局负责组织实施。", []),
    ("各地各部门要高度重视,切实负责。", []),
    # 由A牵头,会同B推进…: the lead and the 会同 units open the sentence; what they do is the task's text
    ("由市卫生健康委牵头,会同市医保局推进改革。", [("市卫生健康委", "LEADS"), ("市医保局", "RESPONSIBLE_FOR")]),
    ("市商务局牵头会同市财政局、市税务局组织实施。",
     [("市商务局", "LEADS"), ("市财政局", "RESPONSIBLE_FOR"), ("市税务局", "RESPONSIBLE_FOR")]),
    # an item's marker before the sentence is not part of its first unit (was the unit 1.市发展改革委)
    ("1.市发展改革委负责项目审批,市财政局配合。", [("市发展改革委", "RESPONSIBLE_FOR"), ("市财政局", "RESPONSIBLE_FOR")]),
    ("(一)市发展改革委牵头,市财政局配合。", [("市发展改革委", "LEADS"), ("市财政局", "RESPONSIBLE_FOR")]),
    ("1.市教育局负责组织实施。", []),
    ("由企业自主负责,会同金融机构推进融资对接。", []),
    ("由市政府会同有关部门制定具体办法。", []),
    ("会同市财政局研究制定实施细则。", []),
    ("各县区要由主要负责同志牵头,会同有关部门推进。", []),
    ("由市卫生健康委牵头,会同市医保局推进改革,加快形成合力。", []),
    ("领导小组办公室设在市发展改革委,负责日常工作。", []),
])
def test_a_clause_sentence_is_strict(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.role) for c in found for a in c.assignments] == expected


def test_a_lead_that_brings_others_in_with_hui_tong():
    """由A牵头，会同B、C推进… — as a sentence of the item, in a bracket, glued (A牵头会同B组织实施): A leads, the units
    after 会同 answer for the task with it (as in A会同B牵头), and the work they do is not role text (no partial
    report). 由A负责，B参与: B supports. Prose that only looks like it names nobody: 由企业自主负责，会同金融机构…,
    由各地根据实际…, 各县区要由主要负责同志牵头…, A会同B制定… (no role word)."""
    got, g = edges("lead_with_others.txt")
    assert got == [
        ("推进项目审批提速", "市发展改革委", "LEADS", "牵头", None),
        ("推进项目审批提速", "市自然资源和规划局", "RESPONSIBLE_FOR", "负责", None),
        ("推进项目审批提速", "市住房城乡建设局", "RESPONSIBLE_FOR", "负责", None),
        ("深化“一网通办”", "市政务服务管理局", "LEADS", "牵头", None),
        ("深化“一网通办”", "市大数据中心", "RESPONSIBLE_FOR", "负责", None),
        ("优化不动产登记", "市自然资源和规划局", "LEADS", "牵头", None),
        ("优化不动产登记", "市税务局", "RESPONSIBLE_FOR", "负责", None),
        ("规范涉企收费", "市市场监管局", "RESPONSIBLE_FOR", "负责", None),
        ("规范涉企收费", "市财政局", "RESPONSIBLE_FOR", "配合", None),
    ]
    p = parse_path(HERE / "lead_with_others.txt")
    assert p.coverage is not None and not p.coverage.unread and not any("unknown role word" in w for w in p.warnings)


def test_a_label_in_a_bracket_of_its_own_labels_what_follows():
    """【牵头单位】A / 【配合单位】B、C / 【完成时限】… (on lines of their own or one after another): the bracket is
    the label; a role mark inside the value ((牵头) after a unit) stays the unit's, not a label of its own."""
    got, _ = edges("bracket_labels.txt")
    assert got == [
        ("加快新型基础设施建设", "市工业和信息化局", "LEADS", "牵头", "2024年12月底"),
        ("加快新型基础设施建设", "市通信管理办", "RESPONSIBLE_FOR", "配合", "2024年12月底"),
        ("加快新型基础设施建设", "各区县政府", "RESPONSIBLE_FOR", "配合", "2024年12月底"),
        ("推进数据要素市场化", "市数据局", "LEADS", "牵头", "持续推进"),
        ("推进数据要素市场化", "市发展改革委", "RESPONSIBLE_FOR", "配合", "持续推进"),
        ("推进数据要素市场化", "市财政局", "RESPONSIBLE_FOR", "配合", "持续推进"),
        ("培育数字产业集群", "市工业和信息化局", "LEADS", "牵头", None),
        ("培育数字产业集群", "市科技局", "RESPONSIBLE_FOR", "负责", None),
        ("加强数字人才培养", "市人力资源社会保障局", "RESPONSIBLE_FOR", "负责", None),
        ("加强数字人才培养", "市教育局", "RESPONSIBLE_FOR", "配合", None),
    ]
    cov = parse_path(HERE / "bracket_labels.txt").coverage
    assert cov.unread == [] and cov.found["bracket"] == cov.read["bracket"] > 0


def test_a_label_whose_units_go_on_in_the_lines_below():
    """责任单位：市工业和信息化局（牵头） / 市科技局 / 市商务局 — a unit a line under a label (as a cell copied out
    of a table gives): each falls under the label, and a line that is only a unit is no heading. A sentence
    below a label (各部门要加强协作。) is not a unit."""
    got, g = edges("label_continued.txt")
    assert got == [
        ("培育数字产业集群", "市工业和信息化局", "LEADS", "牵头", "2024年底"),
        ("培育数字产业集群", "市科技局", "RESPONSIBLE_FOR", "负责", "2024年底"),
        ("培育数字产业集群", "市商务局", "RESPONSIBLE_FOR", "负责", "2024年底"),
        ("加强数字人才培养", "市人力资源社会保障局", "LEADS", "牵头", None),
        ("加强数字人才培养", "市教育局", "RESPONSIBLE_FOR", "配合", None),
        ("加强数字人才培养", "各县（市、区）人民政府", "RESPONSIBLE_FOR", "配合", None),
        ("推进数据共享", "市数据局", "LEADS", "牵头", None),
    ]
    assert [a.title for a in g.actions] == ["夯实数字基础"]


def test_a_label_alone_on_its_line_takes_the_units_of_the_next():
    """牵头单位： / 县教育局、县科协 (a DOCX or HTML line split after the colon): the label is read with the units below
    it — one clause from the label to the last unit, not a label that "names no unit" and a report that says
    partial. A label followed by a sentence (各单位要加强协作。 / 县教育局负责组织实施。) or by the next item stays
    unread and is reported."""
    got, g = edges("label_alone_on_its_line.txt")
    assert got == [
        ("建设科普阵地", "县教育局", "LEADS", "牵头", None),
        ("建设科普阵地", "县科协", "LEADS", "牵头", None),
        ("建设科普阵地", "各乡镇人民政府", "RESPONSIBLE_FOR", "配合", None),
        ("培养科普人才", "县人力资源和社会保障局", "LEADS", "牵头", "2024年底"),
    ]
    assert g.responsibilities[0].prov.text == "牵头单位：\n县教育局、县科协"
    p = parse_path(HERE / "label_alone_on_its_line.txt")
    assert p.coverage is not None and p.coverage.read["label"] == 3
    raw = (HERE / "label_alone_on_its_line.txt").read_text(encoding="utf-8")
    assert [raw[u.start:].split("\n")[:2] for u in p.coverage.unread] == [
        ["责任单位：", "各单位要加强协作。"], ["牵头单位：", "（五）建设科普示范校。"], ["牵头单位：", "县教育局负责组织实施。"]]


def test_a_unit_kept_whole_is_always_text_of_its_clause():
    """A list kept whole for a shared suffix is joined back only where it stands so in the text: a quote trimmed off
    a fragment (县“、()教育和体育局, found by the property test) must not give the mention 县、()教育和体育局."""
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    text = normalize("推动协同育人。（责任单位：县“、()教育和体育局、县经促局）")
    found, _ = find_clauses(text)
    units = [a.unit for c in found for a in c.assignments]
    assert "县经促局" in units and all(u in text for u in units), units
    # a list that does stand so in the text stays one collective
    found, _ = find_clauses(normalize("推进工作（各市、县人民政府负责）"))
    assert [a.unit for c in found for a in c.assignments] == ["各市、县人民政府"]


def test_a_plan_laid_out_by_unit_gives_each_item_to_its_heading_units():
    """一、县科协 / 1.牵头组织… / 2.负责… / 3.配合…: a heading that is nothing but units names who answers for each
    item below it, in the role the item opens with; an item's own clause wins; a heading that only looks like a
    unit names nobody. The clause is the heading, where the unit is written."""
    got, g = edges("unit_headings.txt")
    assert got == [
        ("牵头组织开展全国科普日活动", "县科协", "LEADS", "牵头", None),
        ("负责科普示范县创建工作", "县科协", "RESPONSIBLE_FOR", "负责", None),
        ("配合县教育和体育局开展科技馆进校园活动", "县科协", "RESPONSIBLE_FOR", "配合", None),
        ("开展青少年科技创新大赛", "县教育和体育局", "RESPONSIBLE_FOR", "负责", None),
        ("开展青少年科技创新大赛", "团县委", "RESPONSIBLE_FOR", "负责", None),
        ("推进中小学科学教育", "县教育和体育局", "LEADS", "牵头", None),
        ("推进中小学科学教育", "县科协", "RESPONSIBLE_FOR", "配合", None),
        ("建设乡镇科普活动站", "各乡镇人民政府", "RESPONSIBLE_FOR", "负责", None),
    ]
    raw = (HERE / "unit_headings.txt").read_text(encoding="utf-8")
    for r in g.responsibilities[:5]:
        assert raw[r.prov.start:r.prov.end] == r.prov.text and r.mention in r.prov.text
    assert g.responsibilities[0].prov.text == "县科协"


@pytest.mark.parametrize("heading,section", [
    ("一体化推进政务服务", True), ("十大工程建设", True), ("一流营商环境", True), ("营商环境", True),
    ("一、二级医院建设", False), ("一、二、三级指标", False),
])
def test_a_section_heading_may_open_with_a_numeral(heading, section):
    """三、一体化推进… is a section heading; 三、一、二级… (a list of numerals) is not."""
    from kg.loaders import parse_text

    text = f"某县工作任务分工\n\n一、县科协工作\n1.开展科普日活动（县科协负责）。\n二、{heading}\n2.建设县科技馆（县科协负责）。\n"
    g = parse_text(text, "x.txt").graph
    assert ([s.title for s in g.sections][1:] == [heading]) is section


def test_unit_headings_of_a_roster_or_of_what_is_built_name_nobody():
    """Only a plan whose unit headings hold duties (an item opening with 牵头/负责/配合…) is read by unit: a roster,
    a list of member units, a contact list or a list of works under a facility's name gives no edge."""
    got, _ = edges("unit_headings_not.txt")
    assert got == []


def test_items_under_a_unit_heading_keep_their_deadline_and_skip_what_is_no_duty():
    from kg.loaders import parse_text

    text = ("某县2024年工作要点分工\n\n一、县发展和改革局\n1.牵头开展营商环境评价（完成时限：2024年6月底）。\n"
            "2.负责牵头推进社会信用体系建设。\n3.督促各乡镇落实项目审批提速。\n4.各单位要高度重视。\n"
            "二、各县（市、区）人民政府\n5.落实食品安全属地管理责任。\n三、县市场监管局（牵头单位）\n6.开展校园食品安全守护行动。\n")
    p = parse_text(text, "x.txt")
    titles = {t.id: t.title for t in p.graph.tasks} | {a.id: a.title for a in p.graph.actions}
    got = [(titles[r.target_id][:8], r.mention, r.qualifier, r.deadline) for r in p.graph.responsibilities]
    assert got == [("牵头开展营商环境", "县发展和改革局", "牵头", "2024年6月底"),
                   ("负责牵头推进社会", "县发展和改革局", "牵头", None),
                   ("督促各乡镇落实项", "县发展和改革局", "指导", None),
                   ("落实食品安全属地", "各县（市、区）人民政府", "负责", None),
                   ("开展校园食品安全", "县市场监管局", "牵头", None)]  # the heading's mark (牵头单位) says it leads
    assert any("5 items read as a plan laid out by unit" in w for w in p.warnings)
    assert p.coverage is not None and not p.coverage.unread


def test_a_unit_heading_may_mark_its_units_role():
    """（一）县市场监管局（牵头单位） / 1.开展… — a unit heading with a role mark gives its units that role over each item
    below it (牵头 leads, 配合 supports), and the mark alone says the plan is laid out by unit; an item that opens
    with its own role verb (2.配合县教育局…) keeps it. A mark on a heading that names no unit（加强宣传引导（牵头））, a
    bracket that is no mark (县农业农村局（2项）), a contact line and a call on all units give nothing."""
    got, g = edges("unit_headings_marked.txt")
    assert got == [
        ("开展校园食品安全守护行动", "县市场监管局", "LEADS", "牵头", None),
        ("配合县教育局做好学校食堂“互联网+明厨亮灶”建设", "县市场监管局", "RESPONSIBLE_FOR", "配合", None),
        ("做好学校食堂日常管理", "县教育局", "RESPONSIBLE_FOR", "配合", None),
        ("做好学校食堂日常管理", "县卫生健康局", "RESPONSIBLE_FOR", "配合", None),
    ]
    assert g.responsibilities[0].prov.text == "县市场监管局（牵头单位）"
    from kg.loaders import parse_text

    roster = "某县食品安全委员会组成人员名单\n\n一、县食安委办公室（牵头单位）\n1.主任：张三，县市场监管局局长。\n2.王五，科长，电话13800000001。\n"
    assert parse_text(roster, "x.txt").graph.responsibilities == []


@pytest.mark.parametrize("text,expected", [
    # a sentence of collectives alone urges, it assigns nothing (保障措施 / 工作要求)
    ("加强组织领导。各成员单位按职责分工抓好落实。", []),
    ("工作要求。各县(市、区)人民政府、市直各单位抓好落实。", []),
    ("推进改革。市科协负责,各区具体实施。", [("市科协", "负责"), ("各区", "负责")]),
    # 完成时限为… is a deadline, 责任人为… a person
    ("推进改革(牵头单位为市科协,完成时限为2024年6月)。", [("市科协", "牵头")]),
    ("推进改革(责任单位为各乡镇人民政府,责任人为各乡镇长)。", [("各乡镇人民政府", "负责")]),
    # 支持 after what is no unit stays unread
    ("推进改革(市科技局负责,争取省科技厅支持)。", [("市科技局", "负责")]),
    # an adverbial between the unit and its verb is not part of the unit
    ("推进改革(市自然资源局负责,市发展改革委在项目审批上给予支持)。", [("市自然资源局", "负责"), ("市发展改革委", "配合")]),
])
def test_red_team_second_round(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.qualifier) for c in found for a in c.assignments] == expected


def test_deadline_said_with_wei_and_leader_notes():
    from kg.loaders import parse_text
    from kg.loaders.clauses import find_clauses, first_leads_note
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize("推进改革(牵头单位为市科协,完成时限为2024年6月)。"))
    assert found[0].deadline == "2024年6月"
    assert not first_leads_note("说明:责任领导中列第一位的为牵头领导,责任单位按职责分工负责。")
    # a closing 注 with no table speaks of the items above it
    g = parse_text("某县工作任务分工\n\n一、重点任务\n1.推进改革(县发改局、县财政局)。\n注:排在第一位的为牵头单位。\n",
                   "x.txt").graph
    assert [(r.mention, r.role) for r in g.responsibilities] == [("县发改局", "LEADS"), ("县财政局", "RESPONSIBLE_FOR")]


def test_a_line_wrapped_before_a_numeral_list_is_no_section():
    from kg.loaders import parse_text

    text = ("某市促进房地产市场平稳健康发展若干措施\n\n一、支持住房消费\n（一）支持住房消费。落实首套房贷款政策，鼓励\n"
            "三、四线城市降低首付比例（市住房城乡建设局负责）。\n（二）发展二手房市场。推进\n一、二手房联动交易（市住房城乡建设局负责）。\n")
    g = parse_text(text, "x.txt").graph
    assert [s.title for s in g.sections] == ["支持住房消费"]
    assert [t.title for t in g.tasks] == ["支持住房消费", "发展二手房市场"] and len(g.responsibilities) == 2


def test_a_unit_heading_may_say_it_lists_the_units_duties():
    from kg.loaders import parse_text

    text = ("某县食品安全工作任务分工\n\n一、县卫生健康局职责\n1.负责食品安全风险监测。\n二、县公安局承担的任务\n"
            "2.依法打击食品安全犯罪。\n三、重点任务\n3.开展专项整治。\n")
    g = parse_text(text, "x.txt").graph
    assert [(r.mention, r.qualifier) for r in g.responsibilities] == [("县卫生健康局", "负责"), ("县公安局", "负责")]


def test_a_clause_on_a_section_heading_over_plain_items_is_the_actions():
    """一、深化治安防控（牵头单位：A、B） / 1.… / 2.…: two levels, so the heading is an action with the items as its
    tasks, and its clause is the action's (a section holds no edge: the clause was lost, 'unread'). A long heading
    is cut at a comma outside its brackets, so the clause stays whole and out of the title."""
    from kg.loaders import parse_text

    text = ("某区2024年平安建设工作要点\n\n一、深化社会治安整体防控（牵头单位：区委政法委、区公安分局）\n"
            "1.推进智慧安防小区建设，新建智慧安防小区30个。\n2.加强重点部位巡逻防控。（区公安分局负责）\n"
            "二、加强矛盾纠纷排查化解（牵头单位：区委政法委；责任单位：区司法局、区信访局，各街道办事处）\n"
            "3.健全矛盾纠纷多元化解机制。\n")
    p = parse_text(text, "x.txt")
    g = p.graph
    titles = {a.id: a.title for a in g.actions} | {t.id: t.title for t in g.tasks}
    assert [a.title for a in g.actions] == ["深化社会治安整体防控", "加强矛盾纠纷排查化解"]
    assert [t.title for t in g.tasks] == ["推进智慧安防小区建设,新建智慧安防小区30个".replace(",", "，"), "加强重点部位巡逻防控",
                                          "健全矛盾纠纷多元化解机制"]
    assert [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities] == [
        ("深化社会治安整体防控", "区委政法委", "牵头"), ("深化社会治安整体防控", "区公安分局", "牵头"),
        ("加强重点部位巡逻防控", "区公安分局", "负责"),
        ("加强矛盾纠纷排查化解", "区委政法委", "牵头"), ("加强矛盾纠纷排查化解", "区司法局", "负责"),
        ("加强矛盾纠纷排查化解", "区信访局", "负责"), ("加强矛盾纠纷排查化解", "各街道办事处", "负责")]
    assert p.coverage is not None and not p.coverage.unread


@pytest.mark.parametrize("written", ["2024年第四季度", "2024年二季度完成", "2024年上半年", "2024年至2026年", "2024—2026年",
                                     "三季度末前完成", "2025年12月底前完成", "汛期前", "每年开展一次"])
def test_a_deadline_in_a_verb_clause_is_whole_and_as_written(written):
    from kg.loaders import parse_text

    g = parse_text(f"某市工作方案\n\n一、重点任务\n1.推进改革（市发改委负责，{written}）。\n", "x.txt").graph
    assert [(r.mention, r.deadline) for r in g.responsibilities] == [("市发改委", written)]


@pytest.mark.parametrize("text,expected", [
    ("推进改革（市卫健委负责技术指导）。", [("市卫健委", "负责")]),
    ("推进改革（市教育局负责业务指导，各区教育局负责组织实施）。", [("市教育局", "负责"), ("各区教育局", "负责")]),
    # 负责 says the role, what follows the work: 负责统筹协调 answers for it (统筹 alone leads)
    ("推进改革（市住房城乡建设局负责统筹协调，各区政府负责具体实施）。", [("市住房城乡建设局", "负责"), ("各区政府", "负责")]),
    ("推进改革（市住房城乡建设局统筹协调，各区政府负责具体实施）。", [("市住房城乡建设局", "牵头"), ("各区政府", "负责")]),
    ("推进改革（市发改委负责牵头，市财政局配合）。", [("市发改委", "牵头"), ("市财政局", "配合")]),
    ("推进改革（分管县领导牵头，县农业农村局负责）。", [("县农业农村局", "负责")]),
    ("推进改革（市人社局、市财政局等有关部门按职责分工负责）。", [("市人社局", "负责"), ("市财政局", "负责")]),
    ("推进改革（市人社局等国务院相关部门按职责分工负责）。", [("市人社局", "负责"), ("国务院相关部门", "负责")]),
])
def test_red_team_third_round(text, expected):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    assert [(a.unit, a.qualifier) for c in found for a in c.assignments] == expected


def test_first_listed_leads_and_the_others_support():
    """排在第一位的为牵头单位，其他为配合单位: the first unit leads and the others support (they answered for it), in a
    closing note, in an opening notice (which is no unread role text) and in a role table's header."""
    from kg.loaders import parse_text

    items = "一、重点任务\n（一）推进农村厕所革命。（市农业农村局、市卫生健康委、市生态环境局）\n（二）推进污水治理。（市生态环境局、市水务局）\n"
    for text in (items + "注：各项任务责任单位中，排在第一位的为牵头单位，其他为配合单位。\n",
                 "各责任单位中列第一位的为牵头单位，其他为配合单位。\n" + items):
        p = parse_text("某市农村人居环境整治方案\n\n" + text, "x.txt")
        assert [(r.mention, r.qualifier) for r in p.graph.responsibilities] == [
            ("市农业农村局", "牵头"), ("市卫生健康委", "配合"), ("市生态环境局", "配合"), ("市生态环境局", "牵头"),
            ("市水务局", "配合")]
        assert p.coverage is not None and not p.coverage.unread
    # without the second half the others answer for it, as before
    p = parse_text("某市农村人居环境整治方案\n\n" + items + "注：排在第一位的为牵头单位。\n", "x.txt")
    assert [r.qualifier for r in p.graph.responsibilities] == ["牵头", "负责", "负责", "牵头", "负责"]
    table = "某市工作方案\n\n序号|重点任务|责任单位（排在第一位的为牵头单位，其他为配合单位）\n1|推进改革|市发改委、市财政局\n2|推进发展|市商务局、市税务局\n"
    assert [(r.mention, r.qualifier) for r in parse_text(table, "x.txt").graph.responsibilities] == [
        ("市发改委", "牵头"), ("市财政局", "配合"), ("市商务局", "牵头"), ("市税务局", "配合")]


def test_a_note_in_a_bracket_of_its_own_is_no_unread_role_text():
    """（以下各项任务均需各市、县（市、区）人民政府负责落实，不再一一列出） after a clause is a note on the clauses (not
    expanded: judgement call 7), so the report stays ok rather than partial."""
    from kg.loaders import parse_text

    text = ("某省稳就业若干措施\n\n一、稳定重点群体就业\n（一）稳定农民工就业。（省人力资源社会保障厅牵头，省发展改革委、"
            "财政厅按职责分工负责）（以下各项任务均需各市、县（市、区）人民政府负责落实，不再一一列出）\n")
    p = parse_text(text, "x.txt")
    assert [r.mention for r in p.graph.responsibilities] == ["省人力资源社会保障厅", "省发展改革委", "财政厅"]
    assert p.coverage is not None and not p.coverage.unread and p.coverage.found["bracket"] == 1


def test_a_clause_after_the_heading_sentence_of_a_section_is_the_actions():
    from kg.loaders import parse_text

    text = ("某区2024年平安建设工作要点\n\n一、深化社会治安整体防控。（牵头单位：区委政法委、区公安分局）\n"
            "1.推进智慧安防小区建设。\n2.加强重点部位巡逻防控。\n二、加强矛盾纠纷排查化解\n3.健全矛盾纠纷多元化解机制。\n")
    g = parse_text(text, "x.txt").graph
    titles = {a.id: a.title for a in g.actions}
    assert [(titles[r.target_id], r.mention) for r in g.responsibilities] == [
        ("深化社会治安整体防控", "区委政法委"), ("深化社会治安整体防控", "区公安分局")]


def test_a_duty_block_written_as_prose_gives_one_task_a_sentence():
    """二、职责分工 / 县生态环境局负责农村生活污水治理工作。县财政局负责落实整治资金。… (judgement call 10 for prose): each
    sentence that opens with units and a role verb is a task of the block, titled by the sentence; a sentence that
    states no duty stays with the one before it. The same prose outside a 职责 block, or opening with something
    else, is text."""
    from kg.loaders import parse_text

    duties = ("县农业农村局负责统筹协调农村人居环境整治工作。县生态环境局负责农村生活污水治理工作。县财政局负责落实整治资金，"
              "各乡镇人民政府是责任主体。")
    g = parse_text(f"某县农村人居环境整治方案\n\n一、重点任务\n（一）推进农村厕所革命。\n二、职责分工\n{duties}\n", "x.txt").graph
    titles = {t.id: t.title for t in g.tasks}
    assert [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities] == [
        ("县农业农村局负责统筹协调农村人居环境整治工作", "县农业农村局", "负责"),
        ("县生态环境局负责农村生活污水治理工作", "县生态环境局", "负责"),
        ("县财政局负责落实整治资金，各乡镇人民政府是责任主体", "县财政局", "负责")]
    for other in (f"二、保障措施\n{duties}\n", f"二、职责分工\n各单位要高度重视。{duties}\n"):
        g = parse_text(f"某县农村人居环境整治方案\n\n一、重点任务\n（一）推进农村厕所革命。\n{other}", "x.txt").graph
        assert g.responsibilities == []


def test_an_event_notices_organisers_are_no_roles():
    """关于举办…大赛的通知 / 关于召开…会议的通知: 主办单位：A / 承办单位：B / 协办单位 / 指导单位 / 参加单位为C (a label line, a
    bracket, a 为-sentence; the verbs of （市科协主办，市科技馆承办） too) name who holds, hosts or attends the event — no edge, and not role text that was left
    unread (the report stays ok). The notice's own task clauses (牵头单位：…；配合单位：…, A负责，B配合。, an agenda
    item's （市应急管理局负责）) are read as anywhere."""
    got, _ = edges("event_notice_contest.txt")
    assert got == [
        ("做好赛事宣传", "市委宣传部", "LEADS", "牵头", None),
        ("做好赛事宣传", "市融媒体中心", "RESPONSIBLE_FOR", "配合", None),
        ("做好安全保障", "市公安局", "RESPONSIBLE_FOR", "负责", None),
        ("做好安全保障", "市卫生健康委", "RESPONSIBLE_FOR", "配合", None),
    ]
    got, _ = edges("event_notice_meeting.txt")
    assert got == [("市应急管理局通报2023年安全生产工作情况", "市应急管理局", "RESPONSIBLE_FOR", "负责", None)]
    for name in ("event_notice_contest.txt", "event_notice_meeting.txt"):
        p = parse_path(HERE / name)
        assert p.coverage is not None and not p.coverage.unread and p.coverage.found["label"] == 0, name
        raw = (HERE / name).read_text(encoding="utf-8")
        assert all(raw[r.prov.start:r.prov.end] == r.prov.text for r in p.graph.responsibilities)


def test_organiser_labels_outside_an_event_notice_still_give_roles():
    """The same labels in a task plan (主办单位：A；协办单位：B on a task, as in 建议提案 and 督办 plans) lead and support:
    only a notice about holding or attending an event makes them organisers."""
    got, _ = edges("organiser_labels_as_roles.txt")
    assert got == [
        ("推进重大项目建设", "市发展改革委", "LEADS", "牵头", None),
        ("推进重大项目建设", "市财政局", "RESPONSIBLE_FOR", "配合", None),
        ("推进重大项目建设", "市自然资源和规划局", "RESPONSIBLE_FOR", "配合", None),
        ("开展招商引资活动", "市商务局", "RESPONSIBLE_FOR", "负责", None),
        ("开展招商引资活动", "各县（市、区）人民政府", "RESPONSIBLE_FOR", "配合", None),
    ]


@pytest.mark.parametrize("title,event", [
    ("关于举办2024年全市科普讲解大赛的通知", True),
    ("关于召开全市2024年安全生产工作会议的通知", True),
    ("关于组织参加第十届全国科普讲解大赛的通知", True),
    ("2024中国国际服务贸易交易会邀请函", True),
    ("关于开展2024年安全生产月活动的通知", False),  # a campaign: its 参与单位 support its tasks
    ("关于印发全市科普讲解大赛实施方案的通知", False),
    ("关于做好2024年人大代表建议和政协提案承办工作的通知", False),
    ("2024年市政府重点工作任务分解方案", False),
])
def test_an_event_notice_is_told_by_its_title(title, event):
    from kg.loaders.clauses import event_notice

    assert event_notice(title) is event


def test_a_clause_that_looks_back_over_the_items_covers_each_of_them():
    """1. / 2. / 3. then 以上各项任务由A牵头，B配合。 (or （上述任务责任单位：A、B）) on a line of its own: the words say the
    clause covers the items above, so each of them (none with a clause of its own) takes it. Without such words
    （责任单位：…） stays the last item's; items with clauses of their own are not overwritten by a blanket note, and
    the clause stays the last item's (the text since the clause before it); a look-back line that is no clause
    (以上措施自印发之日起施行。) gives nothing."""
    got, g = edges("look_back_after_items.txt")
    lead, support = ("市数据局", "LEADS", "牵头", None), ("市政务服务管理局", "RESPONSIBLE_FOR", "配合", None)
    assert got == [(t, *e) for t in ("建设政务云平台", "推进数据共享", "优化“一网通办”服务") for e in (lead, support)] + [
        (t, u, "RESPONSIBLE_FOR", "负责", None) for t in ("开展网络安全检查", "加强关键信息基础设施保护")
        for u in ("市委网信办", "市公安局")] + [
        ("建设数字素养教育基地", "市人力资源社会保障局", "RESPONSIBLE_FOR", "负责", None),
        ("制定公共数据管理办法", "市司法局", "RESPONSIBLE_FOR", "负责", None),
        ("建立数据分级分类制度", "市数据局", "LEADS", "牵头", None),
        ("建立数据分级分类制度", "市财政局", "RESPONSIBLE_FOR", "配合", None),
    ]
    raw = (HERE / "look_back_after_items.txt").read_text(encoding="utf-8")
    assert all(raw[r.prov.start:r.prov.end] == r.prov.text for r in g.responsibilities)
    p = parse_path(HERE / "look_back_after_items.txt")
    assert p.coverage is not None and not p.coverage.unread


def test_a_look_back_clause_under_a_section_covers_its_items():
    """一、… / 1.… / 2.… / 以上各项任务由A牵头，B配合。: the 1. items are the section's actions here, and each takes the
    clause; under 二、 an item with its own clause keeps it alone and 以上工作由…负责。 is not spread over the others."""
    from kg.loaders import parse_text

    text = ("某市2024年数字政府建设工作要点\n\n一、夯实数字底座\n1.建设政务云平台。\n2.推进数据共享。\n"
            "以上各项任务由市数据局牵头，市政务服务管理局配合。\n二、强化网络安全\n3.开展网络安全检查。\n"
            "4.加强关键信息基础设施保护（市公安局负责）。\n以上工作由市委网信办负责。\n")
    g = parse_text(text, "x.txt").graph
    titles = {a.id: a.title for a in g.actions} | {t.id: t.title for t in g.tasks}
    assert [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities] == [
        ("建设政务云平台", "市数据局", "牵头"), ("建设政务云平台", "市政务服务管理局", "配合"),
        ("推进数据共享", "市数据局", "牵头"), ("推进数据共享", "市政务服务管理局", "配合"),
        ("加强关键信息基础设施保护", "市公安局", "负责")]


def test_a_look_back_line_after_sub_points_is_not_spread_over_the_items():
    """3.开展三项行动： / （1）… / （2）… / 上述工作由市数据局负责。: 上述工作 may mean the sub-points of item 3 alone, so the
    line is not spread over items 1–3 (today's reading: nothing)."""
    from kg.loaders import parse_text

    text = ("某市2024年数字政府建设工作要点\n\n一、夯实数字底座\n（一）推进数字政府建设\n1.建设政务云平台。\n2.推进数据共享。\n"
            "3.开展三项行动：\n（1）开展数据治理行动。\n（2）开展安全提升行动。\n上述工作由市数据局负责。\n（二）强化网络安全\n"
            "4.开展网络安全检查。\n")
    assert parse_text(text, "x.txt").graph.responsibilities == []
# ── branch parse8b (review 8) ─────────────────────────────────────────────────────────────────


def _clause_roles(text: str) -> list[tuple[str, str, str]]:
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found, _ = find_clauses(normalize(text))
    return [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments]


@pytest.mark.parametrize("text,expected", [
    ("提升专利质量（省级牵头单位：省知识产权局；市级责任单位：各设区市人民政府）。",
     [("省知识产权局", "LEADS", "牵头"), ("各设区市人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("培育商标品牌（省直责任单位：省市场监管局；市县责任单位：各市县人民政府）。",
     [("省市场监管局", "RESPONSIBLE_FOR", "负责"), ("各市县人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("推进改革（牵头单位：市发改委；具体责任单位：市统计局）。",
     [("市发改委", "LEADS", "牵头"), ("市统计局", "RESPONSIBLE_FOR", "负责")]),
    ("推进改革（第一责任单位：各区县政府；直接责任单位：市城管局）。",
     [("各区县政府", "RESPONSIBLE_FOR", "负责"), ("市城管局", "RESPONSIBLE_FOR", "负责")]),
    ("推进改革（共同牵头单位：市商务局、市财政局；县级配合单位：各乡镇）。",
     [("市商务局", "LEADS", "牵头"), ("市财政局", "LEADS", "牵头"), ("各乡镇", "RESPONSIBLE_FOR", "配合")]),
    ("推进改革（联合牵头单位：市商务局；具体实施单位：市科技馆）。",
     [("市商务局", "LEADS", "牵头"), ("市科技馆", "RESPONSIBLE_FOR", "负责")]),
    ("推进改革（省级牵头：省教育厅）。", [("省教育厅", "LEADS", "牵头")]),
    # look-alikes: a person label after a modifier, a modifier before no role word, a modifier with a bare 实施
    ("推进改革（第一责任人：张三；市级牵头领导：王五）。", []),
    ("推进改革（省级统筹：省财政厅）。", []),
    ("省级财政补助资金：每年1000万元。", []),
    ("具体实施：开展专项行动。", []),
])
def test_a_modifier_before_a_role_label_is_part_of_the_label(text, expected):
    """省级牵头单位 / 具体责任单位 / 第一责任单位: the modifier is no unit; the label's head gives the role."""
    assert _clause_roles(text) == expected


def test_role_label_lines_with_a_modifier_are_read_under_their_item():
    from kg.loaders import parse_text

    text = ("某省耕地保护工作方案\n\n一、重点任务\n（一）加强耕地保护\n省级牵头单位：省自然资源厅、省农业农村厅、省林业局、省水利厅\n"
            "省级配合单位：省财政厅、省生态环境厅、省住房城乡建设厅\n市级责任单位：各设区市人民政府\n（二）严格占补平衡\n"
            "具体责任单位：省自然资源厅\n")
    p = parse_text(text, "x.txt")
    titles = {t.id: t.title for t in p.graph.tasks}
    assert [(titles[r.target_id], r.mention, r.qualifier) for r in p.graph.responsibilities] == [
        ("加强耕地保护", "省自然资源厅", "牵头"), ("加强耕地保护", "省农业农村厅", "牵头"), ("加强耕地保护", "省林业局", "牵头"),
        ("加强耕地保护", "省水利厅", "牵头"), ("加强耕地保护", "省财政厅", "配合"), ("加强耕地保护", "省生态环境厅", "配合"),
        ("加强耕地保护", "省住房城乡建设厅", "配合"), ("加强耕地保护", "各设区市人民政府", "负责"),
        ("严格占补平衡", "省自然资源厅", "负责")]
    assert p.coverage is not None and not p.coverage.unread and p.coverage.found["label"] == 4


@pytest.mark.parametrize("text,expected", [
    ("推进厕所革命（牵头单位：县农业农村局；落实单位：各乡镇人民政府）。",
     [("县农业农村局", "LEADS", "牵头"), ("各乡镇人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("推进垃圾治理（落实单位：各乡镇人民政府）。", [("各乡镇人民政府", "RESPONSIBLE_FOR", "负责")]),
    ("推进污水治理（承担单位：县水务公司）。", [("县水务公司", "RESPONSIBLE_FOR", "负责")]),
    ("推进污水治理（落实主体：各乡镇；承担部门：县水利局）。",
     [("各乡镇", "RESPONSIBLE_FOR", "负责"), ("县水利局", "RESPONSIBLE_FOR", "负责")]),
    # look-alikes: 落实 / 承担 without the label's noun is a sentence, not a label
    ("推进改革（落实：各乡镇）。", []),
    ("推进改革（承担：市教育局）。", []),
    ("抓好落实：各地要高度重视。", []),
])
def test_luoshi_and_chengdan_labels_answer_for_the_task(text, expected):
    """落实单位 / 承担单位 → responsible (落实 is listed with 负责 in the rules); 落实 is not the deadline."""
    assert _clause_roles(text) == expected


def test_luoshi_label_lines_and_their_coverage():
    from kg.loaders import parse_text

    text = ("某县人居环境整治工作要点\n\n一、重点任务\n（一）推进厕所革命。\n牵头单位：县农业农村局\n落实单位：各乡镇人民政府\n"
            "（二）推进垃圾治理。\n承担单位：县环卫所\n（三）推进污水治理。（落实单位：各乡镇人民政府）\n")
    p = parse_text(text, "x.txt")
    assert [(r.mention, r.qualifier, r.deadline) for r in p.graph.responsibilities] == [
        ("县农业农村局", "牵头", None), ("各乡镇人民政府", "负责", None), ("县环卫所", "负责", None),
        ("各乡镇人民政府", "负责", None)]
    assert p.coverage is not None and not p.coverage.unread
    assert (p.coverage.found["bracket"], p.coverage.found["label"]) == (1, 3)


def _item_edges(text: str) -> list[tuple[str, str, str]]:
    from kg.loaders import parse_text

    g = parse_text(text, "x.txt").graph
    titles = {t.id: t.title for t in g.tasks} | {a.id: a.title for a in g.actions}
    return [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities]


def test_word_numbering_glyphs_are_item_markers_at_their_level():
    """⑴ is (1), ⒈ is 1., ㈠ is (一), Ⅰ、 under an item numbers items like 1.: the marker is no part of the title,
    and each such item is a task of its own."""
    from kg.loaders import parse_text

    text = ("某县2025年农村供水保障工作方案\n一、重点任务\n（一）实施农村供水工程建设\n⑴新建规模化供水工程3处。（县水利局负责）\n"
            "⑵改造小型供水工程20处。（县水利局牵头，各乡镇人民政府配合）\n（二）推进甲工作\n⒈建设甲项目。（县发改局负责）\n"
            "（三）推进丙工作\nⅠ、建设戊项目。（县水利局负责）\nⅡ、建设己项目。（县林业局负责）\n二、整治重点\n"
            "㈠危险化学品领域。开展隐患排查。（县应急管理局负责）\n㈡消防领域。开展消防隐患整治。（县消防救援大队牵头，县住建局配合）\n")
    assert _item_edges(text) == [
        ("新建规模化供水工程3处", "县水利局", "负责"), ("改造小型供水工程20处", "县水利局", "牵头"),
        ("改造小型供水工程20处", "各乡镇人民政府", "配合"), ("建设甲项目", "县发改局", "负责"), ("建设戊项目", "县水利局", "负责"),
        ("建设己项目", "县林业局", "负责"), ("危险化学品领域", "县应急管理局", "负责"), ("消防领域", "县消防救援大队", "牵头"),
        ("消防领域", "县住建局", "配合")]
    g = parse_text(text, "x.txt").graph
    assert [a.title for a in g.actions] == ["实施农村供水工程建设", "推进甲工作", "推进丙工作", "危险化学品领域", "消防领域"]


def test_roman_numerals_at_the_top_level_are_sections_and_look_alikes_are_text():
    from kg.loaders import parse_text

    text = ("某市2025年水环境治理工作方案\nⅠ、重点任务\n（一）加强水源保护。（市生态环境局负责）\n（二）推进污水治理。（市水务局牵头，"
            "市住建局配合）\nⅡ、保障措施\n（一）加强组织领导。（市政府办负责）\n")
    assert [s.title for s in parse_text(text, "x.txt").graph.sections] == ["重点任务", "保障措施"]
    assert _item_edges(text) == [("加强水源保护", "市生态环境局", "负责"), ("推进污水治理", "市水务局", "牵头"),
                                 ("推进污水治理", "市住建局", "配合"), ("加强组织领导", "市政府办", "负责")]
    # Ⅱ、Ⅲ类 at a line start is a class of water, and ⑴⑵ inside a sentence an inline list: no items
    text = ("某市2025年水环境治理工作方案\n一、重点任务\n（一）加强水源保护。到2025年，全市地表水\nⅡ、Ⅲ类水体比例达到90%以上。"
            "（市生态环境局负责）\n（二）推进污水治理。工作分三步：⑴摸底排查；⑵集中整治；⑶巩固提升。（市水务局负责）\n")
    assert _item_edges(text) == [("加强水源保护", "市生态环境局", "负责"), ("推进污水治理", "市水务局", "负责")]


def test_a_line_break_inside_a_role_bracket_does_not_end_the_clause():
    """（牵头单位：市人社局；⏎配合单位：市财政局）: the break (Shift+Enter, <br>) is inside the clause; the provenance
    span still points at the source characters, break included."""
    from kg.loaders import parse_text

    text = ("某某市2025年稳就业工作措施\n一、支持企业吸纳就业\n（一）落实稳岗返还政策。按规定给予稳岗返还。（牵头单位：市人社局；\n"
            "配合单位：市财政局；\n完成时限：2025年12月底前）\n（二）开发公益性岗位。（责任单位：市人社局；\n责任人：张三）\n")
    p = parse_text(text, "x.txt")
    rs = p.graph.responsibilities
    assert [(r.mention, r.qualifier, r.deadline) for r in rs] == [
        ("市人社局", "牵头", "2025年12月底前"), ("市财政局", "配合", "2025年12月底前"), ("市人社局", "负责", None)]
    assert text[rs[0].prov.start:rs[0].prov.end] == "（牵头单位：市人社局；\n配合单位：市财政局；\n完成时限：2025年12月底前）"
    assert p.coverage is not None and not p.coverage.unread


def test_an_open_bracket_that_does_not_close_before_the_next_item_joins_nothing():
    from kg.loaders.text import normalize, paragraphs

    # never closed before the next item; a bracket that is no role clause; an item marker right after
    for text in ("（一）甲。（牵头单位：市人社局；\n配合单位：市财政局\n（二）乙。（市财政局负责）\n",
                 "（一）甲。加强宣传（含\n城乡社区；\n农村）。\n",
                 "（一）甲。（牵头单位：市人社局；\n1)配合单位：市财政局)\n"):
        lines = [x for x in text.split("\n") if x]
        assert [q.text for q in paragraphs(normalize(text))] == [normalize(x) for x in lines]


@pytest.mark.parametrize("text,expected", [
    ("甲任务（市财政局配合市发改委负责）。", [("市财政局", "RESPONSIBLE_FOR", "配合"), ("市发改委", "RESPONSIBLE_FOR", "负责")]),
    ("乙任务（市公安局、市应急局协助市交通运输局、各区县政府落实）。",
     [("市公安局", "RESPONSIBLE_FOR", "配合"), ("市应急局", "RESPONSIBLE_FOR", "配合"),
      ("市交通运输局", "RESPONSIBLE_FOR", "负责"), ("各区县政府", "RESPONSIBLE_FOR", "负责")]),
    ("丙任务（市发改委牵头，市财政局配合市统计局负责）。",
     [("市发改委", "LEADS", "牵头"), ("市财政局", "RESPONSIBLE_FOR", "配合"), ("市统计局", "RESPONSIBLE_FOR", "负责")]),
    # look-alikes: the usual order, a support verb with work and no unit after it
    ("丁任务（市发改委负责，市财政局配合）。", [("市发改委", "RESPONSIBLE_FOR", "负责"), ("市财政局", "RESPONSIBLE_FOR", "配合")]),
    ("戊任务（各区县配合做好相关工作，市民政局负责）。",
     [("各区县", "RESPONSIBLE_FOR", "配合"), ("市民政局", "RESPONSIBLE_FOR", "负责")]),
    ("己任务（市财政局配合做好资金保障，市教育局负责）。",
     [("市财政局", "RESPONSIBLE_FOR", "配合"), ("市教育局", "RESPONSIBLE_FOR", "负责")]),
])
def test_a_supports_b_answers_for_it(text, expected):
    """A配合B负责 / A协助B落实: A supports, B answers for it (not one unit 市财政局配合市发改委)."""
    assert _clause_roles(text) == expected


def test_tong_shang_in_a_role_cell_or_label_is_no_unit():
    """同上 (\"as above\") points at another cell: no unit, and not copied (no guess); a name holding 同上 stays."""
    from kg.loaders import parse_text

    table = ("某县巩固国家卫生县城成果任务分解表\n\n序号|工作任务|牵头单位|配合单位\n1|开展病媒生物防制|县爱卫办|县卫健局\n"
             "2|开展健康教育进社区|县卫健局|同上\n")
    assert [(r.mention, r.qualifier) for r in parse_text(table, "x.txt").graph.responsibilities] == [
        ("县爱卫办", "牵头"), ("县卫健局", "配合"), ("县卫健局", "牵头")]
    assert _clause_roles("推进改革（牵头单位：市教育局；配合单位：同上）。") == [("市教育局", "LEADS", "牵头")]
    assert _clause_roles("推进改革（市同上科技公司负责）。") == [("市同上科技公司", "RESPONSIBLE_FOR", "负责")]


@pytest.mark.parametrize("text,expected", [
    ("丁任务（市住建局加强指导）。", [("市住建局", "RESPONSIBLE_FOR", "指导")]),
    ("戊任务（各区县政府负责，市住建局加强指导）。",
     [("各区县政府", "RESPONSIBLE_FOR", "负责"), ("市住建局", "RESPONSIBLE_FOR", "指导")]),
    ("己任务（市住建局做好业务指导）。", [("市住建局", "RESPONSIBLE_FOR", "指导")]),
    # look-alikes: no unit, a sentence (要…), and the same words in prose outside a bracket
    ("庚任务（加强业务指导和监督检查）。", []),
    ("辛任务（市住建局要加强指导）。", []),
    ("各地要高度重视。市住建局加强指导。", []),
])
def test_jiaqiang_zhidao_in_a_clause_guides(text, expected):
    """（市住建局加强指导）: 指导 → responsible, qualifier 指导, as 业务指导 already was."""
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    assert _clause_roles(text) == expected
    assert not any(c.problems for c in find_clauses(normalize(text))[0])  # not read as 负责 with a problem


@pytest.mark.parametrize("text,expected", [
    ("甲（责任单位：县教育局（张三）、县财政局（李四））。", ["县教育局", "县财政局"]),
    ("乙（责任单位：县教育局（张三、李四）；完成时限：2025年底）。", ["县教育局"]),
    ("丙（责任单位：区教师进修学校（王芳））。", ["区教师进修学校"]),
    ("丁（责任单位：县教育局 张三）。", ["县教育局"]),
    # look-alikes: another name of the unit, a place in brackets, a role mark, two units with a space
    ("戊（责任单位：市城管局（市执法局）、各街道（乡镇））。", ["市城管局(市执法局)", "各街道(乡镇)"]),
    ("己（责任单位：各县（市、区）人民政府、市高新区管委会（林业））。", ["各县(市、区)人民政府", "市高新区管委会(林业)"]),
    ("庚（责任单位：县教育局（牵头）、县财政局）。", ["县教育局", "县财政局"]),
    ("辛（责任单位：市发改委 市财政局）。", ["市发改委", "市财政局"]),
])
def test_a_person_beside_a_unit_is_not_part_of_it(text, expected):
    """县教育局（张三） / a cell 县教育局 张三: the person (a common surname and a given name) is not the unit."""
    assert [u for u, _, _ in _clause_roles(text)] == expected


def test_a_person_in_a_role_cell_is_no_unit():
    from kg.loaders import parse_text

    table = ("某县教育重点任务清单\n\n序号|重点任务|责任单位|完成时限\n1|扩大学前教育资源|县教育局 张三|2025年8月\n"
             "2|推进集团化办学|县教育局（张三）、县财政局（李四）|2025年9月\n")
    assert [r.mention for r in parse_text(table, "x.txt").graph.responsibilities] == ["县教育局", "县教育局", "县财政局"]


@pytest.mark.parametrize("header,kind", [("承担单位", "role"), ("具体承担部门", "role"), ("承担任务", "text"),
                                         ("承担工作", "text"), ("承担责任", "other")])
def test_a_chengdan_column_answers_for_the_task(header, kind):
    """A 承担单位 column is read as the 承担单位: label is (responsible); 承担任务 is the task's text."""
    from kg.loaders.role_tables import classify_header

    h = classify_header(header)
    assert h.kind == kind and (kind != "role" or (h.role, h.qualifier) == ("RESPONSIBLE_FOR", "负责"))


@pytest.mark.parametrize("text,expected", [
    ("推进集团化办学（责任单位及责任人：县教育局（张三））。", [("县教育局", "RESPONSIBLE_FOR", "负责")]),
    ("推进集团化办学（牵头单位（负责人）：县教育局 张三；配合单位：县财政局）。",
     [("县教育局", "LEADS", "牵头"), ("县财政局", "RESPONSIBLE_FOR", "配合")]),
    # look-alikes: labels of people alone, and a post where the unit should be (a person, no unit)
    ("推进集团化办学（责任人：张三；责任单位负责人：李四；牵头领导：王五）。", []),
    ("推进集团化办学（责任单位及责任人：县教育局局长张三）。", []),
])
def test_a_unit_label_that_also_names_people_gives_its_units(text, expected):
    """责任单位及责任人：县教育局（张三） — the label names units (the people beside them are dropped); 责任人： alone names
    people."""
    assert _clause_roles(text) == expected


@pytest.mark.parametrize("text,deadline", [
    ("推进改革（责任单位：县水务公司；落实时限：2025年底）。", "2025年底"),
    ("推进改革（责任单位：县水务公司；整改时间：2025年6月）。", "2025年6月"),
    ("推进改革（县水务公司负责落实）。", None),  # 负责落实 is the verb, no deadline
])
def test_a_luoshi_deadline_label_gives_the_date(text, deadline):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    assert [c.deadline for c in find_clauses(normalize(text))[0]] == [deadline]


def test_a_space_aligned_text_table_is_read_and_look_alikes_are_not():
    """序号  重点任务  牵头单位  配合单位  完成时限 (a table saved as text, columns apart by 2+ spaces or a full-width
    space) is a role table like a tab-separated one; a roster or indented prose with wide spaces is none."""
    from kg.loaders import parse_text

    table = ("某某市2025年文化旅游融合发展重点任务分解\n\n"
             "序号  重点任务              牵头单位        配合单位                  完成时限\n"
             "1     打造精品旅游线路      市文化和旅游局  市交通运输局、各区县政府  2025年10月底前\n"
             "2     举办文化旅游节        市文化和旅游局  市委宣传部                2025年9月\n")
    p = parse_text(table, "x.txt")
    assert [(r.mention, r.qualifier, r.deadline) for r in p.graph.responsibilities] == [
        ("市文化和旅游局", "牵头", "2025年10月底前"), ("市交通运输局", "配合", "2025年10月底前"),
        ("各区县政府", "配合", "2025年10月底前"), ("市文化和旅游局", "牵头", "2025年9月"), ("市委宣传部", "配合", "2025年9月")]
    r = p.graph.responsibilities[1]
    assert table[r.prov.start:r.prov.end] == "市交通运输局、各区县政府"
    full_width = table.replace("  ", "\u3000").replace("\u3000 ", "\u3000")
    assert len(parse_text(full_width, "x.txt").graph.responsibilities) == 5
    others = ("某县工作方案\n\n一、成立领导小组\n县农村人居环境整治工作领导小组成员如下：\n组  长：王  屾  县政府副县长\n"
              "成  员：邓  可  县委宣传部副部长\n\u3000\u3000各乡镇要高度重视，\u3000加强领导，\u3000确保实效。\n"
              "序号  名称  数量\n1  水厂  3处\n")
    assert parse_text(others, "x.txt").graph.responsibilities == []


def test_markdown_emphasis_is_no_part_of_labels_units_or_titles():
    """**牵头单位**：市教育局 (Markdown) reads as 牵头单位：市教育局; a footnote star in text gives nothing."""
    from kg.loaders import parse_text

    text = ("# 某某市2025年中小学科学教育工作要点\n## 一、加强科学课程建设\n1. **落实科学课程课时要求**。\n   **牵头单位**：市教育局\n"
            "   **配合单位**：各区县教育局\n2. 加强科学实验教学。（**责任单位**：市教育局、市教育装备中心）\n"
            "3. 开展科普活动。注：带*的为约束性指标。\n")
    g = parse_text(text, "x.md").graph
    titles = {t.id: t.title for t in g.tasks} | {a.id: a.title for a in g.actions}
    assert [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities] == [
        ("落实科学课程课时要求", "市教育局", "牵头"), ("落实科学课程课时要求", "各区县教育局", "配合"),
        ("加强科学实验教学", "市教育局", "负责"), ("加强科学实验教学", "市教育装备中心", "负责")]
    table = "某市任务清单\n\n| 序号 | 重点任务 | 牵头单位 |\n|---|---|---|\n| 1 | 推进改革 | **市教育局** |\n| 2 | 推进发展 | 市科协 |\n"
    assert [r.mention for r in parse_text(table, "x.md").graph.responsibilities] == ["市教育局", "市科协"]


@pytest.mark.parametrize("text,deadline", [
    ("推进改革（市商务局负责，2025—2027年持续推进）。", "2025─2027年持续推进"),  # normalised dash: the clause text
    ("推进改革（市教育局负责，每季度报送进展）。", "每季度报送进展"),
    ("推进改革（市教育局负责，每年开展两次）。", "每年开展两次"),
    ("推进改革（市教育局负责，2025年底前完成）。", "2025年底前完成"),
])
def test_a_rhythm_or_a_span_of_years_with_its_manner_is_one_deadline(text, deadline):
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found = find_clauses(normalize(text))[0]
    assert [c.deadline for c in found] == [deadline] and not found[0].problems


def test_a_rhythm_that_is_no_deadline_stays_unread():
    from kg.loaders.clauses import find_clauses
    from kg.loaders.text import normalize

    found = find_clauses(normalize("推进改革（市教育局负责，每个乡镇建设1个站点）。"))[0]
    assert found[0].deadline is None and found[0].problems


# ── review round 2 (precision) ──────────────────────────────────────────────────────────────────


def _mentions(text: str, file: str = "x.txt") -> list[tuple[str, str]]:
    from kg.loaders import parse_text

    return [(r.mention, r.qualifier) for r in parse_text(text, file).graph.responsibilities]


def test_a_liaison_list_headed_by_a_role_column_gives_no_edge():
    """牵头单位 | 联络员 | 联系电话 (the liaison list closing many plans, tab- or space-aligned) names contacts: a table
    with a person column and no column saying what the task is gives nothing, and its lines are not read as labels;
    a task table with the same person column still gives its roles."""
    head = "县2025年农村人居环境整治工作方案\n一、重点任务\n（一）推进农村厕所革命。（牵头单位：县农业农村局）\n二、附件\n各牵头单位联络员名单\n"
    tab = head + "牵头单位\t联络员\t联系电话\n县农业农村局\t周强\t13800001111\n县生态环境分局\t吴敏\t13800002222\n"
    space = head + "牵头单位        联络员      职务      联系电话\n县城管局        陈刚        股长      13900000001\n"
    for text in (tab, space):
        assert _mentions(text) == [("县农业农村局", "牵头")]
    task_table = ("某县任务分工表\n\n序号\t重点任务\t牵头单位\t联系人\n1\t推进厕所革命\t县农业农村局\t周强\n")
    assert _mentions(task_table) == [("县农业农村局", "牵头")]


def test_a_contact_after_a_unit_and_a_space_is_no_part_of_it():
    """责任单位：县教育局  联系人：张三  联系电话：138… — the contact is people, not the rest of a unit."""
    text = ("县2025年校园安全工作任务清单\n一、重点任务\n（一）开展校园周边环境整治。\n"
            "责任单位：县教育局  联系人：张三  联系电话：13800000000\n（二）加强校车安全管理。\n"
            "牵头单位：县公安局，联系人：李四，电话：13900000000\n")
    assert _mentions(text) == [("县教育局", "负责"), ("县公安局", "牵头")]


def test_people_after_units_with_spaces_in_a_list_are_dropped_and_glosses_stay():
    """县教育局 张三、县公安局 李四: two units (the first name no part of the second unit); a short gloss in brackets
    that is no person's name stays in the unit as written (县自然资源局（林草）, 市发改委（金融）)."""
    text = ("市2025年任务清单\n一、重点任务\n1.强化生物多样性保护。（责任单位：市生态环境局 陈刚、市林业局 林涛）\n"
            "2.推进林长制改革。（责任单位：县自然资源局（林草））\n3.发展绿色金融。（责任单位：市发改委（金融））\n")
    assert _mentions(text) == [("市生态环境局", "负责"), ("市林业局", "负责"), ("县自然资源局（林草）", "负责"),
                               ("市发改委（金融）", "负责")]


def test_a_look_back_clause_covers_the_items_it_counts_or_else_the_last():
    """以上两项工作由A负责 after three items covers the last two; a look-back clause after items of which one has its
    own clause goes to the last item (not spread over the others, not lost); 上述任务责任单位：… read is no unread
    label (the report said partial)."""
    from kg.loaders import parse_text

    def read(text: str) -> list[tuple[str, str, str]]:
        g = parse_text(text, "x.txt").graph
        titles = {t.id: t.title for t in g.tasks} | {a.id: a.title for a in g.actions}
        return [(titles[r.target_id], r.mention, r.qualifier) for r in g.responsibilities]

    counted = ("县2025年卫生健康工作要点\n一、重点任务\n1.推进紧密型县域医共体建设。\n2.加强基层医疗机构能力建设。\n"
               "3.开展家庭医生签约服务。\n以上两项工作由县卫健委负责。\n")
    assert read(counted) == [("加强基层医疗机构能力建设", "县卫健委", "负责"), ("开展家庭医生签约服务", "县卫健委", "负责")]
    sibling = ("区2025年教育强区建设工作要点\n一、推进义务教育优质均衡\n1.推进集团化办学。（区教育局负责）\n2.实施强校工程。\n"
               "以上工作由区教育局负责，各街道配合。\n")
    assert read(sibling) == [("推进集团化办学", "区教育局", "负责"), ("实施强校工程", "区教育局", "负责"),
                             ("实施强校工程", "各街道", "配合")]
    labelled = ("县2025年安全生产专项整治工作方案\n一、重点任务\n（一）开展消防安全专项整治\n1.排查高层建筑消防隐患。\n"
                "2.整治电动自行车违规充电。\n上述任务责任单位：县消防救援大队、各乡镇人民政府。\n")
    p = parse_text(labelled, "x.txt")
    assert len(p.graph.responsibilities) == 4 and p.coverage is not None and not p.coverage.unread


def test_an_organiser_block_in_an_event_plan_gives_no_edge():
    """二、组织单位 / 主办单位：… / 承办单位：… in an event plan (not a notice) names the event's organisers; the plan's
    task clauses are still read, and 主办单位/协办单位 attached to a task (a 督办 plan) still lead and support."""
    plan = ("2025年全民健身月活动方案\n一、活动主题\n全民健身 活力城市\n二、组织单位\n主办单位：市体育局、市总工会\n"
            "承办单位：各区体育局\n三、活动内容\n（一）组织开展全民健身赛事活动。（牵头单位：市体育局）\n")
    assert _mentions(plan) == [("市体育局", "牵头")]
    task = ("市2025年重点工作督办方案\n一、重点任务\n（一）推进营商环境改革。\n主办单位：市发改委\n协办单位：市财政局\n")
    assert [q for _, q in _mentions(task)] == ["牵头", "配合"]
    # an event's own plan: its hosts wherever they stand (三、组织保障 / 主办单位：…); its tasks' 配合/参与 units still read
    own = ("关于印发《2025年全民健身月活动实施方案》的通知\n2025年全民健身月活动实施方案\n一、主要任务\n"
           "（一）组织开展全民健身赛事活动。（牵头单位：市体育局；配合单位：市总工会、团市委）\n三、组织保障\n"
           "主办单位：市体育局、市总工会\n承办单位：各区体育局\n")
    assert _mentions(own) == [("市体育局", "牵头"), ("市总工会", "配合"), ("团市委", "配合")]


def test_an_empty_bracket_in_a_unit_list_is_no_part_of_a_unit():
    """(()、，市人力资源社会保障局、… 按职责分工负责): a mistyped empty bracket made the unit "()、市人力资源社会保障局", a
    mention the text does not hold (found by tests/test_properties.py)."""
    text = "某市实施方案\n\n一、重点任务\n（一）培育高素质农民队伍。(()、，市人力资源社会保障局、市科协按职责分工负责)\n"
    assert [m for m, _ in _mentions(text)] == ["市人力资源社会保障局", "市科协"]


def _edges(text: str, file: str = "x.txt") -> list[tuple]:
    """(target title, mention, role, qualifier, deadline) of every edge parse_text reads from `text`."""
    from kg.loaders import parse_text

    g = parse_text(text, file).graph
    titles = {t.id: t.title for t in g.tasks} | {a.id: a.title for a in g.actions}
    return [(titles[r.target_id], r.mention, r.role, r.qualifier, r.deadline) for r in g.responsibilities]


def test_a_people_line_between_label_lines_keeps_the_deadline():
    """牵头单位:A / 第一责任人:县长 / 完成时限:2025年底 under a task: the people line names no unit, and the deadline
    line after it is still the task's; a sentence between the lines still parts them (no deadline crosses it)."""
    head = "某县2025年重点工作分工方案\n一、经济发展\n1.推进项目建设。\n牵头单位：县发展改革局\n"
    tail = "2.扩大有效投资。\n牵头单位：县财政局\n完成时限：2025年6月底\n"
    for people in ("第一责任人：县长\n", "责任领导：王某\n联系人：李某  联系电话：12345678\n"):
        assert _edges(head + people + "完成时限：2025年底\n" + tail) == [
            ("推进项目建设", "县发展改革局", "LEADS", "牵头", "2025年底"),
            ("扩大有效投资", "县财政局", "LEADS", "牵头", "2025年6月底")]
    prose = head + "该项目列入全县重点工程。\n完成时限：2025年底\n" + tail
    assert _edges(prose)[0] == ("推进项目建设", "县发展改革局", "LEADS", "牵头", None)


def test_a_look_back_scope_inside_an_item_closes_its_own_sentence():
    """3.开展专项检查，建立台账，以上工作由县市场监管局负责。: the scope after a comma ends the item's own sentence, so the
    clause is that item's (its title without the clause); a 以上 line under the items still covers them, and a
    sentence with more than a clause (以上数据由…提供 / 加快推进，A负责) stays text."""
    head = "某县食品安全工作要点\n一、加强监管\n1.强化日常巡查。（县市场监管局负责）\n"
    inside = head + "2.开展专项检查，建立台账，以上工作由县市场监管局负责。\n3.加强宣传教育。（县委宣传部负责）\n"
    assert [e[:4] for e in _edges(inside)] == [
        ("强化日常巡查", "县市场监管局", "RESPONSIBLE_FOR", "负责"),
        ("开展专项检查，建立台账", "县市场监管局", "RESPONSIBLE_FOR", "负责"),
        ("加强宣传教育", "县委宣传部", "RESPONSIBLE_FOR", "负责")]
    two = head + "2.开展专项检查，上述两项工作由县市场监管局牵头，县公安局配合。\n"
    assert [(t, m, q) for t, m, _, q, _ in _edges(two)][1:] == [
        ("开展专项检查", "县市场监管局", "牵头"), ("开展专项检查", "县公安局", "配合")]
    for prose in ("2.开展专项检查，以上数据由县统计局提供。\n", "2.开展专项检查，加快推进，县市场监管局负责。\n"):
        assert len(_edges(head + prose)) == 1
    below = "某县食品安全工作要点\n一、加强监管\n1.开展专项检查。\n2.建立台账。\n以上工作由县市场监管局负责。\n"
    assert [e[0] for e in _edges(below)] == ["开展专项检查", "建立台账"]


def test_a_contact_line_in_a_contact_section_or_after_a_notices_prose_gives_no_edge():
    """牵头单位:省商务厅  联系人:王某  联系电话:… names whom to call: no edge in a 联系方式 section (any plan), nor after
    prose in an event notice; a task's label line that goes on to a contact still leads, and so does a label line
    without a contact in a contact section's plan."""
    notice = ("关于举办2025年浙江省消费品博览会的通知\n各市商务局：\n定于2025年5月举办博览会。\n一、筹备任务\n"
              "（一）展位布置。（牵头单位：市会展办）\n二、参展要求\n各市组织本地企业参展。\n"
              "牵头单位：省商务厅  联系人：王某  联系电话：0571-87001234\n三、联系方式\n"
              "承办单位：杭州会展公司  联系人：李某  邮箱：abc@example.com\n"
              "牵头单位：省商务厅  联系人：王某  电话：0571-87001234\n")
    assert _mentions(notice) == [("市会展办", "牵头")]
    plan = ("某县2025年重点工作分工方案\n一、经济发展\n1.推进项目建设。\n牵头单位：县发展改革局  联系人：王某  联系电话：12345678\n"
            "2.扩大有效投资。\n牵头单位：县财政局\n三、联系方式\n牵头单位：县政府办  联系人：李某  电话：87654321\n")
    assert _mentions(plan) == [("县发展改革局", "牵头"), ("县财政局", "牵头")]
    task = ("关于举办2025年浙江省消费品博览会的通知\n各市商务局：\n定于2025年5月举办博览会。\n一、筹备任务\n（一）展位布置。\n"
            "牵头单位：市会展办  联系人：张某  电话：12345678\n")
    assert _mentions(task) == [("市会展办", "牵头")]


def test_a_clause_that_opens_an_item_is_read_and_left_out_of_its_title():
    """(三)【市水利局牵头】加强河湖管护…… / 1.(牵头单位：县教育局)推进……: the clause opening an item is read as one closing
    it is, and the title is the text without it; with a clause closing the item too, both are one task's; a bracket
    that is no clause ((APP)) stays in the title."""
    text = ("某市水利工作方案\n一、主要任务\n（一）【市水利局牵头】加强河湖管护，落实河长制。\n（二）强化水资源管理。【市发展改革委牵头】\n"
            "（三）【市农业农村局牵头】推进灌区改造。（市财政局配合）\n二、保障措施\n1.（牵头单位：县教育局）推进学校建设。\n"
            "2.（APP）推广应用。（县数据局负责）\n")
    assert [(t, m, q) for t, m, _, q, _ in _edges(text)] == [
        ("加强河湖管护，落实河长制", "市水利局", "牵头"), ("强化水资源管理", "市发展改革委", "牵头"),
        ("推进灌区改造", "市农业农村局", "牵头"), ("推进灌区改造", "市财政局", "配合"),
        ("推进学校建设", "县教育局", "牵头"), ("（APP）推广应用", "县数据局", "负责")]


def test_a_decimal_in_a_table_cell_is_no_item_marker():
    """6.5 / 8.5 in a space-aligned indicator table: a number followed by a digit is a value, not the marker 6. before
    a title 5 (and a column of values titles no row: the indicator does, tests/test_role_tables_realworld.py); 1.推进…
    in a cell is still a marker."""
    table = ("某市2025年经济发展主要指标分解方案\n\n一、主要指标\n指标名称              2024年    2025年目标    责任单位\n"
             "地区生产总值增速       6.0       6.5          市发展改革委\n一般公共预算收入增速   8         8.5          市财政局\n")
    assert [(t, m) for t, m, *_ in _edges(table)] == [("地区生产总值增速", "市发展改革委"), ("一般公共预算收入增速", "市财政局")]
    marked = ("某市2025年重点任务分解方案\n\n一、重点任务\n序号  重点任务              牵头单位\n"
              "1     1.推进项目建设        市发展改革委\n2     2.扩大有效投资        市财政局\n")
    assert [(t, m) for t, m, *_ in _edges(marked)] == [("推进项目建设", "市发展改革委"), ("扩大有效投资", "市财政局")]


def test_a_step_of_procedure_is_no_unit():
    """…，报市政府批准后实施 / 经市政府同意后组织实施: the body that approves is no unit of the clause (it gave the unit
    报市政府批准后); units whose names open with the same characters (经信局, 报社) are still units."""
    text = ("某市推进数字经济发展实施方案\n一、主要任务\n（一）完善政策体系。由市发展改革委牵头，会同有关部门研究制定实施细则，"
            "报市政府批准后实施。\n（二）加强人才支撑。（市人力资源社会保障局负责，经市政府同意后组织实施）\n"
            "（三）推进企业上云。（市发展改革委牵头，经信局配合）\n（四）加强宣传。（报社、电视台负责）\n")
    assert [(t, m, q) for t, m, _, q, _ in _edges(text)] == [
        ("完善政策体系", "市发展改革委", "牵头"), ("完善政策体系", "有关部门", "负责"),
        ("加强人才支撑", "市人力资源社会保障局", "负责"),
        ("推进企业上云", "市发展改革委", "牵头"), ("推进企业上云", "经信局", "配合"),
        ("加强宣传", "报社", "负责"), ("加强宣传", "电视台", "负责")]


def test_an_event_notices_arrangements_give_no_edge():
    """(省水利厅负责汇总) under 三、材料报送 of a 关于召开…会议的通知: the unit does one act of arranging the meeting, it does
    not answer for a task; the notice's task clauses ((A负责) on an agenda item, 牵头单位/配合单位 in a task part) are
    still read, and a plan that is no event notice keeps the same clause."""
    head = "关于召开全省水利工作会议的通知\n各市水利局：\n定于2025年3月召开全省水利工作会议。\n一、会议时间\n2025年3月10日。\n"
    arrange = "三、材料报送\n请各市于3月5日前报送工作总结（省水利厅负责汇总）。\n"
    assert _mentions(head + arrange) == []
    tasks = head + "二、筹备工作任务分工\n（一）会场布置。（牵头单位：省水利厅；配合单位：省水文局）\n（二）会议材料印制。（省水文局负责）\n" + arrange
    assert _mentions(tasks) == [("省水利厅", "牵头"), ("省水文局", "配合"), ("省水文局", "负责")]
    plan = "某省水利工作要点\n一、加强监测\n（一）报送监测数据（省水利厅负责汇总）。\n"
    assert _mentions(plan) == [("省水利厅", "负责")]

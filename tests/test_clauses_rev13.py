"""Review set rev13: bare unit lists of national ministries and other bodies, role verbs with a word glued on,
shared collective names (tests fail on the code before these fixes)."""

from __future__ import annotations

import pytest

from kg.loaders.clauses import find_clauses
from kg.loaders.text import normalize

R, L = "RESPONSIBLE_FOR", "LEADS"


def read(text: str) -> list[tuple[str, str, str]]:
    found, _ = find_clauses(normalize(text))
    return [(a.unit, a.role, a.qualifier) for c in found for a in c.assignments]


def problems(text: str) -> int:
    found, _ = find_clauses(normalize(text))
    return sum(len(c.problems) for c in found)


@pytest.mark.parametrize("text,expected", [
    # a national ministry names no place, yet it is a unit
    ("做好工作。（教育部）", [("教育部", R, "负责")]),
    ("做好工作。（财政部、税务总局）", [("财政部", R, "负责"), ("税务总局", R, "负责")]),
    ("做好工作。（公安部、交通运输部）", [("公安部", R, "负责"), ("交通运输部", R, "负责")]),
    ("做好工作。（最高人民法院、公安部）", [("最高人民法院", R, "负责"), ("公安部", R, "负责")]),
    ("做好工作。（海关总署、商务部）", [("海关总署", R, "负责"), ("商务部", R, "负责")]),
    # head nouns of other bodies
    ("做好工作。（共青团中央、教育部）", [("共青团中央", R, "负责"), ("教育部", R, "负责")]),
    ("做好工作。（中国科协、省科协）", [("中国科协", R, "负责"), ("省科协", R, "负责")]),
    ("做好工作。（县供销社、县委党校）", [("县供销社", R, "负责"), ("县委党校", R, "负责")]),
    ("做好工作。（市供销合作社、县邮政分公司）", [("市供销合作社", R, "负责"), ("县邮政分公司", R, "负责")]),
    ("做好工作。（省商务厅、各市州）", [("省商务厅", R, "负责"), ("各市州", R, "负责")]),
    ("做好工作。（中国证监会、中国人民银行）", [("中国证监会", R, "负责"), ("中国人民银行", R, "负责")]),
    ("做好工作。（中国科学院、教育部）", [("中国科学院", R, "负责"), ("教育部", R, "负责")]),
    ("做好工作。（市社科联、市贸促会、市消协）", [("市社科联", R, "负责"), ("市贸促会", R, "负责"), ("市消协", R, "负责")]),
    ("做好工作。（市计生协、市慈善总会）", [("市计生协", R, "负责"), ("市慈善总会", R, "负责")]),
    ("做好工作。（市档案馆、市文化广电旅游局）", [("市档案馆", R, "负责"), ("市文化广电旅游局", R, "负责")]),
    ("做好工作。（市卫健委、市妇幼保健院）", [("市卫健委", R, "负责"), ("市妇幼保健院", R, "负责")]),
    ("做好工作。（市教育局、某某大学、某某职业技术学院）",
     [("市教育局", R, "负责"), ("某某大学", R, "负责"), ("某某职业技术学院", R, "负责")]),
    ("做好工作。（市统计局、国家统计局某某调查队）", [("市统计局", R, "负责"), ("国家统计局某某调查队", R, "负责")]),
    ("做好工作。（中央宣传部、新华社、中央广播电视总台）",
     [("中央宣传部", R, "负责"), ("新华社", R, "负责"), ("中央广播电视总台", R, "负责")]),
    # a note after the list names no unit
    ("做好工作。（省商务厅、省财政厅、省公安厅。以下均需各设区市人民政府落实，不再一一列出）",
     [("省商务厅", R, "负责"), ("省财政厅", R, "负责"), ("省公安厅", R, "负责")]),
    ("做好工作。（县应急局、县委组织部。以下任务均需各乡镇人民政府落实，不再列出）",
     [("县应急局", R, "负责"), ("县委组织部", R, "负责")]),
    # still text: glosses, enumerations, a place list, body parts, examples
    ("设在教育部（教育部办公厅）。", []),
    ("确定试点高校2所（某某大学、某某学院）。", []),
    ("做好工作。（自治区、直辖市）", []),
    ("做好工作。（如学校、医院）", []),
    ("做好工作。（内部、外部）", []),
    ("做好工作。（东部、中部）", []),
])
def test_bare_list_of_units(text, expected):
    assert read(text) == expected


def test_bare_list_first_listed_leads():
    """Under 列第一位的为牵头单位 the first ministry of a bare list leads."""
    found, _ = find_clauses(normalize("做好工作。（财政部、税务总局）"), 1)
    assert [(a.unit, a.role) for c in found for a in c.assignments] == [("财政部", L), ("税务总局", R)]


@pytest.mark.parametrize("text,expected", [
    # a word glued onto a role verb is part of the verb, never of the unit
    ("（市商务局牵头组织实施，市财政局配合）", [("市商务局", L, "牵头"), ("市财政局", R, "配合")]),
    ("（市商务局牵头协调，市财政局配合）", [("市商务局", L, "牵头"), ("市财政局", R, "配合")]),
    ("（市商务局牵头统筹，市财政局配合）", [("市商务局", L, "牵头"), ("市财政局", R, "配合")]),
    ("（市河长办总牵头，各镇（街道）组织落实）", [("市河长办", L, "牵头"), ("各镇(街道)", R, "负责")]),
    ("（市水利局为主，各镇负责落实）", [("市水利局", L, "牵头"), ("各镇", R, "负责")]),
    ("（市应急管理局牵头，市气象局予以配合）", [("市应急管理局", L, "牵头"), ("市气象局", R, "配合")]),
    ("（市商务局跟踪落实）", [("市商务局", R, "负责")]),
    ("（市生态环境局联合市工信局负责）", [("市生态环境局", R, "负责"), ("市工信局", R, "负责")]),
    ("（市商务局、市财政局根据职能分工负责）", [("市商务局", R, "负责"), ("市财政局", R, "负责")]),
    ("（市商务局具体承办）", [("市商务局", R, "负责")]),
    # not units: 为主 after no unit, a name with 联合 inside it
    ("坚持以预防为主。（以预防为主）", []),
    ("（市工商业联合会负责）", [("市工商业联合会", R, "负责")]),
])
def test_verb_with_a_word_glued_on(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a level word before 和 shares the noun after it: one collective, as written
    ("（中央和国家机关有关部门按职责分工负责）", [("中央和国家机关有关部门", R, "负责")]),
    # places in brackets before a shared 人民政府: one collective, as 各市、县人民政府 is
    ("（各州（市）、县（市、区）人民政府负责）", [("各州(市)、县(市、区)人民政府", R, "负责")]),
    ("（各市、县人民政府负责）", [("各市、县人民政府", R, "负责")]),
    # 按照“谁主管、谁负责”原则 says how, it is no deadline and does not cut the unit off
    ("（省发展改革委牵头，省直相关单位按照“谁主管、谁负责”原则落实）",
     [("省发展改革委", L, "牵头"), ("省直相关单位", R, "负责")]),
    # still two: whole units on both sides, and a 各 place before another 各 collective
    ("（市教育局和市财政局负责）", [("市教育局", R, "负责"), ("市财政局", R, "负责")]),
    ("（各州（市）、各县人民政府负责）", [("各州(市)", R, "负责"), ("各县人民政府", R, "负责")]),
])
def test_shared_collective_names(text, expected):
    assert read(text) == expected


def _coverage(items: str) -> tuple[int, int, list[str]]:
    from kg.loaders import parse_text

    parsed = parse_text("某市人民政府办公室关于印发某市2025年工作要点的通知\n某市2025年工作要点\n一、重点任务\n" + items, "x.txt")
    cov = parsed.coverage
    assert cov is not None
    return cov.total_found, cov.total_read, [u.text for u in cov.unread]


def test_a_bare_list_not_read_is_reported():
    """A bare unit list kg cannot read (one unit it does not know) is role text not read — never a silent ok."""
    found, read_, unread = _coverage("1.推进事项一。做好工作。（市发展改革委、某某研究所）\n"
                                     "2.推进事项二。做好工作。（市教育局、中国老龄协会）\n")
    assert (found, read_) == (2, 1) and unread == ["（市发展改革委、某某研究所）"]


@pytest.mark.parametrize("items", [
    "1.确定试点高校2所（某某书院、某某研究所）。\n",  # a count's enumeration
    "1.领导小组办公室设在市发展改革委（市营商环境办）。\n",  # a gloss
    "1.覆盖全部区县（含开发区、高新区）。\n",
    "1.推进事项。做好工作（2024年底前）。\n",
])
def test_text_brackets_are_no_role_text(items):
    assert _coverage(items) == (0, 0, [])


@pytest.mark.parametrize("text,expected", [
    # a hotline's number is part of its centre's name
    ("（市12345政务服务便民热线管理中心具体承办，各县（市）区政府根据职责分工负责）",
     [("市12345政务服务便民热线管理中心", R, "负责"), ("各县(市)区政府", R, "负责")]),
    ("（市120急救指挥中心负责）", [("市120急救指挥中心", R, "负责")]),
    # any other number of three digits or more is a count, not a name
    ("（新增1200家企业负责）", []),
    ("（市1234中心负责）", []),
])
def test_hotline_number_in_a_unit(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text,expected", [
    # 指导 → responsible (指导), as the annotation rules say; 统筹 before it says how, it leads nothing
    ("（各县区政府负责，市商务局统筹指导）", [("各县区政府", R, "负责"), ("市商务局", R, "指导")]),
    # 统筹协调 / 统筹推进 still lead
    ("（市商务局统筹协调，市财政局配合）", [("市商务局", L, "牵头"), ("市财政局", R, "配合")]),
    ("（市商务局统筹推进）", [("市商务局", L, "牵头")]),
])
def test_overall_guidance_guides(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a list of only institutions (libraries, universities, academies, associations): examples or objects of the task
    # — unless the plan says the first listed leads, where bare lists are its clauses (review set rev15 p02, p20)
    ("做好工作。（中国科学院、中国社科院）", []),
    ("新建改造一批公共文化场馆（市图书馆、市文化馆、市博物馆）。", []),
    ("加快建设一流学科（中国科学技术大学、合肥工业大学）。", []),
    ("打造示范点5个以上（机关党支部、村党支部）。", []),
    # the issuers of a cited document, not who answers for a task (rev15 p01)
    ("1.关于进一步支持小微企业发展有关税费政策的公告（财政部、税务总局）", []),
    ("4.关于金融支持民营企业发展的若干措施（中国人民银行、金融监管总局、中国证监会）", []),
    # a bare list beside the item's own role clause is what the task is about, not who answers (rev15 p02)
    ("2.建设县级文化场馆（县图书馆、县文化馆）。（县文化广电旅游局牵头，各乡镇人民政府负责）",
     [("县文化广电旅游局", L, "牵头"), ("各乡镇人民政府", R, "负责")]),
    # 以…为主 says what the work relies on (rev15 p09)
    ("2.加强基层医疗卫生服务（以乡镇卫生院和村卫生室为主）。", []),
    ("4.实施农村公路养护工程（资金以县级政府为主）。", []),
    ("5.推进河道治理（市水利局为主，各镇负责落实）。", [("市水利局", L, "牵头"), ("各镇", R, "负责")]),
])
def test_red_team_precision(text, expected):
    assert read(text) == expected


def test_institutions_are_read_where_the_first_listed_leads():
    found, _ = find_clauses(normalize("做好工作。（中国科学院、中国社科院）"), 1)
    assert [(a.unit, a.role) for c in found for a in c.assignments] == [("中国科学院", L), ("中国社科院", R)]

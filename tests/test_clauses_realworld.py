"""Role clauses as real plans write them, beyond the forms the seeds show: each case is a short plan written for
the test (the expected edges by hand), with negative cases beside it that must read as they always did."""
from __future__ import annotations

from kg.loaders import parse_text

HEAD = "某市人民政府办公室关于印发某市2025年工作要点的通知\n某市2025年工作要点\n一、重点任务\n"


def read(items: str) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(task, unit, role, qualifier) of each edge of a plan made of the given items, and the text of what was not
    read (the coverage's unread parts)."""
    parsed = parse_text(HEAD + items, "x.txt")
    g = parsed.graph
    titles = {t.id: t.title for t in g.tasks} | {a.id: a.title for a in g.actions}
    got = [(titles[r.target_id], r.mention, r.role, r.qualifier) for r in g.responsibilities]
    assert parsed.coverage is not None
    return got, [u.text for u in parsed.coverage.unread]


L, R = "LEADS", "RESPONSIBLE_FOR"


# ── 1. a role verb followed by 、 or a space ends its group ────────────────────────────────────────────
def test_verb_then_enumeration_comma_or_space_ends_the_group():
    got, unread = read("（一）甲项工作。（市商务局牵头、市财政局配合）\n"
                       "（二）乙项工作。（市商务局牵头 市财政局配合）\n"
                       "（三）丙项工作。（市商务局负责、市财政局配合）\n"
                       "（四）丁项工作。（市商务局牵头，各区政府负责落实、市财政局配合）\n"
                       "（五）戊项工作。（市商务局牵头、市财政局、市税务局配合）\n"
                       "（六）己项工作。（市发展改革委牵头、市推进落实办公室配合）\n")
    assert got == [("甲项工作", "市商务局", L, "牵头"), ("甲项工作", "市财政局", R, "配合"),
                   ("乙项工作", "市商务局", L, "牵头"), ("乙项工作", "市财政局", R, "配合"),
                   ("丙项工作", "市商务局", R, "负责"), ("丙项工作", "市财政局", R, "配合"),
                   ("丁项工作", "市商务局", L, "牵头"), ("丁项工作", "各区政府", R, "负责"),
                   ("丁项工作", "市财政局", R, "配合"),
                   ("戊项工作", "市商务局", L, "牵头"), ("戊项工作", "市财政局", R, "配合"),
                   ("戊项工作", "市税务局", R, "配合"),
                   ("己项工作", "市发展改革委", L, "牵头"), ("己项工作", "市推进落实办公室", R, "配合")]
    assert unread == []


def test_each_unit_with_its_own_duty():
    """A负责X，B负责Y: the object may end in a verb (实施 / 管护), and a stage noun (后期) may open it."""
    got, unread = read("（一）甲项工作。（市财政局负责资金保障，市住建局负责项目实施）\n"
                       "（二）乙项工作。（市住建局负责项目建设，市城管局负责后期管护）\n")
    assert got == [("甲项工作", "市财政局", R, "负责"), ("甲项工作", "市住建局", R, "负责"),
                   ("乙项工作", "市住建局", R, "负责"), ("乙项工作", "市城管局", R, "负责")]
    assert unread == []


def test_verb_groups_that_do_not_change():
    """Units with similar characters, a verb list after one unit, and 会同 read as before."""
    got, unread = read("（一）甲项工作。（市教育局负责统筹、协调推进）\n"
                       "（二）乙项工作。（市财政局会同市税务局负责）\n"
                       "（三）丙项工作。（市委组织部牵头，市委编办、市人社局配合）\n")
    assert got == [("甲项工作", "市教育局", R, "负责"),
                   ("乙项工作", "市财政局", R, "负责"), ("乙项工作", "市税务局", R, "负责"),
                   ("丙项工作", "市委组织部", L, "牵头"), ("丙项工作", "市委编办", R, "配合"),
                   ("丙项工作", "市人社局", R, "配合")]
    assert unread == []


# ── 4. a label's value that names no unit here ────────────────────────────────────────────────────────
def test_reference_or_none_after_a_label_is_no_unit_and_not_unread():
    got, unread = read("（一）甲任务。（责任单位：市住建局）\n"
                       "（二）乙任务。（责任单位：同第一项）\n"
                       "（三）丙任务。（责任单位：同第1条）\n"
                       "（四）丁任务。（牵头单位：市城管局；配合单位：无）\n"
                       "（五）戊任务。（责任单位：同上）\n"
                       "（六）己任务。（牵头单位：市商务局；配合单位：暂无）\n"
                       "（七）庚任务。（责任单位：见附件2）\n"
                       "（八）辛任务。\n责任单位：同上\n")
    assert got == [("甲任务", "市住建局", R, "负责"), ("丁任务", "市城管局", L, "牵头"), ("己任务", "市商务局", L, "牵头")]
    assert unread == []


def test_units_that_start_like_a_reference_stay_units():
    got, unread = read("（一）甲任务。（牵头单位：无锡市商务局；配合单位：同济大学）\n"
                       "（二）乙任务。（责任单位：见证取样中心、市住建局）\n")
    assert got == [("甲任务", "无锡市商务局", L, "牵头"), ("甲任务", "同济大学", R, "配合"),
                   ("乙任务", "见证取样中心", R, "负责"), ("乙任务", "市住建局", R, "负责")]
    assert unread == []


# ── 5. a category noun after 等 ───────────────────────────────────────────────────────────────────────
def test_category_noun_after_deng_is_no_unit():
    got, unread = read("（一）甲项工作。（省科技厅、兰州大学、兰州理工大学等高校按职责分工负责）\n"
                       "（二）乙项工作。（省地方金融管理局、工商银行甘肃分行等金融机构负责）\n"
                       "（三）丙项工作。（省商务厅、阿里巴巴等企业参与）\n"
                       "（四）丁项工作。（国网甘肃省电力公司等电力企业负责）\n")
    assert got == [("甲项工作", "省科技厅", R, "负责"), ("甲项工作", "兰州大学", R, "负责"),
                   ("甲项工作", "兰州理工大学", R, "负责"),
                   ("乙项工作", "省地方金融管理局", R, "负责"), ("乙项工作", "工商银行甘肃分行", R, "负责"),
                   ("丙项工作", "省商务厅", R, "配合"), ("丙项工作", "阿里巴巴", R, "配合"),
                   ("丁项工作", "国网甘肃省电力公司", R, "负责")]
    assert unread == []


def test_qualified_collective_after_deng_stays():
    got, _ = read("（一）甲项工作。（国家发展改革委牵头，工业和信息化部等国务院相关部门按职责分工负责）\n"
                  "（二）乙项工作。（省科技厅、省科技馆等单位负责）\n")
    assert got == [("甲项工作", "国家发展改革委", L, "牵头"), ("甲项工作", "工业和信息化部", R, "负责"),
                   ("甲项工作", "国务院相关部门", R, "负责"),
                   ("乙项工作", "省科技厅", R, "负责"), ("乙项工作", "省科技馆", R, "负责")]


# ── 3. a person or a post in brackets after a unit ────────────────────────────────────────────────────
def test_post_and_person_in_brackets_after_a_unit_are_no_part_of_it():
    got, unread = read("（一）甲。（责任单位：市城管局（局长 赵刚））\n"
                       "（二）乙。（责任单位：市园林局（副局长孙丽）、市水利局（王涛））\n"
                       "（三）丙。（责任单位：市城管局（责任人：赵刚））\n"
                       "（四）丁。（责任单位：市城管局（分管领导：李明））\n")
    assert got == [("甲", "市城管局", R, "负责"), ("乙", "市园林局", R, "负责"), ("乙", "市水利局", R, "负责"),
                   ("丙", "市城管局", R, "负责"), ("丁", "市城管局", R, "负责")]
    assert unread == []


def test_a_gloss_that_names_a_unit_stays():
    got, _ = read("（一）甲。（牵头单位：市自然资源局（林草））\n"
                  "（二）乙。（责任单位：区城市管理委员会（区城管执法局））\n")
    assert got == [("甲", "市自然资源局（林草）", L, "牵头"), ("乙", "区城市管理委员会（区城管执法局）", R, "负责")]


# ── 7. a role noun is never a unit ────────────────────────────────────────────────────────────────────
def test_role_nouns_in_prose_are_no_units():
    got, _ = read("（一）甲项工作。（牵头单位：市发展改革委；责任单位：市财政局）\n"
                  "二、工作要求\n责任单位按职责分工负责，配合单位积极配合。\n")
    assert got == [("甲项工作", "市发展改革委", L, "牵头"), ("甲项工作", "市财政局", R, "负责")]


def test_units_that_start_like_a_role_noun_stay():
    got, _ = read("（一）甲项工作。（各区政府负责，相关部门配合）\n")
    assert got == [("甲项工作", "各区政府", R, "负责"), ("甲项工作", "相关部门", R, "配合")]


# ── review of the session's change: rules that cut or dropped real units ─────────────────────────────
def test_deng_inside_a_word_and_schools_named_zhong_stay_whole():
    """中等 / 高等 are words, not a list closed by 等 and a category noun (学校); 市二中等 still drops its 等."""
    got, _ = read("（一）甲项工作。（责任单位：市中等职业学校、市教育局）\n"
                  "（二）乙项工作。（责任单位：市高等专科学校，市人社局）\n"
                  "（三）丙项工作。（责任单位：市一中、市二中等）\n"
                  "（四）丁项工作。（省科技厅、兰州大学等高校按职责分工负责）\n")
    assert [u for _, u, _, _ in got] == ["市中等职业学校", "市教育局", "市高等专科学校", "市人社局", "市一中", "市二中",
                                         "省科技厅", "兰州大学"]


def test_a_unit_named_with_jing_that_answers_for_an_approval_is_no_procedure():
    """经开区管委会负责项目审批: a sub-clause with a role verb names its units, though it opens with 经 and holds 审批;
    报市政府批准后实施 is still procedure."""
    got, _ = read("（一）推进审批改革。经开区管委会负责项目审批，市发改委配合。\n"
                  "（二）制定细则。（由市发展改革委牵头，会同有关部门研究制定实施细则，报市政府批准后实施）\n")
    assert [(u, r) for _, u, r, _ in got] == [("经开区管委会", R), ("市发改委", R), ("市发展改革委", L), ("有关部门", R)]

"""Layouts of real plans, one fixture per class of issue #12, with edges written down by hand.

Each fixture in tests/layouts/ imitates a layout seen in real plans (labelled role lines, single-level
items, unit phrases without a known suffix, several clauses in one item, lost line breaks, other item
markers, traditional characters). Each expected row is (action, task, unit as written, role, qualifier,
deadline); it was written from the fixture text before comparing with kg's output.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import parse_path

HERE = Path(__file__).resolve().parent / "layouts"
L, R = "LEADS", "RESPONSIBLE_FOR"


def rows(name: str, path: Path | None = None):
    parsed = parse_path(path or HERE / name)
    g = parsed.graph
    tasks = {t.id: t for t in g.tasks}
    actions = {a.id: a for a in g.actions}
    out = []
    for r in g.responsibilities:
        if r.target_kind == "Task":
            t = tasks[r.target_id]
            action, task = actions[t.action_id].title, t.title
        else:
            action, task = actions[r.target_id].title, None
        out.append((action, task, r.mention, r.role, r.qualifier, r.deadline))
    return out, parsed


EXPECTED = {
    "labelled_lines.txt": [
        ("加强基础教育", "推进课程改革，提升教学质量", "市教育局", L, "牵头", "2024年6月底前"),
        ("加强基础教育", "推进课程改革，提升教学质量", "市科协", R, "负责", "2024年6月底前"),
        ("加强基础教育", "推进课程改革，提升教学质量", "团市委", R, "负责", "2024年6月底前"),
        ("加强基础教育", "加强师资队伍建设", "市教育局", L, "牵头", None),
        ("加强基础教育", "加强师资队伍建设", "市人社局", R, "配合", None),
        # line breaks lost: the labels are glued after the item's text and the next item follows a space
        ("优化营商环境", "提升政务服务水平", "市政务服务中心", R, "负责", None),
        ("优化营商环境", "提升政务服务水平", "市发改委", R, "负责", None),
        ("优化营商环境", "深化商事制度改革", "市市场监管局", L, "牵头", None),
        ("优化营商环境", "深化商事制度改革", "市税务局", R, "配合", None),
        ("优化营商环境", "深化商事制度改革", "市公安局", R, "配合", None),
        ("稳定就业", None, "市人社局", R, "负责", None),
        ("稳定就业", None, "各区县人民政府", R, "负责", None),
    ],
    "single_level.txt": [  # items numbered 1./2./第三条 only, each with its clause: each item is an action
        ("开展汽车促消费活动", None, "市商务局", R, "负责", None),
        ("开展汽车促消费活动", None, "市财政局", R, "负责", None),
        ("优化夜间消费环境", None, "市交通局", L, "牵头", None),
        ("优化夜间消费环境", None, "各区人民政府", R, "配合", None),
        ("加强金融支持", None, "人民银行测试市分行", R, "负责", None),
        ("加强金融支持", None, "测试金融监管分局", R, "负责", None),
    ],
    "single_level_sections.txt": [  # 一、 items with their own clauses; a note (以下均需…) is not a unit
        ("支持企业稳岗扩岗", None, "省人力资源社会保障厅", R, "负责", None),
        ("支持企业稳岗扩岗", None, "省财政厅", R, "负责", None),
        ("支持企业稳岗扩岗", None, "省税务局", R, "负责", None),
        ("支持企业稳岗扩岗", None, "各市、县人民政府", R, "负责", None),
        ("拓宽高校毕业生就业渠道", None, "省国资委", R, "负责", None),
        ("拓宽高校毕业生就业渠道", None, "省教育厅", R, "负责", None),
        # the 一、 heading on its own line, its clause at the end of the next paragraph
        ("加强困难群体就业援助", None, "省人力资源社会保障厅", L, "牵头", None),
        ("加强困难群体就业援助", None, "省民政厅", R, "配合", None),
    ],
    "unit_phrases.txt": [
        ("提升通关效率", "压缩整体通关时间", "测试海关", R, "负责", None),
        ("提升通关效率", "压缩整体通关时间", "市商务局", R, "负责", None),
        ("提升通关效率", "推进口岸收费公开", "有关地区", R, "负责", None),
        ("提升通关效率", "推进口岸收费公开", "县级有关部门（单位）", R, "负责", None),
        ("提升通关效率", "建设综合保税区", "示范区管委会", L, "牵头", None),
        ("提升通关效率", "建设综合保税区", "市发展改革委", R, "配合", None),
        ("提升通关效率", "加强金融服务", "中国银行测试分行", R, "负责", None),
        ("提升通关效率", "加强金融服务", "市地方金融监管局", R, "负责", None),
        # a comma continues the unit list before one verb
        ("优化营商服务", "完善企业服务机制", "市发展改革委", R, "负责", None),
        ("优化营商服务", "完善企业服务机制", "市财政局", R, "负责", None),
        ("优化营商服务", "完善企业服务机制", "市税务局", R, "负责", None),
        # a shared prefix is not restored
        ("优化营商服务", "落实税费政策", "省商务厅", R, "负责", None),
        ("优化营商服务", "落实税费政策", "财政厅", R, "负责", None),
        ("优化营商服务", "落实税费政策", "税务局", R, "负责", None),
        # A会同B牵头: A leads, B answers for it with A; 各区、县级市人民政府 is one collective
        ("优化营商服务", "强化部门协同", "市商务局", L, "牵头", None),
        ("优化营商服务", "强化部门协同", "市市场监管局", R, "负责", None),
        ("优化营商服务", "强化部门协同", "各区、县级市人民政府", R, "负责", None),
        # 和 between whole units splits; 有关部门和单位 is one unit; 以及 splits
        ("优化营商服务", "加强宣传引导", "市委宣传部", L, "牵头", None),
        ("优化营商服务", "加强宣传引导", "市融媒体中心", L, "牵头", None),
        ("优化营商服务", "加强宣传引导", "有关部门和单位", R, "负责", None),
        ("优化营商服务", "加强宣传引导", "各街道办事处", R, "负责", None),
        ("优化营商服务", "加强宣传引导", "各社区", R, "负责", None),
        # 等部门 is the head noun of 等, not a unit
        ("优化营商服务", "开展督查考核", "市政府督查室", L, "牵头", None),
        ("优化营商服务", "开展督查考核", "区水利局", R, "配合", None),
    ],
    "several_clauses.txt": [
        # each clause covers the text since the previous one: one task per segment, the first keeps the
        # item's title, each later one is titled by its first clause
        ("完善健身设施", "建设健身步道", "县住建局", R, "负责", None),
        ("完善健身设施", "在公园和广场配建健身器材", "县体育局", R, "负责", None),
        ("完善健身设施", "在公园和广场配建健身器材", "县城管局", R, "负责", None),
        ("完善健身设施", "推进学校体育场地开放", "县教育局", L, "牵头", None),
        ("完善健身设施", "建设体育公园", "各乡镇人民政府", R, "负责", None),
        # an action with two clauses and nothing below: two tasks of the action
        ("开展全民健身活动", "开展全民健身活动", "县体育局", R, "负责", None),
        ("开展全民健身活动", "组织职工健身比赛", "县总工会", R, "负责", None),
        # 一是…；二是…: the enumerator is not part of the later segment's title
        ("加强组织保障", "加强组织保障", "县体育局", L, "牵头", None),
        ("加强组织保障", "落实经费保障", "县财政局", R, "负责", None),
    ],
    "run_in.txt": [  # one line: 一、标题(一)标题。…(A牵头)(二)…主要包括:1.…(B负责)2.…
        ("加强基础教育", None, "市教育局", L, "牵头", None),
        ("加强基础教育", None, "市科协", R, "配合", None),
        ("提升教师能力", "组织骨干培训", "市教育局", R, "负责", None),
        ("提升教师能力", "开展送教下乡", "各区县政府", R, "负责", None),
        ("建设科技馆", None, "市科协", R, "负责", None),
        ("建设科技馆", None, "市发展改革委", R, "负责", None),
    ],
    "item_markers.txt": [  # (1) / 1) / ● / ▲ items
        ("治理农村垃圾", "完善收运体系", "区城管局", R, "负责", None),
        ("治理农村垃圾", "推进源头分类", "各镇（街道）", R, "负责", None),
        ("治理生活污水", "建设污水管网", "区水务局", L, "牵头", None),
        ("治理生活污水", "建设污水管网", "区住建局", R, "配合", None),
        ("治理生活污水", "加强运维管护", "区水务局", R, "负责", None),
        ("提升村容村貌", "开展清洁行动", "区农业农村局", R, "负责", None),
        ("提升村容村貌", "推进厕所革命", "区卫健局", R, "负责", None),
        ("提升村容村貌", "推进厕所革命", "区农业农村局", R, "负责", None),
    ],
    "division_labels.txt": [  # 部门分工:/责任分工:/任务分工:/职责分工:/分工: the value is a clause; 分管省领导 /
        # 牵头负责领导 / 责任领导 name people (no edge); 协同责任/协作/协同/其他责任单位 support; 主要责任单位 answers for it
        ("地区生产总值增长5%以上", None, "省发展改革委", L, "牵头", None),
        ("地区生产总值增长5%以上", None, "各地", R, "配合", None),
        ("地区生产总值增长5%以上", None, "各部门", R, "配合", None),
        ("城镇新增就业60万人", None, "省人力资源社会保障厅", L, "牵头", None),
        ("城镇新增就业60万人", None, "省教育厅", R, "配合", None),
        ("城镇新增就业60万人", None, "省财政厅", R, "配合", None),
        ("居民收入增长与经济增长同步", None, "省发展改革委", L, "牵头", None),
        ("居民收入增长与经济增长同步", None, "省统计局", R, "配合", None),
        ("粮食产量稳定", None, "省农业农村厅", L, "牵头", None),
        ("粮食产量稳定", None, "各市人民政府", R, "负责", None),
        ("城乡居民医保参保率稳定", None, "省医保局", R, "负责", None),
        ("城乡居民医保参保率稳定", None, "省卫生健康委", R, "负责", None),
        ("单位生产总值能耗下降", None, "省发展改革委", L, "牵头", None),
        ("单位生产总值能耗下降", None, "省生态环境厅", R, "配合", None),
        ("单位生产总值能耗下降", None, "省统计局", R, "配合", None),
        ("推进数字政府建设", None, "省数据局", L, "牵头", None),
        ("推进数字政府建设", None, "省委网信办", R, "配合", None),
        ("推进数字政府建设", None, "省通信管理局", R, "配合", None),
        ("推进数字政府建设", None, "省政务服务中心", R, "负责", None),
        ("推进数字政府建设", None, "各市人民政府", R, "配合", None),
        ("完善考核办法", None, "省政府办公厅", R, "负责", None),
    ],
    "duty_numbered.txt": [  # numbered duty lines ((一)UNIT:负责… / 1.UNIT:负责…) name the unit before the colon; the
        # title is the line to its first 。; (五)工作要求:负责同志… and 3.总体安排:… name no unit
        ("县教育和体育局：负责统筹推进义务教育优质均衡发展工作，制定工作方案，组织开展督导评估", None, "县教育和体育局", R, "负责",
         None),
        ("县财政局、县人力资源和社会保障局：负责落实教育经费和教师待遇保障", None, "县财政局", R, "负责", None),
        ("县财政局、县人力资源和社会保障局：负责落实教育经费和教师待遇保障", None, "县人力资源和社会保障局", R, "负责", None),
        ("各乡镇人民政府（街道办事处）：负责辖区内学校周边环境治理", None, "各乡镇人民政府（街道办事处）", R, "负责", None),
        ("县卫生健康局：配合做好学校卫生工作", None, "县卫生健康局", R, "配合", None),
        ("县公安局：负责校园周边治安整治", None, "县公安局", R, "负责", None),
        ("县市场监管局：负责校园食品安全监管", None, "县市场监管局", R, "负责", None),  # one task with its bracket
        ("县市场监管局：负责校园食品安全监管", None, "县教育和体育局", R, "配合", None),
    ],
    "sub_points.txt": [  # 1.… then (1)… (2)… sub-points
        # a clause on its own line after sub-points that carry none covers the whole 1. item
        ("应急管理体系建设", "完善应急预案体系", "市直各有关单位", R, "负责", None),
        ("应急管理体系建设", "完善应急预案体系", "各县(市、区)人民政府", R, "负责", None),
        # a clause at the end of the (2) line belongs to (2)
        ("应急管理体系建设", "落实应急管理专职人员编制", "市委编办", R, "负责", None),
        # a sub-point with a clause of its own: a later clause covers the text since it, here (2)
        ("应急管理体系建设", "建设综合性应急救援队伍", "市应急管理局", R, "负责", None),
        ("应急管理体系建设", "发展志愿者应急队伍", "团市委", R, "负责", None),
    ],
    "traditional.txt": [  # read like simplified text; units and titles stay as written (一、 then 1.: the 1. are actions)
        ("全面實施行政許可事項清單管理", None, "市政府辦公室", L, "牵头", None),
        ("全面實施行政許可事項清單管理", None, "市行政審批局", L, "牵头", None),
        ("全面實施行政許可事項清單管理", None, "市級各有關部門", R, "负责", None),
        ("全面實施行政許可事項清單管理", None, "各縣市區政府", R, "负责", None),
        ("推進政務服務標準化", None, "市政務服務中心", R, "负责", None),
        ("推進政務服務標準化", None, "市財政局", R, "配合", None),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_gives_the_edges_a_reader_writes_down(name):
    got, parsed = rows(name)
    assert got == EXPECTED[name]
    text = (HERE / name).read_text(encoding="utf-8")
    for r in parsed.graph.responsibilities:  # provenance: the clause as written, holding the unit
        assert text[r.prov.start:r.prov.end] == r.prov.text and r.mention in r.prov.text
    cov = parsed.coverage
    assert cov.total_found and cov.unread == [], cov.unread  # every clause of these fixtures is read


def test_traditional_organizations_resolve_to_simplified_names():
    _, parsed = rows("traditional.txt")
    names = {o.name for o in parsed.graph.organizations}
    assert {"咸阳市财政局", "咸阳市行政审批局", "咸阳市政务服务中心"} <= names, names
    assert not any(c in n for n in names for c in "財審務")


def _as_docx(text: str, path: Path) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(path)


def _as_html(text: str, path: Path) -> None:
    from html import escape

    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    path.write_text(f"<html><head><meta charset='utf-8'><title>t</title></head><body><div class='content'>{body}"
                    "</div></body></html>", encoding="utf-8")


@pytest.mark.parametrize("fmt", ["docx", "html"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_same_layout_in_docx_and_html_gives_the_same_edges(tmp_path, name, fmt):
    """Each fixture, one paragraph per line, as a Word document and as a web page."""
    text = (HERE / name).read_text(encoding="utf-8")
    path = tmp_path / f"{Path(name).stem}.{fmt}"
    (_as_docx if fmt == "docx" else _as_html)(text, path)
    got, parsed = rows(name, path)
    assert parsed.format == fmt
    assert got == EXPECTED[name]

"""Layouts from review set rev13, as small inline documents: text whose line breaks were lost (a 一、 heading
glued to a 1. item, 【label】 units running on into the next item) and a first-listed-leads note closing a long
section paragraph.

Each expected row is (title the edge sits on, unit as written, role, qualifier), written down from the text
before comparing with kg's output. Negative cases pin numbers in running text that must not split.
"""
from __future__ import annotations

import re

from kg.loaders import parse_text
from kg.table import responsibility_rows

L, R = "LEADS", "RESPONSIBLE_FOR"


def rows(text: str, file: str = "plan.txt") -> list[dict]:
    return responsibility_rows(parse_text(text, file).graph)


def titled(text: str) -> list[tuple]:
    """(title the edge sits on, unit, role, qualifier): the task's title, or the action's when it has none."""
    return [(r["task"] or r["action"], r["unit"], r["role"], r["qualifier"]) for r in rows(text)]


# ───────────── a first-listed-leads note closing a long section paragraph ─────────────

_FENGONG = ("国务院关于落实《政府工作报告》重点工作分工的意见\n一、关于2024年经济社会发展主要预期目标\n"
            "国内生产总值增长5%左右；{body}（国家发展改革委、财政部、国家统计局等按职责分工负责，列第一位的为牵头单位，下同）\n"
            "二、关于2024年政府工作任务\n（一）大力推进现代化产业体系建设。\n"
            "1.推动产业链供应链优化升级。实施制造业重点产业链高质量发展行动。（工业和信息化部、国家发展改革委、科技部等按职责分工负责）\n")


def test_first_listed_note_carries_forward_past_a_quantity_with_yishang():
    """城镇新增就业1200万人以上: 以上 bounds a number there, it does not look back over the items above the note."""
    got = titled(_FENGONG.format(body="城镇新增就业1200万人以上，城镇调查失业率5.5%左右。"))
    later = [g for g in got if g[0] == "推动产业链供应链优化升级"]
    assert later == [
        ("推动产业链供应链优化升级", "工业和信息化部", L, "牵头"),
        ("推动产业链供应链优化升级", "国家发展改革委", R, "负责"),
        ("推动产业链供应链优化升级", "科技部", R, "负责"),
    ]
    assert ("关于2024年经济社会发展主要预期目标", "国家发展改革委", L, "牵头") in got


def test_first_listed_note_carries_forward_past_a_size_with_yishang():
    got = titled(_FENGONG.format(body="规模以上工业增加值增长6%，一半以上企业实现数字化转型。"))
    assert ("推动产业链供应链优化升级", "工业和信息化部", L, "牵头") in got


def test_first_listed_note_that_looks_back_still_covers_only_what_is_above():
    text = ("某市工作方案\n一、重点任务\n1.建设平台。（市发展改革委、市统计局负责）\n2.完善机制。（市财政局、市审计局负责）\n"
            "注：以上各项任务中，排在第一位的为牵头单位。\n二、保障措施\n3.加强督查。（市政府办公室、市督查室负责）\n")
    got = titled(text)
    assert ("建设平台", "市发展改革委", L, "牵头") in got
    assert ("完善机制", "市财政局", L, "牵头") in got


def test_a_bracket_note_that_looks_back_covers_the_items_above():
    text = ("某市工作方案\n一、重点任务\n1.建设平台。（市发展改革委、市统计局负责）\n2.完善机制。\n"
            "（以上任务由市财政局、市审计局负责，列第一位的为牵头单位）\n")
    assert ("完善机制", "市财政局", L, "牵头") in titled(text)


def _outline(text: str) -> list[tuple]:
    return [(r["section"], r["action"], r["task"], r["unit"], r["role"]) for r in rows(text)]


def _broken(text: str) -> str:
    """The same text with its line breaks: before each marker and each label."""
    return re.sub(r"(?<=[。)）\u4e00-\u9fff])(?=[一二三]、|\d\.|【)", "\n", text)


# ───────────── text whose line breaks were lost: 一、 glued to 1., label units glued to the next item ─────────────

def test_section_heading_glued_to_a_numbered_item_is_split():
    text = ("某市城市管理提升行动方案\n为提升城市管理水平，制定本方案。一、市容环境整治行动1.开展占道经营整治。（市城管局负责）"
            "2.规范户外广告设置。（市城管局牵头，市市场监管局配合）二、市政设施提升行动3.实施道路工程。（市住建局负责）\n")
    assert titled(text) == [
        ("开展占道经营整治", "市城管局", R, "负责"),
        ("规范户外广告设置", "市城管局", L, "牵头"),
        ("规范户外广告设置", "市市场监管局", R, "配合"),
        ("实施道路工程", "市住建局", R, "负责"),
    ]
    assert _outline(text) == _outline(_broken(text))


def test_label_units_glued_to_the_next_item_or_section_end_there():
    text = ("某市城市管理提升行动方案\n为提升城市管理水平，制定本方案。一、市容环境整治行动1.开展占道经营整治。"
            "【责任单位】市城管局、各区人民政府2.规范户外广告设置。【牵头单位】市城管局【配合单位】市市场监管局、"
            "市自然资源和规划局二、市政设施提升行动3.实施道路“白改黑”工程。【责任单位】市住建局4.推进背街小巷改造。"
            "【牵头单位】市住建局【责任单位】各区人民政府\n")
    got = titled(text)
    assert got == [
        ("开展占道经营整治", "市城管局", R, "负责"),
        ("开展占道经营整治", "各区人民政府", R, "负责"),
        ("规范户外广告设置", "市城管局", L, "牵头"),
        ("规范户外广告设置", "市市场监管局", R, "配合"),
        ("规范户外广告设置", "市自然资源和规划局", R, "配合"),
        ("实施道路“白改黑”工程", "市住建局", R, "负责"),
        ("推进背街小巷改造", "市住建局", L, "牵头"),
        ("推进背街小巷改造", "各区人民政府", R, "负责"),
    ]
    assert _outline(text) == _outline(_broken(text))


def test_numbers_in_running_text_are_no_markers():
    """增长5%左右, 1.5万, 3.2亿元, 第1季度, 2024年1月, 一、二、三级: numbers in a heading's text or a unit list."""
    from kg.loaders.text import normalize, paragraphs

    for line in ("一、全年地区生产总值增长5%左右，新增就业1.5万人，完成投资3.2亿元。",
                 "一、第1季度完成一、二、三级医院评审2024年1月底前启动。",
                 "一、推进1、2号线建设3.2亿元",
                 "责任单位:市卫健委、一、二级医院",
                 "【责任单位】市城管局、各区人民政府，2024年12月底前完成。",
                 "【责任单位】各区人民政府1.5万元补助。",
                 "责任单位:市卫健委、一、二级医院。",
                 "【完成时限】2024.12.31前完成。",
                 "发布时间:2024-03-15 09:30 浏览次数:1832",
                 "完成时限:2024年11、12月开展检查。",
                 "【责任单位】市城管局 二、三季度完成调研。"):
        assert [p.text for p in paragraphs(normalize(line))] == [normalize(line)], line


def test_a_deadline_glued_to_the_next_item_ends_there():
    text = ("某市城市管理提升行动方案\n为提升城市管理水平，制定本方案。一、市容环境整治行动1.开展占道经营整治。"
            "【责任单位】市城管局【完成时限】2024年12月底前2.规范户外广告设置。【牵头单位】市城管局【完成时限】2024年6月底"
            "3.推进背街小巷改造。责任单位：市住建局；完成时限：长期坚持4.加强巡查。（市城管局负责）\n")
    got = [(r["task"] or r["action"], r["unit"], r["role"], r["deadline"]) for r in rows(text)]
    assert got == [
        ("开展占道经营整治", "市城管局", R, "2024年12月底前"),
        ("规范户外广告设置", "市城管局", L, "2024年6月底"),
        ("推进背街小巷改造", "市住建局", R, "长期坚持"),
        ("加强巡查", "市城管局", R, None),
    ]


def test_three_levels_run_in_read_as_with_their_line_breaks():
    """一、 then (一) then 1., with a label's units glued to the next (一) heading."""
    text = ("某市行动方案\n为提升水平，制定本方案。一、重点任务（一）市容环境整治行动1.开展占道经营整治。【责任单位】市城管局、"
            "各区人民政府（二）市政设施提升行动2.实施道路工程。（市住建局负责）3.推进背街小巷改造。（市住建局牵头，各区人民政府配合）"
            "二、保障措施（三）加强组织领导。（市城管局负责）\n")
    broken = re.sub(r"(?<=[。)）\u4e00-\u9fff])(?=[一二三]、|（[一二三]）|\d\.|【)", "\n", text)
    assert _outline(text) == _outline(broken)
    assert ("开展占道经营整治", "各区人民政府", R, "负责") in titled(text)


def test_an_action_heading_with_a_number_in_it_stays_whole():
    from kg.loaders.text import normalize, paragraphs

    for line in ("（一）总体目标到2025年，建成12.5万套保障房，完成投资3.2亿元。", "（一）实施第1.2阶段工程。"):
        assert [p.text for p in paragraphs(normalize(line))] == [normalize(line)], line


# ───────────── 一、 / 1. / (1): the 1. level stays when the (1) items carry the clauses ─────────────

def test_sub_items_under_a_numbered_action_are_its_tasks():
    text = ("某市工作方案\n一、重点任务\n1.推进产业升级\n（1）培育龙头企业。（市工信局负责）\n"
            "（2）建设产业园区。（市发改委牵头，市财政局配合）\n2.优化营商环境\n（1）深化放管服改革。（市政务服务局负责）\n")
    got = [(r["section"], r["action"], r["task"], r["unit"], r["role"]) for r in rows(text)]
    assert got == [
        ("重点任务", "推进产业升级", "培育龙头企业", "市工信局", R),
        ("重点任务", "推进产业升级", "建设产业园区", "市发改委", L),
        ("重点任务", "推进产业升级", "建设产业园区", "市财政局", R),
        ("重点任务", "优化营商环境", "深化放管服改革", "市政务服务局", R),
    ]


def test_a_clause_after_the_sub_items_of_a_numbered_action_covers_the_action():
    text = ("某市工作方案\n一、重点任务\n1.推进产业升级。（市工信局牵头，市科技局配合）\n（1）培育龙头企业。\n（2）建设产业园区。\n"
            "2.优化营商环境\n（1）深化放管服改革。\n（2）优化审批服务。\n（市政务服务局负责）\n")
    assert titled(text) == [
        ("推进产业升级", "市工信局", L, "牵头"),
        ("推进产业升级", "市科技局", R, "配合"),
        ("优化营商环境", "市政务服务局", R, "负责"),
    ]


def test_bracketed_items_under_a_bracketed_action_stay_actions_of_their_own():
    """(一) then (1): unchanged — the (1) items are the (一) action's tasks; (1) alone under 一、 are actions."""
    text = ("某市工作方案\n一、重点任务\n（一）推进产业升级\n（1）培育龙头企业。（市工信局负责）\n"
            "二、保障措施\n（1）建立协调机制。（市政府办公室负责）\n（2）强化督查。（市督查室负责）\n")
    got = [(r["action"], r["task"], r["unit"]) for r in rows(text)]
    assert got == [
        ("推进产业升级", "培育龙头企业", "市工信局"),
        ("建立协调机制", None, "市政府办公室"),
        ("强化督查", None, "市督查室"),
    ]

"""Layouts from review set rev13, as small inline documents: text whose line breaks were lost (a 一、 heading
glued to a 1. item, 【label】 units running on into the next item) and a first-listed-leads note closing a long
section paragraph.

Each expected row is (title the edge sits on, unit as written, role, qualifier), written down from the text
before comparing with kg's output. Negative cases pin numbers in running text that must not split.
"""
from __future__ import annotations

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


def test_first_listed_note_that_looks_back_still_covers_only_what_is_above():
    text = ("某市工作方案\n一、重点任务\n1.建设平台。（市发展改革委、市统计局负责）\n2.完善机制。（市财政局、市审计局负责）\n"
            "注：以上各项任务中，排在第一位的为牵头单位。\n二、保障措施\n3.加强督查。（市政府办公室、市督查室负责）\n")
    got = titled(text)
    assert ("建设平台", "市发展改革委", L, "牵头") in got
    assert ("完善机制", "市财政局", L, "牵头") in got

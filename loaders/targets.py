"""Quantitative targets: 培育高素质农民1.5万人次以上, 比例达到12.5％, 每年上线50期以上.

A target is the sentence segment (between , ; 。 :) that ties a number to a comparator;
its value, unit, comparator, period (每年 …) and deadline (到2025年 …) are read from it.
Chinese numerals (两, 十五, 1.5万) are converted with cn2an.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)(万|千|亿)?"
AFTER = re.compile(NUM + r"\s*([^\d\s,;:。、()\u201c\u201d以]{0,3}?)\s*(以上|以下|以内)")
BEFORE = re.compile(r"(达到|超过|不少于|不低于|不超过|提高到|提升到|增加到|增长到)\s*" + NUM + r"\s*(%|‰|[^\d\s,;:。、()]{0,3}?)(?=以上|[,;:。、)]|$)")
# every target names a comparator: a paragraph without one has none (most paragraphs)
QUANTITY = re.compile(r"以上|以下|以内|达到|超过|不少于|不低于|不超过|提高到|提升到|增加到|增长到")
SEGMENT = re.compile(r"[,;:。!?]")
PERIOD = re.compile(r"每(年|季度|月|周|学期|届)")
DEADLINE = re.compile(r"(?:到|至|在)?(\d{4})年(?:底|末)?(?:前|以前)?")
_INNER = re.compile(r"\([^()]*\)")
YEARISH = re.compile(r"^\d{4}$")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_BY_YEAR = re.compile(r"\s*(到|至)(\d{4})年")


@dataclass
class FoundTarget:
    start: int  # paragraph-text index of the segment
    end: int
    value: float
    unit: Optional[str]
    comparator: str
    period: Optional[str]
    deadline: Optional[str]


def _number(digits: str, scale: Optional[str]) -> Optional[float]:
    try:
        if _DECIMAL.fullmatch(digits):
            value = float(digits)
        else:
            import cn2an  # noqa: PLC0415 — only for Chinese numerals

            value = float(cn2an.cn2an(digits, "smart"))
    except (ValueError, KeyError):
        return None
    return value * {"万": 1e4, "千": 1e3, "亿": 1e8}.get(scale or "", 1)


def find_targets(text: str, paragraph_deadline: Optional[str] = None) -> list[FoundTarget]:
    """Targets in one paragraph's normalised text; one per segment (its first quantity)."""
    found: list[FoundTarget] = []
    if not QUANTITY.search(text):  # most paragraphs state no quantity at all
        return found
    bounds = [0] + [m.end() for m in SEGMENT.finditer(text)] + [len(text)]
    depth_free = _INNER.sub(lambda m: " " * len(m.group(0)), text) if "(" in text else text  # role clauses, (区) …
    for a, b in zip(bounds, bounds[1:]):
        seg = depth_free[a:b]
        if not QUANTITY.search(seg):  # both patterns need a comparator: one scan instead of two
            continue
        target = _segment_target(text, seg, a, b, paragraph_deadline)
        if target is not None:
            found.append(target)
    return found


def _quantity(seg: str) -> Optional[tuple[str, Optional[str], Optional[str], str]]:
    """(digits, scale, unit, comparator) of the segment's first quantity: 达到100个 or 100个以上, not a year."""
    m_after = AFTER.search(seg)
    m_before = BEFORE.search(seg)
    if m_after and not (m_before and m_before.start() < m_after.start()):
        digits, scale, unit, comp = m_after.groups()
        if not YEARISH.match(digits) or unit not in ("年", ""):
            return digits, scale, unit, comp
        return None
    if m_before:
        comp, digits, scale, unit = m_before.groups()
        return digits, scale, unit, comp
    return None


def _segment_target(text: str, seg: str, a: int, b: int, paragraph_deadline: Optional[str]) -> Optional[FoundTarget]:
    """The target stated in text[a:b] (`seg`: that segment with bracketed text blanked), or None."""
    hit = _quantity(seg)
    if hit is None:
        return None
    digits, scale, unit, comp = hit
    value = _number(digits, scale)
    if value is None:
        return None
    s, e = a, b
    while s < e and text[s] in " ,;:。!?":
        s += 1
    while e > s and text[e - 1] in " ,;:。!?":
        e -= 1
    period = PERIOD.search(seg)
    dl = DEADLINE.search(seg)
    return FoundTarget(
        start=s, end=e, value=value, unit=(unit or None), comparator=comp,
        period=period.group(0) if period else None,
        deadline=dl.group(0) if dl and dl.group(0).startswith(("到", "至", "在")) or (dl and "底" in dl.group(0))
        else paragraph_deadline,
    )


def paragraph_deadline(text: str) -> Optional[str]:
    """到2025年，… at the head of a paragraph dates every target in it."""
    m = _BY_YEAR.match(text)
    return m.group(0).strip() if m else None

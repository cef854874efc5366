"""Document metadata: title, 文号, issuer, signing date, jurisdiction, the documents it is based on."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from kg.loaders.gazetteer import NATIONAL, Jurisdiction, locate
from kg.loaders.text import Paragraph

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(]\s*\d{4}\s*[〕\])]\s*\d{1,4}\s*号")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISSUE_TITLE = re.compile(
    r"(?:现将|印发)\s*《([^》]{4,120})》|《([^》]{4,120})》\s*(?:已经[^,。]{0,20}同意,?\s*)?(?:现)?印发"
    r"|关[于於]印发([^《》]{4,120}?)的通知$"
)
CITED = re.compile(r"《([^《》]*(?:《[^》]*》[^《》]*)?)》")
SHORT_NAME = re.compile(r"\(以下简称《[^》]*》\)")
PURPOSE_END = re.compile(r"制定本|现制定|特制定|制定如下|制定此")
ISSUER_TAIL = re.compile(r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|领导小组|科协|局|厅|部)$")
TITLE_LEAD_ORG = re.compile(r"^((?:省|市|县|区)?[\u4e00-\u9fff]{0,10}?(?:科协|人民政府|政府办公室|委员会|办公室|局|厅))")
NATIONAL_HINTS = ("国务院", "党中央", "全国", "中央", "国家")


@dataclass
class Metadata:
    title: str
    title_span: tuple[int, int]
    doc_number: Optional[str] = None
    issuer: Optional[str] = None
    date: Optional[str] = None
    jurisdiction: Jurisdiction = field(default_factory=lambda: Jurisdiction("未知", ()))
    based_on: list[str] = field(default_factory=list)
    body_start: int = 0
    citations: list[tuple[str, int, int]] = field(default_factory=list)  # (title, start, end) in the source  # index of the first paragraph of the plan itself


_NOT_PLAIN = re.compile(r"[\s《》<>\"“”]")


def _plain(s: str) -> str:
    return _NOT_PLAIN.sub("", s)


def _iso(m: re.Match) -> str:
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


# what a plan's title ends with: the kind of document (…实施方案, …工作要点), or, for a plan published as its
# task table (an attachment), the kind of table (…任务清单, …任务分工表, …工作台账) — the latter only above the
# plan's first 一、/（一） heading: below it, 附件1 县重点项目清单 names an attachment of the plan
TITLE_END = re.compile(r"(?:方案|要点|意见|规划|办法|通知|计划|纲要|细则|决定)(?:\(\d{4}\s*[─\-–]\s*\d{4}年\))?$")
TABLE_TITLE_END = re.compile(r"(?:清单|台账|分工表|分解表|任务表|责任表|一览表|安排表|推进表)$")
# a numbered heading (六、保障措施) is a part of the plan, never its title
ITEM_START = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")
CHAPTER_START = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")
# lines above a title that are not it: an attachment's label (附件 / 附件2：) and a letterhead (XX人民政府办公室文件)
NOT_TITLE = re.compile(r"^(?:附件\s*\d*\s*[:：]?|[\u4e00-\u9fff]{2,24}文件)$")


def _find_title(paras: list[Paragraph], raw: str) -> tuple[str, tuple[int, int], int]:
    """The plan's title (as written in the source) and the paragraph index where the plan starts."""
    announced = _announced(paras)
    if announced:
        return _announced_title(paras, raw, announced)
    outline = False  # a 一、/（一） heading seen: the plan's body has begun
    for i, p in enumerate(paras[:20]):
        outline = outline or bool(CHAPTER_START.match(p.text))
        if len(p.text) < 80 and not ITEM_START.match(p.text) and (
                TITLE_END.search(p.text) or (not outline and TABLE_TITLE_END.search(p.text))):
            return _clean_title(raw[p.start : p.end]), (p.start, p.end), i + 1
    k = next((i for i, p in enumerate(paras[:5]) if not NOT_TITLE.match(p.text)), 0)
    p = paras[k]
    return p.text[:80], (p.start, p.start + min(len(p.text), 80)), k + 1


def _announced(paras: list[Paragraph]) -> Optional[str]:
    """The title a notice announces (现将《…》印发给你们), if one of the first paragraphs does."""
    for p in paras[:40]:
        m = ISSUE_TITLE.search(p.text)
        if m:
            return m.group(1) or m.group(2) or m.group(3)
    return None


def _announced_title(paras: list[Paragraph], raw: str, announced: str) -> tuple[str, tuple[int, int], int]:
    """The plan's own title line(s) for the title a notice announces; else where the notice names it."""
    target = _plain(announced)
    found = _title_lines(paras, raw, target)
    if found is not None:
        return found
    # the title line may carry the cited title in 《》 (e.g. …贯彻《X》工作方案)
    for i, p in enumerate(paras[:80]):
        if _plain(p.text) == target and "印发" not in p.text:
            return _clean_title(raw[p.start : p.end]), (p.start, p.end), i + 1
    p = next(p for p in paras if announced in p.text)
    k = p.text.index(announced)
    a, b = p.span(k, k + len(announced))
    return announced, (a, b), 0


def _title_lines(paras: list[Paragraph], raw: str, target: str) -> Optional[tuple[str, tuple[int, int], int]]:
    """The run of lines among the first 80 that spells `target` (a title possibly split over several lines)."""
    for i in range(min(80, len(paras))):
        plain, j = "", i  # _plain of the lines i..j-1 joined: it drops single characters, so line by line
        while j < len(paras) and len(plain) < len(target):
            plain += _plain(paras[j].text)
            if plain == target:
                a, b = paras[i].start, paras[j].end
                return _clean_title(raw[a:b]), (a, b), j + 1
            if not target.startswith(plain):
                break
            j += 1
    return None


def _clean_title(s: str) -> str:
    return re.sub(r"\s+", "", s).strip()


def _purpose_paragraph(paras: list[Paragraph], start: int) -> Optional[Paragraph]:
    for p in paras[start : start + 6]:
        if p.text.startswith("为") or PURPOSE_END.search(p.text) or "依据《" in p.text:
            return p
    return None


def _based_on(p: Optional[Paragraph], own_title: str, raw: str) -> list[tuple[str, int, int]]:
    """Titles cited in the purpose paragraph (依据《…》), as written in the source, with their spans."""
    if p is None:
        return []
    text = SHORT_NAME.sub(lambda m: " " * len(m.group(0)), p.text)
    out: list[tuple[str, int, int]] = []
    for m in CITED.finditer(text):
        a, b = p.span(m.start(1), m.end(1))
        cited = re.sub(r"\s+", "", raw[a:b])
        if _plain(cited) and _plain(cited) != _plain(own_title) and cited not in [c for c, _, _ in out]:
            out.append((cited, a, b))
    return out


def _issuer_and_date(paras: list[Paragraph], title_at: int) -> tuple[Optional[str], Optional[str]]:
    """The signature line before the first stand-alone date line (or 'DATE ISSUER 印发《…》')."""
    for i, p in enumerate(paras[: max(title_at, 1) + 2]):
        m = DATE.fullmatch(p.text.strip())
        if m and i > 0 and ISSUER_TAIL.search(paras[i - 1].text.strip()):
            return paras[i - 1].text.strip(), _iso(m)
    for p in paras[:10]:
        m = re.search(DATE.pattern + r"\s*([\u4e00-\u9fff]{2,30}?)\s*印发《", p.text)
        if m:
            y, mo, d = (int(x) for x in m.groups()[:3])
            return m.group(4), f"{y:04d}-{mo:02d}-{d:02d}"
    return None, None


def _jurisdiction(issuer: Optional[str], title: str, doc_number: Optional[str], paras: list[Paragraph]) -> Jurisdiction:
    for candidate in (issuer, title):
        if candidate:
            j = locate(candidate)
            if j and (candidate.startswith(j.name) or re.match(r"关[于於][\u4e00-\u9fff]{0,6}" + re.escape(j.name), candidate)):
                return j
    head = "".join(p.text for p in paras[:12])
    provinces = re.findall(r"([\u4e00-\u9fff]{2,3}省)", head)
    for name in sorted(set(provinces), key=lambda n: (-provinces.count(n), head.index(n))):
        j = locate(name)
        if j and len(j.path) == 1:
            return j
    if any(h in head for h in NATIONAL_HINTS) and not (issuer or "").startswith(("省", "市", "县", "区")):
        return Jurisdiction(NATIONAL, ())
    return Jurisdiction("未知", ())


def read_metadata(paras: list[Paragraph], raw: str) -> Metadata:
    """Read title, 文号, issuer, date, jurisdiction and citations from the head of a document."""
    if not paras:
        return Metadata(title="", title_span=(0, 0))
    title, span, body_start = _find_title(paras, raw)
    head = [p for p in paras[: max(body_start, 1)]]
    doc_number = None
    for p in head[:12]:
        m = DOC_NUMBER.search(p.text)
        if m and "简称" not in p.text:
            a, b = p.span(m.start(), m.end())
            doc_number = raw[a:b]
            break
    issuer, date = _issuer_and_date(paras, body_start)
    if issuer is None:
        m = TITLE_LEAD_ORG.match(title)
        issuer = m.group(1) if m else None
    juris = _jurisdiction(issuer, title, doc_number, paras)
    cited = _based_on(_purpose_paragraph(paras, body_start), title, raw)
    return Metadata(title, span, doc_number, issuer, date, juris, [c for c, _, _ in cited], body_start, cited)

"""The outline of a plan: sections → actions → tasks, each with the paragraphs it owns.

Markers: 一、 opens a section; (一) or (1) an action; 1. / 1、 / ── a task. A short stand-alone
line such as 提升行动 or 重点工程 opens a section when actions follow it. A paragraph
that opens with a short heading sentence (加强基础教育阶段科学教育。…) is a task when it
carries a role clause inside an action, and an action when there is no action around it.
With only two levels (一、 then 1.), the numbered items are the actions of that section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from kg.loaders.clauses import duty_clause, duty_sentences, split_top
from kg.loaders.text import Paragraph, sentence_end

# 三、一体化推进… is a section; 一、二级医院…, 三、四线城市 (a line wrapped there), 一、二、三 are not
SECTION_RE = re.compile(r"^([一二三四五六七八九十]+[、.](?![一二三四五六七八九十]+(?:[、.级类档等批期次年线手产季月号个种]|$))|第[一二三四五六七八九十百零〇]+章)\s*")
ARTICLE_RE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)\s*")
ACTION_RE = re.compile(r"^(\((?:[一二三四五六七八九十]+|\d{1,2})\)|[㈠-㈩⑴-⒇])\s*")  # ㈠ / ⑴: one glyph for (一) / (1)
TASK_RE = re.compile(r"^(\d{1,2}(?:[.、](?!\d)|\))|─+|[①-⑳⒈-⒛]|[●▲■◆•◇□▪►]+|[Ⅰ-Ⅻ][、.](?![Ⅰ-Ⅻ]))\s*")  # ⒈ = 1.
END_RE = re.compile(r"^(?:抄送|抄报)|^\(?\d{4}年\d{1,2}月\d{1,2}日印发\)?$")
ANNEX_RE = re.compile(r"^附件\s*\d*\s*[:]?\s*")
MARKER_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\((?:[一二三四五六七八九十]+|\d{1,2})\)|\d{1,2}[.、)]|第[一二三四五六七八九十百]+[条章]|[①-⑳]|"
                          r"[㈠-㈩⑴-⒛]|[Ⅰ-Ⅻ][、.])")
# Word's numbering glyphs as the marker they stand for, for comparing kinds: ⑴ = (1), ⒈ = 1., Ⅰ、Ⅱ、 one kind
_GLYPH_KIND = str.maketrans({**{chr(c): "(0)" for c in range(0x2474, 0x2488)}, **{chr(c): "0." for c in range(0x2488, 0x249C)},
                             **{chr(c): "Ⅰ" for c in range(0x2160, 0x216C)}})
ROMAN = frozenset(chr(c) for c in range(0x2160, 0x216C))
ROMAN_RE = re.compile(r"^([Ⅰ-Ⅻ][、.])(?![Ⅰ-Ⅻ])\s*")
_SENTENCE_OR_ROLE = re.compile(r"[。,;:]|牵头|负责|配合|责任|协助|参与")
# compiled once: re.search with a pattern string looks it up in re's cache on every call
_HEADING_PUNCT = re.compile(r"[,:;、()]")
_YEAR_LEAD = re.compile(r"\d{4}年")
_NOT_BARE = re.compile(r"[\s,。:;!?、()\d《》“”]")
_NOT_SHORT_HEADING = re.compile(r"[,:;、()《》“”\d]")
_DIGITS = re.compile(r"\d+")
_CIRCLED = re.compile(r"[①-⑳]")
_DUTY_TITLE_END = re.compile(r"[;。]")
HEADING_MAX = 26
TITLE_MAX = 40


@dataclass
class Piece:
    """A run of characters [a, b) of one paragraph that an outline item owns."""

    para: Paragraph
    a: int
    b: int


@dataclass
class Item:
    kind: str  # section | action | task
    number: Optional[str]
    title_piece: Piece
    pieces: list[Piece] = field(default_factory=list)
    children: list["Item"] = field(default_factory=list)  # no link back up: the outline is a tree, freed by refcount
    duty: bool = False  # a 职责分工 line "发改部门:负责…": the unit before the colon answers for it


def _continues_a_label(paras: list[Paragraph], i: int) -> bool:
    """市商务局 alone on a line right under a label line (责任单位:A) or under another such unit: the label's list
    goes on, one unit a line. A unit's name after anything else may still head a part of a plan."""
    from kg.loaders.clauses import LABEL_RE, listed_unit

    if i == 0 or not listed_unit(paras[i].text):
        return False
    prev = paras[i - 1].text.strip()
    return bool(LABEL_RE.match(prev)) or listed_unit(prev)


def _has_role_clause(text: str) -> bool:
    from kg.loaders.clauses import find_clauses

    return any(c.assignments for c in find_clauses(text)[0])


def _title_end(text: str, start: int) -> int:
    """End of a heading: its first sentence; a very long one is cut at its first comma."""
    end = sentence_end(text, start)
    if end - start > TITLE_MAX:
        first = split_top(text[start:end], ",")[0]  # a comma inside a clause's bracket is the clause's
        if start + len(first) < end and first:
            return start + len(first)
    return end


def heading_sentence(text: str, start: int = 0) -> Optional[int]:
    """End of a short opening heading sentence (加强理论研究。), or None."""
    end = sentence_end(text, start)
    if end >= len(text) and not text.endswith("。"):
        return None
    s = text[start:end].rstrip("。!?")
    if not s or len(s) > HEADING_MAX or _HEADING_PUNCT.search(s):
        return None
    if s.startswith("为") or _YEAR_LEAD.match(s):
        return None
    return end


def _standalone_heading(paras: list[Paragraph], i: int) -> bool:
    """提升行动 / 重点工程 / 组织实施与保障: a short bare line with actions right after it."""
    t = paras[i].text
    if len(t) > 15 or _NOT_BARE.search(t) or _continues_a_label(paras, i):
        return False
    for nxt in paras[i + 1 : i + 3]:
        if ACTION_RE.match(nxt.text):
            return True
    return False


def _split_inline_headings(p: Paragraph, start: int) -> list[int]:
    """Where a paragraph with lost breaks holds further short headings (组织专家全面解读。…多渠道多形式宣传阐释。…)."""
    cuts = []
    pos = sentence_end(p.text, start)
    body_sentences = 0
    while pos < len(p.text):
        end = sentence_end(p.text, pos)
        s = p.text[pos:end].rstrip("。")
        if body_sentences >= 1 and end < len(p.text) and 4 <= len(s) <= 12 and not _NOT_SHORT_HEADING.search(s):
            cuts.append(pos)
            body_sentences = 0
        else:
            body_sentences += 1
        pos = end
    return cuts


def build_outline(paras: list[Paragraph], body_start: int, skip: Optional[set[int]] = None) -> list[Item]:
    """Top-level items (sections, or actions when a document has no sections). Paragraphs whose index is
    in `skip` (a role table read on its own) are not part of the outline."""
    o = _Outline(paras)
    i = body_start
    while i < len(paras):
        p = paras[i]
        if skip and p.index in skip:
            i += 1
            continue
        t = p.text
        if END_RE.match(t):
            break
        if (m := ANNEX_RE.match(t)) and len(t) <= 40:
            i = o.annex(i, m)
            continue
        if not (o.annex_list and o.annex_title(p)):
            o.paragraph(i, p, t)
        i += 1
    return _single_level(_two_levels(o.top))


class _Outline:
    """The outline as it is read, paragraph by paragraph: the open section, action and task that the next
    paragraph may join."""

    __slots__ = ("paras", "top", "section", "action", "task", "leaf_actions", "chapters", "annex_list", "sub_parent")

    def __init__(self, paras: list[Paragraph]) -> None:
        self.paras = paras
        self.top: list[Item] = []
        self.section: Optional[Item] = None
        self.action: Optional[Item] = None
        self.task: Optional[Item] = None
        self.leaf_actions = False  # 一、 then 1.: numbered items are actions, not tasks
        self.chapters = False  # 第一章 … 第一条: the articles are the chapters' actions
        self.annex_list = False  # right after 附件:, numbered short titles (1.测试市重点项目清单(市发改委)) list the annexes
        self.sub_parent: Optional[Item] = None  # 1.… then (1)… (2)… sub-points: the 1. item they belong to

    def open_section(self, section: Item) -> None:
        self.section = section
        self.top.append(section)
        self.action = self.task = None

    def add_action(self, item: Item) -> None:
        (self.section.children if self.section else self.top).append(item)
        self.action = item
        self.task = None

    def implicit_action(self) -> Item:
        """A 一、 section with lines under it but no (一) items: the lines are tasks of an action it titles."""
        section = self.section
        assert section is not None
        item = Item("action", section.number, section.title_piece, [Piece(section.title_piece.para, 0, 0)])
        section.children.append(item)
        return item

    def annex(self, i: int, m: re.Match) -> int:
        """附件 / 附件1 / 附件:1.… — an annex (often the 分工 table itself) is read on, as a top-level section of
        its own; its title may be the next line. Returns the index of the paragraph after it."""
        paras, p = self.paras, self.paras[i]
        t = p.text
        if m.end() >= len(t) and i + 1 < len(paras) and len(paras[i + 1].text) <= 40 \
                and not MARKER_START.match(paras[i + 1].text):
            i += 1
            title_para = paras[i]
            section = Item("section", None, Piece(title_para, 0, len(title_para.text)), [Piece(p, 0, len(t)),
                           Piece(title_para, 0, len(title_para.text))])
        else:
            section = Item("section", None, Piece(p, m.end() if m.end() < len(t) else 0, len(t)), [Piece(p, 0, len(t))])
        self.open_section(section)
        self.leaf_actions = False
        self.annex_list = ":" in t  # 附件:1.… lists annexes; a heading 附件 / 附件1 opens one
        return i + 1

    def annex_title(self, p: Paragraph) -> bool:
        """A line of the annex list right after 附件: (an annex's title, not an item); the list ends at the
        first line that is not one."""
        t = p.text
        if TASK_RE.match(t) and len(t) <= 40 and not _SENTENCE_OR_ROLE.search(t):
            assert self.section is not None
            self.section.pieces.append(Piece(p, 0, len(t)))
            return True
        self.annex_list = False
        return False

    def paragraph(self, i: int, p: Paragraph, t: str) -> None:
        """One body paragraph, by its marker: a section, an article, a stand-alone heading, an action, a
        numbered item, a duty line, or none (a heading sentence or text of the open item)."""
        article = ARTICLE_RE.match(t) if t[:1] == "第" else None
        if (m := SECTION_RE.match(t) or self.roman_section(t)) or (article and not self.chapters and (m := article)):
            self.chapters = self.chapters or m.group(1).endswith("章")
            end = _title_end(t, m.end())
            self.open_section(Item("section", m.group(1), Piece(p, m.end(), end), [Piece(p, 0, len(t))]))
            self.leaf_actions = False
        elif article is not None:
            end = _title_end(t, article.end())
            self.add_action(Item("action", article.group(1), Piece(p, article.end(), end), [Piece(p, 0, len(t))]))
        elif _standalone_heading(self.paras, i):
            self.open_section(Item("section", None, Piece(p, 0, len(t)), [Piece(p, 0, len(t))]))
        elif (m := ACTION_RE.match(t)) and not (_digit_marker(m.group(1)) and self.under_action()):
            end, duty = _numbered_title_end(t, m.end())
            self.add_action(Item("action", m.group(1), Piece(p, m.end(), end), [Piece(p, 0, len(t))], duty=duty))
        elif (m := TASK_RE.match(t) or ACTION_RE.match(t)) is not None:
            self.numbered(p, t, m)
        elif (self.action is not None or self.section is not None) and duty_clause(t) is not None:
            self.duty_line(p, t)
        elif self.in_duty_block() and (spans := duty_sentences(t)):
            for a, b in spans:  # 县生态环境局负责…。县财政局负责…。: one duty a sentence
                self.duty_line(p, t, a, b)
        else:
            self.unnumbered(i, p, t)

    def under_action(self) -> bool:
        """A (1) here numbers the tasks of the open action: one numbered (一), or a 1. item that the two levels
        一、 then 1. made an action (一、 / 1. / (1): the 1. level stays)."""
        number = self.action.number if self.action is not None else None
        if not number:
            return False
        return not _digit_marker(number) or (self.leaf_actions and TASK_RE.match(number) is not None)

    def roman_section(self, t: str) -> Optional[re.Match]:
        """Ⅰ、 is a top-level marker like 一、 when the plan's top level uses it (first, or after another Ⅰ、
        section); under a 一、 or (一) item it numbers items like 1."""
        if t[:1] not in ROMAN:
            return None
        top = self.section is None and self.action is None
        if not (top or (self.section is not None and (self.section.number or "")[:1] in ROMAN)):
            return None
        return ROMAN_RE.match(t)

    def in_duty_block(self) -> bool:
        """The open part of the plan is headed 职责分工 / 部门职责 …: its prose may state one unit's duty a sentence."""
        item = self.action if self.action is not None else self.section
        if item is None:
            return False
        p = item.title_piece
        return "职责" in p.para.text[p.a:p.b]

    def numbered(self, p: Paragraph, t: str, m: re.Match) -> None:
        """1. / ── / (1) under an action: a task (or a sub-point); with two levels only (一、 then 1.), or
        numbered items and nothing else: an action."""
        end, duty = _numbered_title_end(t, m.end())
        action, marker = self.action, m.group(1)
        starts = _more_duties(t, m.end()) if duty and ";" in t else []
        own = [Piece(p, 0, starts[0] if starts else len(t))]  # the item's text: up to a further duty on its line
        if action is not None and not (self.leaf_actions and TASK_RE.match(action.number or "")
                                       and _marker_kind(action.number or "") == _marker_kind(marker)):
            self.track_sub_points(marker)
            self.task = Item("task", marker, Piece(p, m.end(), end), own, duty=duty)
            action.children.append(self.task)
            self.more_duties(p, t, starts)
        elif not marker.startswith("─") and (self.section is not None or action is None or self.leaf_actions):
            self.leaf_actions = True
            self.add_action(Item("action", marker, Piece(p, m.end(), end), own, duty=duty))
            self.more_duties(p, t, starts)
        elif duty and self.section is not None:  # ──县住房城乡建设局：负责…: a duty line with a dash for its bullet
            self.duty_line(p, t, m.end())
        elif self.section is not None:
            self.section.pieces.append(Piece(p, 0, len(t)))

    def track_sub_points(self, marker: str) -> None:
        """(1) under a 1. item opens its sub-points; another kind of marker ends them."""
        kind = _marker_kind(marker)
        if kind not in _SUB_KINDS:
            self.sub_parent = None
            return
        above = self.task if self.task is not None else self.action
        assert above is not None
        if above.number and _marker_kind(above.number) in ("0.", "0、"):
            self.sub_parent = above
        elif not (above.number and _marker_kind(above.number) == kind):
            self.sub_parent = None

    def more_duties(self, p: Paragraph, t: str, starts: list[int]) -> None:
        """4.镇财政所：负责…；镇党政办：负责…: each further duty on the line is a task of its own (several clauses in one
        item), titled by its line up to its first ;/。"""
        assert self.action is not None
        for k, a in enumerate(starts):
            b = starts[k + 1] if k + 1 < len(starts) else len(t)
            end = _DUTY_TITLE_END.search(t, a, b)
            self.task = Item("task", None, Piece(p, a, end.start() if end else b), [Piece(p, a, b)], duty=True)
            self.action.children.append(self.task)

    def duty_line(self, p: Paragraph, t: str, a: int = 0, b: Optional[int] = None) -> None:
        """发改部门:负责… — a task of the open action (or of one its section titles); t[a:b] when a paragraph
        holds several duties, one a sentence."""
        b = len(t) if b is None else b
        action = self.action if self.action is not None else self.implicit_action()
        self.action = action
        end = _DUTY_TITLE_END.search(t, a, b)
        self.task = Item("task", None, Piece(p, a, end.start() if end else b), [Piece(p, a, b)], duty=True)
        action.children.append(self.task)

    def unnumbered(self, i: int, p: Paragraph, t: str) -> None:
        """A paragraph with no marker: a heading sentence that opens a task (with a role clause) or an action
        (with none around it), a clause closing sub-points, or more text of the open item."""
        h = heading_sentence(t)
        action, section, task = self.action, self.section, self.task
        if h and _one_sentence(t, h) and (owner := self.bare_heading()) is not None and _has_role_clause(t) \
                and _sole_body(self.paras, i):
            owner.pieces.append(Piece(p, 0, len(t)))
        elif action is not None and h and _has_role_clause(t):
            self.task = Item("task", None, Piece(p, 0, _title_end(t, 0)), [Piece(p, 0, len(t))])
            action.children.append(self.task)
        elif action is None and h and (section is None or not section.children):
            self.heading_actions(p, t)
        elif task is not None and self.sub_parent is not None and action is not None and t[:1] in "(〔【[" \
                and _fold_sub_points(action, self.sub_parent, p):
            self.task = self.sub_parent if self.sub_parent is not action else None
            self.sub_parent = None
        else:
            owner = task if task is not None else action if action is not None else section
            if owner is not None:
                owner.pieces.append(Piece(p, 0, len(t)))

    def bare_heading(self) -> Optional[Item]:
        """The open item when it is a numbered heading alone on its line ((一)推进集团化办学 / 2.加大支持。), with
        no text and no items under it yet: the paragraph after it is its body."""
        owner = self.task or self.action or self.section
        if owner is None or not owner.number or owner.children or len(owner.pieces) != 1:
            return None
        title, line = owner.title_piece, owner.pieces[0]
        if title.para is not line.para or title.b < len(line.para.text) or _has_role_clause(line.para.text):
            return None
        return owner

    def heading_actions(self, p: Paragraph, t: str) -> None:
        """Actions opened by heading sentences, several when line breaks were lost (组织专家全面解读。…)."""
        cuts = [0] + _split_inline_headings(p, 0) if not _has_role_clause(t) else [0]
        for k, a in enumerate(cuts):
            b = cuts[k + 1] if k + 1 < len(cuts) else len(t)
            self.add_action(Item("action", None, Piece(p, a, _title_end(t, a)), [Piece(p, a, b)]))


_SUB_KINDS = ("(0)", "0)", "①")
_BODY_LOOKAHEAD = 12


def _one_sentence(t: str, h: int) -> bool:
    """The paragraph is its heading sentence and at most a bracket after it (组建教育集团8个。(区教育局负责)): no
    body follows, so the sentence is no title (完善监测评估体系。完善…。(…) is a task's heading and body)."""
    return h >= len(t) or t[h] in "([" and sentence_end(t, h) >= len(t) - 1


def _sole_body(paras: list[Paragraph], i: int) -> bool:
    """Paragraph i is the one heading sentence before the next numbered item: the body of the heading above it
    (组建教育集团8个。(区教育局负责)), as a body of two sentences is. Several of them under one heading
    (加强A。(甲负责) / 加强B。(乙负责)) are items of their own."""
    for nxt in paras[i + 1:i + 1 + _BODY_LOOKAHEAD]:
        t = nxt.text
        if MARKER_START.match(t) or END_RE.match(t) or ANNEX_RE.match(t):
            return True
        if heading_sentence(t) is not None:
            return False
    return True


def _fold_sub_points(action: Item, parent: Item, p: Paragraph) -> bool:
    """A role clause standing alone on its line after sub-points ((1)… (2)…) that carry none of their own
    covers the whole item above them (1.…): the sub-points and the clause become that item's text.
    False (nothing changed) when `p` is not such a clause or a sub-point has a clause of its own."""
    t = p.text.rstrip("。;")
    if not t or t[-1] not in ")〕】]" or not _has_role_clause(t):
        return False
    k = next((j for j, c in enumerate(action.children) if c is parent), -1) + 1 if parent is not action else 0
    subs = action.children[k:]
    if not k and parent is not action or not subs or any(
            c.children or _marker_kind(c.number or "") not in _SUB_KINDS
            or any(_has_role_clause(pc.para.text[pc.a:pc.b]) for pc in c.pieces) for c in subs):
        return False
    del action.children[k:]
    for c in subs:
        parent.pieces.extend(c.pieces)
    parent.pieces.append(Piece(p, 0, len(p.text)))
    return True


def numbered_alike(items: list[Item]) -> bool:
    """The items are numbered alike (1. 2. 3.), not items and the sub-points of one of them (1. 2. (1) (2))."""
    return len({_marker_kind(i.number or "") for i in items}) == 1


@lru_cache(maxsize=1024)
def _marker_kind(marker: str) -> str:
    """1. and 12. are one kind of marker, 1) and ① others (cached: a plan's markers are a few dozen strings)."""
    return _CIRCLED.sub("①", _DIGITS.sub("0", marker.translate(_GLYPH_KIND)))


def _digit_marker(marker: str) -> bool:
    """(1) / ⑴ rather than (一) / ㈠."""
    return "0" in _marker_kind(marker)


def _more_duties(t: str, start: int) -> list[int]:
    """Where further duties start on a duty line: after a ;, units, a colon and a role verb."""
    return [k.end() for k in _SEMICOLON.finditer(t, start) if duty_clause(t, k.end()) is not None]


_SEMICOLON = re.compile(";")


def _numbered_title_end(text: str, start: int) -> tuple[int, bool]:
    """Where a numbered item's title ends, and whether the item is a duty line ((一)县教育和体育局:负责…: its title
    is the line up to its first ;/。, as for an unnumbered duty line)."""
    if (":" in text[start:start + 62] or "。" in text[start:start + 44]) and duty_clause(text, start) is not None:
        return _duty_title_end(text), True
    return _title_end(text, start), False


def _duty_title_end(text: str) -> int:
    """A duty line's title: the line up to its first ;/。 (the unit before the colon is part of it)."""
    m = _DUTY_TITLE_END.search(text)
    return m.start() if m else len(text)


def _single_level(top: list[Item]) -> list[Item]:
    """一、 (or 第X条) items that carry their own clause and have nothing below are actions, not sections."""
    for item in top:
        if item.kind == "section" and not item.children and item.number and any(
                _has_role_clause(pc.para.text[pc.a:pc.b]) for pc in item.pieces):
            item.kind = "action"
    return top


def _two_levels(top: list[Item]) -> list[Item]:
    """一、 then （一） and nothing below: the （一） items are tasks of an action titled by the 一、 heading."""
    sections = [i for i in top if i.kind == "section"]
    actions = [a for s in sections for a in s.children]
    has_tasks = any(a.children for s in sections for a in s.children) or any(i.children for i in top if i.kind == "action")
    if has_tasks or not actions or not all(s.number for s in sections):
        return top
    if not all(a.number and ACTION_RE.match(a.number) for a in actions):
        return top
    for s in sections:
        if not s.children:
            continue
        action = Item("action", s.number, s.title_piece, [Piece(s.title_piece.para, 0, len(s.title_piece.para.text))])
        for t in s.children:
            t.kind = "task"
        action.children, s.children = s.children, [action]
    return top

"""Normalise what varies between sources without losing offsets.

`normalize` maps the decoded text character for character (same length), so an offset
in the normalised text is an offset in the source. Paragraphs re-join sentences that a
source broke across lines; each paragraph keeps an offset map back to the source.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Sequence

from kg.loaders.traditional import has_traditional, to_simplified

# One character in, one character out: offsets never move.
_CHAR_MAP = {
    "（": "(", "）": ")", "［": "[", "］": "]", "【": "[", "】": "]", "｛": "{", "｝": "}",
    "〔": "(", "〕": ")", "〖": "(", "〗": ")",
    "：": ":", "；": ";", "，": ",", "！": "!", "？": "?", "＂": '"', "＇": "'",
    "\u3000": " ", "\u00a0": " ", "\t": " ", "\f": " ", "\v": " ", "\u2002": " ", "\u2003": " ", "\u200b": " ", "\ufeff": " ",
    "—": "─", "―": "─", "━": "─", "－": "-", "–": "-",
    "％": "%", "．": ".", "﹒": ".", "／": "/", "﹐": ",", "﹑": "、", "﹔": ";", "﹕": ":", "﹙": "(", "﹚": ")",
}
_CHAR_MAP["*"] = " "  # **牵头单位**:A — Markdown emphasis (and a footnote star) is no part of a label or a unit
for _c in range(0xFF10, 0xFF1A):  # full-width digits
    _CHAR_MAP[chr(_c)] = chr(_c - 0xFEE0)
for _c in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # full-width latin
    _CHAR_MAP[chr(_c)] = chr(_c - 0xFEE0)


def _radicals() -> dict[int, str]:
    """Kangxi radicals (U+2F00–2FD5) and CJK radical-supplement forms (U+2E80–2EF3) → the ideograph they
    draw, one character for one (offsets into the page's text stay valid): Word/WPS exports with
    GB2312-era fonts map 门 in 部门 to ⻔ and 工 to ⼯, and 牵头部⻔ is no label."""
    table = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)}
    table.update((ord(a), b) for a, b in zip(_SUPPLEMENT[::2], _SUPPLEMENT[1::2]))
    return {c: t for c, t in table.items() if len(t) == 1}


# the radical-supplement forms that stand for a whole character (NFKC leaves them alone): form, character
_SUPPLEMENT = "⻔门⻓长⻰龙⻢马⻋车⻅见⻛风⻘青⻝食⻜飞⻆角⻨麦⻩黄⻬齐⻮齿⻥鱼⻦鸟⻉贝⻄西⻚页⺠民⺟母⻙韦⻤鬼⻡首⻣骨⻧卤⻪黾⻳龟⻗雨⺝月⺩王⺬示⺁厂⺒巳⺓幺⻁虎"
RADICALS = _radicals()
_CHAR_MAP.update((chr(c), r) for c, r in RADICALS.items())  # 部⻔ in a .txt or a page pasted from a PDF

# str.translate looks every character up in a dict; only ~6% of characters change, and a regex finds
# those in C. A text uses a handful of distinct ones: each is replaced everywhere by one str.replace when
# it is first found, which is the same as mapping all at once because no replacement is itself replaced.
_CHANGED = re.compile("[" + "".join(re.escape(c) for c in _CHAR_MAP) + "]")
assert not set(_CHAR_MAP.values()) & set(_CHAR_MAP)


def normalize(text: str) -> str:
    """Same-length normalisation: ASCII brackets and colons, one kind of dash, plain spaces, and
    simplified characters for traditional ones (牽頭 → 牵头), so one grammar reads both."""
    if has_traditional(text):
        text = to_simplified(text)
    out, pos = text, 0
    while (m := _CHANGED.search(out, pos)) is not None:
        out = out.replace(m.group(), _CHAR_MAP[m.group()])
        pos = m.start() + 1  # nothing to change before it any more
    if "\r" in out:
        out = out.replace("\r\n", " \n").replace("\r", "\n")
    return out


TERMINAL = "。!?;:)]…"
CONTINUE = ",、《“(\"'"
TITLE_END = re.compile(r"(?:方案|要点|意见|规划|办法|通知|计划|纲要|细则|决定|报告|分工表|清单|台账|一览表|年\)|〕\d+号)$")
MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\((?:[一二三四五六七八九十]+|\d{1,2})\)|\d{1,2}[.、)]|─+|附件\s*\d*|"
    r"第[一二三四五六七八九十百]+[条章]|[①-⑳●▲■◆•⑴-⒛㈠-㈩]|[Ⅰ-Ⅻ][、.])"
)
# a labelled role line (牵头单位:A) is never the continuation of the line above it; nor is one whose label has a
# modifier (省级牵头单位: / 具体责任单位:, see clauses._LABEL_MODIFIER) or is 落实单位: / 承担单位:
LABEL_LINE = re.compile(r"^(?:(?:牵头|主责|责任|负责|配合|协办|协助|参与|指导|完成时限|完成时间|时限|时间节点)[^:]{0,6}:|"
                        r"(?:牵头|主责|责任|配合|协办|协助|参与)(?:责任)?(?:单位|部门) )"
                        r"|^(?:[省市县区州乡镇街道]{1,2}[级直]|市县|县区|区县|县市|省市|第一|直接|具体|共同|联合)"
                        r"(?:牵头|主责|责任|负责|配合|协办|协助|参与|指导)[^:]{0,4}:"
                        r"|^(?:落实|承担)(?:单位|部门|主体):")
_LABEL_FIRST = frozenset("牵主责负配协参指完时" "省市县区州乡镇街第直具共联" "落承")  # LABEL_LINE's first characters


class Paragraph:
    """A logical paragraph: its normalised text and a map from its characters to source offsets.

    The map is kept as runs (paragraph index, source offset) — one per joined line — so memory
    grows with the number of lines, not characters.
    """

    __slots__ = ("text", "_starts", "_sources", "index", "_base")

    def __init__(self, text: str, runs: list[tuple[int, int]], index: int = 0):
        self.text = text
        self.index = index
        self._base: int | None  # source offset minus paragraph offset, when one run maps every character
        if len(runs) == 1:  # a paragraph of one line (most of them): the offset is a sum, no search
            (start, source), = runs
            self._starts, self._sources, self._base = [start], [source], source - start
        else:
            self._starts = [r[0] for r in runs]  # paragraph index where each run begins
            self._sources = [r[1] for r in runs]  # source offset of that character
            self._base = None

    def src(self, i: int) -> int:
        """Source offset of paragraph character i."""
        if self._base is not None:
            return self._base + i
        k = bisect_right(self._starts, i) - 1
        return self._sources[k] + (i - self._starts[k])

    @property
    def start(self) -> int:
        return self._sources[0]

    @property
    def end(self) -> int:
        return self.src(len(self.text) - 1) + 1

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Source [start, end) of paragraph characters [i, j)."""
        if j <= i:
            j = i + 1
        if self._base is not None:
            return self._base + i, self._base + j
        return self.src(i), self.src(j - 1) + 1

    def sub(self, a: int, b: int) -> "Paragraph":
        """The paragraph made of characters [a, b) of this one."""
        runs = []
        for k, start in enumerate(self._starts):
            end = self._starts[k + 1] if k + 1 < len(self._starts) else len(self.text)
            lo, hi = max(start, a), min(end, b)
            if lo < hi:
                runs.append((lo - a, self._sources[k] + (lo - start)))
        return Paragraph(self.text[a:b], runs)


# a line's text without the spaces around it (what line.strip(" ") keeps), found in C: lines of spaces have none
_LINE = re.compile(r"[^\n ](?:[^\n]*[^\n ])?")


# a page's number printed as a line of its own (— 3 — / - 3 - / 第3页 / 第3页 共12页): text saved from a PDF keeps it
_PAGE_NUMBER = re.compile(r"(?:[─\-~·]+ *\d{1,4} *[─\-~·]+|第 *\d{1,4} *页(?: *共 *\d{1,4} *页)?)")


def _stripped_lines(norm: str) -> list[tuple[int, int]]:
    """The lines, but a page number's: a sentence broken by a page break joins across it."""
    return [m.span() for m in _LINE.finditer(norm) if not (m.group()[:1] in "─-~·第" and _PAGE_NUMBER.fullmatch(m.group()))]


# words of a sentence (要 / 应 / 须 / 将 / 的 / 确保 …): the line after a label line that opens with one is no wrapped unit
_PROSE_OPENING = re.compile(r"要(?!素)|应(?!急)|须|需(?!求)|将|的|务必|确保|切实|认真|进一步")


# a signing date on a line of its own (2023年3月1日 / 二〇二〇年四月二十日): what closes a signature block
DATE_LINE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4}) *年 *(?:\d{1,2}|[一二三四五六七八九十]{1,3}) *月 *"
                       r"(?:\d{1,2}|[一二三四五六七八九十]{1,3}) *日")


def signature_at(texts: Sequence[str], k: int, last: bool = False) -> bool:
    """texts[k] opens a signature block: one to three short lines of names, then a date line alone (某区人民政府办公室 ⏎
    2023年3月1日), or — `last`: texts end the document — names of signing offices to the end (中共某市委办公室
    某市人民政府办公室) — never more units of the label above it, nor a line to join to it."""
    for j in range(k, min(k + 4, len(texts))):
        t = texts[j]
        if DATE_LINE.fullmatch(t):
            return j > k
        if len(t) > 30 or any(c in t for c in "。,、:;"):
            return False
    return last and len(texts) - k <= 3 and all(
        len(parts := t.split()) >= 2 and all(_SIGNER.search(x) for x in parts) for t in texts[k:])


_SIGNER = re.compile(r"(?:办公室|办公厅|人民政府|委员会)$")  # the offices a joint notice is signed by


def _joins_next(line: str, nxt: str) -> bool:
    """A line broken mid-sentence continues on the next line (the 友谊县 plan does this)."""
    if line[-1] in TERMINAL or MARKER.match(nxt) or (nxt[:1] in _LABEL_FIRST and LABEL_LINE.match(nxt)) or (
            len(line) < 80 and TITLE_END.search(line)):
        return False
    if line[-1] in CONTINUE:
        return True
    if line[:1] in _LABEL_FIRST and LABEL_LINE.match(line) and "、" not in (head := nxt[:40].split(",", 1)[0]) \
            and _PROSE_OPENING.search(head):
        return False  # 牵头单位:A 完成时限:3月底前 ⏎ 各责任单位要高度重视,…: a sentence of its own, not the label's value
    heading = MARKER.match(line) and "。" not in line and len(line) <= 30
    return len(line) >= 20 and not heading


# A marker right after a sentence or a clause closes, inside one line: the line lost its breaks.
INLINE_BREAK = re.compile(r"[。!?;):]\s*(?=(?:[一二三四五六七八九十]+、|\((?:[一二三四五六七八九十]+)\)|\d{1,2}[.、](?!\d)|"
                          r"第[一二三四五六七八九十百]+条|[①-⑳]))")
# 一、强化科学教育(一)加强基础教育。… / 一、市容环境整治行动1.开展占道经营整治。…: a (一) or a 1. right after a short
# 一、 heading that lost its line break (a 1. neither after a digit nor before one: 增长5.5%, 3.2亿元 are numbers)
_CN_NUMERALS = frozenset("一二三四五六七八九十")
_ITEM_NO = r"(?<![\dA-Za-z.第])\d{1,2}[.、](?![\d%])"  # 第1、第2批次: an ordinal, no marker
RUN_IN_HEADING = re.compile(r"[一二三四五六七八九十]+、[^。!?;(]{2,40}?(?=\([一二三四五六七八九十]+\)|" + _ITEM_NO + ")")
# (一)市容环境整治行动1.开展占道经营整治。…: a (一) action heading run into its first 1. task the same way
RUN_IN_ACTION = re.compile(r"\([一二三四五六七八九十]+\)[^。!?;(]{2,40}?(?=" + _ITEM_NO + ")")
# 【责任单位】市城管局、各区人民政府2.规范户外广告设置。 / …市自然资源和规划局二、市政设施提升行动3.… / 【完成时限】2024年
# 12月底前2.…: a label's value runs on into the next item, action or section when the breaks were lost; the item opens with a
# heading sentence (…。), the section with a heading then its first item's marker. The value holds no sentence mark,
# a list goes on after 、 (市卫健委、一、二级医院), and 二、三季度 counts.
_LABEL_RUN = re.compile(r"(?:单位|部门|主体|时限|时间|节点)[\]:](?:[^\[\]。!?;:()]|\([^()]{1,8}\)){2,60}?"
                        r"(?<![一二三四五六七八九十、])(?=(?:" + _ITEM_NO + r"|[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])|\([一二三四五六七八九十]{1,3}\))"
                        r"[^。!?;:()\[\]]{2,40}?(?:。|" + _ITEM_NO + r"|\([一二三四五六七八九十]+\)))")


_LABEL_WORDS = re.compile(r"单位|部门|主体|时限|时间|节点")


def _split_run_on(p: Paragraph) -> list[Paragraph]:
    """Split a paragraph whose line breaks were lost at each structural marker it carries."""
    cuts = [m.end() for m in INLINE_BREAK.finditer(p.text)]
    if ("]" in p.text or ":" in p.text) and _LABEL_WORDS.search(p.text):
        cuts += [m.end() for m in _LABEL_RUN.finditer(p.text)]
    starts = [0, *cuts]
    for start in starts:  # a cut found here is a start too: 一、重点任务 / (一)市容环境整治行动 / 1.开展…
        first = p.text[start:start + 1]
        if first in _CN_NUMERALS or first == "(":  # only a 一、 or (一) heading can run into its (一) or 1.
            m = (RUN_IN_HEADING if first != "(" else RUN_IN_ACTION).match(p.text, start)
            if m:
                cuts.append(m.end())
                starts.append(m.end())
    if not cuts:
        return [p]
    cuts.sort()
    out, prev = [], 0
    for c in cuts + [len(p.text)]:
        a, b = prev, c
        while a < b and p.text[a] == " ":
            a += 1
        while b > a and p.text[b - 1] == " ":
            b -= 1
        if b > a:
            out.append(p.sub(a, b))
        prev = c
    return out


def _depth_after(line: str, depth: int) -> int:
    """The bracket depth after `line`, from `depth` before it (a stray closer does not go below 0)."""
    if "(" not in line and ")" not in line and "[" not in line and "]" not in line:
        return depth
    return max(0, depth + line.count("(") + line.count("[") - line.count(")") - line.count("]"))


def _closes_within(texts: list[str], k: int, depth: int) -> bool:
    """The lines after line k close the open bracket within three lines, none of them an item."""
    for nxt in texts[k + 1:k + 4]:
        if MARKER.match(nxt):
            return False
        for ch in nxt:
            depth += (ch in "([") - (ch in ")]")
            if depth <= 0:
                return True
    return False


def _bracket_continues(texts: list[str], first: int, k: int, depth: int) -> bool:
    """A role clause's bracket left open at the end of line k goes on in the next lines, a label or units then the
    closer: (牵头单位:市人社局; / 配合单位:市财政局) — a break inside a clause (Shift+Enter, <br>) does not end it."""
    if depth <= 0 or not _closes_within(texts, k, depth):
        return False
    from kg.loaders.clauses import unclosed_role_brackets

    return bool(unclosed_role_brackets("".join(texts[first:k + 1]))) or _label_broken(texts[k], texts[k + 1])


def _label_broken(line: str, nxt: str) -> bool:
    """The line ends inside the role label of the bracket it leaves open ((责任⏎单位: / (牵头单⏎位: / (市商务局牵⏎头):
    the label reads only with the next line's start, so the break is inside a word."""
    from kg.loaders.clauses import ROLE_HINT

    o = max(line.rfind("("), line.rfind("["))
    if o < 0 or ")" in line[o:] or "]" in line[o:]:
        return False
    return bool(ROLE_HINT.match(line[o:] + nxt[:_LABEL_TAIL]))


_LABEL_TAIL = 8  # enough of the next line to finish a label word (单位: / 位: / 头)


def _table_lines(lines: list[tuple[int, int]], table_starts: Sequence[int]) -> frozenset[int]:
    """Indexes of the lines where a table begins: a table's first cell never continues the line above it (a title
    paragraph right above the table, …任务分解表 then 序号)."""
    out, starts = set(), [a for a, _ in lines]
    for s in table_starts:
        k = bisect_right(starts, s - 1)
        if 0 < k < len(lines):
            out.add(k)
    return frozenset(out)


def paragraphs(norm: str, table_starts: Sequence[int] = ()) -> list[Paragraph]:
    """Split normalised text into logical paragraphs, re-joining broken lines and splitting run-on ones;
    `table_starts` are the offsets where a reader's tables begin."""
    lines = _stripped_lines(norm)
    cells = _table_lines(lines, table_starts) if table_starts else frozenset()
    texts = [norm[a:b] for a, b in lines]  # each line sliced once: it is read as a line and as the next one
    paras: list[Paragraph] = []
    first, last = 0, len(lines) - 1  # the paragraph's first line; the document's last
    depth = 0  # brackets open at the end of the paragraph so far
    for k in range(len(lines)):
        depth = _depth_after(texts[k], depth)
        if k < last and k + 1 not in cells and (_joins_next(texts[k], texts[k + 1])
                                                or _bracket_continues(texts, first, k, depth)) \
                and not (len(texts[k + 1]) <= 30 and signature_at(texts, k + 1)):
            continue
        depth = 0
        if k == first:  # most paragraphs are one line
            text, runs = texts[k], [(0, lines[k][0])]
        else:
            text = "".join(texts[first:k + 1])
            runs, pos = [], 0
            for x, y in lines[first:k + 1]:
                runs.append((pos, x))
                pos += y - x
        for piece in _split_run_on(Paragraph(text, runs)):
            piece.index = len(paras)
            paras.append(piece)
        first = k + 1
    return paras


_SENTENCE_MARKS = re.compile(r"[(《“)》”。!?]")


def sentence_end(text: str, start: int = 0) -> int:
    """Index just past the first 。/!/? at or after start (outside brackets), or len(text)."""
    depth = 0
    for m in _SENTENCE_MARKS.finditer(text, start):  # only the characters that matter, found in C
        ch = m.group()
        if ch in "(《“":
            depth += 1
        elif ch in ")》”":
            if depth:
                depth -= 1
        elif depth == 0:
            return m.end()
    return len(text)

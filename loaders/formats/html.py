"""HTML pages (Chinese government sites): the declared charset, the article body found among the page's
navigation and boilerplate, its text one block per line, its data tables."""
from __future__ import annotations

import re
from copy import deepcopy
from typing import Optional

from kg.errors import InputError
from kg.limits import DEFAULT, Limits
from kg.loaders.decode import decode_bytes
from kg.loaders.formats.common import _CJK, Extracted, _grid_table, _Lines, _plain, _shift, _unique
from kg.loaders.role_tables import join_continued
from kg.loaders.tables import Cell, Table

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "euc-cn", "gb18030", "csgb2312", "ms936", "windows-936"}
_ALIASES = {"utf8": "utf-8", "big5": "big5hkscs", "unicode": "utf-16"}

_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select",
              "button", "input", "textarea", "nav", "footer", "aside", "head", "map", "audio", "video"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
               "tbody", "thead", "tfoot", "section", "article", "blockquote", "pre", "dd", "dt", "dl", "center",
               "hr", "address", "figure", "figcaption", "caption", "main", "header", "footer", "form", "fieldset",
               "body", "html", "legend", "details", "summary", "option"}
# Containers that Chinese government CMSs (TRS WCM, Hanweb, …) put the article body in.
_CONTENT_MARKERS = re.compile(
    r"^(?:trs_editor|trs_ueditor|trs_editor_view|custom_unionstyle|zoom|ucap-content|ucapcontent|"
    r"article[-_]?content|art[-_]?con|pages?[-_]?content|content|contents|con|article|articlecont|"
    r"detail|details|detail[-_]?content|xxgk[-_]?content|main[-_]?content|maincontent|text|wzy|"
    r"news[-_]?content|newscontent|view|textcontent|zw|zwgk[-_]?content|conTxt|contxt|article[-_]?body)$", re.I)
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|foot|bottom|copyright|share|bdshare|bdsharebuttonbox|jiathis|"
    r"social|breadcrumb|crumbs?|position|location|sidebar|related|relate|xgwj|xgxx|toolbar|tools|print|"
    r"fontsize|font-size|zihao|comment|login|search|banner|qrcode|ewm|pagination|pager|prev-next|"
    r"attachments?-?links?)(?:$|[\s_-])", re.I)
_HARD = "\x1e"  # a hard line break while linearising (never in decoded text)


def _html_decode(data: bytes, file: str) -> tuple[str, str, Optional[str]]:
    """(text, encoding, note): BOM, then the declared charset (GB* as gb18030), then decode_bytes."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        d = decode_bytes(data, file)
        return d.text, d.encoding, None
    m = _META_CHARSET.search(data[:16384])
    declared = (m.group(1) or m.group(2)).decode("ascii").lower() if m else None
    if declared is None:
        d = decode_bytes(data, file)
        return d.text, d.encoding, None
    codec = "gb18030" if declared in _GB else _ALIASES.get(declared, declared)
    # A page that declares GB2312 but is really UTF-8 (a common CMS slip): valid UTF-8 wins.
    if codec != "utf-8" and not data.isascii():
        try:
            text = data.decode("utf-8")
            return text, "utf-8", f"declares charset {declared} but is UTF-8; decoded as utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(codec), codec, None
    except LookupError:
        problem = f"declares an unknown charset {declared!r}"
    except UnicodeDecodeError as e:
        problem = f"declares charset {declared} but byte {e.start} is not {codec}"
    d = decode_bytes(data, file)
    return d.text, d.encoding, f"{problem}; decoded as {d.encoding}"


def _classes(el) -> list[str]:
    return (el.get("class") or "").split() + ([el.get("id")] if el.get("id") else [])


def _text_len(el) -> int:
    return len(re.sub(r"\s+", "", el.text_content()))


def _link_len(el) -> int:
    return sum(len(re.sub(r"\s+", "", a.text_content())) for a in el.iter("a"))


def _main_element(body):
    """The article body: a known CMS container when there is a good one, else the densest text block."""
    total = max(_text_len(body), 1)

    def score(el) -> float:
        n = _text_len(el)
        return n - 2 * _link_len(el)

    marked = [el for el in body.iter() if isinstance(el.tag, str) and el.tag in ("article", "main")
              or isinstance(el.tag, str) and any(_CONTENT_MARKERS.match(c) for c in _classes(el))]
    marked = [el for el in marked if score(el) >= max(100, 0.2 * total) or score(el) >= 0.6 * total]
    if marked:
        best = max(marked, key=score)
        # the deepest marked container holding nearly all of the best one's text
        inner = [el for el in marked if el is not best and best in el.iterancestors() and score(el) >= 0.85 * score(best)]
        while inner:
            best = max(inner, key=lambda el: sum(1 for _ in el.iterancestors()))
            inner = [el for el in marked if el is not best and best in el.iterancestors()
                     and score(el) >= 0.85 * score(best)]
        return best
    # readability-style: each text block scores its parent fully and its grandparent by half
    scores: dict = {}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        own = len(re.sub(r"\s+", "", (el.text or "") + "".join((c.tail or "") for c in el)))
        if own < 10:
            continue
        for k, anc in enumerate(_self_and_up(el, 2)):
            if el.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6") and k == 0:
                continue
            scores[anc] = scores.get(anc, 0) + own / (1 if k <= 1 else 2)
    if not scores:
        return body
    best = max(scores, key=lambda el: scores[el] * (1 - _link_len(el) / max(_text_len(el), 1)))
    return _out_of_tables(_block_of(best, body), body)


def _block_of(el, body):
    """One long <span> or <p> of a short page is not its article: the block around it is."""
    while el is not body and isinstance(el.tag, str) and el.tag.lower() in _INLINE_OR_PARAGRAPH:
        parent = el.getparent()
        if parent is None:
            break
        el = parent
    return el


_INLINE_OR_PARAGRAPH = frozenset({"span", "font", "strong", "b", "em", "i", "u", "a", "p"})


_TABLE_PARTS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th"})


def _out_of_tables(el, body):
    """The article is never a piece of a data table (its cells score themselves and their row): from a
    row, table or cell climb to the table's container. A cell of a layout table stays: it holds most
    of its table's text in blocks or lines of its own (<p>, <div>, <br>, a table). A block inside a data cell
    (<td><p><span>市市场监管局</span></p></td> on a page that is nothing but its table) is that cell's."""
    if isinstance(el.tag, str) and el.tag.lower() not in _TABLE_PARTS:
        cell = _cell_of(el, body)
        table = next(cell.iterancestors("table", "TABLE"), None) if cell is not None else None
        if table is None or not _grid(table) or _text_len(cell) >= 0.6 * _text_len(table):
            return el  # a block in a layout table's cell (the article beside a sidebar) stays
        el = cell
    while el is not body and isinstance(el.tag, str) and el.tag.lower() in _TABLE_PARTS:
        tag = el.tag.lower()
        table = el if tag == "table" else next((a for a in el.iterancestors("table", "TABLE")), None)
        if table is None:
            return el
        if tag in ("td", "th") and any(isinstance(c.tag, str) and c.tag.lower() in ("p", "div", "table", "br") for c in el) \
                and _text_len(el) >= 0.6 * _text_len(table):
            return el
        el = table.getparent()
        if el is None:
            return body
    return el


_ROLE_HEADER = re.compile(r"牵头|责任单位|责任部门|配合单位|配合部门|协同单位|协办单位|责任主体|责任科室")


def _append_tables_after(main, body) -> None:
    """A task table the page prints after its article, outside it (<div class=TRS_Editor>…附件：分工表</div><p>附件</p>
    <table>…): appended to the article, in page order — a data table (three rows of three cells) whose first rows name
    roles, holding no table itself."""
    if main is body:
        return
    after = False
    for el in list(body.iter()):
        if el is main:
            after = True
            continue
        if not after or not isinstance(el.tag, str) or el.tag.lower() != "table" or main in el.iterancestors():
            continue
        if el in main.iterancestors() or next(el.iterdescendants("table", "TABLE"), None) is not None:
            continue
        head = " ".join(_collapse(tr.text_content()) for tr in list(el.iter("tr", "TR"))[:2])
        if _ROLE_HEADER.search(head) and _grid(el):
            main.append(deepcopy(el))


def _grid(table) -> bool:
    """A data table: three rows or more of three cells or more (a layout table has a column or two)."""
    rows = 0
    for tr in table.iter("tr", "TR"):
        if next(tr.iterancestors("table", "TABLE"), None) is table and len(_html_cells(tr)) >= 3:
            rows += 1
            if rows >= 3:
                return True
    return False


def _cell_of(el, body):
    """The table cell (td/th) `el` lies in, below `body`; None outside any table."""
    for a in el.iterancestors():
        if a is body:
            return None
        if isinstance(a.tag, str) and a.tag.lower() in ("td", "th"):
            return a
    return None


def _self_and_up(el, n: int) -> list:
    """`el` and its first `n` ancestors (not all of them: a deeply nested page would make that quadratic)."""
    out = [el]
    while len(out) <= n and (el := el.getparent()) is not None:
        out.append(el)
    return out


def _linearise(root, marks: frozenset = frozenset()) -> list:
    """The text of `root` with _HARD at block boundaries; each element of `marks` (table cells, all
    block tags) is bracketed by (True, el) and (False, el) tokens right inside its _HARD marks."""
    from lxml import etree

    parts: list = []
    pre = 0  # how many <pre> are open: their newlines are line breaks
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if event == "start":
            pre = _start_parts(parts, el, tag, marks, pre)
        else:
            pre = _end_parts(parts, el, tag, marks, pre, root)
    return parts


def _start_parts(parts: list, el, tag: Optional[str], marks: frozenset, pre: int) -> int:
    """An element's opening (block mark, cell mark) and its text; the <pre> depth after it."""
    if tag is None:
        return pre
    if tag in _BLOCK_TAGS:
        parts.append(_HARD)
    if el in marks:
        parts.append((True, el))
    if tag == "pre":
        pre += 1
    if el.text:
        parts.append(el.text.replace("\n", _HARD) if pre else el.text)
    return pre


def _end_parts(parts: list, el, tag: Optional[str], marks: frozenset, pre: int, root) -> int:
    """An element's closing (cell mark, block mark) and the text after it; the <pre> depth after it."""
    if el in marks:
        parts.append((False, el))
    if tag in _BLOCK_TAGS:
        parts.append(_HARD)
    if tag == "pre":
        pre -= 1
    if el is not root and el.tail:
        parts.append(el.tail.replace("\n", _HARD) if pre else el.tail)
    return pre


def _html_lines(parts: list, lines: _Lines) -> dict:
    """Write the linearised parts as lines; the cell of each marked element. Marks sit next to _HARD,
    where no whitespace run or line crosses, so collapsing piece by piece gives the same lines."""
    cells: dict = {}
    opened: dict = {}
    buf: list[str] = []

    def flush() -> None:
        for line in _collapse_lines("".join(buf)):
            lines.add(line)
        buf.clear()

    for part in parts:
        if isinstance(part, str):
            buf.append(part)
            continue
        flush()
        starting, el = part
        if starting:
            opened[el] = len(lines.lines)
        else:
            cells[el] = lines.cell_since(opened[el])
    flush()
    return cells


def _collapse(text: str) -> str:
    return "\n".join(_collapse_lines(text))


def _collapse_lines(text: str) -> list[str]:
    """HTML whitespace: a run of ASCII spaces/newlines is one space, or nothing between CJK characters
    when it holds a newline (a source line break inside a Chinese sentence); &nbsp; and U+3000 stay."""
    def sub(m: re.Match) -> str:
        a = text[m.start() - 1] if m.start() else ""
        b = text[m.end()] if m.end() < len(text) else ""
        if ("\n" in m.group(0) or "\r" in m.group(0)) and _CJK.match(a or " ") and _CJK.match(b or " "):
            return ""
        return " "

    text = re.sub(r"[ \t\r\n\f]+", sub, text)
    lines = (line.strip(" \t\r\n\f") for line in text.split(_HARD))
    return [line for line in lines if line.strip()]


def _html_cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _leaf_tables(main) -> list:
    """The <table>s of the article that hold no other table (one around other tables is layout)."""
    return [t for t in main.iter("table") if next(t.iterdescendants("table"), None) is None]


def _span(el, attr: str, limit: int) -> int:
    """rowspan / colspan as browsers read them: leading digits; junk is 1; rowspan=0 runs to the end."""
    m = re.match(r"\s*(\d+)", el.get(attr) or "")
    n = int(m.group(1)) if m else 1
    if n == 0:
        n = limit if attr == "rowspan" else 1
    return max(1, min(n, limit))


def _html_grid(table, cells: dict) -> list[list[Optional[Cell]]]:
    """The HTML table model: each cell takes the first free slot of its row and covers rowspan × colspan."""
    rows = list(table.iter("tr"))
    taken: dict[tuple[int, int], Cell] = {}
    for r, tr in enumerate(rows):
        col = 0
        for td in _html_cells(tr):
            while (r, col) in taken:
                col += 1
            rs, cs = _span(td, "rowspan", len(rows) - r), _span(td, "colspan", 100)
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, col + dc)] = cells[td]
            col += cs
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c)) for c in range(width)] for r in range(len(rows))]


def _html_caption(table) -> Optional[str]:
    cap = table.find("caption")
    if cap is None:
        return None
    return re.sub(r"\s+", " ", cap.text_content()).strip() or None


def _html_tables(leaves: list, cells: dict, lines: _Lines) -> list[Table]:
    """The data tables among the leaf tables: at least 2 × 2, and no cell holding most of the article
    (a one-level layout table around the page's text). A table without a header right after a role table
    (a page pasting each printed page's table on its own) goes on with it."""
    total = max(lines.pos, 1)
    grids = [_html_grid(t, cells) for t in leaves]
    captions = {id(g[0]): _html_caption(t) for g, t in zip(grids, leaves) if g}
    out = []
    for grid in join_continued(grids, lines.text()):
        table = _grid_table(grid, lines, captions.get(id(grid[0])) if grid else None)
        if table and not any(len(c.text) > max(500, total // 2) for c in _unique(table.rows)):
            out.append(table)
    return out


def _html_title(doc) -> str:
    for h in doc.iter("h1"):
        t = re.sub(r"\s+", " ", h.text_content()).strip()
        if 4 <= len(t) <= 120:
            return t
    t = doc.find(".//title")
    if t is not None and t.text_content().strip():
        segs = re.split(r"\s*[_|｜]\s*|\s+[-–—－]\s+", t.text_content().strip())
        return max(segs, key=len).strip()
    return ""


_DOCTYPE_SUBSET = re.compile(r"(\s*<!DOCTYPE\s+[^\s\[>]+)[^\[>]*\[(.*?)\]\s*>", re.I | re.S)
_MAX_DEPTH = 200  # elements nested deeper are flattened (libxml2 stops reading at 256, losing the rest)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})  # <p>a<p>b: siblings, not nested


def _drop_internal_subset(text: str, notes: list[str]) -> str:
    """Remove a DOCTYPE's internal subset (<!DOCTYPE html [ <!ENTITY …> ]>). An HTML parser ends the DOCTYPE
    at its first ">", so the rest of the subset would show as text ("]>"); its entities are never expanded."""
    m = _DOCTYPE_SUBSET.match(text)
    if not m:
        return text
    n = len(re.findall(r"<!ENTITY", m.group(2)))
    notes.append(f"DOCTYPE internal subset skipped ({n} entity declaration(s), never expanded)")
    return m.group(1) + ">" + text[m.end():]


def _parse_html(text: str, notes: list[str]):
    """The lxml tree of a page. libxml2 stops reading a page nested deeper than 256 elements and drops
    everything after that point; such a page is read again with the nesting past _MAX_DEPTH flattened
    (as browsers do past their own depth limit), and any other early stop is noted, never silent."""
    from lxml import html as lhtml

    parser = lhtml.HTMLParser()
    doc = lhtml.document_fromstring(text, parser=parser)
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if fatal and "depth" in fatal[0].message.lower():
        flat, dropped = _flatten(text, _MAX_DEPTH)
        parser = lhtml.HTMLParser()
        doc = lhtml.document_fromstring(flat, parser=parser)
        fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
        notes.append(f"elements nested deeper than {_MAX_DEPTH} levels flattened ({dropped:,} tags dropped, "
                     "their text kept)")
    if fatal:
        e = fatal[0]
        notes.append(f"the HTML parser stopped at line {e.line}, column {e.column} ({e.message.strip()}): "
                     "the text after that point is missing")
    return doc


_TAG_AT = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)([^<>]{0,4096})>")


def _flatten(text: str, depth: int) -> tuple[str, int]:
    """The page with no element nested deeper than `depth`: deeper start and end tags are dropped (a block
    tag leaves a <br>, one for a run of them, so its line breaks stay) and their content joins the deepest
    element kept. A plain linear scan of the tags (comments kept whole), not a parser: it only has to count
    depth."""
    flat = _Flattener(depth)
    last = pos = 0
    while (pos := text.find("<", pos)) >= 0:
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            pos = len(text) if end < 0 else end + 3
            continue
        m = _TAG_AT.match(text, pos)
        if m is None:
            pos += 1
            continue
        if pos > last:
            flat.text(text[last:pos])
        last = pos = m.end()
        flat.tag(m)
    flat.out.append(text[last:])
    return "".join(flat.out), flat.dropped


class _Flattener:
    """What _flatten writes, and the open elements it has to count."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, written)
        self.kept = self.dropped = 0
        self.broke = False  # the last thing written is the <br> of a dropped block tag

    def text(self, chunk: str) -> None:
        self.out.append(chunk)
        self.broke = self.broke and not chunk.strip()

    def write(self, tag_text: str) -> None:
        self.out.append(tag_text)
        self.broke = False

    def line_break(self) -> None:
        if not self.broke:
            self.out.append("<br>")
        self.broke = True

    def tag(self, m: re.Match) -> None:
        tag = m.group(2).lower()
        if tag in _VOID or m.group(3).rstrip().endswith("/"):
            self.write(m.group(0))
        elif not m.group(1):
            self.start(tag, m.group(0))
        else:
            self.end(tag, m.group(0))

    def start(self, tag: str, tag_text: str) -> None:
        """A start tag: written while the depth allows, else dropped (a block tag leaves a line break)."""
        stack = self.stack
        if tag in _SELF_CLOSING and stack and stack[-1][0] == tag:
            self.kept -= stack.pop()[1]
        if self.kept < self.depth:
            self.write(tag_text)
            stack.append((tag, True))
            self.kept += 1
        else:
            self.dropped += 1
            stack.append((tag, False))
            if tag in _BLOCK_TAGS:
                self.line_break()

    def end(self, tag: str, tag_text: str) -> None:
        """An end tag: closes the nearest open element of its name (looked for among the last 64)."""
        stack = self.stack
        at = next((k for k in range(len(stack) - 1, max(len(stack) - 64, 0) - 1, -1) if stack[k][0] == tag), None)
        if at is None:
            self.out.append(tag_text)
            return
        written = stack[at][1]
        self.kept -= sum(w for _, w in stack[at:])
        del stack[at:]
        if written:
            self.write(tag_text)
        elif tag in _BLOCK_TAGS:
            self.line_break()


def read(data: bytes, file: str, limits: Limits = DEFAULT) -> Extracted:
    """An HTML page: its article body, one block per line; its data tables. `limits` is not used (a page
    is parsed whole; kg bounds its size with max_file_mb)."""
    doc, encoding, note = _parse_page(data, file)
    title = _html_title(doc)
    body = doc.find("body")
    if body is None:
        body = doc
    _drop_hidden(body)
    main = _main_element(body)
    _append_tables_after(main, body)
    _drop_boilerplate(main)
    leaves = _leaf_tables(main)
    lines = _Lines()
    cells = _html_lines(_linearise(main, frozenset(td for t in leaves for tr in t.iter("tr") for td in _html_cells(tr))),
                        lines)
    out = lines.text()
    if len(_plain(out)) < 20:
        raise InputError(file, "HTML page has no article text (it may load its text with JavaScript)",
                         fix="save the page as shown in a browser, or load the document it links to")
    tables = _html_tables(leaves, cells, lines)
    if title and _plain(title) not in _plain(out[: len(title) + 400]):
        out = title + "\n" + out
        _shift(tables, len(title) + 1)
    return Extracted(out, encoding, "html", note, tuple(tables))


def _parse_page(data: bytes, file: str):
    """The lxml tree of the page's bytes, the encoding, and a note on what decoding or parsing met."""
    from lxml import etree

    text, encoding, note = _html_decode(data, file)
    notes = [note] if note else []
    text = text.replace(_HARD, " ")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    text = _drop_internal_subset(text, notes)
    try:
        doc = _parse_html(text, notes)
    except (etree.ParserError, ValueError) as e:
        raise InputError(file, f"unreadable HTML ({e})", fix="re-download the page") from None
    return doc, encoding, "; ".join(notes) or None


def _drop_hidden(body) -> None:
    """Remove what a browser does not show as text: comments, processing instructions, scripts, navigation …"""
    for el in list(body.iter()):
        if not isinstance(el.tag, str):
            if el.getparent() is not None:  # comments and processing instructions
                el.drop_tree()
        elif el.tag.lower() in _DROP_TAGS:
            el.drop_tree()


def _drop_boilerplate(main) -> None:
    """Remove small blocks inside the article whose class or id says share bar, print button, breadcrumb …"""
    main_len = max(_text_len(main), 1)
    for el in list(main.iter()):
        if el is main or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if any(_BOILERPLATE.search(c) for c in _classes(el)) and _text_len(el) < 0.3 * main_len:
            el.drop_tree()

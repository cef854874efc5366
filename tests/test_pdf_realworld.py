"""PDF layouts of real published plans that the PDF reader (loaders/formats/pdf.py, loaders/pdf_tables.py)
must read as the same document in DOCX or HTML reads: one unit a line in a table cell, a row cut by a page
break, a header of wrapped cells in a table without rules, gaps that stand for spaces, label lines, Kangxi
radicals in the text layer, a centred title.

The PDFs are drawn here with reportlab, the way Word/WPS/Chromium lay the text out (see
tests/test_pdf_tables.py for the drawing helpers and the fixture note on lone CJK characters).
"""
from __future__ import annotations

from pathlib import Path

from test_pdf_tables import drawn_pdf

from kg.loaders import parse_path
from kg.loaders.formats import read_document

L, R = "LEADS", "RESPONSIBLE_FOR"


def edges(path: Path) -> set[tuple[str, str, str]]:
    """(task or action title's first four characters, unit, role) of every edge kg reads from the file."""
    g = parse_path(path).graph
    titles = {t.id: t.title for t in list(g.tasks) + list(g.actions)}
    return {(titles[r.target_id][:4], r.mention, r.role) for r in g.responsibilities}


def read(path: Path):
    return read_document(path, path.read_bytes())


# ───────────────────────── A: one unit a line in a table cell ─────────────────────────

UNITS_HEAD = [["序号"], ["重点任务"], ["牵头单位"], ["责任单位"]]


def test_units_one_a_line_in_a_cell_are_units(tmp_path):
    rows = [UNITS_HEAD,
            [["1"], ["建立项目库"], ["市发展改革委"], ["市财政局", "市自然资源和规划局", "市生态环境局"]],
            [["2"], ["举办消费季"], ["市商务局"], ["市文化旅游局", "市体育局"]]]
    got = edges(drawn_pdf(tmp_path / "units.pdf", [(rows, [])], widths=(40, 100, 90, 130), row_h=60))
    assert {("建立项目", u, R) for u in ("市财政局", "市自然资源和规划局", "市生态环境局")} <= got
    assert {("举办消费", "市文化旅游局", R), ("举办消费", "市体育局", R), ("建立项目", "市发展改革委", L)} <= got


def test_a_lead_mark_on_the_first_of_the_lines_keeps_the_lead(tmp_path):
    rows = [[["序号"], ["重点任务"], ["责任单位"]],
            [["1"], ["建立项目库"], ["市发展改革委（牵头）", "市财政局", "市生态环境局"]],
            [["2"], ["举办消费季"], ["市商务局（牵头）", "市体育局"]]]
    got = edges(drawn_pdf(tmp_path / "marks.pdf", [(rows, [])], widths=(40, 100, 150), row_h=60))
    assert {("建立项目", "市发展改革委", L), ("建立项目", "市财政局", R), ("建立项目", "市生态环境局", R),
            ("举办消费", "市商务局", L), ("举办消费", "市体育局", R)} <= got


def test_a_name_wrapped_in_a_full_cell_line_still_joins(tmp_path):
    """9 characters fill the 82 pt the cell gives text: 国家税务总局临江市 / 税务局 is one unit, and so are
    市发展和改革委 / 员会 (a strong head 委 at the end of a full line, but the next line starts no unit)."""
    rows = [UNITS_HEAD,
            [["1"], ["建立项目库"], ["市发展和改革委", "员会"], ["国家税务总局临江市", "税务局"]],
            [["2"], ["举办消费季"], ["市商务局"], ["市财政局", "国家税务总局临江市", "税务局"]]]
    got = edges(drawn_pdf(tmp_path / "wrapped.pdf", [(rows, [])], widths=(40, 100, 71, 90), row_h=60))
    assert ("建立项目", "国家税务总局临江市税务局", R) in got and ("建立项目", "市发展和改革委员会", L) in got
    assert {("举办消费", "市财政局", R), ("举办消费", "国家税务总局临江市税务局", R)} <= got


def test_join_cell_lines_by_what_the_lines_say():
    from kg.loaders.pdf_tables import CellLine, join_cell_lines

    short, full = 3.0, 0.2
    assert join_cell_lines([CellLine("市财政局", short), CellLine("市体育局")]) == "市财政局\n市体育局"
    assert join_cell_lines([CellLine("市发展改", full), CellLine("革委")]) == "市发展改革委"
    # a line of a task that stops short is not a unit: it joins
    assert join_cell_lines([CellLine("加快推进项目", short), CellLine("建设")]) == "加快推进项目建设"
    # full lines: a strong head then a unit's level starts a unit; a place name alone does not end one
    assert join_cell_lines([CellLine("各县（市、区）人民政府", full), CellLine("市体育局")]) == "各县（市、区）人民政府\n市体育局"
    assert join_cell_lines([CellLine("国家税务总局临江市", full), CellLine("税务局")]) == "国家税务总局临江市税务局"
    # a line ended early because 、 may not start the next one: the word carried over completes the unit
    assert join_cell_lines([CellLine("市委宣传部牵头，团市", short), CellLine("委、市民政局参与")]) == \
        "市委宣传部牵头，团市委、市民政局参与"
    assert join_cell_lines([CellLine("市商务局（牵头）", short), CellLine("市体育局")]) == "市商务局（牵头）\n市体育局"


# ───────────────────────── B: a row cut by a page break ─────────────────────────

def test_a_row_cut_by_the_page_break_is_one_row(tmp_path):
    """Word lets a row break across pages: the rest of row 1 heads page 2 (under the repeated header) with
    an empty 序号 cell; it is joined to row 1 cell by cell (市发展改 / 革委 one unit), not a row of its own."""
    head = [["序号"], ["重点任务"], ["牵头单位"], ["配合单位"]]
    page1 = [head, [["1"], ["建立项目库并实行", "动态管理"], ["市发展改"], ["市财政局"]]]
    page2 = [head, [[], ["工作机制"], ["革委"], ["市生态环境局"]],
             [["2"], ["举办消费季"], ["市商务局"], ["市体育局"]]]
    got = edges(drawn_pdf(tmp_path / "cut.pdf", [(page1, []), (page2, [])], widths=(40, 100, 90, 130)))
    assert got == {("建立项目", "市发展改革委", L), ("建立项目", "市财政局", R), ("建立项目", "市生态环境局", R),
                   ("举办消费", "市商务局", L), ("举办消费", "市体育局", R)}


def test_a_numbered_row_and_a_group_cell_over_the_page_break_stay_apart(tmp_path):
    """Negative: a new page starting with a numbered row is a row of its own."""
    head = [["序号"], ["重点任务"], ["牵头单位"], ["配合单位"]]
    page1 = [head, [["1"], ["建立项目库"], ["市发展改革委"], ["市财政局"]]]
    page2 = [head, [["2"], ["举办消费季"], ["市商务局"], ["市体育局"]]]
    got = edges(drawn_pdf(tmp_path / "rows.pdf", [(page1, []), (page2, [])], widths=(40, 100, 90, 130)))
    assert got == {("建立项目", "市发展改革委", L), ("建立项目", "市财政局", R),
                   ("举办消费", "市商务局", L), ("举办消费", "市体育局", R)}


# ───────────────────────── C: a 三线表 whose header cells wrap, centred ─────────────────────────

def threeline_pdf(path: Path, header: list[list[str]], rows: list[list[list[str]]], middle: bool = True) -> Path:
    """A 三线表 (rules above and under the header and under the table, no vertical rule): header cells of
    one or two lines, centred vertically (or set at the top); body cells top-aligned except 序号, centred
    in its row as Word's 居中 puts it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from test_pdf_tables import FONT, _font

    _font()
    xs = (72, 110, 250, 330, 430, 520)
    c = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 100
    c.setFont(FONT, 12)
    c.drawString(72, y + 40, "重点任务分工表")
    c.line(68, y + 16, 520, y + 16)
    c.setFont(FONT, 10)
    for k, lines in enumerate(header):
        for i, line in enumerate(lines):
            dy = (i - (len(lines) - 1) / 2) * 16 if middle else i * 16 - 8
            c.drawCentredString((xs[k] + xs[k + 1]) / 2, y - dy, line)
    c.line(68, y - 18, 520, y - 18)
    y -= 34
    c.setFont(FONT, 9)
    for row in rows:
        n = max(len(cell) for cell in row)
        for k, lines in enumerate(row):
            top = y - 6 * (n - len(lines)) if k == 0 else y
            for i, line in enumerate(lines):
                c.drawString(xs[k] + 2, top - 12 * i, line)
        y -= 12 * n + 8
    c.line(68, y + 4, 520, y + 4)
    c.save()
    return path


WRAPPED_HEAD = [["序号"], ["具体措施"], ["牵头", "单位"], ["责任", "单位"], ["完成", "时限"]]
THREELINE_ROWS = [[["1"], ["建立市级重大项目库，", "实行动态管理，按月", "调度项目进展，及时", "协调解决困难问题。"],
                   ["市发展改革委"], ["市财政局"], ["2025年12月底前"]],
                  [["2"], ["举办消费季活动。"], ["市商务局"], ["市体育局"], ["2025年10月底前"]]]


def test_three_line_table_with_a_wrapped_centred_header(tmp_path):
    """The centred header gives three lines (牵头 责任 完成 / 序号 具体措施 / 单位 单位 时限), all of them the
    header; the first row's number, centred in a tall row, comes well below it."""
    want = {("建立市级", "市发展改革委", L), ("建立市级", "市财政局", R), ("举办消费", "市商务局", L),
            ("举办消费", "市体育局", R)}
    assert edges(threeline_pdf(tmp_path / "middle.pdf", WRAPPED_HEAD, THREELINE_ROWS)) == want
    assert edges(threeline_pdf(tmp_path / "top.pdf", WRAPPED_HEAD, THREELINE_ROWS, middle=False)) == want


# ───────────────────────── D, E, H: lines of the body ─────────────────────────

def lines_pdf(path: Path, lines: list, size: float = 12) -> Path:
    """A page of body lines drawn one by one from the left margin (x 72, 36 characters of 12 pt to the
    line): a line given as (x, text) starts at x, as [(x, text), …] is pieces on one baseline, as
    (x, text, size) is set in another size."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from test_pdf_tables import FONT, _font

    _font()
    c = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 90
    for line in lines:
        pieces = line if isinstance(line, list) else [line if isinstance(line, tuple) else (72, line)]
        lead = size
        for piece in pieces:
            x, text, sz = piece if len(piece) == 3 else (*piece, size)
            c.setFont(FONT, sz)
            c.drawString(x, y, text)
            lead = max(lead, sz)
        y -= lead * 1.6
    c.save()
    return path


BODY = ["为确保市人大会议审议通过的政府工作报告确定的目标任务落到实处，现将重点工作分解如下，各",
        "牵头领导和牵头单位要切实负起责任，细化工作措施，明确时间节点，确保各项任务按期完成。"]


def _width(text: str, size: float = 12) -> float:
    return len(text) * size


def test_a_gap_between_two_labels_on_a_line_is_a_space(tmp_path):
    """牵头领导：张建国　　牵头单位：X printed with the full-width spaces as a gap: the gap is a space, so the
    person label's value does not run into the unit label."""
    person = "牵头领导：张建国"
    lines = [(96, BODY[0][:34]), BODY[0][34:] + BODY[1][:16], "一、经济发展", "1.全年地区生产总值增长6%左右。",
             [(72, person), (72 + _width(person) + 24, "牵头单位：市发展改革委")],
             "责任单位：市统计局", "完成时限：2025年12月"]
    text = read(lines_pdf(tmp_path / "gap.pdf", lines)).text
    assert "张建国 牵头单位：市发展改革委" in text
    assert ("全年地区", "市发展改革委", L) in edges(tmp_path / "gap.pdf")


def test_a_full_label_line_is_not_joined_to_the_next_label_line(tmp_path):
    """A label line that fills the text width ends before the next label line, whatever it ends with;
    ordinary body text that fills the width still joins the next line."""
    body = (BODY[0] + BODY[1])[:80]
    units = "市人力资源社会保障局、市教育局、市财政局、市商务局、市人力资源社会保障局"
    lead, resp = ("牵头单位：" + units)[:36], ("责任单位：" + units)[:36]
    lines = [body[:36], body[36:72], body[72:], "一、就业优先", "1.城镇新增就业3.5万人。", lead, resp, "完成时限：2025年12月"]
    text = read(lines_pdf(tmp_path / "labels.pdf", lines)).text
    assert text.split("\n") == [body, "一、就业优先", "1.城镇新增就业3.5万人。", lead, resp, "完成时限：2025年12月"]


def test_kangxi_radicals_in_the_text_layer_are_the_ideographs(tmp_path):
    """Word/WPS exports with GB2312-era fonts give 部⻔ (U+2ED4) and ⼯ ⽣ ⽔ (Kangxi radicals) in the text
    layer: read as 部门, 工, 生, 水, one character for one, so 牵头部门 is a label again."""
    lines = ["一、重点任务", "（一）推进河湖治理。（牵头部⻔：市⽣态环境局；配合部⻔：市⽔利局）⻓期坚持。"]
    got = read(lines_pdf(tmp_path / "kangxi.pdf", lines))
    assert "（牵头部门：市生态环境局；配合部门：市水利局）长期坚持" in got.text
    assert {("推进河湖", "市生态环境局", L), ("推进河湖", "市水利局", R)} <= edges(tmp_path / "kangxi.pdf")


def test_a_centred_title_and_a_heading_start_lines_of_their_own(tmp_path):
    """A title that fills the line, set larger, is not joined to the heading under it; a line opening with
    一、 / （一） / 1. is never joined to the line before; a wrapped number (1.5) is no heading."""
    title = "临江市推进基本养老服务体系建设实施方案"
    lines = [(78, title, 22), "一、重点任务", "（一）健全养老服务网络。推进区域养老服务中心建设，到2025年底",
             "1.5万张床位全部投入使用。（牵头单位：市民政局）"]
    text = read(lines_pdf(tmp_path / "title.pdf", lines)).text
    assert text.split("\n")[:3] == [title, "一、重点任务", "（一）健全养老服务网络。推进区域养老服务中心建设，到2025年底"
                                    "1.5万张床位全部投入使用。（牵头单位：市民政局）"]
    # a title over an intro paragraph that opens with no marker: the change of type size ends it
    text = read(lines_pdf(tmp_path / "intro.pdf", [(78, title, 22), BODY[0][:36], BODY[0][36:]])).text
    assert text.split("\n") == [title, BODY[0]]

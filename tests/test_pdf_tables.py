"""Ruled tables in PDFs (loaders/pdf_tables.py via loaders/formats/pdf.py): a role table (序号 | 重点任务 |
具体措施 | 牵头单位 | 责任单位 | 完成时限) with rowspan group cells and wrapped cells comes out of
`read_document` as `Extracted.tables`: an exact grid whose cells are spans of `Extracted.text`, merged
cells one object, the prose around the table as before.

The PDFs are made here with reportlab (platypus tables ruled with GRID, and tables drawn the way
Word/WPS export them: borders as thin filled rectangles, text placed line by line). Fixture note:
without a CJK font on the machine pdfium drops a CJK character that stands alone in its text
object, so no cell line here is a single CJK character.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import pdf_tables
from kg.loaders.formats import read_document

FONT = "STSong-Light"
HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "责任单位", "完成时限"]
LONG = "加快推进城乡消费基础设施建设，完善县域商业体系，支持建设一批区域消费中心和特色商业街区"
BEFORE = ["关于印发重点任务分工方案的通知", "各区县人民政府，市政府各部门：",
          "现将《提振消费重点任务分工方案》印发给你们，请认真贯彻执行。各责任单位要按照分工要求，细化工作措施，"
          "明确时间节点，确保各项任务落到实处，并于每季度末向市商务委报送工作进展情况。"]
CAPTION = ["附件", "提振消费重点任务分工表"]
AFTER = ["各牵头单位要会同责任单位建立工作台账，按月调度推进，重大问题及时报告。", "市商务委负责统筹协调。"]


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def role_rows(groups: int, per_group: int = 3) -> tuple[list[list[str]], list[tuple[int, int]]]:
    """Header + rows; the 重点任务 column is one group cell per `per_group` rows (given as (first, last)
    row). Every other row has a long 具体措施 that wraps over several lines, a 责任单位 that wraps
    over two, and an empty 责任单位."""
    rows, groups_at = [HEADER], []
    k = 0
    for g in range(groups):
        first = len(rows)
        for t in range(per_group):
            k += 1
            rows.append([str(k), f"（{'一二三四五六七八九十'[g]}）扩大第{g + 1}类消费" if t == 0 else "",
                         f"第{k}项措施：{LONG}" if t % 2 == 0 else f"落实第{k}项工作要求",
                         "市发展改革委" if t == 1 else "市商务委",
                         ["各区县人民政府、市财政局", "市文化旅游委", ""][t % 3], "2025年12月底前"])
        groups_at.append((first, len(rows) - 1))
    return rows, groups_at


def platypus_pdf(path: Path, rows, groups, before=BEFORE, caption=CAPTION, after=AFTER) -> Path:
    """Prose, a caption, the table (GRID rules, SPAN group cells, the header row repeated on every
    page it runs over), prose; "— N —" at the foot of every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK", firstLineIndent=24)
    title = ParagraphStyle("title", fontName=FONT, fontSize=14, leading=20)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    table = Table([[Paragraph(c, cell) if c else "" for c in r] for r in rows],
                  colWidths=[36, 62, 136, 70, 84, 62], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
                              + [("SPAN", (1, a), (1, b)) for a, b in groups]))
    story = [Paragraph(p, title if i == 0 else body) for i, p in enumerate(before)]
    story += [Paragraph(c, title) for c in caption] + [Spacer(1, 6), table, Spacer(1, 12)]
    story += [Paragraph(p, body) for p in after]

    def footer(canvas, doc):
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def expected_grid(rows, groups) -> list[list[str]]:
    grid = [list(r) for r in rows]
    for a, b in groups:
        for r in range(a + 1, b + 1):
            grid[r][1] = grid[a][1]
    return grid


def check_table(text: str, table) -> None:
    """The invariants of every table: rectangular; each cell is its span of the text, on lines of its
    own; the table's span is exactly its distinct non-empty cells, in row order, one per line."""
    width = len(table.rows[0])
    assert all(len(r) == width for r in table.rows)
    distinct = []
    for row in table.rows:
        for c in row:
            assert c is not None and text[c.start:c.end] == c.text
            if c.text:
                assert c.start == 0 or text[c.start - 1] == "\n"
                assert c.end == len(text) or text[c.end] == "\n"
            else:
                assert c.start == c.end
            if all(c is not d for d in distinct):
                distinct.append(c)
    written = [c for c in distinct if c.text]
    assert written[0].start == table.start and written[-1].end == table.end
    assert text[table.start:table.end] == "\n".join(c.text for c in written)


def texts(table) -> list[list[str]]:
    return [[c.text for c in r] for r in table.rows]


def read(path: Path):
    return read_document(path, path.read_bytes())


# ───────────────────────── (a) + (c): one page, prose around the table ─────────────────────────

def test_role_table_with_group_cells_and_wrapped_cells(tmp_path):
    rows, groups = role_rows(3)
    got = read(platypus_pdf(tmp_path / "role.pdf", rows, groups))
    assert len(got.tables) == 1
    table = got.tables[0]
    assert texts(table) == expected_grid(rows, groups)
    check_table(got.text, table)
    assert table.caption == "提振消费重点任务分工表"
    # a group cell is one object in every row it covers, and only there
    for a, b in groups:
        assert all(table.rows[r][1] is table.rows[a][1] for r in range(a, b + 1))
    assert len({id(table.rows[a][1]) for a, _ in groups}) == len(groups)
    assert len({id(c) for row in table.rows for k, c in enumerate(row) if k != 1}) == len(rows) * 5
    # the wrapped cells are joined without a space (CJK and numbers)
    assert table.rows[1][2].text == f"第1项措施：{LONG}" and table.rows[1][5].text == "2025年12月底前"
    assert table.rows[2][3].text == "市发展改革委" and table.rows[1][4].text == "各区县人民政府、市财政局"
    # an empty cell is an empty span
    assert table.rows[3][4].text == "" and table.rows[3][4].start == table.rows[3][4].end


def test_prose_around_the_table_is_intact(tmp_path):
    rows, groups = role_rows(2)
    got = read(platypus_pdf(tmp_path / "role.pdf", rows, groups))
    table = got.tables[0]
    assert got.text[:table.start].split("\n") == BEFORE + CAPTION + [""]
    assert got.text[table.end:].split("\n") == [""] + AFTER
    assert "— 1 —" not in got.text and got.note == "1 page-number/header/footer lines removed"


# ───────────────────────── (b) a table over page breaks ─────────────────────────

def test_table_over_page_breaks_is_one_table_with_the_repeated_header_dropped(tmp_path):
    rows, groups = role_rows(8)  # 25 rows: three pages, the header row repeated on pages 2 and 3
    path = platypus_pdf(tmp_path / "long.pdf", rows, groups)
    import pypdfium2

    assert len(pypdfium2.PdfDocument(path)) == 3
    got = read(path)
    assert len(got.tables) == 1
    table = got.tables[0]
    assert texts(table) == expected_grid(rows, groups)
    check_table(got.text, table)
    assert got.text.count("完成时限") == 1
    assert got.text[table.end:].split("\n") == [""] + AFTER
    assert got.note == "3 page-number/header/footer lines removed"


def drawn_pdf(path: Path, pages: list[tuple[list[list[list[str]]], list[tuple[int, int, int, int]]]],
              widths=(40, 100, 90, 130), row_h=40, stroked=False, caption: str | None = "重点任务清单如下") -> Path:
    """Tables drawn the way Word/WPS export them, one per page: borders as thin filled rectangles
    (or stroked lines), each cell's text as pre-wrapped lines. pages: (rows, merges), a cell given as
    its list of lines (a line: a string, or (font, text) pieces), merges as (first row, first column, last row, last column) with the text in
    the first row and column."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    x0, top, rule = 72, 120, 0.75
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    for n, (rows, merges) in enumerate(pages):
        c.setFont(FONT, 12)
        if n == 0 and caption:
            c.drawString(x0, height - 90, caption)
        ys = [height - top - i * row_h for i in range(len(rows) + 1)]
        owner = {}
        for r0, c0, r1, c1 in merges:
            for r in range(r0, r1 + 1):
                for k in range(c0, c1 + 1):
                    owner[(r, k)] = (r0, c0, r1, c1)

        def h_rule(y, a, b):
            if stroked:
                c.line(a, y, b, y)
            else:
                c.rect(a, y - rule / 2, b - a, rule, stroke=0, fill=1)

        def v_rule(x, a, b):
            if stroked:
                c.line(x, a, x, b)
            else:
                c.rect(x - rule / 2, a, rule, b - a, stroke=0, fill=1)

        c.setLineWidth(rule)
        for i in range(len(ys)):
            for k in range(len(widths)):
                if 0 < i < len(rows) and (i, k) in owner and owner[(i, k)][0] < i:
                    continue  # inside a rowspan
                h_rule(ys[i], xs[k], xs[k + 1])
        for k in range(len(xs)):
            for i in range(len(rows)):
                if 0 < k < len(widths) and (i, k) in owner and owner[(i, k)][1] < k:
                    continue  # inside a colspan
                v_rule(xs[k], ys[i + 1], ys[i])
        c.setFont(FONT, 9)
        for i, row in enumerate(rows):
            for k, lines in enumerate(row):
                y = ys[i] - 14
                for line in lines:
                    x = xs[k] + 4
                    for font, piece in [(FONT, line)] if isinstance(line, str) else line:
                        c.setFont(font, 9)
                        c.drawString(x, y, piece)
                        x += c.stringWidth(piece, font, 9)
                    y -= 12
        c.setFont(FONT, 10)
        c.drawCentredString(width / 2, 30, f"— {n + 1} —")
        c.showPage()
    c.save()
    return path


HEAD = [["序号"], ["重点任务"], ["牵头单位"], ["配合单位"]]


def test_group_cell_cut_by_the_page_break_stays_one_cell(tmp_path):
    """Page 1 ends inside the 重点任务 group of rows 2–5; page 2 goes on with the group's rows
    (its part of the group cell empty, as Word draws it) and no repeated header."""
    page1 = [HEAD,
             [["1"], ["推动消费提质", "扩容"], ["市商务委"], ["市财政局、", "市市场监管局"]],
             [["2"], ["培育新型消费"], ["市经济信息委"], ["市通信管理局"]],
             [["3"], [], ["市文化旅游委"], ["各区县政府"]]]
    page2 = [[["4"], [], ["市体育局"], []],
             [["5"], [], ["市教委"], ["市人力社保局"]],
             [["6"], ["优化消费环境"], ["市市场监管局"], ["市公安局"]]]
    path = drawn_pdf(tmp_path / "cut.pdf", [(page1, [(2, 1, 3, 1)]), (page2, [(0, 1, 1, 1)])])
    got = read(path)
    assert len(got.tables) == 1
    table = got.tables[0]
    check_table(got.text, table)
    assert texts(table) == [
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "推动消费提质扩容", "市商务委", "市财政局、市市场监管局"],
        ["2", "培育新型消费", "市经济信息委", "市通信管理局"],
        ["3", "培育新型消费", "市文化旅游委", "各区县政府"],
        ["4", "培育新型消费", "市体育局", ""],
        ["5", "培育新型消费", "市教委", "市人力社保局"],
        ["6", "优化消费环境", "市市场监管局", "市公安局"]]
    assert all(table.rows[r][1] is table.rows[2][1] for r in (3, 4, 5))
    assert table.rows[1][1] is not table.rows[2][1] and table.rows[6][1] is not table.rows[5][1]
    assert table.caption == "重点任务清单如下"


def test_tables_on_consecutive_pages_with_other_columns_stay_apart(tmp_path):
    rows = [HEAD, [["1"], ["推动消费提质"], ["市商务委"], ["市财政局"]]]
    got = read(drawn_pdf(tmp_path / "two.pdf", [(rows, []), (rows, [])]))
    assert [texts(t) for t in got.tables] == [[["序号", "重点任务", "牵头单位", "配合单位"],
                                               ["1", "推动消费提质", "市商务委", "市财政局"]] * 1 + [
                                               ["1", "推动消费提质", "市商务委", "市财政局"]]]  # one table, header once
    other = drawn_pdf(tmp_path / "other.pdf", [(rows, [])], widths=(40, 100, 90, 130))
    from pypdfium2 import PdfDocument

    doc = PdfDocument(other)
    doc.import_pages(PdfDocument(drawn_pdf(tmp_path / "wide.pdf", [(rows, [])], widths=(50, 110, 90, 120),
                                           caption=None)))
    doc.save(tmp_path / "mixed.pdf")
    got = read(tmp_path / "mixed.pdf")
    assert [texts(t) for t in got.tables] == [[["序号", "重点任务", "牵头单位", "配合单位"],
                                               ["1", "推动消费提质", "市商务委", "市财政局"]]] * 2
    for t in got.tables:
        check_table(got.text, t)


# ───────────────────────── other rulings ─────────────────────────

@pytest.mark.parametrize("stroked", [False, True], ids=["filled-rectangles", "stroked-lines"])
def test_colspan_header_and_both_kinds_of_rules(tmp_path, stroked):
    """责任分工 spans the 牵头单位 and 配合单位 columns; 序号 and 重点任务 span the two header rows."""
    rows = [[["序号"], ["重点任务"], ["责任分工"], []],
            [[], [], ["牵头单位"], ["配合单位"]],
            [["1"], ["开展家电以旧", "换新"], ["市商务委"], ["市财政局"]]]
    got = read(drawn_pdf(tmp_path / "span.pdf", [(rows, [(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1)])], stroked=stroked))
    table = got.tables[0]
    check_table(got.text, table)
    assert texts(table) == [["序号", "重点任务", "责任分工", "责任分工"], ["序号", "重点任务", "牵头单位", "配合单位"],
                            ["1", "开展家电以旧换新", "市商务委", "市财政局"]]
    assert table.rows[0][2] is table.rows[0][3] and table.rows[0][0] is table.rows[1][0]
    assert table.rows[1][2] is not table.rows[0][2]


def test_a_box_and_a_rule_are_not_tables(tmp_path):
    """A framed note (one cell) and the red rule under a letterhead stay prose."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    path = tmp_path / "box.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "重庆市人民政府办公厅文件")
    c.setStrokeColorRGB(1, 0, 0)
    c.line(72, 750, 520, 750)
    c.setStrokeColorRGB(0, 0, 0)
    c.rect(70, 680, 300, 40)
    c.drawString(80, 700, "（此件公开发布）")
    c.save()
    got = read(path)
    assert got.tables == () and got.text.replace("\n", "") == "重庆市人民政府办公厅文件（此件公开发布）"


def test_page_with_too_many_drawings_is_not_searched(tmp_path, monkeypatch):
    rows, groups = role_rows(1)
    path = platypus_pdf(tmp_path / "role.pdf", rows, groups)
    monkeypatch.setattr(pdf_tables, "MAX_SEGMENTS", 10)
    got = read(path)
    assert got.tables == ()
    assert "市发展改革委" in got.text and "完成时限" in got.text  # the table's text is still there, as lines


def test_whitespace_aligned_table_is_not_a_table(tmp_path):
    """A table without rules under a role header but with one data row is not found (two are needed):
    its text stays lines."""
    from reportlab.pdfgen import canvas

    _font()
    path = tmp_path / "unruled.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(FONT, 10)
    for i, row in enumerate([["序号", "重点任务", "牵头单位"], ["1", "推动消费提质", "市商务委"]]):
        for k, cell in enumerate(row):
            c.drawString(72 + 100 * k, 700 - 20 * i, cell)
    c.save()
    got = read(path)
    assert got.tables == ()
    assert "推动消费提质" in got.text and "市商务委" in got.text


def test_cell_line_mixing_fonts_keeps_its_order(tmp_path):
    """Latin digits set in Helvetica inside a Song line (different font boxes) stay one line, in order;
    Latin words keep their space, and join with one when wrapped; numbered items inside a cell stay
    on lines of their own."""
    rows = [[["序号"], ["重点任务"], ["完成时限"], ["牵头单位"]],
            [["1"], ["推动消费提质"], [[(FONT, "截至"), ("Helvetica", "2025"), (FONT, "年12月")], [(FONT, "底前"), ("Helvetica", "Q4"), (FONT, "完成")]],
             [[("Helvetica", "5G network")], [("Helvetica", "coverage")]]],
            [["2"], ["1.加强组织领导。", "2.强化督导考核。"], ["持续推进"], ["市商务委"]]]
    got = read(drawn_pdf(tmp_path / "fonts.pdf", [(rows, [])]))
    check_table(got.text, got.tables[0])
    assert texts(got.tables[0])[1:] == [["1", "推动消费提质", "截至2025年12月底前Q4完成", "5G network coverage"],
                                        ["2", "1.加强组织领导。\n2.强化督导考核。", "持续推进", "市商务委"]]


def test_title_row_two_row_header_repeated_and_empty_column(tmp_path):
    """A title row inside the grid (one cell across) is the caption, a line right above the table; the
    two-row header (序号 and 重点任务 span both rows, 责任分工 spans two columns) repeated on page 2
    without the title is dropped there; a column without any text (the last) is dropped; an empty
    last cell is a point at the table's end."""
    head = [[["序号"], ["重点任务"], ["责任分工"], [], []], [[], [], ["牵头单位"], ["配合单位"], []]]
    head_merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]
    page1 = [[["重点任务分工表"], [], [], [], []]] + head + [
        [["1"], ["推动消费提质"], ["市商务委"], ["市财政局"], []],
        [["2"], ["培育新型消费"], ["市经济信息委"], ["市通信管理局"], []]]
    page2 = head + [[["3"], ["优化消费环境"], ["市市场监管局"], ["市公安局"], []],
                    [["4"], ["完善消费设施"], ["市住房城乡建委"], [], []]]
    widths = (40, 100, 90, 130, 30)
    path = drawn_pdf(tmp_path / "title.pdf", [(page1, [(0, 0, 0, 4)] + [(a + 1, b, c + 1, d) for a, b, c, d in head_merges]),
                                              (page2, head_merges)], widths=widths, caption=None)
    got = read(path)
    assert len(got.tables) == 1
    table = got.tables[0]
    check_table(got.text, table)
    assert texts(table) == [["序号", "重点任务", "责任分工", "责任分工"], ["序号", "重点任务", "牵头单位", "配合单位"],
                            ["1", "推动消费提质", "市商务委", "市财政局"], ["2", "培育新型消费", "市经济信息委", "市通信管理局"],
                            ["3", "优化消费环境", "市市场监管局", "市公安局"], ["4", "完善消费设施", "市住房城乡建委", ""]]
    assert table.caption == "重点任务分工表" and got.text[:table.start] == "重点任务分工表\n"
    assert table.rows[0][0] is table.rows[1][0] and table.rows[0][2] is table.rows[0][3]
    assert table.rows[-1][-1].start == table.rows[-1][-1].end == table.end == len(got.text)


# ───────────────────────── tables without vertical rules ─────────────────────────

ALIGNED_X = (72, 104, 178, 302, 372, 456)  # left edges of the columns 序号 | 重点任务 | 具体措施 | 牵头单位 | 责任单位 | 完成时限
ALIGNED_ROWS = [  # each cell as its lines (wrapped by hand, the way the PDF prints them)
    [["1"], ["扩大商品消费"], ["开展汽车以旧换新，", "落实报废更新补贴，", "推动汽车流通消费"], ["市商务委"], ["市财政局、", "市公安局"], ["2025年12月", "底前"]],
    [["2"], [], ["实施家电以旧换新"], ["市商务委"], ["各区县政府"], ["持续推进"]],
    [["3"], [], ["推动家装消费", "提质升级"], ["市住房城乡建委"], [], ["2025年6月底前"]],
    [["4"], ["提升服务消费"], ["发展文旅消费，", "培育夜间消费"], ["市文化旅游委"], ["市商务委"], ["持续推进"]],
    [["5"], [], ["扩大体育消费"], ["市体育局"], ["市教委"], ["2025年底前"]],
]
ALIGNED_GRID = [HEADER,
                ["1", "扩大商品消费", "开展汽车以旧换新，落实报废更新补贴，推动汽车流通消费", "市商务委", "市财政局、市公安局", "2025年12月底前"],
                ["2", "扩大商品消费", "实施家电以旧换新", "市商务委", "各区县政府", "持续推进"],
                ["3", "扩大商品消费", "推动家装消费提质升级", "市住房城乡建委", "", "2025年6月底前"],
                ["4", "提升服务消费", "发展文旅消费，培育夜间消费", "市文化旅游委", "市商务委", "持续推进"],
                ["5", "提升服务消费", "扩大体育消费", "市体育局", "市教委", "2025年底前"]]
PROSE_BEFORE = ["为贯彻落实全市促消费工作部署，制定本方案。", "附件", "重点任务分工表"]
PROSE_AFTER = "各牵头单位要会同责任单位细化措施，确保各项任务按期完成，并于每季度末报送工作进展情况。"


def aligned_pdf(path: Path, rows=ALIGNED_ROWS, header=HEADER, xs=ALIGNED_X, rules: bool = False,
                centred_header: bool = True, before=PROSE_BEFORE, after=(PROSE_AFTER,),
                per_page: int | None = None, repeat_header: bool = True) -> Path:
    """A role table drawn with canvas.drawString at the columns' x positions, no vertical rule: header
    cells centred over their columns (or left-aligned), cells top-aligned and wrapped over lines, a
    group cell printed once in its first row. rules: a 三线表 (a rule above and below the header, one
    under the table). per_page: rows per page, the header repeated on the next page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    right = 530
    edges = list(xs) + [right]
    y = height - 72

    def head() -> float:
        nonlocal y
        c.setFont(FONT, 10)
        if rules:
            c.line(xs[0] - 4, y + 12, right, y + 12)
        for k, name in enumerate(header):
            if centred_header:
                c.drawCentredString((edges[k] + edges[k + 1] - 6) / 2, y, name)
            else:
                c.drawString(edges[k], y, name)
        if rules:
            c.line(xs[0] - 4, y - 5, right, y - 5)
        y -= 20

    c.setFont(FONT, 12)
    for line in before:
        c.drawString(72, y, line)
        y -= 22
    head()
    c.setFont(FONT, 9)
    for n, row in enumerate(rows):
        if per_page and n and n % per_page == 0:
            c.setFont(FONT, 10)
            c.drawCentredString(width / 2, 30, f"— {n // per_page} —")
            c.showPage()
            y = height - 72
            if repeat_header:
                head()
            c.setFont(FONT, 9)
        for k, lines in enumerate(row):
            for i, line in enumerate(lines):
                c.drawString(edges[k], y - 12 * i, line)
        y -= 12 * max(len(lines) for lines in row) + 6
    if rules:
        c.line(xs[0] - 4, y + 10, right, y + 10)
    for line in after:  # a string: prose from the left margin; (x, text): a short line at x
        x, line = line if isinstance(line, tuple) else (72, line)
        c.setFont(FONT, 12 if x == 72 else 9)
        y -= 14
        for i in range(0, len(line), 36):
            c.drawString(x, y, line[i:i + 36])
            y -= 18
    c.setFont(FONT, 10)
    c.drawCentredString(width / 2, 30, f"— {c.getPageNumber()} —")
    c.save()
    return path


def check_aligned(got, grid=ALIGNED_GRID) -> None:
    assert len(got.tables) == 1
    table = got.tables[0]
    check_table(got.text, table)
    assert texts(table) == grid
    # the empty 重点任务 cells continue the group cell above: one cell per group
    assert table.rows[1][1] is table.rows[2][1] is table.rows[3][1]
    assert table.rows[4][1] is table.rows[5][1] and table.rows[4][1] is not table.rows[3][1]
    assert len({id(c) for row in table.rows for k, c in enumerate(row) if k != 1}) == len(grid) * 5
    assert table.rows[3][4].start == table.rows[3][4].end  # an empty cell is an empty span
    assert table.caption == "重点任务分工表"
    assert got.text[:table.start].split("\n") == PROSE_BEFORE + [""]
    assert got.text.count("完成时限") == 1


def test_unruled_table_is_found_from_its_header(tmp_path):
    """(a) No rule at all: columns by position only, header cells centred over left-aligned cells."""
    got = read(aligned_pdf(tmp_path / "aligned.pdf"))
    check_aligned(got)
    assert got.text[got.tables[0].end:].split("\n") == ["", PROSE_AFTER]
    # header cells set left like the cells below them: the same grid
    check_aligned(read(aligned_pdf(tmp_path / "left.pdf", centred_header=False)))


def test_three_line_table(tmp_path):
    """(b) A 三线表: rules above and under the header and under the table, no vertical rule. A short line
    right under the bottom rule that would fit a column is not a row."""
    after = ((302, "（王明）"), PROSE_AFTER)
    got = read(aligned_pdf(tmp_path / "three.pdf", rules=True, after=after))
    check_aligned(got)
    assert got.text[got.tables[0].end:].startswith("\n（王明）")
    # without the bottom rule nothing shows where the table ends: that line joins the last row …
    got = read(aligned_pdf(tmp_path / "open.pdf", after=after))
    assert texts(got.tables[0])[-1][3] == "市体育局（王明）"
    # … unless it crosses a gutter the table keeps free: then the table ends above it
    got = read(aligned_pdf(tmp_path / "wide.pdf", after=((302, "（联系人：王明）"), PROSE_AFTER)))
    check_aligned(got)
    assert got.text[got.tables[0].end:].startswith("\n（联系人：王明）")


def test_unruled_table_over_page_breaks(tmp_path):
    """The header repeated on each page is dropped; a row that starts a page starts a row."""
    for n, repeat in ((2, True), (3, True), (2, False)):
        got = read(aligned_pdf(tmp_path / f"pages{n}{repeat}.pdf", rules=True, per_page=n, repeat_header=repeat))
        check_aligned(got)


def test_unruled_table_knows_the_header_words_of_every_other_format(tmp_path):
    """The header row is recognised by role_tables' own vocabulary (the one HTML, DOCX and XLSX tables use):
    主办/协办 units, 工作事项 over 细化措施, 办结时限 — the 工作事项 column is the group whose empty cells
    continue the cell above."""
    header = ["序号", "工作事项", "细化措施", "主办单位", "协办单位", "办结时限"]
    got = read(aligned_pdf(tmp_path / "words.pdf", header=header))
    assert len(got.tables) == 1
    table = got.tables[0]
    check_table(got.text, table)
    assert texts(table) == [header] + ALIGNED_GRID[1:]
    assert table.rows[1][1] is table.rows[2][1] is table.rows[3][1]


def test_aligned_columns_without_a_role_header_are_not_a_table(tmp_path):
    """(c) The same layout under a header without a role column (or with a heading row that is a
    sentence) stays lines: only a 牵头/责任/配合 … header makes a table."""
    for header in (["序号", "重点任务", "具体措施", "项目名称", "资金来源", "金额"],
                   ["序号", "重点任务", "具体措施", "牵头单位：市商务委", "责任单位", "完成时限"]):
        got = read(aligned_pdf(tmp_path / "nohead.pdf", header=header))
        assert got.tables == ()
        assert "扩大商品消费" in got.text and "市住房城乡建委" in got.text
    # the control: the same page with the role header is a table
    assert len(read(aligned_pdf(tmp_path / "head.pdf")).tables) == 1


def test_prose_with_a_role_line_is_not_a_table(tmp_path, monkeypatch):
    """(d) A page of prose with "牵头单位：市教育局" lines and numbered items is not a table, and its text
    is the lines as they were."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    lines = [(72, "一、加强科学教育"), (96, "1.推进中小学科学课程改革，完善课程体系。"), (96, "牵头单位：市教育局"),
             (96, "责任单位：各区县教育局        完成时限：2024年底前"),
             (96, "2.建设一批科技教育基地。"), (96, "牵头单位：市科协"), (72, "二、繁荣科普创作"),
             (72, "序号        牵头单位        配合单位"), (72, "1        市委宣传部"), (72, "2")]
    path = tmp_path / "prose.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 12)
    y = 760
    for x, line in lines:
        c.drawString(x, y, line)
        y -= 20
    c.save()
    got = read(path)
    assert got.tables == ()
    assert "牵头单位：市教育局" in got.text
    from kg.loaders.formats import pdf

    monkeypatch.setattr(pdf, "_unruled_tables", lambda pages, hrules: None)
    assert read(path).text == got.text  # the text as without tables by position

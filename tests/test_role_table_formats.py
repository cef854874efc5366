"""A 任务分工表 gives the same edges in every format it comes in: HTML, DOCX, XLSX and PDF.

One table, written down here by hand, is put into each format with a real writer (an HTML string,
python-docx, openpyxl, reportlab), read back by kg and parsed; the expected edges were written from
the table, not from kg's output. Each row is a task; its merged 重点任务 cell is its action; the header
names the roles (牵头单位 leads, 责任单位 answers for it, 配合单位 supports); "/" and "—" are no unit.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import parse_path

TITLE = "测试市2024年科普工作任务分工表"
INTRO = "为推动科普工作高质量发展，制定本分工表。"
HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "责任单位", "配合单位", "完成时限"]
ROWS = [  # the 重点任务 cell of row 2 is merged with row 1's
    ["1", "加强科学教育", "推进中小学科学课程改革。完善课程体系。", "市教育局", "各区县教育局", "市科协、团市委", "2024年12月底前"],
    ["2", None, "建设一批科技教育基地。", "市科协", "/", "市财政局", "持续推进"],
    ["3", "繁荣科普创作", "支持原创科普作品。", "市委宣传部", "市文化广电旅游局", "—", "2024年6月底前"],
]
L, R = "LEADS", "RESPONSIBLE_FOR"
EXPECTED = [  # (action, task, unit, role, qualifier, deadline)
    ("加强科学教育", "推进中小学科学课程改革", "市教育局", L, "牵头", "2024年12月底前"),
    ("加强科学教育", "推进中小学科学课程改革", "各区县教育局", R, "负责", "2024年12月底前"),
    ("加强科学教育", "推进中小学科学课程改革", "市科协", R, "配合", "2024年12月底前"),
    ("加强科学教育", "推进中小学科学课程改革", "团市委", R, "配合", "2024年12月底前"),
    ("加强科学教育", "建设一批科技教育基地", "市科协", L, "牵头", "持续推进"),
    ("加强科学教育", "建设一批科技教育基地", "市财政局", R, "配合", "持续推进"),
    ("繁荣科普创作", "支持原创科普作品", "市委宣传部", L, "牵头", "2024年6月底前"),
    ("繁荣科普创作", "支持原创科普作品", "市文化广电旅游局", R, "负责", "2024年6月底前"),
]


def write_html(path: Path) -> None:
    cells = []
    for k, row in enumerate(ROWS):
        tds = []
        for j, v in enumerate(row):
            if v is None:
                continue
            span = ' rowspan="2"' if (k, j) == (0, 1) else ""
            tds.append(f"<td{span}>{v}</td>")
        cells.append("<tr>" + "".join(tds) + "</tr>")
    head = "<tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"
    path.write_text(f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div class='content'>"
                    f"<h1>{TITLE}</h1><p>{INTRO}</p><table border='1'>{head}{''.join(cells)}</table>"
                    "<p>各单位要按照分工抓好落实。</p></div></body></html>", encoding="utf-8")


def write_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph(INTRO)
    t = d.add_table(rows=len(ROWS) + 1, cols=len(HEADER))
    for j, h in enumerate(HEADER):
        t.cell(0, j).text = h
    for k, row in enumerate(ROWS, 1):
        for j, v in enumerate(row):
            if v is not None:
                t.cell(k, j).text = v
    t.cell(1, 1).merge(t.cell(2, 1))
    d.add_paragraph("各单位要按照分工抓好落实。")
    d.save(path)


def write_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE] + [None] * (len(HEADER) - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in ROWS:
        ws.append(list(row))
    ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    wb.save(path)


def write_pdf(path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    data = [[Paragraph(h, style) for h in HEADER]]
    for row in ROWS:
        data.append([Paragraph(v, style) if v is not None else "" for v in row])
    table = Table(data, colWidths=[28, 62, 130, 62, 70, 70, 70])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (1, 1), (1, 2)),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build([Paragraph(TITLE, ParagraphStyle("t", parent=style, fontSize=14, leading=20)), Paragraph(INTRO, style),
               table, Paragraph("各单位要按照分工抓好落实。", style)])


WRITERS = {"html": write_html, "docx": write_docx, "xlsx": write_xlsx, "pdf": write_pdf}


def edges(path: Path):
    parsed = parse_path(path)
    g = parsed.graph
    tasks = {t.id: t for t in g.tasks}
    actions = {a.id: a.title for a in g.actions}
    out = []
    for r in g.responsibilities:
        t = tasks[r.target_id]
        out.append((actions[t.action_id], t.title, r.mention, r.role, r.qualifier, r.deadline))
    return out, parsed


def _cjk_font() -> bool:
    import shutil
    import subprocess

    return bool(shutil.which("fc-list")) and "CJK" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_role_table_gives_the_same_edges_in_every_format(tmp_path, fmt):
    if fmt == "pdf" and not _cjk_font():
        pytest.skip("no CJK font installed (scripts/test installs fonts-noto-cjk as root): without one, pdfium "
                    "drops a CJK character that stands alone in a text object of reportlab's non-embedded font")
    path = tmp_path / f"fengong.{fmt}"
    WRITERS[fmt](path)
    got, parsed = edges(path)
    assert parsed.format == fmt
    assert got == EXPECTED
    cov = parsed.coverage
    assert cov.found["table"] == 7 and cov.read["table"] == 7 and not cov.unread  # 7 role cells: "/" and "—" are none
    # provenance: each edge's span is its role cell in the extracted text
    for r in parsed.graph.responsibilities:
        assert r.mention in r.prov.text


def test_a_table_without_role_columns_is_text_and_a_role_table_is_not_read_twice(tmp_path):
    path = tmp_path / "fengong.html"
    write_html(path)
    got, parsed = edges(path)
    assert len(got) == len(EXPECTED)  # the cells are not also read as prose paragraphs
    assert sum(1 for a in parsed.graph.actions if a.title in ("加强科学教育", "繁荣科普创作")) == 2


SECTIONED = [  # (heading, rows of [序号, 重点任务, 牵头单位, 配合单位])
    ("一、深化审批改革", [["1", "推进工程建设项目审批制度改革", "市行政审批服务局", "市住房城乡建设局、各县区人民政府"]]),
    ("二、提升政务服务", [["2", "推行企业开办一窗通办", "市市场监管局", "市公安局"],
                       ["3", "推进不动产登记一网通办", "市自然资源和规划局", "市税务局"]]),
]
LONG = "，全流程办理时间压缩至40个工作日以内，实现全程网办、一次办结"  # a row with more text than any paragraph
SECTIONED_EXPECTED = [
    ("深化审批改革", "推进工程建设项目审批制度改革", "市行政审批服务局", L, "牵头", None),
    ("深化审批改革", "推进工程建设项目审批制度改革", "市住房城乡建设局", R, "配合", None),
    ("深化审批改革", "推进工程建设项目审批制度改革", "各县区人民政府", R, "配合", None),
    ("提升政务服务", "推行企业开办一窗通办", "市市场监管局", L, "牵头", None),
    ("提升政务服务", "推行企业开办一窗通办", "市公安局", R, "配合", None),
    ("提升政务服务", "推进不动产登记一网通办", "市自然资源和规划局", L, "牵头", None),
    ("提升政务服务", "推进不动产登记一网通办", "市税务局", R, "配合", None),
]


@pytest.mark.parametrize("wrap", ["<div class='box'><div class='txt'>{}</div></div>", "{}"])
def test_role_tables_under_headings_in_an_unknown_container_or_a_bare_body(tmp_path, wrap):
    """No CMS class marks the article: table cells score themselves and their row, yet the article is the
    container of the tables (never a row or a cell of one), so every table and heading is read."""
    head = "<tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th></tr>"
    parts = ["<p>各县区人民政府，市直各部门：</p><p>现将重点任务分工印发给你们，请抓好落实。</p>"]
    for heading, rows in SECTIONED:
        body = "".join("<tr>" + "".join(f"<td>{v}{LONG if j == 1 else ''}</td>" for j, v in enumerate(row)) + "</tr>"
                       for row in rows)
        parts.append(f"<p>{heading}</p><table border='1'>{head}{body}</table>")
    page = ("<html><head><meta charset='utf-8'></head><body><div class='top'><a href='/'>首页</a> | <a href='#'>政务公开"
            "</a></div>" + wrap.format("".join(parts)) + "<p>滨河市人民政府办公室</p></body></html>")
    path = tmp_path / "fengong.html"
    path.write_text(page, encoding="utf-8")
    got, parsed = edges(path)
    assert got == [(a, t + LONG, u, r, q, d) for a, t, u, r, q, d in SECTIONED_EXPECTED]  # the cell is the task


def test_a_layout_table_cell_holding_the_article_stays_the_article(tmp_path):
    page = ("<html><head><meta charset='utf-8'></head><body><table><tr><td><a href='/'>首页</a></td></tr><tr><td>"
            "<p>测试市2024年科普工作要点</p><p>一、加强科学教育</p><p>推进中小学科学课程改革，完善课程体系，建设一批科技教育"
            "基地。（市教育局牵头，市科协配合）</p></td></tr></table><table><tr><td>版权所有：测试市人民政府 联系电话：12345"
            "</td></tr></table></body></html>")
    path = tmp_path / "yaodian.html"
    path.write_text(page, encoding="utf-8")
    parsed = parse_path(path)
    assert [(r.mention, r.role) for r in parsed.graph.responsibilities] == [("市教育局", L), ("市科协", R)]
    from kg.loaders.formats import read_document

    assert "版权所有" not in read_document(path, path.read_bytes()).text

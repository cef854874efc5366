"""Tables as the readers report them: HTML, DOCX and XLSX role tables (任务分工表) come back as grids of
cells — merged cells resolved to the same Cell object, every cell a span of the extracted text on lines
of its own — while the text around them stays as it was. Layout tables around an article are not
tables; a real government page (corpus file 14) gives its 任务分工表 whole; .xls is refused with
"convert it to XLSX"; oversized and corrupt workbooks are refused naming the file.

The files are written here with real libraries (python-docx, openpyxl), no mocks.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Optional

import pytest

from kg.errors import InputError
from kg.loaders import formats
from kg.loaders.formats import Extracted, read_document
from kg.loaders.tables import Cell, Table

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs"
HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "责任单位", "完成时限"]
GROUP = "加强科普阵地建设"
# the grid every reader must give: row 2's 重点任务 is the group cell of row 1 (rowspan / vMerge / merged
# range), row 2's 牵头单位 spans 责任单位 too (colspan / gridSpan / merged range), its 完成时限 is empty
GRID = [
    HEADER,
    ["1", GROUP, "建设科技馆。\n开放实验室。", "市科协", "市教育局", "2024年底"],
    ["2", GROUP, "建设科普基地。", "市科技局", "市科技局", ""],
]
BEFORE = "一、总体要求\n各单位要按照分工抓好落实。\n重点任务分工表"
AFTER = "二、保障措施\n加强组织领导，确保任务落实。"


def check_table(got: Extracted, table: Table) -> None:
    """The contract every reader keeps, whatever the table."""
    text = got.text
    width = len(table.rows[0])
    assert all(len(row) == width for row in table.rows)
    cells = list({id(c): c for row in table.rows for c in row if c is not None}.values())
    for c in cells:
        assert text[c.start:c.end] == c.text
        assert table.start <= c.start <= c.end <= table.end
        if c.text:  # a cell is whole lines
            assert c.start == 0 or text[c.start - 1] == "\n"
            assert c.end == len(text) or text[c.end] == "\n"
    spans = sorted((c.start, c.end) for c in cells if c.text)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # each cell's text is in the text once
    assert table.start == spans[0][0] and table.end == spans[-1][1]


def check_role_table(got: Extracted, table: Table) -> None:
    check_table(got, table)
    rows = table.rows
    assert [[c.text for c in row] for row in rows] == GRID
    assert rows[1][1] is rows[2][1]  # the group cell over two rows
    assert rows[2][3] is rows[2][4]  # the cell over two columns
    assert len({id(c) for row in rows for c in row}) == 6 + 6 + 4  # row 2: 2, 建设科普基地。, 市科技局, ""
    assert rows[2][5].start == rows[2][5].end  # the empty cell: "" at a point inside the table


def texts(table: Table) -> list[list[Optional[str]]]:
    return [[c.text if c is not None else None for c in row] for row in table.rows]


# ───────────────────────── HTML ─────────────────────────

ROLE_TABLE_HTML = (
    "<table border=1>"
    "<tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"
    f"<tr><td>1</td><td rowspan=\"2\">{GROUP}</td><td><p>建设科技馆。</p><p>开放实验室。</p></td>"
    "<td>市科协</td><td>市教育局</td><td>2024年底</td></tr>"
    "<tr><td>2</td><td>建设科普基地。</td><td colspan=\"2\">市科技局</td><td>&nbsp;</td></tr>"
    "</table>")


def page(body: str) -> bytes:
    return ("<html><head><meta charset=\"utf-8\"><title>某市科普工作方案</title></head><body>"
            "<div class=\"nav\"><a href=\"/\">首页</a></div>"
            f"<div class=\"TRS_Editor\">{body}</div><div class=\"footer\">版权所有</div></body></html>").encode()


def test_html_role_table_is_a_grid_and_the_text_around_it_is_intact(tmp_path):
    body = ("<p>一、总体要求</p><p>各单位要按照分工抓好落实。</p><p>重点任务分工表</p>" + ROLE_TABLE_HTML +
            "<p>二、保障措施</p><p>加强组织领导，确保任务落实。</p>")
    got = read_document(tmp_path / "plan.html", page(body))
    assert got.format == "html" and len(got.tables) == 1
    table = got.tables[0]
    check_role_table(got, table)
    assert table.caption == "重点任务分工表"
    assert got.text[:table.start] == "某市科普工作方案\n" + BEFORE + "\n"  # the <title> line, then the article
    assert got.text[table.end:] == "\n" + AFTER
    # the table's lines are what they always were: one per cell, a <p> per line
    assert got.text[table.start:table.end].split("\n") == [
        *HEADER, "1", GROUP, "建设科技馆。", "开放实验室。", "市科协", "市教育局", "2024年底", "2", "建设科普基地。", "市科技局"]


def test_html_bad_spans_ragged_rows_title_row_and_caption_element(tmp_path):
    """rowspan="x"/"0"/"99" and colspan="0" are tolerated as browsers do; a short row is padded with
    None; a leading row of one cell across the table is the caption, not a grid row."""
    body = ("<table><caption>附件1 任务清单</caption>"
            "<tr><td colspan=3>附件1<br>某市任务清单</td></tr>"
            "<tr><td rowspan=\"x\">任务</td><td colspan=\"0\">牵头单位</td><td>时限</td></tr>"
            "<tr><td rowspan=\"0\">甲</td><td>市科协</td></tr>"
            "<tr><td rowspan=\"99\">市教育局</td><td>6月底</td></tr>"
            "</table><p>各单位要按照分工抓好落实，确保各项任务按期完成。</p>")
    got = read_document(tmp_path / "list.html", page(body))
    (table,) = got.tables
    check_table(got, table)
    assert table.caption == "附件1 任务清单"
    assert texts(table) == [["任务", "牵头单位", "时限"], ["甲", "市科协", None], ["甲", "市教育局", "6月底"]]
    assert table.rows[1][0] is table.rows[2][0]


def test_layout_table_around_the_article_is_not_a_table_but_the_one_inside_is(tmp_path):
    """The common CMS page: the whole article sits in a layout table's cell; only the data table in it
    is reported, and the article's prose stays lines of text."""
    body = ("<table width=980><tr><td width=200><a href=/>首页</a><br><a>政务公开</a></td><td>"
            "<p>一、总体要求</p><p>各单位要按照分工抓好落实。</p><p>重点任务分工表</p>" + ROLE_TABLE_HTML +
            "<p>二、保障措施</p><p>加强组织领导，确保任务落实。</p></td></tr>"
            "<tr><td>联系我们</td><td>主办单位：某市人民政府办公室</td></tr></table>")
    got = read_document(tmp_path / "cms.html", page(body))
    assert len(got.tables) == 1
    check_role_table(got, got.tables[0])
    lines = got.text.split("\n")
    assert "各单位要按照分工抓好落实。" in lines and "加强组织领导，确保任务落实。" in lines


def test_one_level_layout_table_holding_the_article_is_not_a_table(tmp_path):
    article = "".join(f"<p>{k}.各单位要按照分工抓好落实，加强组织领导，确保任务落实，按期报送工作进展情况。</p>" for k in range(1, 20))
    body = f"<table><tr><td>导航</td><td>{article}</td></tr><tr><td>页脚</td><td>主办单位：某市人民政府</td></tr></table>"
    got = read_document(tmp_path / "old.html", page(body))
    assert got.tables == () and "1.各单位要按照分工抓好落实，加强组织领导，确保任务落实，按期报送工作进展情况。" in got.text


def test_corpus_guangzhou_task_table_is_a_40_by_7_grid():
    path = CORPUS / "14_guangzhou_jiatingyisheng_2023.html"
    got = read_document(path, path.read_bytes())
    tables = [t for t in got.tables if t.rows and t.rows[0][0].text == "序号"]
    assert len(tables) == 1
    table = tables[0]
    check_table(got, table)
    assert len(table.rows) == 40 and len(table.rows[0]) == 7
    assert [c.text for c in table.rows[0]] == ["序号", "工作事项", "主要内容", "牵头单位", "配合单位",
                                               "市卫健委内牵头处室", "市卫健委内配合处室"]
    assert table.caption == "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表"
    item = [row[1] for row in table.rows[1:]]
    assert item[0].text == "有序扩大家庭医生来源。" and item[0] is item[1] is item[2] and item[3] is not item[2]
    assert len({id(c) for c in item}) == 24  # 24 工作事项 over 39 rows
    assert table.rows[1][0] is table.rows[3][0] and table.rows[1][0].text == "1"
    assert table.rows[1][2] is not table.rows[2][2]  # 主要内容 is one cell per row
    assert got.text[table.start:table.end].count("有序扩大家庭医生来源。") == 1  # the group cell is written once


# ───────────────────────── DOCX ─────────────────────────

def role_table_docx(doc) -> None:
    t = doc.add_table(rows=3, cols=6)
    for j, h in enumerate(HEADER):
        t.cell(0, j).text = h
    t.cell(1, 1).merge(t.cell(2, 1)).text = GROUP  # vMerge restart / continue
    t.cell(2, 3).merge(t.cell(2, 4)).text = "市科技局"  # gridSpan 2
    for j, value in ((0, "1"), (3, "市科协"), (4, "市教育局"), (5, "2024年底")):
        t.cell(1, j).text = value
    t.cell(1, 2).text = "建设科技馆。"
    t.cell(1, 2).add_paragraph("开放实验室。")
    t.cell(2, 0).text = "2"
    t.cell(2, 2).text = "建设科普基地。"


def test_docx_role_table_is_a_grid_and_the_text_around_it_is_intact(tmp_path):
    import docx

    d = docx.Document()
    for line in BEFORE.split("\n"):
        d.add_paragraph(line)
    role_table_docx(d)
    for line in AFTER.split("\n"):
        d.add_paragraph(line)
    path = tmp_path / "plan.docx"
    d.save(path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w:vMerge" in xml and "w:gridSpan" in xml  # the merges are real Word merges
    got = read_document(path, path.read_bytes())
    assert got.format == "docx" and len(got.tables) == 1
    table = got.tables[0]
    check_role_table(got, table)
    assert table.caption == "重点任务分工表"
    assert got.text[:table.start] == BEFORE + "\n" and got.text[table.end:] == "\n" + AFTER


def test_docx_nested_table_reports_the_inner_one(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某市科普工作方案")
    outer = d.add_table(rows=1, cols=1).cell(0, 0)
    outer.text = "重点任务分工表"
    role_table_docx(outer)
    outer.add_paragraph("加强组织领导，确保任务落实。")
    path = tmp_path / "nested.docx"
    d.save(path)
    got = read_document(path, path.read_bytes())
    assert len(got.tables) == 1
    check_role_table(got, got.tables[0])
    assert got.tables[0].caption == "重点任务分工表"
    assert got.text.startswith("某市科普工作方案\n重点任务分工表\n序号\n") and got.text.endswith("\n加强组织领导，确保任务落实。")


# ───────────────────────── XLSX ─────────────────────────

def role_table_xlsx(path: Path, title: Optional[str] = "XX市2024年重点工作任务分工表") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    top = ws.max_row if title else 0
    ws.append(HEADER)
    ws.append([1, GROUP, "建设科技馆。\n开放实验室。", "市科协", "市教育局", "2024年底"])
    ws.append([2.0, None, "建设科普基地。", "市科技局", None, None])
    ws.merge_cells(start_row=top + 2, start_column=2, end_row=top + 3, end_column=2)
    ws.merge_cells(start_row=top + 3, start_column=4, end_row=top + 3, end_column=5)
    wb.save(path)
    return path


def test_xlsx_role_table_is_a_grid_titled_by_its_merged_title_row(tmp_path):
    path = role_table_xlsx(tmp_path / "分工表.xlsx")
    got = read_document(path, path.read_bytes())
    assert (got.format, got.encoding, got.note) == ("xlsx", "utf-8", None)
    (table,) = got.tables
    check_role_table(got, table)
    assert table.caption == "XX市2024年重点工作任务分工表"
    assert got.text[:table.start] == "XX市2024年重点工作任务分工表\n" and table.end == len(got.text)
    assert got.text.split("\n")[1:8] == HEADER + ["1"]  # one cell per line, row by row


def test_xlsx_without_title_row_starts_with_the_file_stem_and_reads_every_sheet(tmp_path):
    import openpyxl

    path = role_table_xlsx(tmp_path / "附件2 任务分工表.xlsx", title=None)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("考核指标")
    ws.append(["指标", "目标值", "截止日期", "说明"])
    ws.append(["签约覆盖率", 0.35, datetime.datetime(2025, 6, 30), "=1+1"])
    ws["B2"].number_format = "0%"
    wb.create_sheet("Sheet3")  # no content: no table
    hidden = wb.create_sheet("下拉选项")
    hidden.append(["是", "否"])
    hidden.append(["牵头", "配合"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    got = read_document(path, path.read_bytes())
    assert got.text.startswith("附件2 任务分工表\n序号\n")
    first, second = got.tables
    check_role_table(got, first)
    check_table(got, second)
    assert first.caption == "附件2 任务分工表" and second.caption == "考核指标"
    assert texts(second) == [["指标", "目标值", "截止日期", "说明"], ["签约覆盖率", "35%", "2025-06-30", ""]]
    assert "是" not in got.text.split("\n")
    assert "1 formula cell(s) have no saved value" in got.note and "1 hidden sheet(s) skipped" in got.note


def test_xlsx_over_the_cell_limit_is_refused(tmp_path, monkeypatch):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in range(12):
        wb.active.append([f"任务{r}-{c}" for c in range(10)])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    assert len(read_document(path, path.read_bytes()).tables[0].rows) == 12  # within the default limit
    monkeypatch.setattr(formats.xlsx, "XLSX_MAX_CELLS", 100)
    with pytest.raises(InputError) as e:
        read_document(path, path.read_bytes())
    assert str(e.value).startswith("big.xlsx: XLSX too large: more than 100 cells")


def test_corrupt_and_empty_xlsx_name_the_file(tmp_path):
    import openpyxl

    good = role_table_xlsx(tmp_path / "a.xlsx").read_bytes()
    openpyxl.Workbook().save(tmp_path / "blank.xlsx")
    damaged = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    damaged[info.header_offset + 70: info.header_offset + 120] = b"\x00" * 50
    broken_xml = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken_xml, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, b"<workbook><sheets><sheet" if item.filename == "xl/workbook.xml" else src.read(item))
    cases = [
        ("cut.xlsx", good[: len(good) // 2], "corrupt XLSX"),
        ("damaged.xlsx", bytes(damaged), "corrupt XLSX"),
        ("notzip.xlsx", b"<html><body>404 Not Found</body></html>", "corrupt XLSX: not a zip package"),
        ("badxml.xlsx", broken_xml.getvalue(), "corrupt XLSX"),
        ("empty.xlsx", b"", "empty file: 0 bytes of XLSX"),
        ("blank.xlsx", (tmp_path / "blank.xlsx").read_bytes(), "empty XLSX: no visible sheet has any text"),
    ]
    for name, data, reason in cases:
        with pytest.raises(InputError) as e:
            read_document(tmp_path / name, data)
        assert str(e.value).startswith(f"{name}: {reason}"), str(e.value)


@pytest.mark.parametrize("name,kind", [("plan.et", "WPS spreadsheet (.et)")])
def test_old_spreadsheets_say_convert_it_to_xlsx(tmp_path, name, kind):
    """A .et in WPS's own format (one saved in Excel's format is read, as .xls is: tests/test_office97.py)."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(InputError) as e:
        read_document(tmp_path / name, ole)
    assert str(e.value).startswith(f"{name}: unsupported format: {kind}") and "convert it to XLSX" in str(e.value)


# ───────────────────────── the contract ─────────────────────────

def test_extracted_without_tables_is_what_it_was(tmp_path):
    got = read_document(tmp_path / "a.txt", "一、总体要求\n（一）加强领导。（牵头单位：县科协）".encode())
    assert got == Extracted("一、总体要求\n（一）加强领导。（牵头单位：县科协）", "utf-8", "text", None)
    assert got.tables == () and hash(got) == hash(Extracted(got.text, "utf-8", "text"))
    one = Extracted("a", "utf-8", "html", None, (Table([[Cell("a", 0, 1)]], 0, 1),))
    assert hash(one) == hash(Extracted("a", "utf-8", "html", None))  # tables are kept out of the hash
    assert ".xlsx" in formats.SUFFIXES

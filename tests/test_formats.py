"""Every input format: the 友谊县 seed rendered as a government web page (UTF-8 and GBK), a Word
file and a PDF must give the same responsibility edges as the seed text itself; scanned, empty,
corrupt, encrypted and unsupported files get a clear InputError naming the file.

The fixtures are built here from the seed, with real libraries (python-docx, reportlab), no mocks.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.loaders import parse_text
from kg.loaders.formats import Extracted, read_document
from kg.loaders.text import normalize, paragraphs
from kg.table import responsibility_rows

SEED = "001_d3227398dcf91ff4.txt"
TITLE = "友谊县人民政府办公室关于印发友谊县全民科学素质行动规划纲要实施方案（2021—2025年）的通知"


@pytest.fixture(scope="module")
def seed_text(seeds_dir) -> str:
    return (seeds_dir / SEED).read_text(encoding="utf-8")


def seed_lines(text: str) -> list[str]:
    return [ln.strip(" \u3000") for ln in text.split("\n") if ln.strip(" \u3000")]


def kg_paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", "", p.text) for p in paragraphs(normalize(text))]


def edges(text: str, file: str = SEED) -> set[tuple]:
    rows = responsibility_rows(parse_text(text, file).graph)
    return {(r["section"], r["action"], r["task"], r["unit"], r["role"], r["qualifier"], r["deadline"]) for r in rows}


@pytest.fixture(scope="module")
def seed_edges(seed_text) -> set[tuple]:
    got = edges(seed_text)
    assert sum(e[4] == "LEADS" for e in got) == 13 and sum(e[4] == "RESPONSIBLE_FOR" for e in got) == 148
    return got


# ───────────────────────── fixtures: HTML ─────────────────────────

def render_html(text: str, charset: str) -> str:
    """A county government article page: header, navigation, breadcrumbs, a script, the article
    body in a TRS_Editor div (paragraphs, a <br>-split paragraph, nbsp indents, inline spans, a
    source line break inside a sentence), share buttons, related links and a footer."""
    body = []
    for k, line in enumerate(seed_lines(text)):
        esc = html.escape(line, quote=False)
        if k % 7 == 3 and len(line) > 40:  # inline markup and a source newline inside the sentence
            esc = f"<span style=\"font-family:仿宋\">{esc[:10]}</span>{esc[10:20]}\n      {esc[20:]}"
        if k % 11 == 5:
            body.append(f"<p style=\"text-indent:2em\">&nbsp;&nbsp;{esc}</p>")
        elif k % 13 == 6:
            body.append(f"<div>&#12288;&#12288;{esc}<br/></div>")
        else:
            body.append(f"<p style=\"text-indent:2em\">{esc}</p>")
        if k % 17 == 0:
            body.append("<p>&nbsp;</p>")
    # two consecutive source lines sharing one <p>, separated by <br>
    joined = "\n".join(body)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{TITLE}_政策文件_友谊县人民政府</title>
<meta name="ArticleTitle" content="{TITLE}">
<style>.nav li{{float:left}} .TRS_Editor p{{line-height:2}}</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write("<p>统计代码 县教育局牵头</p>");</script>
</head><body>
<div class="header"><div class="logo"><img src="logo.png" alt="友谊县人民政府"/></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zcwj/">政策文件</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zcwj/">政策文件</a></div>
<div class="main">
 <div class="article">
  <h1 class="title">{TITLE}</h1>
  <div class="info">发布时间：2022-10-12 来源：友谊县人民政府办公室 浏览次数：<span id="hits"></span>
   【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</div>
  <div id="zoom"><div class="TRS_Editor">
{joined}
  </div></div>
  <div class="bdsharebuttonbox"><a class="bds_weixin">分享到微信</a><a class="bds_tsina">分享到微博</a></div>
  <div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
 </div>
 <div class="related"><h3>相关文件</h3><ul>
  <li><a href="/a.html">双鸭山市人民政府办公室关于印发双鸭山市全民科学素质行动规划纲要实施方案（2021—2025年）的通知</a></li>
  <li><a href="/b.html">友谊县科协关于开展全国科普日活动的通知（县教育局、县科协负责）</a></li></ul></div>
</div>
<div class="footer"><p>主办：友谊县人民政府办公室　承办：友谊县融媒体中心</p><p>版权所有 黑ICP备12345678号 网站标识码：2305220001</p>
<script>document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E"));</script></div>
</body></html>
"""


@pytest.mark.parametrize("charset,codec", [("utf-8", "utf-8"), ("gb2312", "gbk")])
def test_government_web_page_gives_the_seed_edges(tmp_path, seed_text, seed_edges, charset, codec):
    page = render_html(seed_text, charset).encode(codec)
    path = tmp_path / "t20221012_123456.html"
    path.write_bytes(page)
    got = read_document(path, page)
    assert got.format == "html" and got.encoding == ("gb18030" if codec == "gbk" else "utf-8")
    for chrome in ("首页", "政务公开", "分享到", "打印本页", "版权所有", "相关文件", "统计代码", "发布时间", "当前位置"):
        assert chrome not in got.text, chrome
    lines = [ln.strip(" \u3000\xa0") for ln in got.text.split("\n")]
    assert "三、提升行动" in lines and "（一）青少年科学素质提升行动。" in lines
    assert edges(got.text) == seed_edges


def test_html_sniffed_in_a_txt_file_and_title_kept(tmp_path):
    page = ("<html><head><meta charset=\"gbk\"><title>某县关于印发科普工作要点的通知 - 某县人民政府</title></head>"
            "<body><div class=\"menu\"><a href=\"/\">首页</a></div><div class=\"content\">"
            "<p>一、工作目标</p><p>（一）开展科普活动。（牵头单位：县科协）</p><p>1.举办科技周。<br>2.举办科普日。</p>"
            "<table><tr><td>序号</td><td>任务</td></tr><tr><td>1</td><td>科普进校园&nbsp;活动</td></tr></table>"
            "</div></body></html>").encode("gbk")
    got = read_document(tmp_path / "page.txt", page)
    assert got.format == "html" and got.encoding == "gb18030"
    assert got.text.split("\n") == ["某县关于印发科普工作要点的通知", "一、工作目标", "（一）开展科普活动。（牵头单位：县科协）",
                                    "1.举办科技周。", "2.举办科普日。", "序号", "任务", "1", "科普进校园\u00a0活动"]


def test_old_table_layout_page_without_cms_markers(tmp_path):
    """No content/article/TRS_Editor container: the densest text block wins over the menu and footer."""
    page = ("<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"><title>关于做好科普工作的通知"
            "</title></head><body><table width=980><tr><td width=200><a href=/>首页</a><br><a>机构设置</a><br>"
            "<a>政务公开</a><br><a>领导信息</a></td><td width=780><font size=4><b>关于做好科普工作的通知</b></font><br>"
            "各乡镇人民政府：<br>&nbsp;&nbsp;一、加强组织领导。各单位要高度重视科普工作，明确分管领导。（牵头单位：县科协）<br>"
            "&nbsp;&nbsp;二、开展科普活动。组织科技周、科普日等活动，扩大社会影响。（县教育局、县科协负责）<br>"
            "</td></tr></table><table><tr><td>版权所有：某县人民政府</td></tr></table></body></html>").encode("gbk")
    got = read_document(tmp_path / "old.htm", page)
    assert [ln.strip("\xa0") for ln in got.text.split("\n")] == [
        "关于做好科普工作的通知", "各乡镇人民政府：", "一、加强组织领导。各单位要高度重视科普工作，明确分管领导。（牵头单位：县科协）",
        "二、开展科普活动。组织科技周、科普日等活动，扩大社会影响。（县教育局、县科协负责）"]


def test_html_declaring_gb2312_but_utf8_is_read_as_utf8(tmp_path):
    page = "<html><head><meta charset=gb2312></head><body><p>县教育和体育局牵头负责青少年科学素质提升行动。</p></body></html>"
    got = read_document(tmp_path / "a.htm", page.encode("utf-8"))
    assert got.encoding == "utf-8" and "县教育和体育局牵头" in got.text and "gb2312" in got.note


def test_plain_text_is_delegated_to_decode(tmp_path, seed_text):
    got = read_document(tmp_path / SEED, seed_text.encode("gb18030"))
    assert got == Extracted(seed_text, "gb18030", "text", None)


# ───────────────────────── fixtures: DOCX ─────────────────────────

SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
ACTION_RE = re.compile(r"^（[一二三四五六七八九十]+）")
NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>
    <w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>
    <w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""


def _numbered(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def render_docx(text: str, path: Path) -> Path:
    """The seed as a Word file: 一、 and （一） headings use Word auto-numbering (their markers are
    not in the text), the tasks of one action sit in a table (one row each), a header and a
    footer carry text that is not part of the document."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    numbering = d.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    abstract = parse_xml(NUMBERING)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
        '<w:abstractNumId w:val="90"/></w:num>'))
    section = d.sections[0]
    section.header.paragraphs[0].text = "友谊县人民政府办公室文件（县教育局牵头）"
    section.footer.paragraphs[0].text = "— 1 —"
    lines = seed_lines(text)
    start = lines.index("（一）科技资源科普化工程")
    end = next(k for k in range(start + 1, len(lines)) if ACTION_RE.match(lines[k]))
    table = None
    for k, line in enumerate(lines):
        if start < k < end:
            if table is None:
                table = d.add_table(rows=0, cols=1)
            table.add_row().cells[0].text = line
            continue
        if SECTION_RE.match(line):
            _numbered(d.add_paragraph(SECTION_RE.sub("", line)), 90, 0)
        elif ACTION_RE.match(line):
            _numbered(d.add_paragraph(ACTION_RE.sub("", line)), 90, 1)
        else:
            p = d.add_paragraph()
            # a paragraph split over several runs, as Word does
            for m in re.finditer(r".{1,15}", line):
                p.add_run(m.group(0))
    d.save(path)
    return path


def test_word_document_gives_the_seed_edges(tmp_path, seed_text, seed_edges):
    path = render_docx(seed_text, tmp_path / "youyi.docx")
    got = read_document(path, path.read_bytes())
    assert got.format == "docx" and got.encoding == "utf-8"
    assert got.note and "list markers rebuilt from Word auto-numbering" in got.note
    lines = got.text.split("\n")
    assert "三、提升行动" in lines and "（五）科学素质交流合作工程" in lines[lines.index("四、重点工程"):]
    assert "友谊县人民政府办公室文件" not in got.text and "— 1 —" not in got.text
    assert lines == seed_lines(seed_text)
    assert edges(got.text) == seed_edges


# ───────────────────────── fixtures: PDF ─────────────────────────

NO_LINE_START = "，。、；：？！）》」』”’%％"


def render_pdf(text: str, path: Path, encrypt: str | None = None) -> Path:
    """The seed as a printed government document: 16 pt Song (reportlab's built-in CID font
    STSong-Light, no font file needed), paragraphs with a two-character first-line indent, lines
    wrapped at the text column without starting a line with closing punctuation (as Word/WPS
    do), a running header from page 2 and "— N —" page numbers at the foot of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading = "STSong-Light", 16, 28
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, bottom = 79, 74, 72, 80
    column = width - left - right

    def wrap(par: str) -> list[tuple[str, float]]:
        out, cur, indent = [], "", 2 * size
        for ch in par:
            if pdfmetrics.stringWidth(cur + ch, font, size) > column - indent and ch not in NO_LINE_START:
                out.append((cur, indent))
                cur, indent = "", 0
            cur += ch
        out.append((cur, indent))
        return out

    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption
        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword="owner-" + encrypt)
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    page, y = 1, height - top

    def finish_page() -> None:
        c.setFont(font, 14)
        c.drawCentredString(width / 2, 40, f"— {page} —")
        if page > 1:
            c.drawString(left, height - 40, "友谊县全民科学素质行动规划纲要实施方案")
        c.showPage()

    for par in seed_lines(text):
        for line, indent in wrap(par):
            if y < bottom:
                finish_page()
                page, y = page + 1, height - top
            c.setFont(font, size)
            c.drawString(left + indent, y, line)
            y -= leading
    finish_page()
    c.save()
    return path


def test_pdf_with_a_text_layer_gives_the_seed_edges(tmp_path, seed_text, seed_edges):
    path = render_pdf(seed_text, tmp_path / "youyi.pdf")
    got = read_document(path, path.read_bytes())
    assert got.format == "pdf" and got.encoding == "unicode"
    assert "—" not in re.sub(r"\d{4}—\d{4}", "", got.text)  # page numbers gone
    assert got.text.count("友谊县全民科学素质行动规划纲要实施方案") <= 1  # running header gone, the title stays
    # wrapped lines are joined back: kg sees the same paragraphs as in the seed text
    assert kg_paragraphs(got.text) == kg_paragraphs(seed_text)
    assert edges(got.text) == seed_edges


@pytest.mark.parametrize("n_pages", [2, 3])
def test_short_pdf_drops_its_running_header_and_keeps_every_paragraph(tmp_path, n_pages):
    """In a three-page PDF the running header printed on every page after the first is dropped (it is
    not glued into a clause running over the page break); no line of the text is lost."""
    import pypdfium2 as pdfium

    par = ("持续推进新型储能产业发展，引进储能龙头企业，培育本地配套企业，完善储能产业链条，"
           "建设一批示范项目。（牵头单位：滨河市工业和信息化局，配合单位：滨河市发展改革委）")
    pars = ["滨河市新型储能产业发展行动方案", "一、主要任务"] + [f"{k + 1}.任务{k + 1}。" + par
                                                     for k in range(7 if n_pages == 2 else 16)]
    text = "\n".join(pars)
    path = render_pdf(text, tmp_path / "short.pdf")
    assert len(pdfium.PdfDocument(str(path))) == n_pages
    got = read_document(path, path.read_bytes())
    if n_pages == 2:  # printed once (page 2 only), the header cannot be told from text: it stays, nothing is lost
        assert kg_paragraphs(got.text.replace("友谊县全民科学素质行动规划纲要实施方案", "")) == kg_paragraphs(text)
        return
    assert "友谊县全民科学素质行动规划纲要实施方案" not in got.text
    assert kg_paragraphs(got.text) == kg_paragraphs(text)


def _scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages holding only a picture of a page (an image with ruled 'lines of text') and a frame."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(img)
    for y in range(90, 800, 30):
        draw.rectangle((70, y, 550 if y % 150 else 300, y + 14), fill=30)
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(img), 0, 0, *A4)
        c.rect(50, 50, 495, 742)
        c.showPage()
    c.save()
    return path


def test_scanned_pdf_is_refused_with_ocr_advice(tmp_path):
    path = _scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError) as e:
        read_document(path, path.read_bytes())
    msg = str(e.value)
    assert msg.startswith("scan.pdf: scanned PDF with no text layer (2 pages") and "run OCR first" in msg
    assert e.value.fix and "ocr" in e.value.fix.lower()


def test_pdf_with_some_scanned_pages_says_so(tmp_path, seed_text):
    from pypdfium2 import PdfDocument

    text_pdf = PdfDocument(render_pdf(seed_text, tmp_path / "t.pdf"))
    text_pdf.import_pages(PdfDocument(_scanned_pdf(tmp_path / "s.pdf", pages=1)))
    out = tmp_path / "mixed.pdf"
    text_pdf.save(out)
    got = read_document(out, out.read_bytes())
    n = len(text_pdf)
    assert got.note and f"1 of {n} pages have no text layer (page {n})" in got.note


def test_encrypted_pdf_names_the_file(tmp_path, seed_text):
    path = render_pdf("关于印发科普工作要点的通知\n一、工作目标", tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(InputError) as e:
        read_document(path, path.read_bytes())
    assert str(e.value).startswith("locked.pdf: encrypted PDF")


# ───────────────────────── bad input ─────────────────────────

def _blank_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.showPage()
    c.save()
    return path


def _empty_docx(path: Path) -> Path:
    import docx

    docx.Document().save(path)
    return path


@pytest.mark.parametrize("name,make,reason", [
    ("empty.pdf", lambda p: p.write_bytes(b""), "empty file"),
    ("blank.pdf", _blank_pdf, "empty PDF: 1 page, all blank"),
    ("empty.docx", lambda p: p.write_bytes(b""), "empty file"),
    ("nothing.docx", _empty_docx, "empty DOCX"),
])
def test_empty_documents_are_refused(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as e:
        read_document(path, path.read_bytes())
    assert str(e.value).startswith(f"{name}: {reason}")


@pytest.mark.parametrize("name,data,kind", [
    ("plan.wps", _OLE := b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "WPS Writer document (.wps)"),
    ("table.et", _OLE, "WPS spreadsheet (.et)"),
    ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "JPEG image"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
    ("plan.ofd", b"PK\x03\x04 not really", "OFD"),
    ("misnamed.txt", _OLE, "Office 97-2003 binary file"),
])
def test_unsupported_formats_say_what_to_convert_to(tmp_path, name, data, kind):
    with pytest.raises(InputError) as e:
        read_document(tmp_path / name, data)
    msg = str(e.value)
    assert msg.startswith(f"{name}: unsupported format") and kind in msg and "convert it to DOCX, PDF or TXT" in msg


@pytest.mark.parametrize("name,reason", [("plan.doc", "corrupt DOC"), ("table.xls", "corrupt XLS")])
def test_a_doc_or_xls_that_is_no_word_document_or_workbook_is_corrupt(tmp_path, name, reason):
    """kg reads .doc and .xls (tests/test_office97.py): one whose compound file holds neither is damaged."""
    with pytest.raises(InputError) as e:
        read_document(tmp_path / name, _OLE)
    assert str(e.value).startswith(f"{name}: {reason}") and "save as" in str(e.value)


def test_truncated_and_corrupt_docx_and_pdf_name_the_file(tmp_path, seed_text):
    docx_bytes = render_docx(seed_text, tmp_path / "a.docx").read_bytes()
    pdf_bytes = render_pdf(seed_text, tmp_path / "a.pdf").read_bytes()
    damaged = bytearray(docx_bytes)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        info = z.getinfo("word/document.xml")
    damaged[info.header_offset + 60: info.header_offset + 200] = b"\x00" * 140  # inside the compressed body
    cases = [
        ("cut.docx", docx_bytes[: len(docx_bytes) // 2], "corrupt DOCX"),
        ("damaged.docx", bytes(damaged), "corrupt DOCX"),
        ("notzip.docx", b"<html><body>404 Not Found</body></html>", "corrupt DOCX"),
        ("cut.pdf", pdf_bytes[: len(pdf_bytes) // 2], "corrupt PDF"),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt PDF"),
        ("error-page.pdf", b"<!DOCTYPE html><html><body>404</body></html>", "corrupt PDF: the file is an HTML page"),
    ]
    for name, data, reason in cases:
        with pytest.raises(InputError) as e:
            read_document(tmp_path / name, data)
        assert str(e.value).startswith(f"{name}: {reason}"), str(e.value)


def test_docx_numbering_without_definition_is_noted(tmp_path):
    import docx

    d = docx.Document()
    _numbered(d.add_paragraph("加强组织领导。（牵头单位：县科协）"), 77, 0)  # numId 77 is defined nowhere
    d.add_paragraph("各单位要高度重视科普工作。")
    path = tmp_path / "lost-numbering.docx"
    d.save(path)
    got = read_document(path, path.read_bytes())
    assert got.text == "加强组织领导。（牵头单位：县科协）\n各单位要高度重视科普工作。"
    assert "1 paragraph(s) use Word auto-numbering whose definition is missing" in got.note


@pytest.mark.slow
def test_kg_build_reads_every_format_and_names_it(tmp_path, seed_text):
    """End to end through the CLI: a folder of HTML, DOCX, PDF, a scanned PDF and a .doc."""
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store.embedded import EmbeddedStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.html").write_text(render_html(seed_text.replace("〔2022〕25号", "〔2022〕26号"), "utf-8"),
                                   encoding="utf-8")
    render_docx(seed_text.replace("〔2022〕25号", "〔2022〕27号"), corpus / "b.docx")
    render_pdf(seed_text.replace("〔2022〕25号", "〔2022〕28号"), corpus / "c.pdf")
    _scanned_pdf(corpus / "d.pdf")
    (corpus / "e.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    result = CliRunner().invoke(main, ["build", str(corpus), "--db", str(tmp_path / "db")])
    assert result.exit_code == 1
    assert ", html]" in result.stdout and ", docx]" in result.stdout and ", pdf]" in result.stdout
    assert "d.pdf" in result.stderr and "scanned" in result.stderr
    assert "e.doc" in result.stderr and "convert" in result.stderr
    with EmbeddedStore(tmp_path / "db", read_only=True) as store:
        stats = store.stats()
    assert stats["documents"] == 3 and stats["leads"] == 3 * 13 and stats["responsible_for"] == 3 * 148

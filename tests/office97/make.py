"""How the Word 97-2003 (.doc) and Excel 97-2003 (.xls) fixtures beside this file were made (not run by the
tests: it needs LibreOffice). Each is a DOCX / XLSX written here with python-docx / openpyxl, converted by
LibreOffice 7.4 (`soffice --headless --convert-to doc|xls`), as an office saves an old-format copy; both
files are kept, so the tests compare what kg reads from the old format with what it reads from the new.

    cd tests/office97 && python make.py        (Debian: apt install libreoffice-writer-nogui libreoffice-calc-nogui)

seed.doc is the 友谊县 seed as tests/test_formats.py renders it to DOCX (一、/（一） by Word auto-numbering,
the tasks of one action in a table, a header and a footer), converted the same way.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent


def plan() -> None:
    """A county plan: two bracket clauses, then a role table (one cell empty)."""
    d = docx.Document()
    d.add_paragraph("XX县全民科学素质提升行动实施方案")
    d.add_paragraph("一、重点任务")
    d.add_paragraph("（一）青少年科学素质提升行动。实施科学教育“双减”工作，推动科普进校园。"
                    "（牵头单位：县教育和体育局、县科协；责任单位：县科技局）")
    d.add_paragraph("（二）农民科学素质提升行动。开展高素质农民培训。（县农业农村局牵头，县人力资源社会保障局、县科协按职责分工负责）")
    d.add_paragraph("附件：重点任务分工表")
    t = d.add_table(rows=4, cols=4)
    for j, h in enumerate(["序号", "重点任务", "牵头单位", "责任单位"]):
        t.cell(0, j).text = h
    rows = [["1", "建设科普基地", "县科协", "县文化广电和旅游局、县教育和体育局"],
            ["2", "开展科普讲座", "县卫生健康局", ""],
            ["3", "打造“科普大篷车”，进村入户", "县科协", "各乡镇人民政府"]]
    for i, r in enumerate(rows, 1):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    d.add_paragraph("二、保障措施")
    d.add_paragraph("各成员单位要加强协调配合。")
    d.save(HERE / "plan.docx")


def tab() -> None:
    """A notice whose content is its attachment table: section rows merged across, a task cell merged
    down over two rows, a cell of two paragraphs."""
    d = docx.Document()
    for line in ("关于印发《XX市2025年优化营商环境重点任务分工方案》的通知", "各区人民政府，市政府各部门：",
                 "现将方案印发给你们，请认真贯彻落实。", "附件", "XX市2025年优化营商环境重点任务分工表"):
        d.add_paragraph(line)
    t = d.add_table(rows=7, cols=5)
    for j, h in enumerate(["序号", "重点任务", "具体措施", "牵头单位", "责任单位"]):
        t.cell(0, j).text = h
    t.cell(1, 0).merge(t.cell(1, 4)).text = "一、提升政务服务效能"
    rows = [["1", "推进“一网通办”", "深化“一件事一次办”改革。", "市政务服务局", "市发展改革委、市司法局"],
            ["2", "", "推行告知承诺制。", "市司法局", "各区人民政府"],
            ["3", "优化纳税服务", "压缩办税时间。\n推广电子发票。", "市税务局", "市财政局"]]
    for i, r in enumerate(rows, 2):
        for j, v in enumerate(r):
            if v:
                t.cell(i, j).text = v
    t.cell(2, 1).merge(t.cell(3, 1))
    t.cell(5, 0).merge(t.cell(5, 4)).text = "二、加强要素保障"
    for j, v in enumerate(["4", "保障用地需求", "开展“标准地”出让。", "市自然资源和规划局", "市发展改革委"]):
        t.cell(6, j).text = v
    d.add_paragraph("抄送：市委办公室。")
    d.save(HERE / "tab.docx")


def misc() -> None:
    """Auto-numbered items, a hyperlink field, a line break inside a paragraph, a header and a footer."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "XX区人民政府办公室文件"
    d.sections[0].footer.paragraphs[0].text = "— 1 —"
    d.add_paragraph("XX区2025年安全生产工作要点")
    for text in ("强化安全生产责任落实。（区应急管理局牵头，各街道办事处负责）",
                 "深化重点行业领域专项整治。（责任单位：区住房城乡建设局、区交通运输局）"):
        d.add_paragraph(text, style="List Number")
    p = d.add_paragraph("详见区政府网站：")

    def run(el) -> None:
        r = OxmlElement("w:r")
        r.append(el)
        p._p.append(r)

    def char(kind: str):
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        return e

    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = ' HYPERLINK "http://www.example.gov.cn" '
    shown = OxmlElement("w:t")
    shown.text = "区政府门户网站"
    for el in (char("begin"), code, char("separate"), shown, char("end")):
        run(el)
    q = d.add_paragraph("三、加强宣传教育。")
    q.add_run().add_break()
    q.add_run("（区委宣传部牵头，区应急管理局配合）")
    d.save(HERE / "misc.docx")


def tasks() -> None:
    """A task workbook: a title row merged across, a lead cell merged down, a number as a deadline."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws.append(["县科学素质提升重点任务分工表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "重点任务", "牵头单位", "责任单位", "完成时限"])
    ws.append([1, "建设科普基地", "县科协", "县文化广电和旅游局、县教育和体育局", "2025年底前"])
    ws.append([2, "开展科普讲座", "县卫生健康局", "县科协", "持续推进"])
    ws.append([3, "培训高素质农民", "县农业农村局", "县人力资源社会保障局", 2025])
    ws.merge_cells("C4:C5")
    wb.save(HERE / "tasks.xlsx")


def seed() -> None:
    sys.path.insert(0, str(HERE.parent))
    from test_formats import SEED, render_docx

    render_docx((HERE.parent.parent / "seeds" / SEED).read_text(encoding="utf-8"), HERE / "seed.docx")


def convert(name: str, to: str) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", to, "--outdir", str(HERE), str(HERE / name)], check=True)


if __name__ == "__main__":
    plan(), tab(), misc(), tasks(), seed()
    for name in ("plan", "tab", "misc", "seed"):
        convert(f"{name}.docx", "doc")
    convert("tasks.xlsx", "xls")
    (HERE / "seed.docx").unlink()  # the tests render it themselves

"""A plan's title, and with it its place: plans published as their task table (an attachment that starts
with 附件1, a workbook whose first sheet is 填报说明) are titled by the table's title line, as a reader does,
so that their units are placed (市民政局 → 泉州市民政局)."""
from __future__ import annotations

import pytest

from kg.loaders import parse_file, parse_text


def _doc(text: str, file: str = "plan.txt"):
    graph = parse_text(text, file).graph
    return graph.documents[0], graph


@pytest.mark.parametrize("label", ["附件", "附件1", "附件2：", "附件 3"])
def test_an_attachment_label_is_not_the_title(label):
    doc, graph = _doc(f"{label}\n泉州市2025年养老服务重点任务清单\n一、重点任务\n（一）建设中心。（市民政局负责）\n")
    assert doc.title == "泉州市2025年养老服务重点任务清单"
    assert doc.jurisdiction == "泉州市"
    assert [o.name for o in graph.organizations] == ["泉州市民政局"]


@pytest.mark.parametrize("title", ["南通市2025年制造业高质量发展重点任务分解表", "寿光市2025年蔬菜产业重点任务分工表",
                                   "铜陵市义安区农村供水保障工程工作台账", "金华市“无废城市”建设重点任务责任清单"])
def test_a_task_table_title_is_a_title(title):
    doc, _ = _doc(f"附件\n\n{title}\n一、重点任务\n（一）建设中心。（市民政局负责）\n")
    assert doc.title == title


def test_a_letterhead_is_not_the_title():
    doc, _ = _doc("贵州省人民政府办公厅文件\n贵州省2025年大数据工作任务\n一、夯实基础\n（一）建设算力网络。（省大数据局负责）\n")
    assert doc.title == "贵州省2025年大数据工作任务" and doc.jurisdiction == "贵州省"


def test_a_numbered_heading_is_never_the_title():
    """A title the list does not know (…的若干举措（试行）) stays the first line; 六、保障措施 / （二）任务分工表
    below it are parts of the plan."""
    text = "萍乡市促进消费的若干举措（试行）\n一、重点任务\n（一）发放消费券。（市商务局负责）\n（二）任务分工表\n六、保障措施\n"
    doc, _ = _doc(text)
    assert doc.title == "萍乡市促进消费的若干举措(试行)"  # the first line, normalised as before


def test_a_workbook_whose_first_sheet_is_its_instructions(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报说明"
    ws.append(["1.请各责任单位于每月25日前报送进展情况。"])
    ws.append(["2.联系人：王丽，电话：0515-88888888。"])
    ws2 = wb.create_sheet("责任清单")
    ws2.append(["盐城市大丰区2025年安全生产治本攻坚责任清单"])
    ws2.merge_cells("A1:D1")
    ws2.append(["序号", "重点工作", "牵头单位", "责任单位"])
    ws2.append([1, "开展隐患排查", "区应急管理局", "各镇人民政府"])
    path = tmp_path / "p10.xlsx"
    wb.save(path)
    graph = parse_file(path)
    assert graph.documents[0].title == "盐城市大丰区2025年安全生产治本攻坚责任清单"
    assert graph.documents[0].jurisdiction == "盐城市大丰区"


def test_an_attachment_listed_below_the_plan_is_not_its_title():
    """附件1 县重点项目清单 at the end of a plan names its attachment: the plan keeps its first line as title and
    every item above (a title it does not know: …责任分工)."""
    text = ("县2025年经济社会发展主要指标及责任分工\n一、重点工作\n（一）扩大有效投资。（牵头单位：县发改委；配合单位：县自然资源局）\n"
            "（二）促进消费提质。（县商务局负责）\n二、附件\n附件1  县重点项目清单\n")
    doc, graph = _doc(text)
    assert doc.title == "县2025年经济社会发展主要指标及责任分工"
    assert len(graph.responsibilities) == 3

"""HTML pages that are nothing but their task table: a Word-saved 附件.htm (<p>title</p><table>…) and an old
table-layout CMS page whose content cell holds a short notice and the table. The densest text block of such a page
is one <span> — in a data cell, or the notice's — and taking it for the article dropped the table (0 edges,
"no role clauses found")."""
from __future__ import annotations

from pathlib import Path

from kg.loaders import parse_path

ROWS = [("1", "推行企业开办“一网通办”，全流程办理时间压缩至1个工作日以内。", "市市场监管局", "市公安局、市税务局"),
        ("2", "推进电子营业执照和电子印章同步发放。", "市市场监管局", "市公安局"),
        ("3", "深化工程建设项目审批制度改革，社会投资低风险项目审批时间压缩至15个工作日以内。", "市住房城乡建设局",
         "市自然资源局、市生态环境局")]


def _table() -> str:
    cell = '<td valign="middle"><p style="line-height:20px"><span style="font-size:14px">{}</span></p></td>'
    head = "<tr>" + "".join(f"<td><p>{h}</p></td>" for h in ("序号", "工作任务", "牵头单位", "配合单位")) + "</tr>"
    rows = "".join("<tr>" + "".join(cell.format(v) for v in row) + "</tr>" for row in ROWS)
    return f'<table border="1" cellspacing="0" width="100%"><tbody>{head}{rows}</tbody></table>'


def _edges(path: Path) -> list[tuple[str, str]]:
    return [(r.mention, r.role) for r in parse_path(path).graph.responsibilities]


WANT = [("市市场监管局", "LEADS"), ("市公安局", "RESPONSIBLE_FOR"), ("市税务局", "RESPONSIBLE_FOR"),
        ("市市场监管局", "LEADS"), ("市公安局", "RESPONSIBLE_FOR"),
        ("市住房城乡建设局", "LEADS"), ("市自然资源局", "RESPONSIBLE_FOR"), ("市生态环境局", "RESPONSIBLE_FOR")]


def test_a_page_that_is_its_table(tmp_path: Path):
    page = tmp_path / "fujian.htm"
    page.write_text('<html><head><meta charset="utf-8"></head><body><div class="WordSection1"><p>附件1</p>'
                    f"<p>某市2023年优化营商环境重点任务清单</p>{_table()}</div></body></html>", encoding="utf-8")
    assert _edges(page) == WANT


def test_a_table_layout_page_with_a_short_notice_above_its_table(tmp_path: Path):
    notice = ("<p><span>各县（市、区）人民政府，市直有关部门：</span></p><p><span>现将《某市2023年优化营商环境重点任务清单》"
              "印发给你们，请对照清单抓好落实，每月5日前将上月工作进展情况报市发展改革委。</span></p>")
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta charset="utf-8"><title>某市2023年优化营商环境重点任务清单-某市发展和改革委员会</title>'
                    '</head><body><table width="1000"><tr><td class="menu"><a href="/">首页</a> | <a href="/gk/">政务公开</a>'
                    '</td></tr><tr><td><table width="96%"><tr><td>某市2023年优化营商环境重点任务清单</td></tr>'
                    '<tr><td>发布日期：2023-04-11 信息来源：市发展改革委</td></tr>'
                    f"<tr><td>{notice}<p><span>某市2023年优化营商环境重点任务清单</span></p>{_table()}</td></tr>"
                    "</table></td></tr></table></body></html>", encoding="utf-8")
    assert _edges(page) == WANT


def test_an_article_beside_a_sidebar_in_a_layout_table(tmp_path: Path):
    """The article's <div> in one cell of a page-layout table, links, news and the site footer in the next: the article
    stays the article — climbing out of a cell is for the cells of a data table (three rows of three cells or more),
    and taking the whole layout table read the sidebar's news brackets and footer labels as clauses (review set rev15)."""
    links = "".join(f"<li><a href='/n{i}'>关于做好2024年第{i}项工作的通知</a></li>" for i in range(7))
    page = tmp_path / "page.html"
    page.write_text('<html><head><title>某某县2024年防汛工作安排</title></head><body><table width="1000"><tr>'
                    '<td width="700"><div class="con"><p>各乡镇人民政府，县直各部门：</p><p>为做好2024年防汛工作，现将有关事项'
                    "通知如下：一、加强隐患排查。（县水务局牵头，各乡镇人民政府负责）二、强化值班值守。（县应急管理局负责）</p>"
                    f'</div></td><td width="300"><ul>{links}</ul><p>工作动态</p><p>全县召开安全生产工作会议。（县应急管理局、县住建局）'
                    "</p><p>县领导带队检查在建工地安全生产工作。（县住建局）</p><p>主办单位：某某县人民政府办公室　承办单位：某某县大数据中心"
                    "</p></td></tr></table></body></html>", encoding="utf-8")
    assert _edges(page) == [("县水务局", "LEADS"), ("各乡镇人民政府", "RESPONSIBLE_FOR"), ("县应急管理局", "RESPONSIBLE_FOR")]


def test_a_task_table_printed_after_the_article(tmp_path: Path):
    """<div class=TRS_Editor>…附件：分工表</div><p>附件</p><table>…: the article was the <div> and its annex table, outside
    it, was never read (review set rev17 t10: 8 of 8 edges, "no role clauses found"); a role table after the article
    is now read with it. A data table of figures after the article stays out."""
    body = "".join(f"<p>{k}、加强第{k}项工作。全面推进相关任务落实，确保取得实效，按期完成目标任务。</p>" for k in "一二三四五六七")
    stats = "<table>" + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in
                                (("指标", "2023年", "2024年"), ("GDP", "100", "110"), ("人口", "50", "51"))) + "</table>"
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body><div class="TRS_Editor"><p>某市数字政府建设实施方案</p>'
                    f"{body}<p>附件：任务分工表</p></div><p>附件</p>{_table()}{stats}</body></html>", encoding="utf-8")
    assert _edges(page) == WANT

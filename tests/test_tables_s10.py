"""Role tables and labelled lines of townships and county bureaus, verb groups inside one role cell, and a person
after a unit with "/".

- 责任站所 / 配合站所 / 责任股室 / 协同办站所 / 责任办所 are the level-below counterparts of 责任科室 / 配合处室: the
  header (or label) names the role as theirs do; 包保领导 / 分管领导 name people.
- A role cell may hold verb groups split by a line break, a ; or a space (县卫生健康局牵头⏎县公安局、县商务局配合), as a text
  line may: each group takes its own verb's role. Units one a line, with no verbs, stay the column's.
- 县发展改革局/张志强 under 责任单位/责任人 names a unit and its person; 县财政局/县税务局 names two units.

The files are written here with real libraries (python-docx, openpyxl) or as HTML strings; the expected edges are
written from the tables, not from kg's output.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import pytest

from kg.loaders import parse_path

L, R = "LEADS", "RESPONSIBLE_FOR"
TITLE = "某某镇2024年重点工作任务分解表"


def edges(path: Path) -> list[tuple[str, str, str, str]]:
    g = parse_path(path).graph
    titles = {t.id: t.title for t in [*g.actions, *g.tasks]}
    return [(titles[r.target_id], r.mention, r.role, r.qualifier) for r in g.responsibilities]


def write_html(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    head = "<tr>" + "".join(f"<td>{h}</td>" for h in header) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
    path.write_text(f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div class='content'>"
                    f"<h1>{TITLE}</h1><p>为确保全年目标任务落到实处，现将重点工作任务分解如下。</p>"
                    f"<table border='1'>{head}{body}</table><p>各单位要按照分工抓好落实。</p></div></body></html>",
                    encoding="utf-8")


def write_docx(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph("为确保全年目标任务落到实处，现将重点工作任务分解如下。")
    t = d.add_table(rows=len(rows) + 1, cols=len(header))
    for j, h in enumerate(header):
        t.cell(0, j).text = h
    for k, row in enumerate(rows, 1):
        for j, v in enumerate(row):
            cell = t.cell(k, j)
            lines = v.split("\n")  # one paragraph a line, as Word writes a cell's line breaks
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    d.add_paragraph("各单位要按照分工抓好落实。")
    d.save(path)


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Optional[str]]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE] + [None] * (len(header) - 1))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)


WRITERS = {"html": write_html, "docx": write_docx, "xlsx": write_xlsx}


# ───────────────────────── 1. township and bureau role labels ─────────────────────────

@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("first, second, role, qualifier", [
    ("责任站所", "配合站所", R, "负责"),
    ("责任股室", "配合股室", R, "负责"),
    ("责任办站所", "协同办站所", R, "负责"),
    ("责任办所", "配合办所", R, "负责"),
    ("责任所站", "协同股室", R, "负责"),
    ("牵头站所", "配合站所", L, "牵头"),
    ("牵头股室", "配合股室", L, "牵头"),
])
def test_township_and_bureau_role_headers(tmp_path, fmt, first, second, role, qualifier):
    """A header names the role whatever unit noun it ends in (站所, 股室, 办站所); 包保领导 is a person column."""
    path = tmp_path / f"plan.{fmt}"
    header = ["序号", "重点工作", "包保领导", first, second, "完成时限"]
    rows = [["1", "加强基层党组织建设", "吴敏", "镇农业农村服务中心", "/", "2024年12月底前"],
            ["2", "推进老旧小区改造", "赵立新", "镇财政所", "镇林业站、各村（社区）", "2024年第三季度"],
            ["3", "推进教育优质均衡发展", "王建国", "基础教育股", "人事股、计财股", "2024年6月底前"]]
    WRITERS[fmt](path, header, rows)
    assert edges(path) == [
        ("加强基层党组织建设", "镇农业农村服务中心", role, qualifier),
        ("推进老旧小区改造", "镇财政所", role, qualifier),
        ("推进老旧小区改造", "镇林业站", R, "配合"),
        ("推进老旧小区改造", "各村（社区）", R, "配合"),
        ("推进教育优质均衡发展", "基础教育股", role, qualifier),
        ("推进教育优质均衡发展", "人事股", R, "配合"),
        ("推进教育优质均衡发展", "计财股", R, "配合"),
    ]


def test_township_label_lines(tmp_path):
    """责任站所： / 配合股室： / 责任办所： / 协同站所： lines under an item are labels as 责任科室： is; 包保领导： names a person."""
    path = tmp_path / "plan.txt"
    path.write_text("某某镇2024年重点工作任务分解方案\n为确保全年目标任务落到实处，现将重点工作任务分解如下。\n"
                    "1.加强生态环境保护。深入打好蓝天、碧水、净土保卫战。\n包保领导：王建国\n责任站所：镇社会事务办\n"
                    "配合股室：镇财政所、镇林业站\n完成时限：2024年12月底\n"
                    "2.加强基层党组织建设。开展软弱涣散村党组织整顿。\n包保领导：吴敏\n牵头股室：镇党政综合办公室\n"
                    "协同站所：镇农业农村服务中心\n完成时限：2024年12月底\n"
                    "3.加强安全生产监管。开展安全生产隐患排查整治。\n责任办所：镇应急管理办公室\n"
                    "协同办站所：各村（社区）\n", encoding="utf-8")
    assert edges(path) == [
        ("加强生态环境保护", "镇社会事务办", R, "负责"),
        ("加强生态环境保护", "镇财政所", R, "配合"),
        ("加强生态环境保护", "镇林业站", R, "配合"),
        ("加强基层党组织建设", "镇党政综合办公室", L, "牵头"),
        ("加强基层党组织建设", "镇农业农村服务中心", R, "配合"),
        ("加强安全生产监管", "镇应急管理办公室", R, "负责"),
        ("加强安全生产监管", "各村（社区）", R, "配合"),
    ]


def test_station_words_in_prose_are_no_labels(tmp_path):
    """站所 / 股室 in a sentence (各站所要…, 责任股室要…) name no unit: only a label with its colon does."""
    path = tmp_path / "plan.txt"
    path.write_text("某某镇2024年重点工作任务分解方案\n1.加强生态环境保护。各站所要加强协作，责任股室要按时报送进展。\n",
                    encoding="utf-8")
    assert edges(path) == []


# ───────────────────────── 2. verb groups inside one role cell ─────────────────────────

VERB_ROWS = [
    ["1", "推进健康乡村建设", "县卫生健康局牵头\n县公安局、县商务局配合", "2024年底"],
    ["2", "推进政务服务改革", "区发展改革局牵头；区财政局配合", "2024年底"],
    ["3", "加强城市宣传", "县融媒体中心牵头\u3000县住房城乡建设局配合", "2024年底"],
    ["4", "加强义务教育", "县教育局\n县财政局", "2024年底"],
    ["5", "推进农村改厕", "县农业农村局  县财政局", "2024年底"],
]
VERB_EDGES = [
    ("推进健康乡村建设", "县卫生健康局", L, "牵头"),
    ("推进健康乡村建设", "县公安局", R, "配合"),
    ("推进健康乡村建设", "县商务局", R, "配合"),
    ("推进政务服务改革", "区发展改革局", L, "牵头"),
    ("推进政务服务改革", "区财政局", R, "配合"),
    ("加强城市宣传", "县融媒体中心", L, "牵头"),
    ("加强城市宣传", "县住房城乡建设局", R, "配合"),
    ("加强义务教育", "县教育局", R, "负责"),  # one unit a line, no verbs: the column's role
    ("加强义务教育", "县财政局", R, "负责"),
    ("推进农村改厕", "县农业农村局", R, "负责"),
    ("推进农村改厕", "县财政局", R, "负责"),
]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_verb_groups_in_one_cell(tmp_path, fmt):
    path = tmp_path / f"plan.{fmt}"
    rows = [list(r) for r in VERB_ROWS]
    if fmt == "html":
        rows = [[v.replace("\n", "<br>") for v in r] for r in rows]
    WRITERS[fmt](path, ["序号", "重点任务", "责任单位", "完成时限"], rows)
    assert edges(path) == VERB_EDGES


# ───────────────────────── 3. a person after a unit with "/" ─────────────────────────

def test_a_person_after_a_slash_is_no_unit(tmp_path):
    path = tmp_path / "plan.docx"
    rows = [["1", "推进项目建设", "县发展改革局/张志强", "2024年底"],
            ["2", "加强社会治安", "县公安局/局长", "2024年底"],
            ["3", "落实减税降费", "县财政局/县税务局", "2024年底"],
            ["4", "做好宣传工作", "/", "2024年底"],
            ["5", "推进乡村振兴", "县农业农村局/欧阳明", "2024年底"]]
    write_docx(path, ["序号", "重点任务", "责任单位/责任人", "完成时限"], rows)
    assert edges(path) == [
        ("推进项目建设", "县发展改革局", R, "负责"),
        ("加强社会治安", "县公安局", R, "负责"),
        ("落实减税降费", "县财政局", R, "负责"),
        ("落实减税降费", "县税务局", R, "负责"),
        ("推进乡村振兴", "县农业农村局", R, "负责"),
    ]


def test_a_person_after_a_slash_in_a_label_line(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("某县2024年重点工作任务分解方案\n1.加强社会治安防控。开展专项整治行动。\n责任单位及责任人：县公安局/赵立新\n"
                    "2.落实减税降费政策。确保政策直达快享。\n责任单位：县财政局/县税务局\n", encoding="utf-8")
    assert edges(path) == [
        ("加强社会治安防控", "县公安局", R, "负责"),
        ("落实减税降费政策", "县财政局", R, "负责"),
        ("落实减税降费政策", "县税务局", R, "负责"),
    ]

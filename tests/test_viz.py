"""Pages from kg.viz, opened in a real offline Chromium (no mocks), and `kg viz` on the seeds
and on a generated corpus.

Counts are computed here from the Graph, independently of kg.viz, and compared with what
vis-network reports in the page. Screenshots go to test-artifacts/ for a human to look at;
KG_UPDATE_DOCS=1 refreshes the README picture from the seed document page.
"""
from __future__ import annotations

import os
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.align import with_alignments
from kg.cli import main
from kg.ids import stable_id
from kg.model import (Action, Alignment, Document, Graph, Organization, Provenance, Responsibility, Section, Target,
                      Task)
from kg.pipeline import collect_files, parse_files
from kg.viz import ViewError, build_network, page_html, shorten, write_page
from kg.viz_style import LEGIBLE_PX, NODE_STYLES

from _browser import REPO, browser_missing_reason, chromium, hover_node, open_page, screenshot

XSS_TITLE = "<script>window.__pwned=1</script>组织开展青少年科学调查体验活动并建立长效机制"
XSS_MENTION = '"</div><img src=x onerror=window.__pwned=2>'
XSS_ORG = "</script><script>window.__pwned=3</script>县应急管理局"


def _prov(doc: str, text: str, start: int = 0) -> Provenance:
    return Provenance(document_id=doc, start=start, end=start + len(text), text=text)


def small_graph(doc_title: str = "友谊县全民科学素质行动规划纲要实施方案（2021—2025年）") -> Graph:
    """Two documents; the first has a section, two actions, three tasks and four units."""
    d1, d2 = stable_id("document", "友政办发〔2022〕25号"), stable_id("document", "other")
    docs = [
        Document(id=d1, title=doc_title,
                 doc_number="友政办发〔2022〕25号", issuer="友谊县人民政府办公室", date="2022-10-10",
                 jurisdiction="友谊县", level="县", file="001.txt", sha256="0" * 64,
                 encoding="utf-8", format="txt", length=1000, prov=_prov(d1, "友谊县…")),
        Document(id=d2, title="另一份文件", jurisdiction="临沂市", level="市", file="000.txt",
                 sha256="1" * 64, encoding="utf-8", format="txt", length=100, prov=_prov(d2, "另一份")),
    ]
    s1 = Section(id="s1", document_id=d1, ordinal=1, title="提升行动", prov=_prov(d1, "提升行动"))
    a1 = Action(id="a1", document_id=d1, section_id="s1", ordinal=1, number="（一）",
                title="青少年科学素质提升行动", prov=_prov(d1, "（一）青少年科学素质提升行动。"))
    a2 = Action(id="a2", document_id=d1, section_id="s1", ordinal=2, number="（二）",
                title="农民科学素质提升行动", prov=_prov(d1, "（二）农民科学素质提升行动。"))
    a3 = Action(id="a3", document_id=d2, ordinal=1, title="科普基础设施工程", prov=_prov(d2, "科普基础设施工程"))
    tasks = [
        Task(id="t1", document_id=d1, action_id="a1", ordinal=1, number="1.",
             title="将弘扬科学精神贯穿于育人全链条", prov=_prov(d1, "1.将弘扬科学精神贯穿于育人全链条。……")),
        Task(id="t2", document_id=d1, action_id="a1", ordinal=2, number="2.",
             title="提升基础教育阶段科学教育水平", prov=_prov(d1, "2.提升基础教育阶段科学教育水平。")),
        Task(id="t3", document_id=d1, action_id="a2", ordinal=1, number="1.",
             title=XSS_TITLE, prov=_prov(d1, XSS_TITLE + "（县应急局负责）")),
        Task(id="t4", document_id=d2, action_id="a3", ordinal=1, title="建设科技馆", prov=_prov(d2, "建设科技馆")),
    ]
    orgs = [
        Organization(id="o1", name="友谊县教育和体育局", jurisdiction="友谊县", sector="教育",
                     aliases=["县教育和体育局", "县教体局"]),
        Organization(id="o2", name="友谊县科学技术协会", jurisdiction="友谊县", sector="科协", aliases=["县科协"]),
        Organization(id="o3", name="各成员单位", jurisdiction="友谊县", collective=True, aliases=[XSS_MENTION]),
        Organization(id="o4", name=XSS_ORG, jurisdiction="友谊县", sector="应急", aliases=["县应急局"]),
        Organization(id="o5", name="临沂市教育局", jurisdiction="临沂市", sector="教育", aliases=["市教育局"]),
    ]

    def r(i: str, role: str, q: str, org: str, target: str, kind: str, doc: str, mention: str,
          deadline: str | None = None) -> Responsibility:
        return Responsibility(id=i, role=role, qualifier=q, organization_id=org, target_id=target,
                              target_kind=kind, document_id=doc, mention=mention, deadline=deadline,
                              prov=_prov(doc, f"（{mention}{q}）"))

    resps = [
        r("r1", "LEADS", "牵头", "o1", "a1", "Action", d1, "县教育和体育局"),
        r("r2", "LEADS", "牵头", "o2", "a1", "Action", d1, "县科协"),
        r("r3", "RESPONSIBLE_FOR", "负责", "o1", "t1", "Task", d1, "县教体局", "2023年底前"),
        r("r4", "RESPONSIBLE_FOR", "配合", "o3", "t1", "Task", d1, XSS_MENTION),
        r("r5", "RESPONSIBLE_FOR", "指导", "o2", "t2", "Task", d1, "县科协"),
        r("r6", "RESPONSIBLE_FOR", "负责", "o4", "t3", "Task", d1, "县应急局"),
        r("r7", "LEADS", "牵头", "o5", "a3", "Action", d2, "市教育局"),
        r("r8", "RESPONSIBLE_FOR", "负责", "o5", "t4", "Task", d2, "市教育局"),
    ]
    return Graph(documents=docs, sections=[s1], actions=[a1, a2, a3], tasks=tasks,
                 organizations=orgs, responsibilities=resps)


def with_targets_and_alignment(g: Graph) -> Graph:
    """small_graph() plus three targets (on a task, an action, the plan) and one alignment of
    the second document's action 科普基础设施工程 a3 with 青少年科学素质提升行动 a1."""
    g = g.model_copy(deep=True)
    d1 = g.documents[0].id
    g.targets = [
        Target(id="g1", document_id=d1, owner_id="t1", owner_kind="Task", text="每年培训科技辅导员1.5万人次以上",
               value=15000.0, unit="人次", comparator="以上", period="每年", deadline="到2025年",
               prov=_prov(d1, "每年培训科技辅导员1.5万人次以上", 40)),
        Target(id="g2", document_id=d1, owner_id="a2", owner_kind="Action", text="开展农民教育培训400人次以上",
               value=400.0, unit="人次", comparator="以上", prov=_prov(d1, "开展农民教育培训400人次以上", 80)),
        Target(id="g3", document_id=d1, owner_id=d1, owner_kind="Document", text="全县公民具备科学素质的比例达到12.5％",
               value=12.5, unit="%", comparator="达到", deadline="到2025年",
               prov=_prov(d1, "全县公民具备科学素质的比例达到12.5％", 5)),
    ]
    g.alignments = [Alignment(id="al1", source_id="a3", source_kind="Action", target_id="a1", target_kind="Action",
                              score=0.8125, method="title-bigram-idf-cosine", evidence="科学素质提升")]
    return g


def expected_document_counts(g: Graph, doc_id: str, with_aligned: bool = False) -> tuple[int, int]:
    """Nodes and edges of a document view, counted straight from the Graph: structure, units,
    the targets it states, and (with_aligned) the alignments of its actions/tasks with the other ends."""
    sections = [s for s in g.sections if s.document_id == doc_id]
    actions = [a for a in g.actions if a.document_id == doc_id]
    tasks = [t for t in g.tasks if t.document_id == doc_id]
    resps = [r for r in g.responsibilities if r.document_id == doc_id]
    units = {r.organization_id for r in resps}
    mine = {a.id for a in actions} | {t.id for t in tasks}
    goals = [t for t in g.targets if t.owner_id in mine | {doc_id}]
    aligns = [al for al in g.alignments if with_aligned and (al.source_id in mine or al.target_id in mine)]
    others = {x for al in aligns for x in (al.source_id, al.target_id)} - mine
    # an aligned task of another plan hangs from its action when that action is aligned too
    nested = sum(1 for t in g.tasks if t.id in others and t.action_id in others)
    nodes = 1 + len(sections) + len(actions) + len(tasks) + len(units) + len(goals) + len(others)
    edges = len(sections) + len(actions) + len(tasks) + len(resps) + len(goals) + len(aligns) + nested
    return nodes, edges


# ---------------------------------------------------------------- without a browser


def test_targets_and_alignments_in_the_document_view():
    g = with_targets_and_alignment(small_graph())
    d1 = g.documents[0]
    # the document alone: no item of the other plan, no alignment edge
    alone, info0 = build_network(g, "document", d1.id)
    assert (info0.nodes, info0.edges) == expected_document_counts(g, d1.id) == (11 + 3, 12 + 3)
    assert "a:a3" not in {n["id"] for n in alone.nodes} and not any(e["kind"] == "align" for e in alone.edges)
    net, info = build_network(g, "document", d1.id, with_aligned=True)
    assert (info.nodes, info.edges) == expected_document_counts(g, d1.id, True) == (11 + 3 + 1, 12 + 3 + 1)
    nodes = {n["id"]: n for n in net.nodes}
    assert {n for n in nodes if n.startswith("g:")} == {"g:g1", "g:g2", "g:g3"}
    assert nodes["g:g1"]["shape"] == "diamond" and nodes["g:g1"]["kind"] == "target"
    # a target stands right of what states it: the plan's among the sections, an action's among
    # the tasks, a task's among the units; the other plan's action is in a column of its own
    x = {n: nd["x"] for n, nd in nodes.items()}
    assert x[f"d:{d1.id}"] < x["g:g3"] < x["a:a1"] < x["t:t1"] == x["g:g2"] < x["o:o1"] == x["g:g1"] < x["a:a3"]
    assert nodes["a:a3"]["layer"] == "align" and nodes["g:g1"]["layer"] == "target"
    tip = dict(map(tuple, nodes["g:g1"]["tip"]["rows"]))
    assert tip["数值"] == "以上 15000人次" and tip["时限"] == "到2025年" and tip["周期"] == "每年"
    assert nodes["g:g1"]["tip"]["h"] == "每年培训科技辅导员1.5万人次以上"
    edges = {e["id"]: e for e in net.edges}
    assert {(e["from"], e["to"]) for e in net.edges if e["kind"] == "target"} == {
        ("t:t1", "g:g1"), ("a:a2", "g:g2"), (f"d:{d1.id}", "g:g3")}
    al = edges["l:al1"]
    assert (al["from"], al["to"], al["kind"]) == ("a:a3", "a:a1", "align")  # the other document's action is drawn
    assert al["dashes"] and al["color"]["color"] == "#7b93b5"
    assert ["相似度", "0.81"] in al["tip"]["rows"] and ["共同措辞", "科学素质提升"] in al["tip"]["rows"]
    # the other document sees the same alignment from its side, and none of the first one's targets
    net2, info2 = build_network(g, "document", g.documents[1].id, with_aligned=True)
    assert (info2.nodes, info2.edges) == expected_document_counts(g, g.documents[1].id, True)
    assert "l:al1" in {e["id"] for e in net2.edges} and not any(n["id"].startswith("g:") for n in net2.nodes)


def test_targets_and_alignments_in_the_whole_view_only():
    plain = small_graph()
    g = with_targets_and_alignment(plain)
    _, before = build_network(plain, "whole")
    net, info = build_network(g, "whole")
    assert (info.nodes, info.edges) == (before.nodes + 3, before.edges + 3 + 1)
    assert net.kg_counts["target"] == 3
    # organization and sector views show units and what they answer for: no targets, no alignments
    for view, value in (("org", "县科协"), ("sector", "教育")):
        a, _ = build_network(plain, view, value)
        b, _ = build_network(g, view, value)
        assert (len(b.nodes), len(b.edges)) == (len(a.nodes), len(a.edges))
    # cut to a few nodes: targets come only with their owner, and are counted when left out
    _, cut = build_network(g, "whole", max_nodes=8)
    assert cut.truncated and sum(cut.cut.values()) == info.nodes - cut.nodes


def test_legend_lists_targets_and_alignments():
    page, _ = page_html(with_targets_and_alignment(small_graph()), "whole")
    assert 'data-kind="target"' in page and 'data-edge="align"' in page and 'data-edge="target"' in page
    assert "目标 target" in page and "对应 aligns with" in page


def test_shorten_keeps_14_chars_and_an_ellipsis():
    assert shorten("将弘扬科学精神贯穿于育人全链条并持续推进", 14) == "将弘扬科学精神贯穿于育人全链…"
    assert shorten("短标题", 14) == "短标题"
    assert shorten("换\n行  标题", 14) == "换 行 标题"


def test_script_json_cannot_close_a_script_element():
    from kg.viz import script_json
    text = script_json({"t": "</script><!-- <script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    import json
    assert json.loads(text) == {"t": "</script><!-- <script> & \u2028"}


def test_document_view_counts_match_the_graph():
    g = small_graph()
    d = g.documents[0]
    net, info = build_network(g, "document", d.id)
    assert (info.nodes, info.edges) == expected_document_counts(g, d.id)
    assert not info.cut and not info.truncated
    # columns left to right: document, section, actions, tasks, units; every node placed, no physics
    col = {}
    for n in net.nodes:
        col.setdefault(n["kind"], set()).add(n["x"] if n["shape"] not in ("box", "ellipse") else None)
    xs = {n["kind"]: n["x"] for n in net.nodes}
    assert xs["document"] < xs["section"] < xs["action"] < xs["task"] < xs["organization"]
    assert len(col["task"]) == 1 and len(col["organization"] | col.get("collective", set())) == 1
    assert net.options["physics"]["enabled"] is False and "hierarchical" not in net.options["layout"]
    # the document's title is written whole, over lines, when it stands in a column
    assert net.nodes[0]["label"].replace("\n", "") == d.title


@pytest.mark.parametrize("value", ["友政办发〔2022〕25号", "科学素质行动规划", "001.txt"])
def test_document_found_by_number_title_substring_or_file(value):
    g = small_graph()
    _, info = build_network(g, "document", value)
    assert info.title == g.documents[0].title


def test_org_view_by_alias_as_written_shows_shared_units():
    g = small_graph()
    net, info = build_network(g, "org", "县教体局")
    ids = {n["id"] for n in net.nodes}
    assert info.title == "友谊县教育和体育局"
    assert {"o:o1", "a:a1", "t:t1", "o:o2", "o:o3"} <= ids  # its targets and the units it shares them with
    assert "o:o5" not in ids and "t:t2" not in ids


def test_sector_view_crosses_jurisdictions():
    g = small_graph()
    net, info = build_network(g, "sector", "教育")
    orgs = {n["id"] for n in net.nodes if n["kind"] == "organization"}
    assert orgs == {"o:o1", "o:o5"}
    assert info.edges == 4 + sum(1 for e in net.edges if e["kind"] == "part")


@pytest.mark.parametrize("view,value,needle", [
    ("document", "no such title", "no document"),
    ("org", "县教育局体育", "did you mean"),
    ("sector", "交通", "sectors in this graph"),
    ("nonsense", None, "use one of"),
    ("org", None, "needs a value"),
])
def test_unknown_values_raise_view_error_with_a_hint(view, value, needle):
    with pytest.raises(ViewError, match=needle):
        build_network(small_graph(), view, value)


def test_page_is_self_contained_and_data_cannot_close_the_script():
    page, _ = page_html(small_graph(), "whole")
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    for host in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "cloudflare"):
        assert host not in page.lower()
    assert "bootstrap" not in page.lower() and "tom-select" not in page.lower()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # the injected strings appear only escaped
    assert "<script>window.__pwned" not in page and "</script><script>window" not in page
    assert "<img src=x" not in page
    assert page.count("</script>") == 3  # data, vis-network, the page's own: nothing closes early
    tags = _Tags()
    tags.feed(page)
    assert set(tags.starts) == {"html", "head", "meta", "title", "style", "body", "div", "span", "script",
                                "input", "datalist", "label", "button", "select", "option"}
    assert "img" not in tags.starts


def test_same_graph_same_bytes_whatever_the_input_order():
    g = small_graph()
    first, _ = page_html(g, "whole")
    shuffled = g.model_copy(deep=True)
    rnd = random.Random(3)
    for name in ("sections", "actions", "tasks", "organizations", "responsibilities", "documents"):
        rnd.shuffle(getattr(shuffled, name))
    assert page_html(shuffled, "whole")[0] == first
    assert page_html(g, "whole")[0] == first


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append(tag)


def big_graph(n_orgs: int = 400, n_tasks: int = 2400) -> Graph:
    """One synthetic document larger than the drawing limit; org i answers for every i-th task."""
    doc = "dbig"
    actions = [Action(id=f"A{i}", document_id=doc, ordinal=i + 1, title=f"行动{i}",
                      prov=_prov(doc, f"行动{i}")) for i in range(40)]
    tasks = [Task(id=f"T{i}", document_id=doc, action_id=f"A{i % 40}", ordinal=i // 40 + 1,
                  title=f"任务{i}", prov=_prov(doc, f"任务{i}")) for i in range(n_tasks)]
    orgs = [Organization(id=f"O{i:03d}", name=f"单位{i:03d}", jurisdiction="某县") for i in range(n_orgs)]
    resps = []
    for i in range(n_orgs):
        step = i + 1
        for t in range(i, n_tasks, step * 3):
            resps.append(Responsibility(id=f"R{i}-{t}", role="RESPONSIBLE_FOR", qualifier="负责",
                                        organization_id=f"O{i:03d}", target_id=f"T{t}", target_kind="Task",
                                        document_id=doc, mention=f"单位{i:03d}", prov=_prov(doc, "（负责）")))
    d = Document(id=doc, title="大文件", jurisdiction="某县", level="县", file="big.txt", sha256="2" * 64,
                 encoding="utf-8", format="txt", length=1, prov=_prov(doc, "大文件"))
    return Graph(documents=[d], actions=actions, tasks=tasks, organizations=orgs, responsibilities=resps)


@pytest.mark.slow
def test_whole_graph_too_large_is_cut_to_the_most_connected_organizations():
    g = big_graph()
    net, info = build_network(g, "whole")
    total = 1 + 40 + 2400 + 400
    assert info.truncated and info.nodes <= 1500
    kept_orgs = sorted(n["id"] for n in net.nodes if n["kind"] == "organization")
    # organization i answers for ~2400/(3(i+1)) tasks: the lowest numbers are the most connected
    assert kept_orgs == [f"o:O{i:03d}" for i in range(len(kept_orgs))]
    assert sum(info.cut.values()) == total - info.nodes
    assert info.cut["organization"] == 400 - len(kept_orgs)
    assert info.message == (
        f"图太大：画出 {total} 个节点中的 {info.nodes} 个（连接最多的 {len(kept_orgs)} 个单位，共 400 个）。"
        f" Too large: {info.nodes} of {total} nodes drawn (the {len(kept_orgs)} most connected of 400 organizations).")
    page, _ = page_html(g, "whole")
    assert info.message in page


@pytest.mark.slow
def test_org_view_holds_the_node_limit():
    """单位000 answers for 800 tasks: its page is cut to the limit, keeping the unit itself."""
    g = big_graph()
    net, info = build_network(g, "org", "单位000", max_nodes=50)
    ids = {n["id"] for n in net.nodes}
    assert info.truncated and info.nodes == len(ids) <= 50 and "o:O000" in ids
    tasks = [n for n in ids if n.startswith("t:")]
    assert tasks and all(f"a:A{int(t[3:]) % 40}" in ids for t in tasks)  # each task drawn with its action
    assert info.message.startswith("图太大：") and " Too large: " in info.message
    assert f"{len(tasks)} of the organization's 800 actions and tasks" in info.message
    # many organizations matching: a count, not their names, and still the limit
    net, info = build_network(g, "org", "单位0", max_nodes=60)
    assert info.nodes <= 60
    assert "matches 100 organizations" in info.message and "单位001" not in info.message
    assert len(info.message) < 200


def test_whole_view_groups_by_document_or_jurisdiction():
    """One frame per document (or jurisdiction), each holding exactly its own nodes."""
    g = with_targets_and_alignment(small_graph())
    for group_by, titles in (("document", {d.title for d in g.documents}),
                             ("jurisdiction", {"友谊县 · 1 份文件 documents", "临沂市 · 1 份文件 documents"})):
        net, _ = build_network(g, "whole", group_by=group_by)
        frames = net.kg_page["frames"]
        assert {f["title"] for f in frames} == titles
        for n in net.nodes:
            inside = [f for f in frames if f["x"] <= n["x"] <= f["x"] + f["w"] and f["y"] <= n["y"] <= f["y"] + f["h"]]
            assert len(inside) == 1, n["id"]
            home = "友谊县" if n["id"] in ("o:o1", "o:o2", "o:o3", "o:o4", "t:t1", "t:t2", "t:t3", "a:a1", "a:a2",
                                          "s:s1", "g:g1", "g:g2", "g:g3", f"d:{g.documents[0].id}") else "临沂市"
            assert home in inside[0]["title"] or inside[0]["title"] == (
                g.documents[0].title if home == "友谊县" else g.documents[1].title), n["id"]
        # frames do not overlap
        for a in frames:
            for b in frames:
                if a is not b:
                    assert a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or \
                        a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
    # alignments run between islands: the whole view opens with that layer off
    net, _ = build_network(g, "whole")
    assert net.kg_page["off"] == ["align"]
    assert [e.get("hidden") for e in net.edges if e["kind"] == "align"] == [True]
    with pytest.raises(ViewError, match="grouping"):
        build_network(g, "whole", group_by="sector")  # type: ignore[arg-type]


def test_layers_and_search_terms_are_in_the_data():
    g = with_targets_and_alignment(small_graph())
    net, _ = build_network(g, "document", g.documents[0].id, with_aligned=True)
    assert net.kg_page["layers"] == {"target": 3, "align": 1, "配合": 1}
    assert net.kg_page["off"] == [] and net.kg_page["anchor"] == "top-left"
    assert net.kg_page["minScale"] == 0.715 >= LEGIBLE_PX / min(s["font_size"] for s in NODE_STYLES.values())
    assert [e["id"] for e in net.edges if e.get("layer") == "配合"] == ["r:r4"]
    o1 = next(n for n in net.nodes if n["id"] == "o:o1")
    assert o1["find"] == ["友谊县教育和体育局", "县教育和体育局", "县教体局"]
    page, _ = page_html(g, "document", g.documents[0].id, with_aligned=True)
    for layer in ("target", "align", "配合"):
        assert f'data-layer="{layer}" checked' in page
    assert 'id="kg-find"' in page


# ---------------------------------------------------------------- in Chromium

_skip = browser_missing_reason()
browser_only = pytest.mark.skipif(_skip is not None, reason=_skip or "")


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _assert_clean(run) -> None:
    assert run.blocked == [], f"page tried to reach the network: {run.blocked}"
    assert run.console_errors == [], run.console_errors
    assert run.page_errors == [], run.page_errors
    assert run.dialogs == []


def _counts_in_page(run) -> tuple[int, int]:
    return (run.eval("network.body.data.nodes.length"), run.eval("network.body.data.edges.length"))


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_document_page_in_chromium(browser, tmp_path):
    g = small_graph()
    d = g.documents[0]
    page = tmp_path / "doc.html"
    info = write_page(g, page, view="document", value=d.title)
    with open_page(browser, page) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == expected_document_counts(g, d.id) == (info.nodes, info.edges)
        assert run.eval("network.physics.physicsEnabled") is False  # settled and stopped
        assert run.eval("document.getElementById('kg-legend').offsetHeight") > 100
        assert "青少年科学素质提升行动" in run.eval("JSON.stringify(network.body.data.nodes.get('a:a1').label)")
        shot = screenshot(run, "view-document.png")
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.external
@browser_only
@pytest.mark.parametrize("view", ["document", "whole"])
def test_targets_and_alignment_in_chromium(browser, tmp_path, view):
    g = with_targets_and_alignment(small_graph())
    d = g.documents[0]
    page = tmp_path / f"targets-{view}.html"
    info = write_page(g, page, view=view, value=d.id if view == "document" else None, with_aligned=True)
    with open_page(browser, page) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == (info.nodes, info.edges)
        if view == "document":
            assert (info.nodes, info.edges) == expected_document_counts(g, d.id, True)
        kinds = run.eval("network.body.data.nodes.get().filter(n => n.kind === 'target').map(n => n.shape)")
        assert kinds == ["diamond"] * 3
        aligns = run.eval("network.body.data.edges.get().filter(e => e.kind === 'align').map(e => [e.from, e.to])")
        assert aligns == [["a:a3", "a:a1"]]
        assert run.eval("network.body.data.edges.get().filter(e => e.kind === 'target').length") == 3
        # the alignment is drawn dashed, and its tooltip (a DOM node, text only) has score and evidence
        assert run.eval("network.body.edges['l:al1'].options.dashes") is not False
        tip = run.eval("network.body.data.edges.get('l:al1').title.textContent")
        assert "0.81" in tip and "科学素质提升" in tip and "title-bigram-idf-cosine" in tip
        target_tip = hover_node(run, "g:g1")
        assert "每年培训科技辅导员1.5万人次以上" in target_tip and "15000人次" in target_tip and "到2025年" in target_tip
        assert run.eval("document.querySelector('#kg-legend [data-kind=target]') !== null")
        assert run.eval("document.querySelector('#kg-legend [data-edge=align]') !== null")
        screenshot(run, f"view-targets-{view}.png")


@pytest.mark.slow
@pytest.mark.external
@browser_only
@pytest.mark.parametrize("view,value", [("whole", None), ("org", "县科协"), ("sector", "教育")])
def test_other_views_in_chromium(browser, tmp_path, view, value):
    page = tmp_path / f"{view}.html"
    info = write_page(small_graph(), page, view=view, value=value)
    with open_page(browser, page) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == (info.nodes, info.edges)
        assert run.eval("network.physics.physicsEnabled") is False
        screenshot(run, f"view-{view}.png")


XSS_DOC = '<img src=x onerror=window.__pwned=4>"</select><script>window.__pwned=5</script>友谊县方案'


@pytest.mark.slow
@pytest.mark.external
@browser_only
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_markup_in_document_text_stays_text(browser, tmp_path, bypass_csp):
    page = tmp_path / "xss.html"
    write_page(small_graph(XSS_DOC), page, view="whole")
    with open_page(browser, page, bypass_csp=bypass_csp) as run:
        _assert_clean(run)
        tip = hover_node(run, "t:t3")
        assert "<script>window.__pwned=1</script>" in tip  # shown, as text
        label = run.eval("network.body.data.nodes.get('t:t3').label")
        assert label == shorten(XSS_TITLE, 14) and label.startswith("<script>")
        org_tip = hover_node(run, "o:o3")
        assert XSS_MENTION in org_tip
        org4 = hover_node(run, "o:o4")
        assert XSS_ORG in org4
        screenshot(run, f"view-xss-tooltip-{'no-csp' if bypass_csp else 'csp'}.png")
        # a document title as markup: the island's title (canvas text), the go-to list and the
        # search suggestions hold it as text
        assert XSS_DOC in run.eval("Array.from(document.querySelectorAll('#kg-go option')).map(o => o.textContent)")
        values = run.eval("Array.from(document.querySelectorAll('#kg-find-list option')).map(o => o.value)")
        assert XSS_TITLE in values and XSS_ORG in values
        run.page.select_option("#kg-go", index=1)
        run.page.fill("#kg-find", XSS_ORG)
        run.page.press("#kg-find", "Enter")
        assert run.eval("window.kgFound") == "o:o4"
        assert run.eval("typeof window.__pwned") == "undefined"
        assert run.eval("document.querySelectorAll('img').length") == 0
        assert run.eval("document.querySelectorAll('script').length") == 3  # data, vis, page
        _assert_clean(run)


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_cut_banner_is_short_bilingual_and_a_count(browser, tmp_path):
    page = tmp_path / "cut.html"
    info = write_page(small_graph(), page, view="whole", max_nodes=8)
    assert info.truncated
    with open_page(browser, page) as run:
        _assert_clean(run)
        msg = run.page.inner_text("#kg-message")
        assert msg == info.message
        assert re.fullmatch(r"图太大：画出 \d+ 个节点中的 \d+ 个（连接最多的 \d+ 个单位，共 5 个）。"
                            r" Too large: \d+ of \d+ nodes drawn \(the \d+ most connected of 5 organizations\)\.", msg)
        assert not any(o.name in msg for o in small_graph().organizations)
        assert run.eval("document.getElementById('kg-message').getBoundingClientRect().height") < 40  # one line
        assert _counts_in_page(run) == (info.nodes, info.edges)
        assert run.eval("window.kgInfo.cut") == info.cut


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_big_whole_graph_is_cut_and_still_draws(browser, tmp_path):
    page = tmp_path / "big.html"
    info = write_page(big_graph(), page, view="whole")
    with open_page(browser, page, timeout_ms=120_000) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == (info.nodes, info.edges)
        screenshot(run, "view-whole-cut.png")


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_org_page_holds_the_node_limit_in_chromium(browser, tmp_path):
    page = tmp_path / "org-cut.html"
    info = write_page(big_graph(), page, view="org", value="单位000", max_nodes=60)
    with open_page(browser, page) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == (info.nodes, info.edges) and info.nodes <= 60
        assert run.eval("network.body.data.nodes.get('o:O000').kind") == "organization"
        assert "Too large: " in run.page.inner_text("#kg-message")
        # the page opens on the unit itself, at a zoom where labels can be read
        assert run.eval("network.getScale()") >= run.eval("window.network && JSON.parse("
                                                          "document.getElementById('kg-data').textContent).page.minScale")
        assert _on_screen(run, "o:O000")


def _on_screen(run, node_id: str) -> bool:
    """True when the node's centre is inside the drawing area."""
    return run.page.evaluate(
        "(id) => { const p = network.canvasToDOM(network.getPosition(id));"
        " const c = document.getElementById('kg-network');"
        " return p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight; }", node_id)


def _visible(run, layer: str) -> tuple[int, int]:
    """(shown, hidden) items of a layer, as vis-network itself holds them (nodes and edges)."""
    return tuple(run.page.evaluate(
        "(layer) => { const b = network.body; let shown = 0, hidden = 0;"
        " for (const set of [b.data.nodes, b.data.edges]) {"
        "   for (const it of set.get({filter: x => x.layer === layer})) {"
        "     const drawn = (set === b.data.nodes ? b.nodes : b.edges)[it.id];"
        "     if (drawn.options.hidden) { hidden++; } else { shown++; } } }"
        " return [shown, hidden]; }", layer))


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_each_toggle_hides_and_shows_its_layer(browser, tmp_path):
    g = with_targets_and_alignment(small_graph())
    page = tmp_path / "layers.html"
    write_page(g, page, view="document", value=g.documents[0].id, with_aligned=True)
    sizes = {"target": 3 + 3, "align": 1 + 1, "配合": 1}  # targets: nodes and edges; align: a3 and its edge
    with open_page(browser, page) as run:
        _assert_clean(run)
        total = run.eval("network.body.data.nodes.length + network.body.data.edges.length")
        for layer, n in sizes.items():
            assert _visible(run, layer) == (n, 0)
            box = f"#kg-tools input[data-layer='{layer}']"
            run.page.uncheck(box)
            assert _visible(run, layer) == (0, n)
            others = {k: _visible(run, k) for k in sizes if k != layer}
            assert others == {k: (sizes[k], 0) for k in others}  # nothing else is hidden
            screenshot(run, f"view-layer-off-{'peihe' if layer == '配合' else layer}.png")
            run.page.check(box)
            assert _visible(run, layer) == (n, 0)
        assert run.eval("network.body.data.nodes.length + network.body.data.edges.length") == total
        _assert_clean(run)
    # the whole view opens with alignments off (they run across islands); the toggle brings them
    page = tmp_path / "layers-whole.html"
    write_page(g, page, view="whole")
    with open_page(browser, page) as run:
        assert _visible(run, "align") == (0, 1)
        assert run.eval("document.querySelector(\"input[data-layer='align']\").checked") is False
        run.page.check("#kg-tools input[data-layer='align']")
        assert _visible(run, "align") == (1, 0)
        _assert_clean(run)


# ---------------------------------------------------------------- the seed corpus


YOUYI = "001_d3227398dcf91ff4.txt"


@pytest.fixture(scope="module")
def seeds_aligned(seed_graph) -> Graph:
    """The five seed documents with their alignments, as `kg build` stores them."""
    return with_alignments(seed_graph)


def _youyi(g: Graph) -> Document:
    return next(d for d in g.documents if d.file.endswith(YOUYI))


def test_seed_document_view_is_that_document_only_unless_with_aligned(seeds_aligned):
    g = seeds_aligned
    d = _youyi(g)
    net, info = build_network(g, "document", d.id)
    assert (info.nodes, info.edges) == expected_document_counts(g, d.id) == (81, 217)
    docs = {el.document_id for el in (*g.sections, *g.actions, *g.tasks, *g.targets)
            if any(n["id"].split(":", 1)[1] == el.id for n in net.nodes)}
    assert docs == {d.id}
    wide, winfo = build_network(g, "document", d.id, with_aligned=True)
    assert (winfo.nodes, winfo.edges) == expected_document_counts(g, d.id, True)
    others = [n for n in wide.nodes if n.get("layer") == "align"]
    assert others and winfo.nodes == info.nodes + len(others)
    assert all(n["x"] > max(m["x"] for m in wide.nodes if m["kind"] == "organization") for n in others)


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_seed_document_page(browser, tmp_path, seeds_aligned):
    """The README picture: the 友谊县 plan as `kg viz --document 友谊县` draws it from the store."""
    g = seeds_aligned
    d = _youyi(g)
    page = tmp_path / "seed.html"
    info = write_page(g, page, view="document", value="友谊县")
    assert (info.nodes, info.edges) == expected_document_counts(g, d.id) == (81, 217)
    with open_page(browser, page, width=1600, height=1600, timeout_ms=120_000) as run:
        _assert_clean(run)
        assert _counts_in_page(run) == (info.nodes, info.edges)
        ids = run.eval("network.body.data.nodes.getIds()")
        mine = {f"d:{d.id}"} | {f"s:{s.id}" for s in g.sections if s.document_id == d.id} | \
            {f"a:{a.id}" for a in g.actions if a.document_id == d.id} | \
            {f"t:{t.id}" for t in g.tasks if t.document_id == d.id}
        assert {i for i in ids if i[0] in "dsat"} == mine  # that document's structure, nothing else
        screenshot(run, "seed-document.png")
        if os.environ.get("KG_UPDATE_DOCS") == "1":  # refresh the README picture on purpose only
            screenshot(run, "", dest=REPO / "docs" / "seed-document.png")


def _legible(run) -> None:
    """Every label at least LEGIBLE_PX on screen at the opening zoom, and the columns' start in view."""
    scale = run.eval("network.getScale()")
    smallest = run.eval("Math.min(...network.body.data.nodes.get().map(n => n.font.size))")
    assert scale * smallest >= LEGIBLE_PX - 1e-6, (scale, smallest)


@pytest.mark.slow
@pytest.mark.external
@browser_only
@pytest.mark.parametrize("view", ["document", "whole", "org"])
def test_labels_are_legible_at_the_opening_zoom(browser, tmp_path, seeds_aligned, view):
    g = seeds_aligned
    d = _youyi(g)
    value = {"document": d.id, "whole": None, "org": "县科协"}[view]
    page = tmp_path / f"legible-{view}.html"
    write_page(g, page, view=view, value=value)
    with open_page(browser, page, width=1400, height=900, timeout_ms=120_000) as run:
        _assert_clean(run)
        _legible(run)
        if view == "document":
            assert _on_screen(run, f"d:{d.id}")  # it opens where reading starts
            # wide columns: document to units fit across the screen at that zoom
            span = run.eval("(() => { const xs = network.body.data.nodes.get().map(n => network.canvasToDOM("
                            "network.getPosition(n.id)).x); return [Math.min(...xs), Math.max(...xs)]; })()")
            width = run.eval("document.getElementById('kg-network').clientWidth")
            assert 0 <= span[0] and span[1] <= width
        elif view == "whole":
            first = run.eval("JSON.parse(document.getElementById('kg-data').textContent).page.frames[0]")
            doc = next(x for x in g.documents if x.title == first["title"])
            assert _on_screen(run, f"d:{doc.id}")
        else:
            oid = next(o.id for o in g.organizations if o.name == "友谊县科学技术协会")
            assert _on_screen(run, f"o:{oid}")
        screenshot(run, f"legible-{view}.png")


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_search_box_finds_centres_and_selects_a_node(browser, tmp_path, seeds_aligned):
    g = seeds_aligned
    d = _youyi(g)
    page = tmp_path / "search.html"
    write_page(g, page, view="document", value=d.id)
    kxh = next(o.id for o in g.organizations if o.name == "友谊县科学技术协会")
    task = next(t for t in g.tasks if t.document_id == d.id and t.title == "实施智慧助老行动")
    with open_page(browser, page, width=1400, height=900) as run:

        def find(text: str) -> None:
            run.page.fill("#kg-find", text)
            run.page.press("#kg-find", "Enter")

        def centred(node_id: str) -> bool:
            return run.page.evaluate(
                "(id) => { const p = network.getPosition(id), v = network.getViewPosition();"
                " return Math.abs(p.x - v.x) < 1 && Math.abs(p.y - v.y) < 1; }", node_id)

        find("县科协")  # a unit as the document writes it
        assert run.eval("window.kgFound") == f"o:{kxh}"
        assert run.eval("network.getSelectedNodes()") == [f"o:{kxh}"] and centred(f"o:{kxh}")
        assert run.page.inner_text("#kg-find-status") == "1 / 1"
        _legible(run)
        screenshot(run, "search-unit.png")
        find("智慧助老")  # part of a task's title
        assert run.eval("window.kgFound") == f"t:{task.id}" and centred(f"t:{task.id}")
        assert run.eval("network.getSelectedNodes()") == [f"t:{task.id}"]
        # Enter again: the next match, then round again
        find("友谊县")
        n = int(run.page.inner_text("#kg-find-status").split(" / ")[1])
        first = run.eval("window.kgFound")
        run.page.press("#kg-find", "Enter")
        assert run.page.inner_text("#kg-find-status") == f"2 / {n}" and run.eval("window.kgFound") != first
        find("没有这个单位")
        assert run.page.inner_text("#kg-find-status") == "没有找到 not found"
        assert run.eval("network.getSelectedNodes()") == []
        # the suggestions hold units and tasks by their full names
        options = run.eval("Array.from(document.querySelectorAll('#kg-find-list option')).map(o => o.value)")
        assert "友谊县科学技术协会" in options and task.title in options
        _assert_clean(run)


@pytest.mark.slow
@pytest.mark.external
@browser_only
def test_whole_page_islands_and_go_to(browser, tmp_path, seeds_aligned):
    g = seeds_aligned
    page = tmp_path / "islands.html"
    write_page(g, page, view="whole", group_by="jurisdiction")
    with open_page(browser, page, width=1400, height=900, timeout_ms=120_000) as run:
        _assert_clean(run)
        titles = run.eval("Array.from(document.querySelectorAll('#kg-go option')).slice(1).map(o => o.textContent)")
        assert sorted(titles) == sorted(f"{j} · 1 份文件 documents" for j in {d.jurisdiction for d in g.documents})
        run.page.select_option("#kg-go", label=titles[-1])
        assert run.eval("window.kgGroup") == titles[-1]
        _legible(run)
        run.page.click("#kg-fit")
        screenshot(run, "view-whole-jurisdictions.png")
        _assert_clean(run)


# ---------------------------------------------------------------- kg viz on the seeds and a generated corpus


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory, seeds_dir) -> str:
    db = str(tmp_path_factory.mktemp("viz") / "kg.db")
    r = CliRunner().invoke(main, ["build", str(seeds_dir), "--db", db])
    assert r.exit_code == 0, r.output
    return db


def _viz(*args: str):
    return CliRunner().invoke(main, ["viz", *args])


@pytest.mark.slow
def test_cli_document_page_from_the_store_is_that_document_only(seeds_db, tmp_path, seeds_aligned):
    d = _youyi(seeds_aligned)
    alone = _viz("-o", str(tmp_path / "a.html"), "--document", "友谊县", "--db", seeds_db)
    assert alone.exit_code == 0, alone.output
    assert alone.stdout == f"Wrote {tmp_path / 'a.html'}: 81 nodes, 217 edges (document view)\n"
    nodes, edges = expected_document_counts(seeds_aligned, d.id, True)
    wide = _viz("-o", str(tmp_path / "b.html"), "--document", "友谊县", "--with-aligned", "--db", seeds_db)
    assert wide.exit_code == 0, wide.output
    assert f": {nodes} nodes, {edges} edges (document view)" in wide.stdout and nodes > 81
    # the page is what the library writes for the store's graph
    page, _ = page_html(seeds_aligned, "document", "友谊县")
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == page
    bad = _viz("-o", str(tmp_path / "c.html"), "--with-aligned", "--db", seeds_db)
    assert bad.exit_code == 2 and "--with-aligned goes with --document" in bad.output


def test_cli_org_page_holds_the_node_limit(seeds_db, tmp_path):
    full = _viz("-o", str(tmp_path / "o.html"), "--org", "县科协", "--db", seeds_db)
    assert full.exit_code == 0 and "67 nodes" in full.stdout and full.stderr == ""
    cut = _viz("-o", str(tmp_path / "c.html"), "--org", "县科协", "--max-nodes", "20", "--db", seeds_db)
    assert cut.exit_code == 0, cut.output
    assert ": 20 nodes," in cut.stdout
    assert cut.stderr.strip() == ("图太大：画出 67 个节点中的 20 个（该单位 35 项行动和任务中的 15 项）。"
                                  " Too large: 20 of 67 nodes drawn (15 of the organization's 35 actions and tasks).")


def test_cli_whole_page_groups(seeds_db, tmp_path):
    for group_by, n in (("document", 5), ("jurisdiction", 5)):
        out = tmp_path / f"{group_by}.html"
        r = _viz("-o", str(out), "--group-by", group_by, "--db", seeds_db)
        assert r.exit_code == 0, r.output
        assert "259 nodes" in r.stdout
        text = out.read_text(encoding="utf-8")
        assert text.count('"title":') >= n and '"frames":[{' in text
    assert _viz("-o", str(tmp_path / "x.html"), "--group-by", "sector", "--db", seeds_db).exit_code == 2


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated corpus of 12 plans (benchmarks/generate.py): larger than the seeds."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import write_corpus

    out = tmp_path_factory.mktemp("gen")
    write_corpus(out, 12, seed=5)
    return out


@pytest.mark.slow
def test_cli_on_a_generated_corpus(generated, tmp_path):
    graph = parse_files(collect_files([generated])).graph
    total = graph.counts()
    r = _viz(str(generated), "-o", str(tmp_path / "w.html"), "--max-nodes", "300")
    assert r.exit_code == 0, r.output
    assert ": 300 nodes," in r.stdout or re.search(r": ([12]\d\d|\d\d) nodes,", r.stdout)
    banner = r.stderr.strip().splitlines()[-1].strip()
    assert re.fullmatch(r"图太大：画出 \d+ 个节点中的 \d+ 个（连接最多的 \d+ 个单位，共 \d+ 个）。"
                        r" Too large: \d+ of \d+ nodes drawn \(the \d+ most connected of \d+ organizations\)\.", banner)
    assert len(banner) < 160 and total["organizations"] > 100
    busiest = max(graph.organizations, key=lambda o: sum(x.organization_id == o.id for x in graph.responsibilities))
    r = _viz(str(generated), "-o", str(tmp_path / "o.html"), "--org", busiest.id, "--max-nodes", "15")
    assert r.exit_code == 0, r.output
    assert re.search(r": (1[0-5]|\d) nodes,", r.stdout) and "Too large" in r.stderr
    r = _viz(str(generated), "-o", str(tmp_path / "j.html"), "--group-by", "jurisdiction")
    assert r.exit_code == 0, r.output

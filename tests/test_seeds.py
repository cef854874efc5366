"""The parser against the reference reading of the five seeds (tests/gold, from ../shared/gold)."""
from __future__ import annotations

import json
import unicodedata

import pytest

from gold import gold_edges, gold_files, gold_outline, parsed_edges, parsed_outline
from kg.loaders import parse_path
from kg.pipeline import default_corpus

GOLD = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in gold_files()}


def _parsed(name: str):
    return parse_path(default_corpus() / GOLD[name]["file"]).graph


@pytest.mark.parametrize("name", sorted(GOLD))
def test_edges_agree_with_reference(name):
    graph = _parsed(name)
    expected, got = gold_edges(GOLD[name]), parsed_edges(graph)
    assert sorted(expected - got) == [], "edges the reference has and kg missed"
    assert sorted(got - expected) == [], "edges kg found that the reference does not have"
    assert len(graph.responsibilities) == len(expected), "no duplicate edges"


@pytest.mark.parametrize("name", sorted(GOLD))
def test_outline_agrees_with_reference(name):
    assert parsed_outline(_parsed(name)) == gold_outline(GOLD[name])


@pytest.mark.parametrize("name", sorted(GOLD))
def test_metadata_agrees_with_reference(name):
    doc = _parsed(name).documents[0]
    gold = GOLD[name]
    assert (doc.title, doc.doc_number, doc.issuer, doc.date, doc.jurisdiction) == (
        gold["title"], gold["doc_number"], gold["issuer"], gold["date"], gold["jurisdiction"])
    assert doc.based_on == gold["based_on"]


def test_edge_counts_stated_in_the_issue(seed_graph):
    by_file = {}
    docs = {d.id: d.file for d in seed_graph.documents}
    for r in seed_graph.responsibilities:
        key = (docs[r.document_id][:3], r.role, r.target_kind)
        by_file[key] = by_file.get(key, 0) + 1
    assert by_file[("001", "LEADS", "Action")] == 13
    assert sum(v for (f, role, _), v in by_file.items() if f == "001" and role == "RESPONSIBLE_FOR") == 148
    assert sum(v for (f, role, _), v in by_file.items() if f == "004" and role == "LEADS") == 56
    assert sum(v for (f, role, _), v in by_file.items() if f == "004" and role == "RESPONSIBLE_FOR") == 40
    assert sum(v for (f, role, _), v in by_file.items() if f == "000") == 141
    assert not any(f in ("002", "003") for f, _, _ in by_file)


def test_every_span_slices_a_clause_containing_its_unit(seed_graph, seeds_dir):
    texts = {d.id: (seeds_dir / d.file).read_text(encoding="utf-8") for d in seed_graph.documents}
    assert seed_graph.responsibilities
    for r in seed_graph.responsibilities:
        clause = texts[r.document_id][r.prov.start:r.prov.end]
        assert clause == r.prov.text
        assert clause[0] in "（(" and clause[-1] in "）)", clause
        assert r.mention in unicodedata.normalize("NFKC", clause) or r.mention in clause, (r.mention, clause)


def test_every_element_has_provenance_inside_its_document(seed_graph, seeds_dir):
    texts = {d.id: (seeds_dir / d.file).read_text(encoding="utf-8") for d in seed_graph.documents}
    for kind in ("documents", "sections", "actions", "tasks", "responsibilities"):
        for el in getattr(seed_graph, kind):
            text = texts[el.prov.document_id]
            assert 0 <= el.prov.start < el.prov.end <= len(text)
            assert text[el.prov.start:el.prov.end] == el.prov.text
    for t in seed_graph.tasks:
        assert t.title in t.prov.text.replace("\n", "").replace(" ", "").replace("\u3000", "")


@pytest.mark.parametrize("mention,file,canonical", [
    ("市教育局", "000", "临沂市教育局"),
    ("县科协", "001", "友谊县科学技术协会"),
    ("区教体局", "004", "历下区教育和体育局"),
    ("团县委", "001", "共青团友谊县委员会"),
    ("县委宣传部", "001", "中共友谊县委宣传部"),
    ("市卫健委", "000", "临沂市卫生健康委员会"),
])
def test_canonical_organizations(seed_graph, mention, file, canonical):
    docs = {d.id: d.file for d in seed_graph.documents}
    orgs = {o.id: o for o in seed_graph.organizations}
    names = {orgs[r.organization_id].name for r in seed_graph.responsibilities
             if r.mention == mention and docs[r.document_id].startswith(file)}
    assert names == {canonical}


def test_one_unit_written_two_ways_is_one_organization():
    from kg.loaders import parse_text

    text = ("友谊县人民政府办公室\n2022年10月10日\n友谊县测试实施方案\n为落实任务，制定本实施方案。\n一、提升行动\n"
            "（一）青少年科学素质提升行动\n1.加强科学教育。开展活动。（责任单位：县科协、县教体局）\n"
            "2.加强科普工作。开展活动。（责任单位：县科学技术协会、县教育和体育局）\n")
    g = parse_text(text, "two-ways.txt").graph
    assert len(g.responsibilities) == 4
    assert len(g.organizations) == 2, [o.name for o in g.organizations]
    assert {o.name for o in g.organizations} == {"友谊县科学技术协会", "友谊县教育和体育局"}
    assert sorted(next(o for o in g.organizations if o.sector == "科协").aliases) == ["县科协", "县科学技术协会"]


def test_jurisdiction_hierarchy_from_gazetteer(seed_graph):
    paths = {d.jurisdiction: d.jurisdiction_path for d in seed_graph.documents}
    assert paths["友谊县"] == ["黑龙江省", "双鸭山市", "友谊县"]
    assert paths["济南市历下区"] == ["山东省", "济南市", "历下区"]
    assert paths["临沂市"] == ["山东省", "临沂市"]
    assert paths["全国"] == []


def test_collectives_are_organizations_of_their_own_kind(seed_graph):
    collective = {o.name for o in seed_graph.organizations if o.collective}
    assert {"各成员单位", "各街道办事处", "驻临高校", "各市属院校"} <= collective
    assert not any(o.collective for o in seed_graph.organizations if o.name == "临沂市教育局")


def test_same_input_same_graph_and_ids(seed_files):
    from kg.pipeline import parse_files

    a = parse_files(seed_files).graph.model_dump_json()
    b = parse_files(seed_files).graph.model_dump_json()
    assert a == b


def test_users_extend_the_abbreviation_and_sector_tables(tmp_path, monkeypatch):
    from kg.loaders import parse_text

    text = ("友谊县人民政府办公室\n2022年10月10日\n友谊县测试实施方案\n为落实任务，制定本实施方案。\n一、提升行动\n"
            "（一）青少年科学素质提升行动\n1.加强科学教育。开展活动。（责任单位：县融媒体中心）\n")
    assert parse_text(text, "t.txt").graph.organizations[0].name == "友谊县融媒体中心"
    (tmp_path / "abbr.tsv").write_text("# mine\n融媒体中心\t融媒体中心（广播电视台）\n", encoding="utf-8")
    (tmp_path / "sectors.tsv").write_text("融媒体\t新闻媒体\tnews-media\n", encoding="utf-8")
    monkeypatch.setenv("KG_ABBREVIATIONS", str(tmp_path / "abbr.tsv"))
    monkeypatch.setenv("KG_SECTORS", str(tmp_path / "sectors.tsv"))
    org = parse_text(text, "t.txt").graph.organizations[0]
    assert (org.name, org.sector) == ("友谊县融媒体中心（广播电视台）", "新闻媒体")

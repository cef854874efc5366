"""RDF export, ontology and SHACL shapes, with the real rdflib, pyoxigraph and pyshacl (no mocks)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import rdf
from kg.ids import stable_id
from kg.ids import title_key
from kg.model import (Action, Alignment, Citation, Document, Graph, Membership, Organization, Person, Provenance,
                      Responsibility, Section, Target, Task)
from kg.rdf_validate import validate
from kg.resources import resource_dir

KG = rdflib.Namespace(rdf.KG)
FORMATS = ["turtle", "nt", "nq", "trig", "jsonld"]

# External vocabulary terms the exporter may write: a typo (oa:hasSelecter) fails the test.
EXTERNAL_TERMS = {
    "rdf:type", "rdfs:label",
    "skos:prefLabel", "skos:altLabel", "skos:inScheme", "skos:broader", "skos:Concept",
    "dcterms:title", "dcterms:identifier", "dcterms:issued", "dcterms:creator",
    "org:Organization", "org:FormalOrganization",
    "prov:Plan", "prov:Attribution", "prov:qualifiedAttribution", "prov:agent",
    "dcat:hadRole",
    "eli:LegalResource", "eli:LegalResourceSubdivision", "eli:jurisdiction", "eli:is_part_of",
    "oa:SpecificResource", "oa:hasSource", "oa:hasSelector", "oa:TextPositionSelector",
    "oa:TextQuoteSelector", "oa:start", "oa:end", "oa:exact",
    "foaf:Person", "foaf:name",
    "org:Membership", "org:member", "org:organization", "org:role", "org:Role", "org:Post", "org:heldBy",
    "org:postIn", "eli:based_on", "eli:implements",
}


def _p(doc: str, start: int, end: int, text: str) -> Provenance:
    return Provenance(document_id=doc, start=start, end=end, text=text)


def small_graph() -> Graph:
    """One document, a section, an action with a lead, a task with two units: built by hand."""
    d = stable_id("document", "临政字〔2022〕58号", "临沂市人民政府")
    s = stable_id("section", d, 1)
    a = stable_id("action", d, 1)
    t1, t2 = stable_id("task", d, 1, 1), stable_id("task", d, 1, 2)
    o1 = stable_id("organization", "临沂市教育局", "临沂市")
    o2 = stable_id("organization", "临沂市科学技术协会", "临沂市")
    o3 = stable_id("organization", "驻临高校", "临沂市")
    o4 = stable_id("organization", "临沂市人民政府", "临沂市")
    clause = "（市教育局牵头，市科协、驻临高校配合，2022年底前完成）"
    return Graph(
        documents=[Document(
            id=d, title="临沂市“十四五”全民科学素质行动规划纲要实施方案", doc_number="临政字〔2022〕58号",
            issuer="临沂市人民政府", date="2022-06-16", jurisdiction="临沂市", jurisdiction_path=["山东省", "临沂市"],
            level="市", based_on=["《全民科学素质行动规划纲要(2021—2035年)》"], file="000.txt", sha256="ab" * 32,
            encoding="utf-8", format="txt", length=1000, prov=_p(d, 10, 34, "临沂市“十四五”全民科学素质行动规划纲要实施方案"))],
        sections=[Section(id=s, document_id=d, ordinal=1, title="提升行动", prov=_p(d, 50, 54, "提升行动"))],
        actions=[Action(id=a, document_id=d, section_id=s, ordinal=1, number="（一）", title="青少年科学素质提升行动",
                        prov=_p(d, 60, 75, "（一）青少年科学素质提升行动"))],
        tasks=[
            Task(id=t1, document_id=d, action_id=a, ordinal=1, title="加强基础教育阶段科学教育",
                 prov=_p(d, 80, 200, '加强基础教育阶段科学教育。含"引号"、换行\n和反斜杠\\与制表\t。')),
            Task(id=t2, document_id=d, action_id=a, ordinal=2, number="2.", title="提升高等教育阶段科学教育水平",
                 prov=_p(d, 200, 260, "提升高等教育阶段科学教育水平。")),
        ],
        organizations=[
            Organization(id=o1, name="临沂市教育局", jurisdiction="临沂市", jurisdiction_path=["山东省", "临沂市"],
                         sector="教育", aliases=["市教育局"]),
            Organization(id=o2, name="临沂市科学技术协会", jurisdiction="临沂市", sector="科协", aliases=["市科协", "临沂市科学技术协会"]),
            Organization(id=o3, name="驻临高校", jurisdiction="临沂市", collective=True, aliases=["驻临高校"]),
            Organization(id=o4, name="临沂市人民政府", jurisdiction="临沂市", sector="政府"),
        ],
        responsibilities=[
            Responsibility(id=stable_id("responsibility", a, o1, "LEADS"), role="LEADS", qualifier="牵头",
                           organization_id=o1, target_id=a, target_kind="Action", document_id=d, mention="市教育局",
                           prov=_p(d, 75, 80, "（市教育局牵头）")),
            Responsibility(id=stable_id("responsibility", t1, o1, "LEADS"), role="LEADS", qualifier="牵头",
                           organization_id=o1, target_id=t1, target_kind="Task", document_id=d, mention="市教育局",
                           deadline="2022年底前", prov=_p(d, 170, 200, clause)),
            Responsibility(id=stable_id("responsibility", t1, o2, "RESPONSIBLE_FOR"), role="RESPONSIBLE_FOR",
                           qualifier="配合", organization_id=o2, target_id=t1, target_kind="Task", document_id=d,
                           mention="市科协", deadline="2022年底前", prov=_p(d, 170, 200, clause)),
            Responsibility(id=stable_id("responsibility", t1, o3, "RESPONSIBLE_FOR"), role="RESPONSIBLE_FOR",
                           qualifier="配合", organization_id=o3, target_id=t1, target_kind="Task", document_id=d,
                           mention="驻临高校", deadline="2022年底前", prov=_p(d, 170, 200, clause)),
            Responsibility(id=stable_id("responsibility", t2, o2, "RESPONSIBLE_FOR"), role="RESPONSIBLE_FOR",
                           qualifier="负责", organization_id=o2, target_id=t2, target_kind="Task", document_id=d,
                           mention="市科协", prov=_p(d, 250, 258, "（市科协负责）")),
        ],
    )


NATIONAL_TITLE = "全民科学素质行动规划纲要（2021—2035年）"


def full_graph() -> Graph:
    """small_graph() plus a second (national) document and every newer kind of element:
    targets on a task and on the plan, a leading group with two members (one role without a kg:
    concept), the citation of the national plan (loaded: implements), an alignment across the two."""
    g = small_graph()
    d = g.documents[0].id
    a, t1 = g.actions[0].id, g.tasks[0].id
    n = stable_id("document", NATIONAL_TITLE, "2021-06-03")
    na = stable_id("action", n, 1)
    nt = stable_id("task", na, 1)
    group = stable_id("organization", "临沂市全民科学素质工作领导小组", "临沂市")
    gov = g.organizations[3].id
    p1, p2 = stable_id("person", d, "张三"), stable_id("person", d, "李 四")
    cited_title = "全民科学素质行动规划纲要(2021—2035年)"
    key = title_key(cited_title)
    g.documents.append(Document(
        id=n, title=NATIONAL_TITLE, issuer="国务院", date="2021-06-03", jurisdiction="全国", level="国家",
        file="national.txt", sha256="cd" * 32, encoding="utf-8", format="txt", length=500,
        prov=_p(n, 0, 20, NATIONAL_TITLE)))
    g.actions.append(Action(id=na, document_id=n, ordinal=1, number="（一）", title="青少年科学素质提升行动",
                            prov=_p(n, 30, 45, "（一）青少年科学素质提升行动")))
    g.tasks.append(Task(id=nt, document_id=n, action_id=na, ordinal=1, title="将弘扬科学精神贯穿于育人全链条",
                        prov=_p(n, 45, 70, "将弘扬科学精神贯穿于育人全链条。")))
    g.organizations.append(Organization(id=group, name="临沂市全民科学素质工作领导小组", jurisdiction="临沂市"))
    g.targets += [
        Target(id=stable_id("target", t1, 120), document_id=d, owner_id=t1, owner_kind="Task",
               text="每年培训科技辅导员1.5万人次以上", value=15000.0, unit="人次", comparator="以上", period="每年",
               deadline="到2025年", prov=_p(d, 120, 136, "每年培训科技辅导员1.5万人次以上")),
        Target(id=stable_id("target", d, 40), document_id=d, owner_id=d, owner_kind="Document",
               text="公民具备科学素质的比例超过15%", value=15.0, unit="%", comparator="超过",
               prov=_p(d, 40, 55, "公民具备科学素质的比例超过15%")),
    ]
    g.people += [Person(id=p1, name="张三", document_id=d, prov=_p(d, 900, 912, "组  长：张三  市政府副市长")),
                 Person(id=p2, name="李四", document_id=d, prov=_p(d, 913, 925, "办公室主任：李  四"))]
    g.memberships += [
        Membership(id=stable_id("membership", group, p1), person_id=p1, group_id=group, role="组长",
                   post="市政府副市长", post_title="副市长", unit_id=gov, document_id=d,
                   prov=_p(d, 900, 912, "组  长：张三  市政府副市长")),
        Membership(id=stable_id("membership", group, p2), person_id=p2, group_id=group, role="办公室主任",
                   post="办公室主任", document_id=d, prov=_p(d, 913, 925, "办公室主任：李  四")),
    ]
    g.citations.append(Citation(id=stable_id("citation", d, key), document_id=d, title=cited_title, key=key,
                                cited_id=stable_id("cited", key), prov=_p(d, 36, 60, f"依据《{cited_title}》")))
    g.alignments.append(Alignment(id=stable_id("alignment", a, na), source_id=a, source_kind="Action", target_id=na,
                                  target_kind="Action", score=0.875, method="title-bigram-idf-cosine",
                                  evidence="青少年科学素质提升行动"))
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return full_graph()


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdf.load_ontology()


def _parse(data: bytes, fmt: str) -> rdflib.Graph:
    """rdflib graph of an export; for dataset formats, all graphs merged."""
    if fmt in ("nq", "trig", "jsonld"):
        ds = rdflib.Dataset()
        ds.parse(data=data, format=rdf.RDFLIB_FORMATS[fmt])
        g = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return rdflib.Graph().parse(data=data, format=rdf.RDFLIB_FORMATS[fmt])


# --- ontology -------------------------------------------------------------------------------

def test_ontology_and_shapes_parse(ontology: rdflib.Graph) -> None:
    assert len(ontology) > 100
    shapes = rdf.load_shapes()
    assert (None, RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")) in shapes


def test_every_term_has_zh_and_en_labels_and_definitions(ontology: rdflib.Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)
    terms = {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(rdf.KG)}
    assert {KG.Document, KG.Section, KG.Action, KG.Task, KG.Organization, KG.CollectiveOrganization,
            KG.Jurisdiction, KG.Assignment, KG.leads, KG.responsibleFor, KG.qualifier, KG.deadline,
            KG.hasSection, KG.hasAction, KG.hasTask, KG.basedOn, KG.jurisdiction, KG.sector, KG.mention,
            KG.provenance, KG.Target, KG.hasTarget, KG.value, KG.unit, KG.comparator, KG.period, KG.Person,
            KG.GroupRoleScheme, KG.GroupLeader, KG.GroupDeputyLeader, KG.GroupMember, KG.post, KG.postTitle,
            KG.Citation, KG.hasCitation, KG.cites, KG.titleKey, KG.implements, KG.alignsWith,
            KG.AlignmentStatement, KG.alignmentSource, KG.alignmentTarget, KG.score, KG.method,
            KG.evidence} <= terms
    missing = []
    for t in sorted(terms):
        for p in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(t, p) if isinstance(o, rdflib.Literal)}
            if not {"zh", "en"} <= langs:
                missing.append(f"{t} {p}: {sorted(x or '-' for x in langs)}")
    assert not missing, "\n".join(missing)


def test_alignment(ontology: rdflib.Graph) -> None:
    ns = {k: rdflib.Namespace(v) for k, v in rdf.PREFIXES.items()}
    assert (KG.Document, RDFS.subClassOf, ns["eli"].LegalResource) in ontology
    assert (KG.Organization, RDFS.subClassOf, ns["org"].Organization) in ontology
    assert (KG.Action, RDFS.subClassOf, ns["prov"].Plan) in ontology
    assert (KG.Task, RDFS.subClassOf, ns["prov"].Plan) in ontology
    assert (KG.Assignment, RDFS.subClassOf, ns["prov"].Attribution) in ontology
    assert (KG.sector, RDFS.subPropertyOf, ns["org"].classification) in ontology
    assert (KG.basedOn, RDFS.subPropertyOf, ns["eli"].based_on) in ontology
    assert (KG.hasTask, RDFS.subPropertyOf, ns["dcterms"].hasPart) in ontology
    assert (KG.Person, RDFS.subClassOf, ns["foaf"].Person) in ontology
    assert (KG.implements, RDFS.subPropertyOf, ns["eli"].implements) in ontology
    assert (KG.GroupLeader, RDF.type, ns["org"].Role) in ontology


def test_exported_terms_are_declared(graph: Graph, ontology: rdflib.Graph) -> None:
    g = rdf.to_rdflib(graph)
    used = set(g.predicates()) | set(g.objects(None, RDF.type))
    used |= {o for o in g.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(rdf.KG)}
    declared = set(ontology.subjects(RDF.type, None))
    bad = []
    for term in sorted(used):
        s = str(term)
        if s.startswith(rdf.KG):
            if term not in declared:
                bad.append(f"{s} is not declared in kg.ttl")
            continue
        short = next((f"{p}:{s[len(ns):]}" for p, ns in rdf.PREFIXES.items() if s.startswith(ns)), s)
        if short not in EXTERNAL_TERMS:
            bad.append(f"{s} is neither a kg term nor a listed external term")
    assert not bad, "\n".join(bad)


def test_instance_iris_are_opaque(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    nodes = {n for t in g for n in t if isinstance(n, rdflib.URIRef) and str(n).startswith(rdf.BASE)}
    assert nodes
    for n in nodes:
        kind, _, local = str(n)[len(rdf.BASE):].partition("/")
        assert kind in rdf.KINDS
        assert len(local) == 16 and all(c in "0123456789abcdef" for c in local), n


# --- export ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_isomorphic(graph: Graph, fmt: str) -> None:
    reference = rdf.to_rdflib(graph)
    data = rdf.serialize(graph, fmt)
    parsed = _parse(data, fmt)
    assert isomorphic(parsed, reference)
    # export → parse → export again (rdflib's serializer) → parse: still the same graph
    again = _parse(parsed.serialize(format=rdf.RDFLIB_FORMATS[fmt] if fmt in ("turtle", "nt", "jsonld") else "nt",
                                    encoding="utf-8"),
                   fmt if fmt in ("turtle", "nt", "jsonld") else "nt")
    assert isomorphic(again, reference)
    # pyoxigraph reads the same number of statements
    assert len(list(ox.parse(data, rdf.FORMATS[fmt]))) == len(reference)


@pytest.mark.parametrize("fmt", FORMATS)
def test_byte_identical_exports(graph: Graph, fmt: str) -> None:
    first = rdf.serialize(graph, fmt)
    assert rdf.serialize(graph, fmt) == first
    shuffled = Graph(**{k: list(reversed(v)) for k, v in graph.model_dump().items()})
    assert rdf.serialize(shuffled, fmt) == first, "list order must not change the bytes"


@pytest.mark.slow
def test_byte_identical_across_processes(graph: Graph, tmp_path: Path) -> None:
    """Another interpreter with another hash seed writes the same bytes."""
    (tmp_path / "g.json").write_text(graph.model_dump_json(), encoding="utf-8")
    code = ("import sys; from kg.model import Graph; from kg import rdf; "
            "g = Graph.model_validate_json(open(sys.argv[1], encoding='utf-8').read()); "
            "sys.stdout.buffer.write(rdf.serialize(g, sys.argv[2]))")
    for fmt in ("turtle", "trig", "jsonld"):
        outs = [subprocess.run([sys.executable, "-c", code, str(tmp_path / "g.json"), fmt], check=True,
                               capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
                for seed in ("1", "2")]
        assert outs[0] == outs[1] == rdf.serialize(graph, fmt)


def test_export_to_file_counts_statements(graph: Graph, tmp_path: Path) -> None:
    n = rdf.export(graph, tmp_path / "g.ttl", "turtle")
    assert n == len(rdf.to_rdflib(graph)) == sum(1 for _ in rdf.graph_to_triples(graph))
    assert (tmp_path / "g.ttl").read_bytes() == rdf.serialize(graph, "ttl")


def test_named_graph_per_document(graph: Graph) -> None:
    store = ox.Store()
    n = rdf.load_into(graph, store)
    doc = ox.NamedNode(rdf.iri("document", graph.documents[0].id))
    assert n == len(store)
    assert len(list(store.quads_for_pattern(None, None, None, doc))) > 0
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) > 0  # organizations


def test_assignment_direct_and_qualified(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    q = """
    PREFIX kg: <https://w3id.org/kg-policy/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX dcat: <http://www.w3.org/ns/dcat#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?name ?mention ?q ?deadline ?start ?end ?exact WHERE {
      ?org kg:leads ?task ; skos:prefLabel ?name .
      ?task a kg:Task ; prov:qualifiedAttribution ?a .
      ?a prov:agent ?org ; dcat:hadRole kg:Leads ; kg:qualifier ?qc ; kg:mention ?mention ;
         kg:deadline ?deadline ; kg:provenance/oa:hasSelector ?sel .
      ?qc skos:prefLabel ?q .
      ?sel oa:start ?start ; oa:end ?end ; oa:exact ?exact .
    }"""
    # the qualifier concept's label lives in the ontology: query data and ontology together
    rows = [tuple(str(x) for x in r) for r in (g + rdf.load_ontology()).query(q) if r[2].language == "zh"]
    assert rows == [("临沂市教育局", "市教育局", "牵头", "2022年底前", "170", "200",
                     "（市教育局牵头，市科协、驻临高校配合，2022年底前完成）")]


_Q_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in rdf.PREFIXES.items())


def _rows(g: rdflib.Graph, q: str) -> list[tuple]:
    return sorted(tuple(None if x is None else str(x) for x in r) for r in g.query(_Q_PREFIXES + q))


def test_targets_are_exported_with_owner_value_and_span(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    rows = _rows(g, """
    SELECT ?kind ?text ?value ?unit ?cmp ?period ?deadline ?start WHERE {
      ?owner kg:hasTarget ?t ; a ?kind . FILTER (?kind IN (kg:Document, kg:Task))
      ?t a kg:Target ; rdfs:label ?text ; kg:value ?value ; kg:comparator ?cmp ;
         kg:provenance/oa:hasSelector/oa:start ?start .
      OPTIONAL { ?t kg:unit ?unit } OPTIONAL { ?t kg:period ?period } OPTIONAL { ?t kg:deadline ?deadline }
    }""")
    assert rows == [
        (rdf.KG + "Document", "公民具备科学素质的比例超过15%", "15.0", "%", "超过", None, None, "40"),
        (rdf.KG + "Task", "每年培训科技辅导员1.5万人次以上", "15000.0", "人次", "以上", "每年", "到2025年", "120"),
    ]
    values = {o.datatype for o in g.objects(None, KG.value)}
    assert values == {rdflib.XSD.decimal}


def test_decimal_literals_never_use_exponents() -> None:
    assert rdf._decimal(15000.0).startswith('"15000.0"')
    assert rdf._decimal(1e-05).startswith('"0.00001"')
    assert rdf._decimal(0.875).startswith('"0.875"')
    assert rdf._decimal(3).startswith('"3.0"')


def test_leading_group_follows_w3c_org(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    rows = _rows(g, """
    SELECT ?name ?group ?role ?post ?title ?unit ?exact WHERE {
      ?m a org:Membership ; org:member ?p ; org:organization/skos:prefLabel ?group ; org:role ?r ;
         kg:post ?post_ ; kg:provenance/oa:hasSelector/oa:exact ?exact .
      ?p a kg:Person , foaf:Person ; foaf:name ?name .
      ?r skos:prefLabel ?role .
      ?post_ a org:Post ; org:heldBy ?p ; rdfs:label ?post .
      OPTIONAL { ?post_ kg:postTitle ?title } OPTIONAL { ?post_ org:postIn/skos:prefLabel ?unit }
    }""")
    # 组长 is kg:GroupLeader, whose label is in the ontology: query the data and the ontology together
    rows += _rows(g + rdf.load_ontology(), """
    SELECT ?name ?role WHERE { ?m org:member/foaf:name ?name ; org:role kg:GroupLeader .
                               kg:GroupLeader skos:prefLabel ?role . FILTER (lang(?role) = "zh") }""")
    assert sorted(rows) == sorted([
        ("李四", "临沂市全民科学素质工作领导小组", "办公室主任", "办公室主任", None, None, "办公室主任：李  四"),
        ("张三", "组长"),
    ])
    assert (None, rdflib.URIRef(rdf.PREFIXES["org"] + "postIn"), rdflib.URIRef(
        rdf.iri("organization", graph.organizations[3].id))) in g


def test_citation_based_on_placeholder_and_implements_the_loaded_document(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    d, n = (rdflib.URIRef(rdf.iri("document", x.id)) for x in graph.documents)
    cited = rdflib.URIRef(rdf.iri("cited", graph.citations[0].cited_id))
    eli = rdflib.Namespace(rdf.PREFIXES["eli"])
    assert (d, eli.based_on, cited) in g and (cited, RDF.type, eli.LegalResource) in g
    assert str(g.value(cited, RDFS.label)) == "全民科学素质行动规划纲要(2021—2035年)"
    assert (d, KG.implements, n) in g and (d, eli.implements, n) in g
    assert (n, KG.implements, None) not in g
    rows = _rows(g, """SELECT ?title ?key ?exact WHERE { ?doc kg:hasCitation ?c . ?c a kg:Citation ;
        kg:cites ?w ; rdfs:label ?title ; kg:titleKey ?key ; kg:provenance/oa:hasSelector/oa:exact ?exact . }""")
    assert rows == [("全民科学素质行动规划纲要(2021—2035年)", "全民科学素质行动规划纲要(2021-2035年)",
                     "依据《全民科学素质行动规划纲要(2021—2035年)》")]
    # without a loaded document of that key there is no kg:implements, the placeholder stays
    alone = graph.model_copy(deep=True)
    alone.documents = alone.documents[:1]
    alone.actions, alone.tasks, alone.alignments = alone.actions[:1], alone.tasks[:2], []
    g2 = rdf.to_rdflib(alone)
    assert (None, KG.implements, None) not in g2 and (d, eli.based_on, cited) in g2
    assert validate(alone) == []


def test_alignment_direct_and_qualified(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    src, dst = (rdflib.URIRef(rdf.iri("action", x.id)) for x in (graph.actions[0], graph.actions[1]))
    assert (src, KG.alignsWith, dst) in g
    rows = _rows(g, """SELECT ?score ?method ?evidence WHERE { ?a a kg:AlignmentStatement ;
        kg:alignmentSource ?s ; kg:alignmentTarget ?t ; kg:score ?score ; kg:method ?method ; kg:evidence ?evidence .
        ?s kg:alignsWith ?t . }""")
    assert rows == [("0.875", "title-bigram-idf-cosine", "青少年科学素质提升行动")]


def test_new_kinds_in_named_graphs(graph: Graph) -> None:
    store = ox.Store()
    rdf.load_into(graph, store)
    doc = ox.NamedNode(rdf.iri("document", graph.documents[0].id))
    for kind, id_ in (("target", graph.targets[0].id), ("person", graph.people[0].id),
                      ("membership", graph.memberships[0].id), ("citation", graph.citations[0].id)):
        assert list(store.quads_for_pattern(ox.NamedNode(rdf.iri(kind, id_)), None, None, doc)), kind
    al = ox.NamedNode(rdf.iri("alignment", graph.alignments[0].id))
    assert list(store.quads_for_pattern(al, None, None, ox.DefaultGraph()))


def test_unknown_format_is_an_error(graph: Graph) -> None:
    with pytest.raises(rdf.RdfError, match="turtle"):
        rdf.serialize(graph, "rdfxml")


# --- SHACL ----------------------------------------------------------------------------------

def test_valid_graph_conforms(graph: Graph) -> None:
    assert validate(graph) == []


def _drop_task_action(graph: Graph) -> Graph:
    g = graph.model_copy(deep=True)
    g.tasks[1].action_id = stable_id("action", "no such action")
    return g


def test_task_without_action_is_reported(graph: Graph) -> None:
    broken = _drop_task_action(graph)
    violations = validate(broken)
    task = f"task/{broken.tasks[1].id}"
    hits = [v for v in violations if v.focus == task and v.path == "^kg:hasTask"]
    assert hits, violations
    assert "exactly one action" in hits[0].message
    assert task in str(hits[0]) and "提升高等教育阶段科学教育水平" in str(hits[0])


def test_assignment_without_provenance_is_reported(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    a = rdflib.URIRef(rdf.iri("assignment", graph.responsibilities[1].id))
    g.remove((a, KG.provenance, None))
    violations = validate(g)
    assert [v.focus for v in violations if v.path == "kg:provenance"] == [f"assignment/{graph.responsibilities[1].id}"]


def test_bad_span_agent_and_missing_title_are_reported(graph: Graph) -> None:
    broken = graph.model_copy(deep=True)
    broken.tasks[0].prov = _p(broken.documents[0].id, 90, 90, "")  # empty span: start == end, no text
    broken.responsibilities[4].organization_id = stable_id("organization", "不存在的单位", "临沂市")
    g = rdf.to_rdflib(broken)
    g.remove((rdflib.URIRef(rdf.iri("document", graph.documents[0].id)), rdflib.URIRef(rdf.PREFIXES["dcterms"] + "title"), None))
    violations = validate(g)
    by_focus = {(v.focus, v.path) for v in violations}
    assert (f"task/{graph.tasks[0].id}", "kg:provenance") in by_focus
    assert (f"assignment/{graph.responsibilities[4].id}", "prov:agent") in by_focus
    assert (f"document/{graph.documents[0].id}", "dcterms:title") in by_focus
    # the selector itself is named too, with the element whose provenance it is
    sel = [v for v in violations if v.focus == f"selector/{graph.tasks[0].id}"]
    assert sel and sel[0].label == f"provenance of task/{graph.tasks[0].id}"


def test_missing_direct_triple_is_reported(graph: Graph) -> None:
    g = rdf.to_rdflib(graph)
    g.remove((None, KG.responsibleFor, rdflib.URIRef(rdf.iri("task", graph.tasks[1].id))))
    violations = validate(g)
    hits = [v for v in violations if "direct triple" in v.message]
    assert [(h.focus, h.value) for h in hits] == [
        (f"document/{graph.documents[0].id}", f"assignment/{graph.responsibilities[4].id}")], violations


def test_span_past_the_end_of_the_text_is_reported(graph: Graph) -> None:
    broken = graph.model_copy(deep=True)
    broken.tasks[1].prov = _p(broken.documents[0].id, 990, 1200, "超出文本末尾")
    violations = validate(broken)
    assert [(v.focus, v.value) for v in violations if "oa:end > kg:textLength" in v.message] == [
        (f"document/{graph.documents[0].id}", f"selector/{graph.tasks[1].id}")]


def test_membership_without_a_person_is_reported(graph: Graph) -> None:
    broken = graph.model_copy(deep=True)
    m = broken.memberships[0]
    broken.people = [p for p in broken.people if p.id != m.person_id]
    violations = validate(broken)
    focus = f"membership/{m.id}"
    hits = [v for v in violations if v.focus == focus and v.path == "org:member"]
    assert hits and "exactly one member" in hits[0].message, violations
    assert any(v.focus == f"post/{m.id}" and v.path == "org:heldBy" for v in violations)


def test_broken_target_group_and_alignment_are_reported(graph: Graph) -> None:
    broken = graph.model_copy(deep=True)
    broken.targets[0].owner_id = stable_id("task", "no such task")  # a target whose owner is not there
    broken.memberships[1].group_id = stable_id("organization", "不存在的领导小组", "临沂市")
    broken.alignments[0].score = 1.5
    g = rdf.to_rdflib(broken)
    t = rdflib.URIRef(rdf.iri("target", broken.targets[1].id))
    g.remove((t, KG.value, None))  # a target without its value
    found = {(v.focus, v.path) for v in validate(g)}
    assert (f"target/{broken.targets[0].id}", "^kg:hasTarget") in found
    assert (f"target/{broken.targets[1].id}", "kg:value") in found
    assert (f"membership/{broken.memberships[1].id}", "org:organization") in found
    assert (f"alignment/{broken.alignments[0].id}", "kg:score") in found


# --- seeds ----------------------------------------------------------------------------------

def _parse_file():
    try:
        from kg.loaders import parse_file
    except ImportError:
        return None
    return parse_file


@pytest.mark.slow
@pytest.mark.skipif(_parse_file() is None, reason="kg.loaders.parse_file is not there yet")
def test_seeds_export_and_conform(tmp_path: Path) -> None:
    parse_file = _parse_file()
    seeds = sorted(resource_dir("seeds").glob("*.txt"))
    assert len(seeds) == 5
    merged = Graph()
    for seed in seeds:
        merged = merged.merge(parse_file(seed))
    for fmt in ("turtle", "trig"):
        data = rdf.serialize(merged, fmt)
        assert isomorphic(_parse(data, fmt), rdf.to_rdflib(merged))
    violations = validate(merged)
    assert violations == [], "\n".join(map(str, violations[:20]))

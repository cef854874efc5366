"""`kg serve` (issue 14): the pages and their JSON twins, against the real embedded store of the seeds.

Starlette's TestClient drives the app in-process; tests/test_web_browser.py drives a real server in Chromium.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from markupsafe import escape
from starlette.testclient import TestClient

from _web import HOSTILE, read_only_store
from kg.align import with_alignments
from kg.cli import main
from kg.library import get_query, run_named
from kg.loaders import parse_file
from kg.pipeline import parse_files
from kg.store.embedded import EmbeddedStore
from kg.table import responsibility_rows
from kg.web import create_app
from kg.web.app import CSP
from kg.web.downloads import xlsx_writer
from kg.web.queries import web_query_dir

YOUYI = "友谊县全民科学素质行动规划纲要实施方案（2021—2025年）"
YOUYI_SEED = "001_d3227398dcf91ff4.txt"


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory, seed_graph):
    store = read_only_store(tmp_path_factory.mktemp("web") / "db", with_alignments(seed_graph))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(seeds_store):
    with TestClient(create_app(seeds_store)) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A plan whose title, one unit and one clause are markup, loaded from a folder the app is told about."""
    folder = tmp_path_factory.mktemp("hostile_src")
    (folder / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    store = read_only_store(tmp_path_factory.mktemp("hostile") / "db", parse_file(folder / "evil.txt"))
    with TestClient(create_app(store, [folder])) as c:
        yield c, store
    store.close()


def _json(client, url: str):
    r = client.get(url, params={"format": "json"} if "?" not in url else None) if "?" not in url else client.get(url + "&format=json")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _one(store, cypher: str, **params):
    return store.run(cypher, params).rows[0][0]


def _youyi_id(store) -> str:
    return _one(store, "MATCH (d:Document) WHERE d.title = $t RETURN d.id", t=YOUYI)


def _org_id(store, name: str) -> str:
    return _one(store, "MATCH (o:Organization {name: $n}) RETURN o.id", n=name)


class _Marks(HTMLParser):
    """The highlighted clauses of a document page: (id, data-start, data-end, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "mark" and "clause" in (a.get("class") or ""):
            self._open = {"id": a["id"], "start": int(a["data-start"]), "end": int(a["data-end"]), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "mark" and self._open is not None:
            self.marks.append(self._open)
            self._open = None


# --------------------------------------------------------------------------- search


@pytest.mark.slow
def test_search_finds_the_county_science_association_by_its_abbreviation(client, seeds_store):
    data = _json(client, "/?q=县科协")
    orgs = data["results"]["organizations"]["rows"]
    assert orgs[0]["name"] == "友谊县科学技术协会" and "县科协" in orgs[0]["aliases"]
    assert data["results"]["organizations"]["total"] == len(orgs)
    page = client.get("/", params={"q": "县科协"}).text
    assert f'href="/organization/{_org_id(seeds_store, "友谊县科学技术协会")}"' in page


def test_search_covers_tasks_actions_documents(client):
    data = _json(client, "/?q=智慧助老")
    assert {t["document"][:3] for t in data["results"]["tasks"]["rows"]} == {"临沂市", "友谊县"}
    assert _json(client, "/?q=友政办发")["results"]["documents"]["rows"][0]["title"] == YOUYI
    assert any(a["title"] == "青少年科学素质提升行动" for a in _json(client, "/?q=青少年")["results"]["actions"]["rows"])
    assert _json(client, "/?q=不存在的单位xyz")["results"]["organizations"] == {"rows": [], "total": 0, "truncated": False}


def test_search_index_scans_the_same_both_ways(seeds_store, monkeypatch):
    """A rare text is found by jumping between occurrences, a common one by testing every row: same rows."""
    from kg.web import search as S

    index = S.SearchIndex(seeds_store)
    queries = ["县科协", "科普", "局", "友谊县", "不存在", "县\x00科协", "\x01"]
    jumped = {(k, q): index.search(k, q, 1000) for k in S.KINDS for q in queries}
    monkeypatch.setattr(S, "MANY", -1)
    assert {(k, q): index.search(k, q, 1000) for k in S.KINDS for q in queries} == jumped
    assert jumped[("organizations", "局")]["total"] > 40 and jumped[("tasks", "科普")]["total"] > 20
    assert jumped[("organizations", "县\x00科协")]["total"] == 0


@pytest.mark.slow
def test_search_index_follows_the_store(tmp_path, seed_graph):
    """The index is kept per store version: a document loaded later is found once the version is read again."""
    from kg.web.cache import StoreCache
    from kg.web.data import search

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    cache = StoreCache(ttl=0)
    with EmbeddedStore(tmp_path / "db") as store:
        store.load(seed_graph)
        assert search(store, "onerror", cache=cache)["organizations"]["total"] == 0
        version = cache.version
        store.load(parse_file(folder / "evil.txt"))
        assert search(store, "onerror", cache=cache)["organizations"]["total"] == 1 and cache.version != version


def test_home_lists_documents_by_level_national_first_with_counts(client):
    data = _json(client, "/")
    assert [(lv["level"], lv["documents"]) for lv in data["levels"]] == [("国家", 1), ("省", 1), ("市", 1), ("县", 1), ("区", 1)]
    listing = _json(client, "/documents?level=县")
    assert listing["total"] == 1 and listing["rows"][0]["title"] == YOUYI
    paged = _json(client, "/documents?_size=2&_page=2")
    assert (paged["total"], paged["pages"], paged["first"], paged["last"], len(paged["rows"])) == (5, 3, 3, 4, 2)
    assert "第 3–4 份，共 5 份" in client.get("/documents", params={"_size": 2, "_page": 2}).text


# --------------------------------------------------------------------------- organization


def test_organization_page_lists_exactly_what_the_library_query_returns(client, seeds_store):
    name = "友谊县科学技术协会"
    oid = _org_id(seeds_store, name)
    data = _json(client, f"/organization/{oid}")
    assert data["organization"]["name"] == name and data["organization"]["aliases"] == ["县科协"]
    lib = [r for r in run_named(seeds_store, "organization_responsibilities", {"name": name, "limit": None}).records()
           if r["organization"] == name]
    mine = [{"organization": name, "document": r["document"], "level": "Task" if r["task_id"] else "Action",
             "title": r["task"] or r["action"], "role": r["role"], "qualifier": r["qualifier"],
             "deadline": r["deadline"], "unit": r["mention"]} for r in data["assignments"]]
    key = lambda r: tuple(str(v) for v in r.values())  # noqa: E731
    assert sorted(mine, key=key) == sorted(lib, key=key) and len(lib) == 35
    assert data["total"] == 35 and not data["truncated"]
    page = client.get(f"/organization/{oid}").text
    for task_id in {r["task_id"] for r in data["assignments"] if r["task_id"]}:
        assert f'href="/task/{task_id}"' in page
    partners = [(p["name"], p["shared"]) for p in data["partners"]]
    lib_partners = [(r["partner"], r["shared"]) for r in run_named(seeds_store, "partners", {"name": name, "limit": 20}).records()]
    assert partners == lib_partners


def test_organization_page_graph_is_kg_viz_org_view(client, seeds_store, seed_graph):
    from kg.viz import build_network

    oid = _org_id(seeds_store, "友谊县科学技术协会")
    graph = client.get(f"/organization/{oid}/graph").json()
    net, _ = build_network(seed_graph, "org", oid)
    assert sorted(n["id"] for n in graph["nodes"]) == sorted(n["id"] for n in net.nodes)
    assert graph["options"] == net.options
    page = client.get(f"/organization/{oid}").text  # the page fetches the graph after it shows (org-graph.js)
    assert '<script src="/assets/vis-network.min.js"></script>' in page and '<script src="/static/org-graph.js"></script>' in page
    assert f'data-graph="/organization/{oid}/graph"' in page
    assert client.get("/organization/nope/graph").status_code == 404
    assert client.get("/assets/vis-network.min.js").content.startswith(b"/**")  # the file pyvis ships
    assert "vis.Network" in client.get("/assets/kg-viz.js").text


def test_organization_table_downloads(client, seeds_store):
    oid = _org_id(seeds_store, "友谊县科学技术协会")
    r = client.get(f"/organization/{oid}", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 35 and {r["role"] for r in rows} == {"LEADS", "RESPONSIBLE_FOR"}
    assert "attachment" in r.headers["content-disposition"]
    x = client.get(f"/organization/{oid}", params={"format": "xlsx"})
    if xlsx_writer() is None:
        assert x.status_code == 404
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True).worksheets[0]
        assert len(list(sheet.iter_rows(values_only=True))) == 36  # the header and 35 rows
    limited = _json(client, f"/organization/{oid}?limit=10")
    assert len(limited["assignments"]) == 10 and limited["total"] == 35 and limited["truncated"]


# --------------------------------------------------------------------------- document


def test_document_page_highlights_every_clause_at_its_span(client, seeds_store, seeds_dir):
    doc_id = _youyi_id(seeds_store)
    page = client.get(f"/document/{doc_id}").text
    parser = _Marks()
    parser.feed(page)
    marks = parser.marks
    edges = seeds_store.run("MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x) WHERE r.document_id = $d "
                            "RETURN r.start, r.`end`, r.clause", {"d": doc_id}).rows
    assert {(m["start"], m["end"]) for m in marks} == {(s, e) for s, e, _ in edges}
    assert len(marks) == len({(s, e) for s, e, _ in edges})  # one mark per clause, none overlapping
    clause = {(s, e): c for s, e, c in edges}
    from kg.loaders.formats import read_document

    path = seeds_dir / YOUYI_SEED
    text = read_document(path, path.read_bytes()).text
    for m in marks:
        assert m["text"] == clause[(m["start"], m["end"])] == text[m["start"]:m["end"]]
        assert m["id"] == f"span-{m['start']}-{m['end']}"
    # the same spans `kg extract` gives for the file
    extract = {tuple(r["span"]) for r in responsibility_rows(parse_file(path))}
    assert {(m["start"], m["end"]) for m in marks} == extract
    # every edge of the 分工表 links to its span, and the JSON twin says where the text came from
    for s, e, _ in edges:
        assert f'data-span="span-{s}-{e}"' in page
    data = _json(client, f"/document/{doc_id}")
    assert data["source"]["found"] and data["text"] == text and "segments" not in data
    assert {(s["start"], s["end"]) for s in data["spans"]} == {(s, e) for s, e, _ in edges}
    assert sum(len(s["edges"]) for s in data["spans"]) == len(edges) == len(data["edges"])


def test_document_page_metadata_and_table(client, seeds_store):
    data = _json(client, f"/document/{_youyi_id(seeds_store)}")
    d = data["document"]
    assert (d["doc_number"], d["issuer"], d["date"], d["level"]) == ("友政办发〔2022〕25号", "友谊县人民政府办公室", "2022-10-10", "县")
    assert [c["cited"] for c in data["cites"]][0] == "全民科学素质行动规划纲要（2021—2035年）"
    youth = data["table"][0]
    assert youth["action"] == "青少年科学素质提升行动" and len(youth["tasks"]) == 4
    assert sorted(e["organization"] for e in youth["edges"] if e["qualifier"] == "牵头") == ["友谊县教育和体育局", "友谊县科学技术协会"]


def test_document_text_missing_says_so(tmp_path, seeds_store):
    """Without the folder a document was loaded from, the page says the store keeps no text and how to show it."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    store = read_only_store(tmp_path / "db", parse_file(folder / "evil.txt"))
    try:
        with TestClient(create_app(store)) as c:
            doc_id = _one(store, "MATCH (d:Document) RETURN d.id")
            data = _json(c, f"/document/{doc_id}")
            assert data["text"] is None and "no file named evil.txt" in data["source"]["note"]
            assert "--source" in c.get(f"/document/{doc_id}").text
        (folder / "evil.txt").write_text(HOSTILE + "改\n", encoding="utf-8")
        with TestClient(create_app(store, [folder])) as c:
            assert "has changed since it was loaded" in _json(c, f"/document/{doc_id}")["source"]["note"]
    finally:
        store.close()


# --------------------------------------------------------------------------- task / action


def test_task_page_units_clause_and_lineage(client, seeds_store):
    tid = _one(seeds_store, "MATCH (d:Document)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task) "
                            "WHERE t.title = '实施智慧助老行动' AND d.jurisdiction = '友谊县' RETURN t.id")
    data = _json(client, f"/task/{tid}")
    assert data["item"]["document"] == YOUYI
    lib = run_named(seeds_store, "task_responsibility", {"text": "智慧助老", "limit": None}).records()
    assert sorted(e["organization"] for e in data["edges"]) == sorted(r["organization"] for r in lib if r["document"] == YOUYI)
    assert len(data["clauses"]) == 1 and data["clauses"][0]["clause"].endswith("）")
    lineage = data["aligned_to"] + data["aligned_from"]
    assert any(x["jurisdiction"] == "临沂市" and x["title"] == "实施智慧助老行动" for x in lineage)
    page = client.get(f"/task/{tid}").text
    assert f'href="/document/{data["item"]["document_id"]}#{data["clauses"][0]["id"]}"' in page


def test_action_page_lists_its_tasks(client, seeds_store):
    aid = _one(seeds_store, "MATCH (d:Document)-[:HAS_ACTION]->(a:Action) WHERE d.title = $t AND a.ordinal = 1 RETURN a.id", t=YOUYI)
    data = _json(client, f"/action/{aid}")
    assert data["item"]["title"] == "青少年科学素质提升行动" and len(data["tasks"]) == 4
    assert {e["qualifier"] for e in data["edges"]} == {"牵头"}


SEED_CLAUSE = "（责任单位：县委宣传部、县教育和体育局、县文化广电和旅游局、团县委、县科协）"
SEED_CLAUSE_UNITS = ["县委宣传部", "县教育和体育局", "县文化广电和旅游局", "团县委", "县科协"]


def _in_page_order(page: str, ids: list[str]) -> list[str]:
    """The ids in the order their organization links first appear in a piece of HTML."""
    return sorted(ids, key=lambda i: page.index(f'href="/organization/{i}"'))


def test_units_appear_in_the_order_the_clause_lists_them(client, seeds_store):
    """The seed clause lists 县委宣传部 first: so do the task, action, document and organization pages, and so
    does `kg query accountability_matrix` (the same order as kg.table)."""
    tid = _one(seeds_store, "MATCH (o:Organization)-[r:RESPONSIBLE_FOR]->(t:Task) WHERE r.clause = $c RETURN t.id",
               c=SEED_CLAUSE)
    task = _json(client, f"/task/{tid}")
    assert [e["mention"] for e in task["edges"]] == SEED_CLAUSE_UNITS
    ids = [e["organization_id"] for e in task["edges"]]
    roles = client.get(f"/task/{tid}").text.split('class="rows roles"')[1].split("</table>")[0]
    assert _in_page_order(roles, ids) == ids
    names = [e["organization"] for e in task["edges"]]
    matrix = [r for r in run_named(seeds_store, "accountability_matrix", {"document": YOUYI}).records()
              if r["task"] == task["item"]["title"]]
    assert matrix[0]["task_responsible"] == names  # what `kg query` lists, in the same order

    doc = _json(client, f"/document/{task['item']['document_id']}")
    row = next(t for a in doc["table"] for t in a["tasks"] if t["task_id"] == tid)
    assert [e["mention"] for e in row["edges"]] == SEED_CLAUSE_UNITS
    page = client.get(f"/document/{task['item']['document_id']}").text
    cell = page.split(f'href="/task/{tid}"')[1].split("</tr>")[0]
    assert _in_page_order(cell, ids) == ids
    span = next(s for s in doc["spans"] if s["clause"] == SEED_CLAUSE)  # the clause panel lists them so too
    by_id = {e["edge_id"]: e["mention"] for e in doc["edges"]}
    assert [by_id[e] for e in span["edges"]] == SEED_CLAUSE_UNITS

    # an action's own clause: its units in the order its clause writes them, leads first
    action = _json(client, f"/action/{task['item']['action_id']}")
    clause = action["edges"][0]["clause"]
    assert len(action["edges"]) >= 2
    assert [e["mention"] for e in action["edges"]] == sorted((e["mention"] for e in action["edges"]), key=clause.index)
    # an organization's rows: in document order, and within a clause in the clause's order
    oid = _org_id(seeds_store, "友谊县科学技术协会")
    rows = _json(client, f"/organization/{oid}")["assignments"]
    youyi = [r["start"] for r in rows if r["document"] == YOUYI]
    assert youyi == sorted(youyi) and any(r["clause"] == SEED_CLAUSE for r in rows)


def test_unknown_ids_are_404_in_both_forms(client):
    for url in ("/organization/nope", "/document/nope", "/task/nope", "/action/nope", "/queries/nope", "/nowhere"):
        assert client.get(url).status_code == 404, url
        assert client.get(url, params={"format": "json"}).status_code == 404, url


# --------------------------------------------------------------------------- the query library


def test_query_form_is_built_from_the_header(client):
    page = client.get("/queries/actions_overview").text
    q = get_query("actions_overview")
    for p in q.params:
        assert f'name="{p.name}"' in page and str(escape(p.description)) in page
    assert str(escape(q.question)) in page
    assert str(escape(get_query("actions_overview", "sparql").text.splitlines()[0])) in page  # SPARQL twin beside
    listing = _json(client, "/queries")
    assert {r["name"] for r in listing["queries"]} >= {"partners", "accountability_matrix", "organization_responsibilities"}


def test_query_results_equal_the_library_and_say_how_many(client, seeds_store):
    whole = run_named(seeds_store, "accountability_matrix", {"document": "友谊县"})
    n = len(whole.rows)
    assert n > 20
    data = _json(client, "/queries/accountability_matrix?document=友谊县")
    assert data["rows"] == whole.records() and data["total"] == n  # the JSON twin is `kg query --format json`
    page = client.get("/queries/accountability_matrix", params={"document": "友谊县", "_size": 10, "_page": 2}).text
    assert f"rows 11–20 of {n}" in page
    r = client.get("/queries/accountability_matrix", params={"document": "友谊县", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == n + 1


def test_a_cut_query_says_so(client, seeds_store):
    lib = run_named(seeds_store, "organization_responsibilities", {"name": "县科协", "limit": 5})
    assert lib.truncated
    data = _json(client, "/queries/organization_responsibilities?name=县科协&limit=5")
    assert data["rows"] == lib.records() and (data["limit"], data["total"], data["truncated"]) == (5, lib.total, True)
    page = client.get("/queries/organization_responsibilities", params={"name": "县科协", "limit": 5}).text
    assert "rows 1–5 of 5" in page and f"{lib.total} rows in all" in page


def test_query_errors_are_shown_not_raised(client):
    r = client.get("/queries/workload", params={"limit": "ten"})
    assert r.status_code == 400 and "must be an integer" in r.text
    assert client.get("/queries/partners").status_code == 200  # the empty form
    assert client.get("/queries/partners", params={"format": "json"}).status_code == 400


def test_xlsx_download_when_the_exporter_exists(client):
    r = client.get("/queries/partners", params={"name": "县科协", "format": "xlsx"})
    page = client.get("/queries/partners", params={"name": "县科协"}).text
    if xlsx_writer() is None:
        assert r.status_code == 404 and "format=xlsx" not in page
        return
    import openpyxl

    assert r.status_code == 200 and "format=xlsx" in page
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    values = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any("友谊县科学技术协会" in [str(v) for v in row] for row in values)


# --------------------------------------------------------------------------- consoles


def test_cypher_console_reads_and_refuses_writes(client, seeds_store):
    data = _json(client, "/cypher?q=" + "MATCH (o:Organization) WHERE o.sector = $s RETURN count(o) AS n"
                 + "&params=s%3D科协")
    assert data["rows"][0][0] == _one(seeds_store, "MATCH (o:Organization) WHERE o.sector = '科协' RETURN count(o)")
    before = seeds_store.stats()
    for stmt in ("MATCH (o:Organization) DETACH DELETE o", "CREATE (:Organization {id: 'x'})",
                 "MATCH (o:Organization) SET o.name = 'x'"):
        r = client.get("/cypher", params={"q": stmt})
        assert r.status_code == 400 and 'class="error"' in r.text and "console never writes" in r.text, stmt
    assert seeds_store.stats() == before


@pytest.mark.slow
def test_sparql_page_and_protocol(client, seeds_store):
    data = _json(client, "/sparql?name=partners&params=name%3D县科协")
    cypher = run_named(seeds_store, "partners", {"name": "县科协"}).rows
    assert data["rows"] and [list(r) for r in data["rows"]] == [list(r) for r in cypher]  # the twins agree
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) > 1000
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 403
    r = client.get("/sparql", params={"query": "CLEAR ALL"}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 403



@pytest.mark.slow
def test_sparql_reads_the_persistent_copy_and_follows_the_store(tmp_path, seed_files):
    """The app answers SPARQL from the store's Oxigraph copy beside it (not an export held in memory), and
    opens a newer copy once a build has changed the store under the running app."""
    db = tmp_path / "kg.db"
    with EmbeddedStore(db) as s:
        s.load(parse_files(seed_files[:4]).graph)
    store = EmbeddedStore(db, read_only=True)
    q = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/kg-policy/ontology#Document> }"

    def documents(c: TestClient) -> int:
        r = c.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    try:
        with TestClient(create_app(store)) as c:
            assert documents(c) == 4
            first = sorted(p.name for p in (tmp_path / "kg.db.oxigraph").glob("v-*") if p.is_dir())
            assert len(first) == 1
            with EmbeddedStore(db) as w:
                w.load(parse_files(seed_files[4:]).graph)
            assert documents(c) == 5
            versions = {p.name for p in (tmp_path / "kg.db.oxigraph").glob("v-*") if p.is_dir()}
            assert len(versions - set(first)) == 1
    finally:
        store.close()


# --------------------------------------------------------------------------- safety


PAGES = ["/", "/?q=县科协", "/documents", "/queries", "/queries/partners?name=县科协", "/cypher", "/sparql"]


def test_every_response_carries_the_csp(client, seeds_store):
    oid = _org_id(seeds_store, "友谊县科学技术协会")
    urls = PAGES + [f"/organization/{oid}", f"/document/{_youyi_id(seeds_store)}", "/?format=json",
                    "/static/kg.css", "/assets/vis-network.min.js", "/nowhere"]
    for url in urls:
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in CSP and "unsafe-eval" not in CSP and "'unsafe-inline'" not in CSP.split("style-src")[0]


def test_no_inline_script(client, seeds_store):
    """Every <script> is a file of this server or a JSON data block: the CSP forbids the rest."""
    for url in PAGES + [f"/organization/{_org_id(seeds_store, '友谊县科学技术协会')}", f"/document/{_youyi_id(seeds_store)}"]:
        for tag in re.findall(r"<script[^>]*>", client.get(url).text):
            assert re.fullmatch(r'<script src="/(static|assets)/[\w.-]+"></script>|<script id="[\w-]+" type="application/json">',
                                tag + ("</script>" if "src=" in tag else "")), (url, tag)
        markup = re.sub(r"<script.*?</script>", "", client.get(url).text, flags=re.S)
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", markup), url  # no event-handler attributes


def test_no_route_accepts_writes(client, seeds_store):
    oid = _org_id(seeds_store, "友谊县科学技术协会")
    urls = PAGES + [f"/organization/{oid}", f"/organization/{oid}/graph", f"/document/{_youyi_id(seeds_store)}",
                    "/task/x", "/action/x", "/static/kg.css", "/assets/kg-viz.js"]
    before = seeds_store.stats()
    for url in urls:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            r = client.request(method, url, data={"q": "MATCH (o) DETACH DELETE o"})
            assert r.status_code == 405, (method, url, r.status_code)
    assert seeds_store.stats() == before
    assert seeds_store.read_only


@pytest.mark.slow
def test_hostile_text_stays_inert(hostile):
    c, store = hostile
    doc_id = _one(store, "MATCH (d:Document) RETURN d.id")
    evil_org = _one(store, "MATCH (o:Organization) WHERE o.name CONTAINS 'onerror' RETURN o.id")
    for url in (f"/document/{doc_id}", f"/organization/{evil_org}", "/?q=onerror", "/?q=%3Cscript%3E", "/",
                "/queries/organization_responsibilities?name=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(3)%3E局",
                "/cypher?q=MATCH+(d:Document)+RETURN+d.title"):
        page = c.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<img" not in page.lower(), url
    page = c.get(f"/document/{doc_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(3)&gt;" in page
    # the clause JSON and the graph JSON cannot close their script element
    blocks = re.findall(r'<script id="[\w-]+" type="application/json">(.*?)</script>', page, re.S)
    assert blocks and all("<" not in b and ">" not in b for b in blocks)
    data = _json(c, f"/document/{doc_id}")
    assert data["document"]["title"].startswith("<script>alert(1)</script>")  # data stays data in JSON


# --------------------------------------------------------------------------- CLI and packaging


def test_serve_command_binds_localhost_by_default():
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0 and "--host" in r.output and "127.0.0.1" in r.output and "--port" in r.output
    opts = {p.name: p.default for p in main.commands["serve"].params}
    assert opts["host"] == "127.0.0.1" and opts["port"] == 8001


def test_serve_refuses_a_missing_store(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none")])
    assert r.exit_code == 1 and "no kg store" in r.output


def test_web_queries_are_files_with_headers():
    from kg.web.queries import web_query

    files = sorted(web_query_dir().glob("*.cypher"))
    assert len(files) >= 20
    for f in files:
        q = web_query(f.stem)
        assert q.question and q.text.startswith("// question:")


@pytest.mark.external
def test_web_queries_pass_neo4j_checker():
    from test_cypher_lint import _skip_reason, lint

    if _skip_reason():
        pytest.skip(_skip_reason())
    res = lint(*sorted(web_query_dir().glob("*.cypher")))
    assert res.returncode == 0, res.stdout + res.stderr

"""The SPARQL twins (queries/*.rq) answer what the Cypher library answers; the endpoint is read-only.

Real pyoxigraph, the real embedded store, a real HTTP server on 127.0.0.1 queried with urllib.
Every (name.cypher, name.rq) pair runs with the same parameters on the same graph: the seed corpus
(rows in the same order) and a small generated corpus (40 plans with deadlines, lead-only tasks and
tasks without units, which the seeds lack; rows compared as multisets, since the ORDER BY of some
queries leaves ties there — e.g. two 县科协 of two counties with the same partner name).
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.library import list_queries, run_named
from kg.sparql import (LIST_SEPARATOR, SparqlError, UpdateRefused, open_sparql_store, projected, run_sparql,
                       serve, sparql_queries, sparql_store, update_keywords)
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
# The parameter values of tests/test_queries_backends.py.
PARAMS = {"text": "科学", "name": "县科协", "limit": 50, "n": 5, "document": "友谊县", "sector": "教育",
          "title": "提升行动", "jurisdiction": ""}
# Cypher queries without a SPARQL twin, with the reason (none: all 20 have one).
NO_TWIN: dict[str, str] = {}
# Where the RDF export itself says something else, the column and how the Cypher value maps to it.
EXPORT_NORMALISED = {
    # kg:basedOn targets are one node per NFKC-normalised title (kg.ids.stable_id), so （ ） and ( )
    # spellings of one cited title come out as one spelling.
    ("document_citations", "cited"): lambda v: unicodedata.normalize("NFKC", v) if v else v,
}


def _canon(name: str, columns: list[str], rows: list[list]) -> list[tuple]:
    out = []
    for row in rows:
        cells = []
        for col, v in zip(columns, row):
            f = EXPORT_NORMALISED.get((name, col))
            if f:
                v = f(v)
            if isinstance(v, list):
                v = tuple(sorted(v))
            elif isinstance(v, bool):
                pass
            elif isinstance(v, float) and v.is_integer():
                v = int(v)
            cells.append(v)
        out.append(tuple(cells))
    return out


def _params(query_name: str) -> dict:
    q = next(x for x in list_queries() if x.name == query_name)
    return {p.name: PARAMS[p.name] for p in q.params}


@pytest.fixture(scope="module")
def seed_stores(tmp_path_factory, seed_graph):
    from kg.align import with_alignments

    graph = with_alignments(seed_graph)
    emb = EmbeddedStore(tmp_path_factory.mktemp("sparql-emb") / "db")
    emb.load(graph)
    emb.replace_alignments(graph.alignments)
    yield emb, sparql_store(graph)
    emb.close()


@pytest.fixture(scope="module")
def generated_stores(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import write_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from kg.pipeline import collect_files, parse_files

    corpus = tmp_path_factory.mktemp("gen-corpus")
    write_corpus(corpus, 40, seed=7)
    from kg.align import with_alignments

    batch = parse_files(collect_files([corpus]))
    assert not batch.failures
    graph = with_alignments(batch.graph)
    emb = EmbeddedStore(tmp_path_factory.mktemp("sparql-gen") / "db")
    emb.load(graph)
    emb.replace_alignments(graph.alignments)
    yield emb, sparql_store(graph)
    emb.close()


# --------------------------------------------------------------------------- the twins

def test_every_cypher_query_has_a_twin_with_the_same_header():
    cypher = {q.name: q for q in list_queries()}
    sparql = {q.name: q for q in sparql_queries()}
    assert set(sparql) <= set(cypher), f"SPARQL queries without a Cypher twin: {set(sparql) - set(cypher)}"
    assert set(cypher) - set(sparql) == set(NO_TWIN), "a Cypher query lacks its .rq twin (or list it in NO_TWIN)"
    for name, rq in sparql.items():
        cy = cypher[name]
        assert rq.text.startswith("# question:") and rq.question == cy.question
        assert rq.params == cy.params, name
        assert "$" not in rq.question


@pytest.mark.parametrize("name", sorted({q.name for q in list_queries()} - set(NO_TWIN)))
def test_twin_agrees_on_the_seeds(seed_stores, name):
    emb, ox_store = seed_stores
    params = _params(name)
    a = run_named(emb, name, params)
    b = run_sparql(ox_store, name, params)
    assert b.columns == a.columns
    assert _canon(name, b.columns, b.rows) == _canon(name, a.columns, a.rows)  # same rows, same order
    assert a.rows or name in ("tasks_without_units", "tasks_lead_only", "organizations_in_many_documents",
                              "deadlines"), "a query that finds nothing on the seeds proves little"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted({q.name for q in list_queries()} - set(NO_TWIN)))
def test_twin_agrees_on_a_generated_corpus(generated_stores, name):
    emb, ox_store = generated_stores
    # every document (the default) where the filter is optional: the page of 50 rows is then cut from rows
    # of many plans, which checks that both engines page in the same total order
    params = _params(name)
    if "document" in params:
        params["document"] = "县" if name == "accountability_matrix" else ""
    a = run_named(emb, name, params)
    b = run_sparql(ox_store, name, params)
    assert b.columns == a.columns
    key = repr
    assert sorted(_canon(name, b.columns, b.rows), key=key) == sorted(_canon(name, a.columns, a.rows), key=key)
    assert a.rows or name in ("organizations_in_many_documents", "leading_group")  # the generator writes no groups


def _rows(rows):
    return [tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in row) for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(q.name for q in list_queries() if "limit" in {p.name for p in q.params}))
def test_a_cypher_page_is_the_head_of_the_listing_on_a_generated_corpus(generated_stores, name):
    """Pages cut from many plans: limit=k is the first k rows of the whole ordered listing (the queries that choose
    the first documents or organizations before counting keep the answer; 40 plans, in another order than loaded)."""
    emb, _ = generated_stores
    params = {p.name: PARAMS[p.name] for p in next(x for x in list_queries() if x.name == name).params if p.required}
    whole = _rows(run_named(emb, name, {**params, "limit": 100000}).rows)
    assert whole or name in ("organizations_in_many_documents", "leading_group")
    for k in (1, 2, 5, 17, 60):
        assert _rows(run_named(emb, name, {**params, "limit": k}).rows) == whole[:k], k


def test_values_are_plain_python(seed_stores):
    _, st = seed_stores
    rows = run_sparql(st, "documents_overview").records()
    youyi = next(r for r in rows if r["jurisdiction"] == "友谊县")
    assert (youyi["actions"], youyi["tasks"], youyi["edges"]) == (13, 35, 161)
    assert isinstance(youyi["actions"], int) and youyi["date"] == "2022-10-10"
    assert next(r for r in rows if r["jurisdiction"] == "江苏省")["date"] is None
    prov = run_sparql(st, "edge_provenance", {"name": "县农业农村局", "title": "农民科学素质提升行动"}).records()
    assert prov == [{"organization": "友谊县农业农村局", "unit": "县农业农村局", "title": "农民科学素质提升行动",
                     "role": "LEADS", "document": "友谊县全民科学素质行动规划纲要实施方案（2021—2025年）",
                     "file": "001_d3227398dcf91ff4.txt", "start": prov[0]["start"], "end": prov[0]["end"],
                     "clause": "（牵头单位：县农业农村局）"}]
    assert isinstance(prov[0]["start"], int)
    farmers = next(r for r in run_sparql(st, "actions_overview").records()
                   if r["action"] == "农民科学素质提升行动" and r["document"].startswith("友谊县"))
    assert farmers["leads"] == ["友谊县农业农村局"] and farmers["tasks"] == 4
    matrix = run_sparql(st, "accountability_matrix", {"document": "友谊县"}).records()
    youth = [r for r in matrix if r["action"] == "青少年科学素质提升行动"]
    assert youth[0]["action_leads"] == ["友谊县教育和体育局", "友谊县科学技术协会"] and youth[0]["task_leads"] == []
    assert all(LIST_SEPARATOR not in x for r in matrix for x in r["task_responsible"])


def test_limit_is_applied_after_the_order(seed_stores):
    _, st = seed_stores
    assert run_sparql(st, "co_responsibility", {"limit": 1}).records() == [
        {"organization_a": "历下区科学技术协会", "organization_b": "各成员单位", "shared": 22}]
    top = run_sparql(st, "workload", {"limit": 3}).records()
    assert len(top) == 3 and top[0] == {"organization": "友谊县科学技术协会", "jurisdiction": "友谊县", "leads": 4,
                                         "responsible": 31, "total": 35}
    assert run_sparql(st, "workload", {"limit": 0}).rows == []


def test_parameters_are_checked(seed_stores):
    _, st = seed_stores
    with pytest.raises(KgError, match="needs the parameter"):
        run_sparql(st, "partners", {})
    with pytest.raises(KgError, match="takes no parameter"):
        run_sparql(st, "partners", {"name": "x", "evil": "y"})
    with pytest.raises(KgError, match="integer"):
        run_sparql(st, "workload", {"limit": "ten"})
    with pytest.raises(SparqlError, match="no sparql query named"):
        run_sparql(st, "nope")
    with pytest.raises(SparqlError, match="must SELECT"):
        run_sparql(st, "SELECT ?s WHERE { ?s ?p ?o }", {"x": "1"})


@pytest.mark.parametrize("hostile", ['"} } DROP ALL #', "x\" . ?s ?p ?o } #", "a'b\"c", "line\nbreak\r\n}",
                                     "县科协\"@zh } UNION { ?o ?p ?q", "\\u0022 } #", "'}) DETACH DELETE n //"])
def test_hostile_parameters_are_data(seed_stores, hostile):
    _, st = seed_stores
    before = len(st)
    for name in ("partners", "organization_responsibilities", "organization_neighbourhood"):
        assert run_sparql(st, name, {"name": hostile}).rows == []
    assert run_sparql(st, "task_responsibility", {"text": hostile}).rows == []
    assert run_sparql(st, "edge_provenance", {"name": hostile, "title": hostile}).rows == []
    assert run_sparql(st, "accountability_matrix", {"document": hostile}).rows == []
    assert run_sparql(st, "sector_across_jurisdictions", {"sector": hostile}).rows == []
    assert len(st) == before


def test_ad_hoc_queries_and_parameters(seed_stores):
    _, st = seed_stores
    q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           SELECT ?o ?param_name_zh WHERE { ?o skos:altLabel ?param_name_zh }"""
    res = run_sparql(st, q, {"name": "区科协"})
    assert res.columns == ["o"] and len(res.rows) == 1
    assert res.rows[0][0].startswith("https://w3id.org/kg-policy/id/organization/")
    assert run_sparql(st, "ASK { ?s ?p ?o }").rows == [[True]]
    assert projected("SELECT ?a ?param_x WHERE { ?a ?b ?param_x }") == ["a", "param_x"]


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
    "LOAD <http://127.0.0.1:1/x.ttl>",
    "PREFIX kg: <https://w3id.org/kg-policy/ontology#> DELETE { ?s ?p ?o } WHERE { ?s a kg:Task ; ?p ?o }",
])
def test_updates_are_refused(seed_stores, update):
    _, st = seed_stores
    before = len(st)
    with pytest.raises(UpdateRefused, match="updates are refused"):
        run_sparql(st, update)
    assert len(st) == before


def test_escapes_outside_strings_are_refused(seed_stores):
    """Oxigraph reads \\u escapes only inside strings and IRIs; the guard refuses them elsewhere."""
    _, st = seed_stores
    with pytest.raises(SparqlError, match="only inside strings and IRIs"):
        run_sparql(st, "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_update_keywords_ignore_strings_iris_and_comments():
    assert update_keywords('SELECT ?x WHERE { ?x ?p "INSERT DATA" } # DELETE') == []
    assert update_keywords("SELECT ?x WHERE { ?x <urn:delete> ?insert }") == []
    assert update_keywords("CLEAR ALL ; INSERT DATA {}") == ["CLEAR", "INSERT"]


def test_federated_service_is_refused(seed_stores):
    _, st = seed_stores
    with pytest.raises(SparqlError, match="SERVICE"):
        run_sparql(st, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    with pytest.raises(SparqlError, match="only inside strings and IRIs"):
        run_sparql(st, "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")


# --------------------------------------------------------------------------- on disk

def test_on_disk_store_round_trip(tmp_path, seed_graph):
    path = tmp_path / "rdf.db"
    st = sparql_store(seed_graph, path=path)
    n = len(st)
    del st
    ro = open_sparql_store(path)
    assert len(ro) == n
    assert run_sparql(ro, "partners", {"name": "市科协"}).records()[0] == {
        "organization": "临沂市科学技术协会", "partner": "中共临沂市委宣传部", "shared": 8}
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("x")
    with pytest.raises(KgError, match="not an Oxigraph store"):
        sparql_store(seed_graph, path=foreign)
    with pytest.raises(KgError, match="no Oxigraph store"):
        open_sparql_store(tmp_path / "missing")


# --------------------------------------------------------------------------- HTTP

def _get(url: str, accept: str = "application/sparql-results+json"):
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.headers.get("Content-Type"), r.read()


def _post(url: str, body: bytes, ctype: str, accept: str = "application/sparql-results+json"):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype, "Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, seed_graph):
    path = tmp_path_factory.mktemp("rdf") / "store"
    del_me = sparql_store(seed_graph, path=path)
    n = len(del_me)
    del del_me
    server = serve(path, port=0)
    yield server, n
    server.close()


@pytest.mark.external
def test_endpoint_answers_a_library_query(endpoint, seed_stores):
    server, _ = endpoint
    assert server.server_address[0] == "127.0.0.1" and server.port > 0
    # the library text with its optional document filter written in as "" (every document)
    text = next(q for q in sparql_queries() if q.name == "documents_overview").text
    # (the projections, of the query and of its page's sub-select, drop it; the page's LIMIT stays 100)
    text = re.sub(r"(SELECT[^\n]*) \?param_document\n", r"\1\n", text).replace("?param_document", '""')
    status, ctype, body = _get(server.url + "?" + urllib.parse.urlencode({"query": text}))
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["jurisdiction", "level", "document", "date", "actions", "tasks",
                                    "organizations", "edges"]
    got = [[b.get(v, {}).get("value") for v in data["head"]["vars"]] for b in data["results"]["bindings"]]
    want = run_named(seed_stores[0], "documents_overview", {}).rows
    assert [[int(x) if x and x.isdigit() else x for x in row] for row in got] == want
    # POST application/sparql-query and form-encoded; CSV and TSV by Accept
    status, ctype, body = _post(server.url, text.encode("utf-8"), "application/sparql-query", "text/csv")
    assert status == 200 and ctype.startswith("text/csv")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "jurisdiction,level,document,date,actions,tasks,organizations,edges" and len(lines) == 6
    status, ctype, body = _post(server.url, urllib.parse.urlencode({"query": text}).encode(),
                                "application/x-www-form-urlencoded", "text/tab-separated-values")
    assert status == 200 and ctype.startswith("text/tab-separated-values") and body.count(b"\n") >= 6


@pytest.mark.external
def test_endpoint_refuses_updates_and_keeps_the_store(endpoint):
    server, n = endpoint
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = json.loads(_get(server.url + "?" + urllib.parse.urlencode({"query": count}))[2])
    update = "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"
    for status, _ctype, body in (
        _post(server.url, update.encode(), "application/sparql-update"),
        _post(server.url, urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        _post(server.url, update.encode(), "application/sparql-query"),
        _post(server.url + "?" + urllib.parse.urlencode({"update": update}), b"", "application/sparql-update"),
    ):
        assert status == 403, body
        assert b"read-only" in body
    try:
        _get(server.url + "?" + urllib.parse.urlencode({"update": update}))
        raise AssertionError("GET ?update= was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 403
    after = json.loads(_get(server.url + "?" + urllib.parse.urlencode({"query": count}))[2])
    assert after == before and int(after["results"]["bindings"][0]["n"]["value"]) > 0
    assert len(server.store) == n


@pytest.mark.external
def test_endpoint_errors_are_clear(endpoint):
    server, _ = endpoint
    status, _, body = _post(server.url, b"SELECT ?x WHERE { ?x ", "application/sparql-query")
    assert status == 400 and b"syntax" in body
    status, _, body = _post(server.url, b"SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
                            "application/sparql-query")
    assert status == 400 and b"SERVICE" in body
    status, _, _ = _post(server.url, b"{}", "application/json")
    assert status == 415


def test_endpoint_binds_only_to_localhost(seed_graph):
    with pytest.raises(KgError, match="localhost only"):
        serve(ox.Store(), host="0.0.0.0")
    with pytest.raises(KgError, match="localhost only"):
        serve(ox.Store(), host="127.0.0.2")


# --------------------------------------------------------------------------- pages chosen in the query

def _paged_in_query():
    from kg.sparql import PAGE_RE

    return sorted(q.name for q in sparql_queries() if PAGE_RE.search(q.text))


@pytest.mark.parametrize("name", _paged_in_query())
def test_a_page_chosen_in_the_query_has_the_rows_and_total_of_the_whole_listing(seed_stores, name):
    """A query that picks its page (LIMIT 100 # page) and counts with queries/NAME.count.rq gives the head of the
    listing without a limit, and that listing's length as the total."""
    _, ox_store = seed_stores
    q = next(x for x in sparql_queries() if x.name == name)
    assert q.count is not None  # queries/NAME.count.rq, read with the query
    params = {k: v for k, v in _params(name).items() if k != "limit"}
    for p in ([params, {**params, "document": ""}] if "document" in params else [params]):
        whole = run_sparql(ox_store, name, {**p, "limit": None})
        assert whole.total == len(whole.rows) and not whole.truncated
        for k in (0, 1, 2, 5, len(whole.rows), len(whole.rows) + 1):
            page = run_sparql(ox_store, name, {**p, "limit": k})
            assert page.rows == whole.rows[:k], k
            assert page.total == len(whole.rows) and page.truncated == (k < len(whole.rows)), k


def test_count_forms_are_not_library_queries():
    assert not [q.name for q in sparql_queries() if q.name.endswith(".count")]

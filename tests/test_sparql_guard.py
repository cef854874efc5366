"""The SPARQL guard (kg/sparql_guard.py): one read query, no SERVICE, whatever the spelling.

Real pyoxigraph, real rdflib, a real TCP listener on 127.0.0.1 standing for "the network": every
SERVICE in these tests points at it, and a test fails if anything connects to it when the guard
passed the query.  The bypasses of issue 17 (a comment ended by CR, ``1SERVICE``) are regression
tests; a hypothesis fuzzer (fixed seed) glues comments, strings, IRIs, digits and unicode around
the keyword and checks that what the guard passes neither connects nor changes the store.
"""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.library import bind, list_queries
from kg.sparql import param_substitutions, run_sparql, sparql_queries, sparql_store, to_literal
from _net import Listener
from kg.sparql_guard import (ServiceRefused, SparqlError, UpdateRefused, _rdflib_check, guard, tokens,
                             update_keywords)

ROOT = Path(__file__).resolve().parents[1]
# The parameter values of tests/test_sparql.py.
_PARAMS = {"text": "科学", "name": "县科协", "limit": 50, "n": 5, "document": "友谊县", "sector": "教育",
           "title": "提升行动"}


@pytest.fixture(scope="module")
def listener():
    lst = Listener()
    yield lst
    lst.close()


def _small_store() -> ox.Store:
    st_ = ox.Store()
    st_.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"v{i}")) for i in range(3)]
               + [ox.Quad(ox.NamedNode("urn:s0"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:g")),
                  ox.Quad(ox.NamedNode("urn:n"), ox.NamedNode("urn:p"),
                          ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))])
    return st_


def _quads(store: ox.Store) -> set:
    return set(store.quads_for_pattern(None, None, None, None))


# --------------------------------------------------------------------------- the listener is a real witness

def test_the_listener_sees_what_an_unguarded_engine_does(listener):
    """Without the guard, pyoxigraph itself connects: the bypasses of issue 17, run raw."""
    store = _small_store()
    for raw in (f"SELECT * WHERE {{ # x\r SERVICE <{listener.url}> {{ ?s ?p ?o }} \n }}",
                f"SELECT * WHERE {{ ?s ?p 1SERVICE <{listener.url}> {{ ?a ?b ?c }} }}"):
        before = listener.connections
        try:
            list(store.query(raw))
        except OSError:
            pass
        assert listener.connections > before, raw


# --------------------------------------------------------------------------- bypasses and nesting

def _bypasses(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ # x\r SERVICE <{url}> {{ ?s ?p ?o }} \n }}",           # comment ended by CR
        f"SELECT * WHERE {{ # x\r\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }} }}",              # a digit glued on
        f"SELECT * WHERE {{ ?s ?p 1.5SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p \"x\"SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",          # keyword + prefixed name
        f"SELECT * WHERE {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ＳＥＲＶＩＣＥ <{url}> {{ ?s ?p ?o }} }}",               # full width (NFKC)
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ '''a'b''' SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def _nested(url: str) -> list[str]:
    s = f"SERVICE <{url}> {{ ?a ?b ?c }}"
    return [
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {s} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {s} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?a WHERE {{ {s} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {s} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {s} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o BIND(EXISTS {{ {s} }} AS ?e) }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ {s} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ {s} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o LATERAL {{ {s} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {{ ?x ?y ?z }} UNION {{ {s} }} }} }} }} }}",
        f"ASK {{ {s} }}",
        f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ {s} }}",
        f"DESCRIBE ?a WHERE {{ {s} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ {s} }})",
        f"SELECT (EXISTS {{ {s} }} AS ?e) WHERE {{ }}",
    ]


@pytest.mark.parametrize("i", range(len(_bypasses("u")) + len(_nested("u"))))
def test_service_is_refused_in_every_spelling_and_nesting(listener, i):
    query = (_bypasses(listener.url) + _nested(listener.url))[i]
    store = _small_store()
    before, quads = listener.connections, _quads(store)
    with pytest.raises(SparqlError) as err:
        run_sparql(store, query)
    assert isinstance(err.value, ServiceRefused) or "cannot read" in str(err.value)
    assert listener.connections == before and _quads(store) == quads


@pytest.mark.parametrize("i", range(len(_nested("u"))))
def test_the_parser_layer_alone_finds_nested_service(i):
    """The second check — rdflib's parse tree and algebra — refuses SERVICE by itself too."""
    query = _nested("http://127.0.0.1:9/sparql")[i].replace("LATERAL", "OPTIONAL")
    with pytest.raises(ServiceRefused):
        _rdflib_check(query, [])


def test_the_word_may_sit_in_strings_and_comments(listener):
    store = _small_store()
    before = listener.connections
    for text in (f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "SERVICE <{listener.url}> {{ ?a ?b ?c }}") }}',
                 f"SELECT * WHERE {{ ?s ?p ?o # SERVICE <{listener.url}> {{ ?a ?b ?c }}\n }}",
                 "SELECT * WHERE { ?s ?p ?o FILTER(?o != '''it''s \"SERVICE\" {}''') }"):
        assert len(run_sparql(store, text).rows) == 5, text
    assert listener.connections == before


def test_what_runs_is_the_guards_text():
    """Comments gone, strings rewritten with nothing but letters, digits, spaces and \\u escapes."""
    g = guard("SELECT ?x # note\r WHERE { ?x ?p 'a\"b\\'c\\n{<#>}' . ?x ?p \"\"\"x\ny\"\"\" }")
    assert "#" not in g.text and "note" not in g.text
    assert g.text == ('SELECT ?x \r WHERE { ?x ?p "a\\u0022b\\u0027c\\u000A\\u007B\\u003C\\u0023\\u003E\\u007D" . '
                      '?x ?p "x\\u000Ay" }')
    assert g.form == "SELECT" and g.projected == ("x",)
    store = _small_store()
    store.add(ox.Quad(ox.NamedNode("urn:q"), ox.NamedNode("urn:p"), ox.Literal("a\"b'c\n{<#>}")))
    assert run_sparql(store, "SELECT ?x WHERE { ?x ?p 'a\"b\\'c\\n{<#>}' }").rows == [["urn:q"]]


def test_unreadable_text_is_refused_not_guessed():
    for text, why in (("SELECT * WHERE { ?s ?p ?o } \\", "cannot read"),
                      ("SELECT * WHERE { ?s ?p \u2603 }", "cannot read"),
                      ("SELECT * WHERE { ?s ?p <urn:\\u003E> }", "IRIs cannot hold"),
                      ("SELECT * WHERE { ?s ?p ", "syntax error"),
                      ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", "syntax error"),  # rdflib lacks RDF-star
                      ("", "empty"),
                      ("HELLO", "not a SPARQL query"),
                      ("SELECT * WHERE " + "{ " * 400 + "}" * 400, "nested too deeply"),
                      ("SELECT * WHERE { ?s ?p ?o }" + " " * 200_001, "characters long"),
                      ("SELECT * WHERE { ?s ?p '\ud800' }", "not valid Unicode")):
        with pytest.raises(SparqlError, match=why):
            guard(text)


def test_the_lexer_follows_the_engine():
    kinds = [(t.kind, t.text) for t in tokens("?a#c\r?b<urn:x>'s'1SERVICE") if t.kind != "ws"]
    assert kinds == [("var", "?a"), ("comment", "#c"), ("var", "?b"), ("iri", "urn:x"), ("string", "s"),
                     ("number", "1"), ("name", "SERVICE")]


# --------------------------------------------------------------------------- updates

def _updates(url: str) -> list[str]:
    t = "<urn:a> <urn:b> <urn:c>"
    return [
        f"INSERT DATA {{ {t} }}", f"DELETE DATA {{ {t} }}", "DELETE WHERE { ?s ?p ?o }",
        'DELETE { ?s ?p ?o } INSERT { ?s ?p "x" } WHERE { ?s ?p ?o }',
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:g>",
        "CLEAR ALL", "CLEAR DEFAULT", "CLEAR NAMED", "CLEAR GRAPH <urn:g>",
        "DROP ALL", "DROP SILENT GRAPH <urn:g>", "CREATE GRAPH <urn:new>",
        "ADD DEFAULT TO <urn:g>", "MOVE <urn:g> TO DEFAULT", "COPY DEFAULT TO <urn:g>",
        "PREFIX ex: <urn:> INSERT DATA { ex:a ex:b ex:c }", f"insert data {{ {t} }}",
        f"# a comment\r INSERT DATA {{ {t} }}", f"CLEAR ALL ; INSERT DATA {{ {t} }}",
        f"BASE <urn:> PREFIX e: <urn:e> DELETE WHERE {{ ?s ?p ?o }} ; LOAD <{url}>",
    ]


@pytest.mark.parametrize("i", range(len(_updates("u"))))
def test_every_kind_of_update_is_refused(listener, i):
    update = _updates(listener.url)[i]
    store = _small_store()
    before, quads = listener.connections, _quads(store)
    with pytest.raises(UpdateRefused, match="updates are refused"):
        run_sparql(store, update)
    assert listener.connections == before and _quads(store) == quads


def test_a_query_followed_by_an_update_is_refused():
    with pytest.raises(SparqlError):
        guard("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_the_parser_layer_names_updates():
    with pytest.raises(UpdateRefused):
        _rdflib_check("DELETE WHERE { ?s ?p ?o }", ["DELETE"])


def test_update_keywords_ignore_strings_iris_and_comments():
    assert update_keywords('SELECT ?x WHERE { ?x ?p "INSERT DATA" } # DELETE') == []
    assert update_keywords("SELECT ?x WHERE { ?x <urn:delete> ?insert }") == []
    assert update_keywords("CLEAR ALL ; INSERT DATA {}") == ["CLEAR", "INSERT"]


# --------------------------------------------------------------------------- the library still passes

@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(q.name for q in sparql_queries()))
def test_every_named_query_passes_and_means_the_same(seed_graph_store, name):
    """The guard's text gives the rows the text as written gives (same substitutions, seed store)."""
    q = next(x for x in sparql_queries() if x.name == name)
    g = guard(q.text)
    assert g.form == "SELECT"
    store = seed_graph_store
    given = {p.name: _PARAMS[p.name] for p in q.params if p.name in _PARAMS}
    bound = bind(q, given)
    bound.pop("limit", None)  # kg applies limit to the rows, not in the text
    subs = {ox.Variable(k): to_literal(v) for k, v in param_substitutions(q.text, bound).items()}

    def rows(text: str) -> list:
        return [[str(x) for x in sol] for sol in store.query(text, substitutions=subs, use_default_graph_as_union=True)]

    assert rows(g.text) == rows(q.text)
    assert rows(g.text) or name in ("tasks_without_units", "tasks_lead_only", "organizations_in_many_documents",
                                    "deadlines"), "an empty answer proves little"


@pytest.fixture(scope="module")
def seed_graph_store(seed_graph):
    from kg.align import with_alignments

    return sparql_store(with_alignments(seed_graph))


def test_every_cypher_query_name_has_a_guarded_twin():
    assert {q.name for q in sparql_queries()} <= {q.name for q in list_queries()}


# --------------------------------------------------------------------------- the second line: the sandbox

def test_query_workers_cannot_open_a_network_socket_or_write_a_file(listener, tmp_path):
    """Behind the guard, a worker process cannot connect even if handed a raw SERVICE query."""
    code = f"""
import pyoxigraph as ox
from kg.sandbox import deny_network_and_writes
assert deny_network_and_writes()
st = ox.Store()
try:
    list(st.query("SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
except OSError as e:
    print("refused:", e)
try:
    open({str(tmp_path / 'x.txt')!r}, "w")
except OSError as e:
    print("refused:", e)
"""
    before = listener.connections
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("refused:") == 2 and "Permission denied" in out.stdout
    assert listener.connections == before and not (tmp_path / "x.txt").exists()


# --------------------------------------------------------------------------- the fuzzer

_OPENERS = ["#", "# SERVICE", '"', "'", '"""', "'''", "<", "<http://x/#", "\\", "\\u0022", "\\u0027", "\\u000A"]
_CLOSERS = ["\n", "\r", "\r\n", '"', "'", '"""', "'''", ">", "}", "{", ".", ";", "\\\"", "\\'"]
_BITS = ["1", "1.", ".5", "1e3", "-1", "+2", "0", "?v", "$v", "_:b", "a", ":", "ex:", "e:x", "<urn:x>",
         "\u00a0", "\u200b", "\ufeff", "\u2028", "\u0085", "\u3000", "é", "变量", "ſ", "\f", "\t", " ", "",
         '"s"', "'s'", '"a\\"b"', "'a\\'b'", '"""q"q"""', "'''q'q'''", '"\\u0022"', '"\\\\"', "@zh", "^^",
         "(", ")", "[", "]", ",", "|", "^", "!", "=", "*", "&&", "FILTER", "OPTIONAL", "UNION", "LATERAL",
         "SELECT", "WHERE", "GRAPH", "EXISTS", "NOT", "MINUS", "BIND", "AS", "VALUES", "SILENT"]
_KEYWORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "ＳＥＲＶＩＣＥ", "ſervice", "\\u0053ERVICE",
             "SERV\\u0049CE", "SERVICE:", "1SERVICE", "SERVICE\u200b", "S\u00adERVICE"]
_WRAPS = ["{}", "OPTIONAL {{ {} }}", "{{ ?x ?y ?z }} UNION {{ {} }}", "FILTER EXISTS {{ {} }}",
          "{{ SELECT * WHERE {{ {} }} }}", "LATERAL {{ {} }}", "MINUS {{ {} }}", "GRAPH ?g {{ {} }}"]

_glue = st.lists(st.sampled_from(_OPENERS + _CLOSERS + _BITS), max_size=5).map("".join)


_NOISE = st.lists(st.sampled_from(['\\"', "\\'", "\\\\", "\\u0022", "\\u0027", "\\n", "x", "'", '"', "é", "#"]),
                  max_size=3).map("".join)


@st.composite
def _hostile(draw: st.DrawFn, url: str) -> str:
    """A query with a SERVICE clause to ``url`` hidden (or not) in a comment, a string, after a digit or in glue."""
    mode = draw(st.sampled_from(["comment", "string", "digit", "glue"]))
    sep = draw(st.sampled_from(["", " ", "\t"] if mode == "string" else ["", " ", "\t", "\n", "\r"]))
    keyword = draw(st.one_of(st.sampled_from(_KEYWORDS[:4]), st.sampled_from(_KEYWORDS)))  # half spell it plainly
    service = f"{keyword}{sep}<{url}> {{ ?a ?b ?c }}"
    if mode == "comment":  # SPARQL ends a comment at CR or LF, nothing else
        ending = draw(st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\u0085", "\f", "\v", "\x1c", ""]))
        text = draw(st.sampled_from(["", " x", ' "', " '''", " <", " }", " \\", " SERVICE"]))
        clause = f"#{text}{ending} {service} \n"
    elif mode == "string":
        quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
        close = draw(st.sampled_from([quote, quote, quote, '"', "'", ""]))
        clause = f"FILTER(?o != {quote}{draw(_NOISE)}{service}{draw(_NOISE)}{close})"
    elif mode == "digit":
        clause = f"?s ?p {draw(st.sampled_from(['1', '01', '+1', '1.', '1e0']))}{service}"
    else:
        clause = draw(_glue) + service + draw(_glue)
    body = draw(st.sampled_from(_WRAPS)).format(clause)
    head = draw(st.sampled_from(["SELECT * WHERE", "SELECT ?s WHERE", "ASK", "CONSTRUCT WHERE",
                                 "PREFIX ex: <urn:>\nSELECT * WHERE"]))
    return f"{head} {{ ?s ?p ?o . {body} {draw(_glue)} }}"


@pytest.mark.slow
def test_fuzz_nothing_the_guard_passes_reaches_the_network_or_the_store(listener):
    store = _small_store()
    quads = _quads(store)
    seen: Counter = Counter()

    @settings(derandomize=True, max_examples=200, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(query=_hostile(listener.url))
    def prop(query: str) -> None:
        before = listener.connections
        try:
            run_sparql(store, query)
            seen["passed"] += 1
        except SparqlError:
            seen["refused"] += 1
        assert listener.connections == before, f"connected: {query!r}"
        assert _quads(store) == quads, f"store changed: {query!r}"
        try:  # the same text with no guard: does the fuzzer make real attacks?
            result = store.query(query, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
        if listener.connections > before:
            seen["raw engine connected"] += 1

    prop()
    assert seen["passed"] >= 10 and seen["refused"] >= 10, seen
    assert seen["raw engine connected"] >= 10, seen  # the generated queries include working bypasses

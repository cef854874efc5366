"""SHACL Core checks run as SPARQL on an Oxigraph store: how `kg validate` checks big graphs.

Why: pyshacl walks the data in Python, one focus node at a time (457 s and 3 GB at 200 plans).
Here every constraint of ontology/shapes.ttl becomes a SPARQL SELECT that finds the offending
nodes, generated from the shapes graph (a new shape needs no new code) and evaluated by Oxigraph
in Rust.  A SHACL feature the translator does not implement is refused (:class:`UnsupportedShape`),
never skipped silently.  The results are those pyshacl gives (tests/test_validate.py checks both
ways): the same focus node, path, value, constraint component, source shape and message, nested
``sh:node`` results (pyshacl's ``sh:detail``) included.

How the queries are shaped, from measurements on a 2,000-plan graph (13.6 M triples):
* A check first runs over every node that could be a focus node (``?this <p> ?v`` for a value
  check, all objects of ``p`` for a nested ``sh:node``); only the few offenders are then matched
  against the shape's own focus nodes.  The same text serves every shape sharing a property shape
  (kgsh:provenanceProperty is used by nine), so it runs once (cached by text).
* Each triple pattern sits in its own sub-select, so that Oxigraph joins big inputs by hashing
  (3 s) rather than by an index lookup per row (21 s); class membership is a hashed OPTIONAL, not
  an EXISTS per row.
* Known difference, from the store and not the translator: Oxigraph keeps the integer subtypes
  (xsd:nonNegativeInteger, xsd:int …) as xsd:integer, so ``sh:datatype xsd:nonNegativeInteger``
  accepts an xsd:integer that is ≥ 0 (pyshacl refuses it); kg's exporter never writes one.
* ``sh:sparql`` constraints run once for all focus nodes, their ``$this`` joined to the targets
  rather than pre-bound: the query must bind ``$this`` in its own pattern and SELECT it.  Those of
  shapes.ttl run in an equivalent form Oxigraph evaluates faster (:data:`OXIGRAPH_FORMS`).
* The checks are first evaluated dry (:meth:`ShaclSparql.plan`: every query answers nothing) to list
  the queries that run whatever the data; these run in ``workers`` threads (pyoxigraph releases the
  GIL), then the checks read them and run the few queries that depend on the offenders found.
* One sh:minCount on one path shared by several shapes is one query (the path read once).
* sh:minCount 1 and sh:maxCount on a path that is an IRI or its inverse are first proved by counts
  (:meth:`ShaclSparql._at_most_one`, :meth:`ShaclSparql._every_node_has`: one hashing pass, a third to
  a half of the GROUP BY or MINUS that finds offenders); that query runs only when the counts fail.
* An expression names the value once where it can (Oxigraph reads a term's text at each mention).
* ``sh:or ( [ sh:class A ] [ sh:class B ] )`` alone is a MINUS per class, like sh:class.
* Value tests run on the distinct values of the path, then the failing values are joined back to
  their nodes: evaluating an expression on a term makes Oxigraph read its text (a lookup per row),
  and values repeat.  A test of classes alone is a MINUS per class instead of OPTIONAL flags.
* What bounds it (2,000 plans, 13.6 M statements): one scan of every statement costs Oxigraph ~6 s of
  CPU, a GROUP BY or hash join 2-4x a scan of its input, and each constrained path is read by two to
  four checks (minCount, maxCount, value tests, class): ~48 s of CPU in ~150 queries, half of it counts.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

import pyoxigraph as ox

from kg.errors import Advice, KgError
from kg.shacl_messages import Result, pyshacl_message

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

VALUE_TESTS = ("class", "datatype", "nodeKind", "in", "minLength", "maxLength", "pattern", "minInclusive",
               "maxInclusive", "minExclusive", "maxExclusive", "languageIn", "or", "and", "not", "xone")
"""Parameters checked on each value node alone: each becomes a SPARQL expression."""
SUPPORTED = set(VALUE_TESTS) | {
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "path", "message",
    "severity", "deactivated", "name", "description", "order", "group", "defaultValue", "flags",
    "minCount", "maxCount", "hasValue", "lessThan", "lessThanOrEquals", "node", "sparql", "declare", "prefixes",
}
"""The sh: predicates a shape may use; any other is refused (sh:closed, sh:equals, sh:qualifiedValueShape …)."""
COMPONENT = {"class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "in": "In", "minLength": "MinLength",
             "maxLength": "MaxLength", "pattern": "Pattern", "minInclusive": "MinInclusive",
             "maxInclusive": "MaxInclusive", "minExclusive": "MinExclusive", "maxExclusive": "MaxExclusive",
             "languageIn": "LanguageIn", "or": "Or", "and": "And", "not": "Not", "xone": "Xone",
             "minCount": "MinCount", "maxCount": "MaxCount", "hasValue": "HasValue", "lessThan": "LessThan",
             "lessThanOrEquals": "LessThanOrEquals", "node": "Node", "sparql": "SPARQL"}
_INTEGER_RANGES: dict[str, tuple[Optional[int], Optional[int]]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1),
    "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255)}
_CASTS = {"date", "dateTime", "time"}  # well-formed when the cast of the text succeeds
_NODE_KINDS = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
               "BlankNodeOrIRI": "!isLiteral({v})", "BlankNodeOrLiteral": "!isIRI({v})",
               "IRIOrLiteral": "!isBlank({v})"}
VALUES_CHUNK = 500
MAX_WORKERS = 2  # threads running the checks' queries at once (default: one per core, up to this; each
# thread's hash joins take their own memory)


OXIGRAPH_FORMS: dict[str, str] = {}
"""sh:select texts of ontology/shapes.ttl (whitespace collapsed) → an equivalent query that Oxigraph runs
faster: each triple pattern in its own sub-select, so that Oxigraph joins the big inputs by hashing
instead of looking each row up (the join of basic graph patterns is commutative and a sub-select
projecting all of one pattern's variables is that pattern, so the solutions are the same ones).
shapes.ttl keeps the readable form, which pyshacl runs once per focus node, where the lookups are
the fast way.  A text that changes in shapes.ttl no longer matches and runs as written (correct,
slower); tests/test_validate.py checks every entry is used and reports what pyshacl reports."""


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _oxigraph_form(original: str, fast: str) -> None:
    OXIGRAPH_FORMS[_normalised(original)] = fast


_oxigraph_form("""
            SELECT $this ?value WHERE {
                $this kg:textLength ?len .
                ?span oa:hasSource $this ; oa:hasSelector ?value .
                ?value oa:end ?end .
                FILTER (?end > ?len)
            }""", """SELECT $this ?value WHERE {
    { SELECT ?value ?end WHERE { ?value oa:end ?end } }
    { SELECT ?span ?value WHERE { ?span oa:hasSelector ?value } }
    { SELECT ?span $this WHERE { ?span oa:hasSource $this } }
    { SELECT $this ?len WHERE { $this kg:textLength ?len } }
    FILTER (?end > ?len)
}""")
# shapes.ttl's constraint that every assignment has its direct triple, as written there
_DIRECT_TRIPLE_SELECT = """
            SELECT $this ?value WHERE {
                ?value kg:provenance/oa:hasSource $this .
                ?target prov:qualifiedAttribution ?value .
                ?value prov:agent ?agent ; dcat:hadRole ?role .
                BIND (IF(?role = kg:Leads, kg:leads, kg:responsibleFor) AS ?p)
                FILTER NOT EXISTS { ?agent ?p ?target }
            }"""
_oxigraph_form(_DIRECT_TRIPLE_SELECT, """SELECT $this ?value WHERE {
    { SELECT ?target ?value WHERE { ?target prov:qualifiedAttribution ?value } }
    { SELECT ?value ?agent WHERE { ?value prov:agent ?agent } }
    { SELECT ?value ?role WHERE { ?value dcat:hadRole ?role } }
    { SELECT ?value ?_span WHERE { ?value kg:provenance ?_span } }
    { SELECT ?_span $this WHERE { ?_span oa:hasSource $this } }
    BIND (IF(?role = kg:Leads, kg:leads, kg:responsibleFor) AS ?p)
    MINUS { SELECT ?agent ?p ?target WHERE { ?agent ?p ?target VALUES ?p { kg:leads kg:responsibleFor } } }
}""")
# FILTER NOT EXISTS looks each row up; MINUS hashes the leads and responsibleFor triples once.  Equal here:
# ?agent, ?p and ?target are always bound (?role = kg:Leads is false, never an error, for any other term),
# and ?p is one of the two predicates listed, so a row is removed exactly when its triple exists.

OXIGRAPH_CANDIDATES: dict[str, tuple[str, str]] = {}
"""sh:select texts (whitespace collapsed) → (a query whose one column ``var`` holds every value of ``var``
in the solutions of the sh:select, usually a few, and is cheaper: the sh:select with conjuncts left out,
so its solutions can only be more; the variable).  The faster form then runs only for those values
(VALUES), which gives the same solutions.  Checked by tests/test_validate.py like OXIGRAPH_FORMS."""
OXIGRAPH_CANDIDATES[_normalised(_DIRECT_TRIPLE_SELECT)] = ("""SELECT DISTINCT ?value WHERE {
    { SELECT ?target ?value WHERE { ?target prov:qualifiedAttribution ?value } }
    { SELECT ?value ?agent WHERE { ?value prov:agent ?agent } }
    { SELECT ?value ?role WHERE { ?value dcat:hadRole ?role } }
    BIND (IF(?role = kg:Leads, kg:leads, kg:responsibleFor) AS ?p)
    MINUS { SELECT ?agent ?p ?target WHERE { ?agent ?p ?target VALUES ?p { kg:leads kg:responsibleFor } } }
}""", "value")
# the assignments whose direct triple is missing, without the path to their document ($this): two joins of
# 5.4 M statements fewer at 2,000 plans; the document is then found for those alone


class UnsupportedShape(KgError):
    """A shape uses a SHACL feature the SPARQL translator does not implement."""


@dataclass(frozen=True)
class Hit:
    """One validation result, as pyshacl would report it (terms: focus/value from the data store,
    shape/path/messages from the shapes graph, as rdflib terms)."""

    focus: Any  # pyoxigraph term
    shape: Any  # rdflib node of the source shape
    component: str  # e.g. MinCountConstraintComponent
    path: Any = None  # rdflib path node (shapes graph), or an rdflib URIRef from a SPARQL ?path
    value: Any = None  # pyoxigraph term
    messages: tuple = ()  # rdflib Literals
    severity: str = "Violation"


# --------------------------------------------------------------------------------------------
# Terms and paths
# --------------------------------------------------------------------------------------------

def _n3(term: Any, where: str) -> str:
    """An rdflib IRI or literal as SPARQL text; a blank node cannot be written in a query."""
    import rdflib

    if isinstance(term, rdflib.BNode):
        raise UnsupportedShape(f"{where}: a blank node here cannot be written in SPARQL; use an IRI")
    return term.n3()


def ox_text(term: Any) -> str:
    """A pyoxigraph term (IRI or literal) as SPARQL text."""
    return str(term)


class Focus:
    """The focus nodes of a shape: ``pattern(var)`` binds exactly them; ``superset`` (binding ?this)
    may bind more, and is cheap and shared between shapes."""

    exact = True
    key = ""

    def pattern(self, var: str, fresh: Callable[[], str]) -> str:
        raise NotImplementedError

    @property
    def superset(self) -> str:
        return self.pattern("?this", _fresh_vars())


def _fresh_vars() -> Callable[[], str]:
    n = iter(range(10**9))
    return lambda: f"?_f{next(n)}"


@dataclass
class TargetFocus(Focus):
    """sh:targetClass / targetNode / targetSubjectsOf / targetObjectsOf (atoms with {v} and {t})."""

    atoms: list[str]

    def __post_init__(self) -> None:
        self.key = "T:" + "|".join(self.atoms)

    def pattern(self, var: str, fresh: Callable[[], str]) -> str:
        parts = [a.replace("{v}", var).replace("{t}", fresh()) for a in self.atoms]
        if len(parts) == 1:
            return parts[0] + " ."
        return " UNION ".join("{ " + p + " }" for p in parts)


@dataclass
class ValueFocus(Focus):
    """The values of ``path`` from the nodes of ``outer``: the focus of a nested sh:node shape."""

    outer: Focus
    path: str
    zero_length: bool = False

    def __post_init__(self) -> None:
        self.key = f"V:{self.outer.key}/{self.path}"
        self.exact = False

    def pattern(self, var: str, fresh: Callable[[], str]) -> str:
        o = fresh()
        return "{ " + self.outer.pattern(o, fresh) + " } " + f"{o} {self.path} {var} ."

    @property
    def superset(self) -> str:
        if self.zero_length:
            return self.pattern("?this", _fresh_vars())
        return f"?_f0 {self.path} ?this ."  # the text of targetObjectsOf: one cached query for both


# --------------------------------------------------------------------------------------------
# The translator
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _PathOf:
    """A property shape's path: the sh:path node, as SPARQL, whether it can be of length zero, the
    sub-select of every (?this, ?v) pair, and whether it is an IRI or the inverse of one."""

    node: Any
    text: str
    zero: bool
    pairs: str
    simple: bool


class ShaclSparql:
    """Validate the data of a pyoxigraph Store against a SHACL shapes graph (rdflib), by SPARQL."""

    def __init__(self, shapes: Any, store: ox.Store, *, union_default_graph: bool = True,
                 progress: Optional[Callable[[str], None]] = None, workers: Optional[int] = None) -> None:
        import rdflib

        self.rdflib = rdflib
        self.sg = shapes
        self.store = store
        self.union = union_default_graph
        self.progress = progress
        self.workers = max(1, workers if workers else min(MAX_WORKERS, os.cpu_count() or 1))
        self._cache: dict[str, tuple[list[str], list[tuple]]] = {}
        self._memo: dict[tuple[Any, str], list[Hit]] = {}
        self._stack: list[Any] = []
        self._dry: Optional[list[str]] = None  # while planning: the texts the checks would run
        self._collect = False  # while planning: gather the shapes that share a minCount
        self._min_groups: dict[tuple[str, int], list[str]] = {}  # (path, n) -> the focus supersets checked
        self.queries = 0
        self.query_seconds = 0.0
        self.timings: list[tuple[str, float, float, int]] = []  # (text, wall s, CPU s, rows) of every query run
        self._count_lock = threading.Lock()
        self._sh = lambda name: rdflib.URIRef(SH + name)
        self.subclasses = self._ask(f"ASK {{ ?a <{RDFS}subClassOf> ?b }}")
        self.roots = self._root_shapes()
        for shape in self.roots:  # refuse what is not supported before any check runs
            self._check_supported(shape, set())

    # ---- running queries

    def _ask(self, text: str) -> bool:
        return bool(self.store.query(text, use_default_graph_as_union=self.union))

    def run(self, text: str) -> tuple[list[str], list[tuple]]:
        """Run one SELECT now: its variable names and solutions (the one place a check's query runs;
        safe from several threads: pyoxigraph releases the GIL while it evaluates)."""
        t, c = time.monotonic(), time.thread_time()
        res = self.store.query(text, use_default_graph_as_union=self.union)
        if not isinstance(res, ox.QuerySolutions):
            raise UnsupportedShape("a check must be a SELECT query")
        names = [v.value for v in res.variables]
        rows = [tuple(sol[n] for n in names) for sol in res]
        wall = time.monotonic() - t
        with self._count_lock:
            self.timings.append((text, wall, time.thread_time() - c, len(rows)))
            self.queries += 1
            self.query_seconds += wall
        return names, rows

    def select(self, text: str) -> tuple[list[str], list[tuple]]:
        """Names and solutions of a SELECT, cached by text (shared checks run once).  While planning
        (:meth:`plan`) the text is noted and nothing runs."""
        if self._dry is not None:
            self._dry.append(text)
            return [], []
        if text not in self._cache:
            self._cache[text] = self.run(text)
        return self._cache[text]

    def rows(self, text: str) -> list[tuple]:
        """The solutions of a SELECT (cached by text: shared checks run once)."""
        return self.select(text)[1]

    def plan(self) -> list[str]:
        """The queries every check runs whatever the data: the checks evaluated once with every query
        answering nothing.  What they run only for offenders (VALUES of the nodes found) comes after."""
        try:
            self._min_groups.clear()
            dry: list[str] = []
            for collect in (True, False):  # first which shapes share a check, then the queries
                dry = []
                self._collect, self._dry = collect, dry
                self._memo.clear()
                for shape in self.roots:
                    self.evaluate(shape, self.targets(shape))
            return list(dict.fromkeys(dry))
        finally:
            self._dry, self._collect = None, False
            self._memo.clear()

    def prefetch(self, texts: list[str], on_done: Optional[Callable[[str], None]] = None) -> None:
        """Run these queries in ``workers`` threads, into the cache (a query that fails is left to run
        again where the check needs it, which reports the error with its shape)."""
        todo = [t for t in texts if t not in self._cache]
        if self.workers <= 1 or len(todo) < 2:
            for text in todo:
                try:
                    self._cache[text] = self.run(text)
                except (SyntaxError, OSError, RuntimeError, ValueError, UnsupportedShape):
                    pass
                if on_done:
                    on_done(text)
            return
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        with ThreadPoolExecutor(self.workers, thread_name_prefix="kg-shacl") as pool:
            running = {pool.submit(self.run, t): t for t in todo}
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for f in done:
                    text = running.pop(f)
                    try:
                        self._cache[text] = f.result()
                    except (SyntaxError, OSError, RuntimeError, ValueError, UnsupportedShape):
                        pass
                    if on_done:
                        on_done(text)

    def restrict(self, focus: Focus, nodes: Iterable[Any], trusted: bool = False) -> set:
        """The nodes that are focus nodes of ``focus`` (``trusted``: they came from its own superset)."""
        nodes = set(n for n in nodes if n is not None)
        if not nodes or (trusted and focus.exact):
            return nodes
        rows = self.rows_for(nodes, "?this", lambda values: f"SELECT DISTINCT ?this WHERE {{ {values} "
                                                             f"{focus.pattern('?this', _fresh_vars())} }}", 0)
        return {r[0] for r in rows}

    def rows_for(self, nodes: Iterable[Any], var: str, make: Callable[[str], str], col: int) -> list[tuple]:
        """The rows of ``make(values)`` for these nodes: ``values`` is a VALUES clause binding ``var``
        (in chunks).  VALUES cannot hold a blank node: then the query runs for every node and its rows
        are kept when column ``col`` is one of them."""
        nodes = set(nodes)
        if any(isinstance(n, ox.BlankNode) for n in nodes):
            return [r for r in self.rows(make("")) if r[col] in nodes]
        out: list[tuple] = []
        ordered = sorted(nodes, key=str)
        for i in range(0, len(ordered), VALUES_CHUNK):
            values = " ".join(ox_text(n) for n in ordered[i:i + VALUES_CHUNK])
            out += self.rows(make(f"VALUES {var} {{ {values} }}"))
        return out

    # ---- reading the shapes graph

    def _objects(self, node: Any, name: str) -> list:
        return list(self.sg.objects(node, self._sh(name)))

    def _one(self, node: Any, name: str) -> Any:
        vals = self._objects(node, name)
        return vals[0] if vals else None

    def _list(self, node: Any) -> list:
        return list(self.sg.items(node))

    def _name(self, node: Any) -> str:
        if isinstance(node, self.rdflib.BNode):
            return "a blank-node shape"
        try:
            return node.n3(self.sg.namespace_manager)
        except Exception:
            return str(node)

    def _root_shapes(self) -> list:
        """Shapes with targets (explicit, or implicit: a shape that is also a class), in a stable order."""
        rdf_type = self.rdflib.URIRef(RDF + "type")
        found = set()
        for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
            found |= set(self.sg.subjects(self._sh(name), None))
        for cls in (RDFS + "Class", OWL + "Class"):
            for s in self.sg.subjects(rdf_type, self.rdflib.URIRef(cls)):
                if any((s, rdf_type, self._sh(k)) in self.sg for k in ("NodeShape", "PropertyShape")):
                    found.add(s)
        if list(self.sg.subjects(self._sh("target"), None)):
            raise UnsupportedShape("sh:target (SPARQL-based targets) is not supported by the SPARQL validator; "
                                   "use sh:targetClass, sh:targetNode, sh:targetSubjectsOf or sh:targetObjectsOf")
        return sorted(found, key=lambda s: (isinstance(s, self.rdflib.BNode), str(s)))

    def _check_supported(self, shape: Any, seen: set) -> None:
        """Refuse, naming the shape, what the translator cannot check (before any check runs)."""
        if shape in seen:
            return
        seen.add(shape)
        self._check_parameters(shape)
        if self._one(shape, "path") is not None:
            self._check_property_shape(shape)
        else:
            self._check_node_shape(shape)
        for name in ("property", "node"):
            for s in self._objects(shape, name):
                self._check_supported(s, seen)
        self._check_logical_members(shape, shape)
        for c in self._objects(shape, "sparql"):
            self._check_sparql_constraint(shape, c)
        for lst in self._objects(shape, "in") + self._objects(shape, "languageIn"):
            self._list(lst)

    def _sh_parameters(self, node: Any) -> list[str]:
        """The SHACL parameters (sh: predicates, local names) stated on ``node``, sorted: the same error
        every run."""
        names = {str(p)[len(SH):] for p in self.sg.predicates(node, None) if str(p).startswith(SH)}
        return sorted(names)

    def _check_parameters(self, shape: Any) -> None:
        for name in self._sh_parameters(shape):
            if name not in SUPPORTED:
                raise UnsupportedShape(f"{self._name(shape)}: sh:{name} is not supported by the SPARQL validator "
                                       f"(kg/shacl_sparql.py); check this graph with pyshacl, or teach the "
                                       f"translator sh:{name}", advice=Advice("pyshacl"))

    def _check_property_shape(self, shape: Any) -> None:
        self.path_text(self._one(shape, "path"), shape)
        for name in ("property", "sparql"):
            if self._objects(shape, name):
                raise UnsupportedShape(f"{self._name(shape)}: sh:{name} on a property shape is not supported "
                                       f"by the SPARQL validator; put it on a node shape")

    def _check_node_shape(self, shape: Any) -> None:
        for name in ("minCount", "maxCount", "lessThan", "lessThanOrEquals"):
            if self._objects(shape, name):
                raise UnsupportedShape(f"{self._name(shape)}: sh:{name} needs sh:path (it is for property shapes)")

    def _check_logical_members(self, node: Any, owner: Any) -> None:
        """Every member of ``node``'s sh:or / sh:and / sh:xone / sh:not must be checkable on a value alone."""
        for name in ("or", "and", "xone"):
            for lst in self._objects(node, name):
                for m in self._list(lst):
                    self._check_value_only(m, owner, name)
        for m in self._objects(node, "not"):
            self._check_value_only(m, owner, "not")

    def _check_sparql_constraint(self, shape: Any, constraint: Any) -> None:
        for name in self._sh_parameters(constraint):
            if name not in ("select", "message", "prefixes", "deactivated"):
                raise UnsupportedShape(f"{self._name(shape)}: sh:{name} in a SPARQL constraint "
                                       f"is not supported by the SPARQL validator")
        if self._one(constraint, "select") is None:
            raise UnsupportedShape(f"{self._name(shape)}: a SPARQL constraint without sh:select")

    def _check_value_only(self, member: Any, owner: Any, how: str) -> None:
        """A member of sh:or / sh:and / sh:xone / sh:not must be checkable on a value alone."""
        for name in self._sh_parameters(member):
            if name in ("message", "name", "description", "severity", "deactivated", "flags"):
                continue
            if name == "node":
                for s in self._objects(member, "node"):
                    self._check_value_only(s, owner, how)
            elif name not in VALUE_TESTS:
                raise UnsupportedShape(f"{self._name(owner)}: sh:{how} over a shape with sh:{name} is not supported "
                                       f"by the SPARQL validator (only value tests such as sh:class, sh:datatype, "
                                       f"sh:in, sh:nodeKind inside sh:{how})")
        self._check_logical_members(member, owner)

    def path_text(self, path: Any, shape: Any) -> str:
        """A SHACL property path as a SPARQL property path."""
        rdflib = self.rdflib
        if isinstance(path, rdflib.URIRef):
            return f"<{path}>"
        if isinstance(path, rdflib.BNode):
            if self.sg.value(path, rdflib.URIRef(RDF + "first")) is not None:
                return "(" + "/".join(self.path_text(p, shape) for p in self._list(path)) + ")"
            for name, fmt in (("inversePath", "^({})"), ("zeroOrMorePath", "({})*"), ("oneOrMorePath", "({})+"),
                              ("zeroOrOnePath", "({})?")):
                inner = self._one(path, name)
                if inner is not None:
                    return fmt.format(self.path_text(inner, shape))
            alt = self._one(path, "alternativePath")
            if alt is not None:
                return "(" + "|".join(self.path_text(p, shape) for p in self._list(alt)) + ")"
        raise UnsupportedShape(f"{self._name(shape)}: sh:path {path} is not a SHACL property path")

    def _zero_length(self, path: Any) -> bool:
        rdflib = self.rdflib
        if isinstance(path, rdflib.URIRef):
            return False
        if self.sg.value(path, rdflib.URIRef(RDF + "first")) is not None:
            return all(self._zero_length(p) for p in self._list(path))
        if self._one(path, "zeroOrMorePath") is not None or self._one(path, "zeroOrOnePath") is not None:
            return True
        for name in ("inversePath", "oneOrMorePath"):
            inner = self._one(path, name)
            if inner is not None:
                return self._zero_length(inner)
        alt = self._one(path, "alternativePath")
        return alt is not None and any(self._zero_length(p) for p in self._list(alt))

    def targets(self, shape: Any) -> TargetFocus:
        atoms = []
        rdf_type = self.rdflib.URIRef(RDF + "type")
        classes = self._objects(shape, "targetClass")
        if (shape, rdf_type, self.rdflib.URIRef(RDFS + "Class")) in self.sg or (
                shape, rdf_type, self.rdflib.URIRef(OWL + "Class")) in self.sg:
            classes.append(shape)
        for c in classes:
            atoms.append("{v} " + self._type_path() + " " + _n3(c, self._name(shape)))
        for n in self._objects(shape, "targetNode"):
            atoms.append("VALUES {v} { " + _n3(n, self._name(shape)) + " }")
        for p in self._objects(shape, "targetSubjectsOf"):
            atoms.append("{v} " + _n3(p, self._name(shape)) + " {t}")
        for p in self._objects(shape, "targetObjectsOf"):
            atoms.append("{t} " + _n3(p, self._name(shape)) + " {v}")
        if len(atoms) > 1:  # one node may be reached by several atoms: distinct focus nodes
            inner = " UNION ".join("{ " + a.replace("{v}", "?this") + " }" for a in atoms)
            atoms = ["{ SELECT DISTINCT ?this WHERE { " + inner + " } }".replace("?this", "{v}")]
        return TargetFocus(sorted(atoms))

    def _type_path(self) -> str:
        return f"<{RDF}type>/<{RDFS}subClassOf>*" if self.subclasses else f"<{RDF}type>"

    def messages(self, shape: Any) -> tuple:
        return tuple(sorted(self._objects(shape, "message"), key=str))

    def severity(self, shape: Any) -> str:
        s = self._one(shape, "severity")
        return str(s).rsplit("#", 1)[-1] if s is not None else "Violation"

    def deactivated(self, shape: Any) -> bool:
        d = self._one(shape, "deactivated")
        return d is not None and bool(getattr(d, "value", False))

    # ---- value tests as SPARQL expressions

    def value_tests(self, shape: Any) -> list[tuple[str, Any]]:
        """(parameter, value) for each value test of ``shape``, grouped as pyshacl groups them."""
        tests: list[tuple[str, Any]] = []
        for name in VALUE_TESTS:
            vals = self._objects(shape, name)
            if not vals:
                continue
            if name == "class":
                tests.append((name, tuple(vals)))
            else:
                tests.extend((name, v) for v in vals)
        return tests

    def expression(self, name: str, arg: Any, var: str, shape: Any, flags: dict[str, str]) -> str:
        """A SPARQL expression true when ``var`` passes the test (it may raise: callers COALESCE)."""
        build = self._EXPRESSIONS.get(name)
        if build is None:  # pragma: no cover - SUPPORTED is checked before any expression is built
            raise UnsupportedShape(f"{self._name(shape)}: sh:{name} is not supported by the SPARQL validator")
        return build(self, name, arg, var, shape, flags)

    def _lit(self, term: Any, shape: Any) -> str:
        return _n3(term, self._name(shape))

    def _expr_class(self, _name: str, arg: Any, _var: str, _shape: Any, flags: dict[str, str]) -> str:
        return "(" + " && ".join(f"BOUND({flags.setdefault(str(c), f'?_c{len(flags)}')})" for c in arg) + ")"

    def _expr_datatype(self, _name: str, arg: Any, var: str, _shape: Any, _flags: dict[str, str]) -> str:
        return self._datatype(str(arg), var)

    def _expr_node_kind(self, _name: str, arg: Any, var: str, shape: Any, _flags: dict[str, str]) -> str:
        kind = str(arg)[len(SH):] if str(arg).startswith(SH) else ""
        if kind not in _NODE_KINDS:
            raise UnsupportedShape(f"{self._name(shape)}: sh:nodeKind {arg} is not a SHACL node kind")
        return "(" + _NODE_KINDS[kind].format(v=var) + ")"

    def _expr_in(self, _name: str, arg: Any, var: str, shape: Any, _flags: dict[str, str]) -> str:
        members = self._list(arg)
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({var}, {self._lit(m, shape)})" for m in members) + ")"

    def _expr_length(self, name: str, arg: Any, var: str, _shape: Any, _flags: dict[str, str]) -> str:
        op = ">=" if name == "minLength" else "<="
        return f"(STRLEN(STR({var})) {op} {int(arg)})"  # STR of a blank node is an error: false

    def _expr_pattern(self, _name: str, arg: Any, var: str, shape: Any, _flags: dict[str, str]) -> str:
        fl = self._one(shape, "flags")
        args = f"STR({var}), {self._lit(self.rdflib.Literal(str(arg)), shape)}" + (
            f", {self._lit(self.rdflib.Literal(str(fl)), shape)}" if fl is not None else "")
        return f"(REGEX({args}))"

    def _expr_range(self, name: str, arg: Any, var: str, shape: Any, _flags: dict[str, str]) -> str:
        op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
        return f"({var} {op} {self._lit(arg, shape)})"

    def _expr_language_in(self, _name: str, arg: Any, var: str, shape: Any, _flags: dict[str, str]) -> str:
        langs = [str(x) for x in self._list(arg)]
        if not langs:
            return "false"
        return "(" + " || ".join(f"langMatches(LANG({var}), {self._lit(self.rdflib.Literal(x), shape)})"
                                 for x in langs) + ")"

    def _expr_logical(self, name: str, arg: Any, var: str, _shape: Any, flags: dict[str, str]) -> str:
        parts = [f"COALESCE({self.conforms(m, var, flags)}, false)" for m in self._list(arg)]
        if not parts:
            return "true" if name == "and" else "false"
        if name == "xone":
            return "((" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + ") = 1)"
        return "(" + (" || " if name == "or" else " && ").join(parts) + ")"

    def _expr_not(self, _name: str, arg: Any, var: str, _shape: Any, flags: dict[str, str]) -> str:
        return f"(!COALESCE({self.conforms(arg, var, flags)}, false))"

    _EXPRESSIONS: dict[str, Callable[..., str]] = {
        "class": _expr_class, "datatype": _expr_datatype, "nodeKind": _expr_node_kind, "in": _expr_in,
        "minLength": _expr_length, "maxLength": _expr_length, "pattern": _expr_pattern,
        "minInclusive": _expr_range, "maxInclusive": _expr_range, "minExclusive": _expr_range,
        "maxExclusive": _expr_range, "languageIn": _expr_language_in,
        "or": _expr_logical, "and": _expr_logical, "xone": _expr_logical, "not": _expr_not,
    }

    def conforms(self, shape: Any, var: str, flags: dict[str, str]) -> str:
        """``var`` conforms to a shape made of value tests only (a member of sh:or …)."""
        if self.deactivated(shape):
            return "true"
        parts = [f"COALESCE({self.expression(n, a, var, shape, flags)}, false)" for n, a in self.value_tests(shape)]
        parts += [f"COALESCE({self.conforms(s, var, flags)}, false)" for s in self._objects(shape, "node")]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _datatype(self, dt: str, v: str) -> str:
        # each test names the value as few times as it can: Oxigraph reads a term's text at every mention
        # of it in an expression (oa:exact: 2.5 µs a mention), not in sameTerm.  Where an IRI or blank node
        # must fail, the test errs on it (DATATYPE, LANG, STR of a blank node), and callers COALESCE to false
        if dt == RDF + "langString":
            return f"(LANG({v}) != \"\")"
        if dt == XSD + "string":
            return f"(DATATYPE({v}) = <{XSD}string>)"
        if dt == RDFS + "Literal":
            return f"isLiteral({v})"
        local = dt[len(XSD):] if dt.startswith(XSD) else ""
        if local in _INTEGER_RANGES:  # Oxigraph stores every integer subtype as xsd:integer
            lo, hi = _INTEGER_RANGES[local]
            cond = [f"DATATYPE({v}) = <{XSD}integer>", f"isNumeric({v})"]
            cond += [f"{v} >= {lo}"] if lo is not None else []
            cond += [f"{v} <= {hi}"] if hi is not None else []
            return "(" + " && ".join(cond) + ")"
        if local in ("decimal", "double", "float"):
            return f"(DATATYPE({v}) = <{dt}> && isNumeric({v}))"
        if local == "boolean":
            return f"(DATATYPE({v}) = <{dt}> && STR({v}) IN (\"true\", \"false\"))"
        if local in _CASTS:
            return f"(DATATYPE({v}) = <{dt}> && isLiteral(<{dt}>(STR({v}))))"
        return f"(DATATYPE({v}) = <{dt}>)"

    @staticmethod
    def _class_optionals(flags: dict[str, str], var: str, type_path: str) -> str:
        """One hashed OPTIONAL per class: the flag is bound when ``var`` is an instance."""
        return " ".join(f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) WHERE {{ {var} {type_path} <{c}> }} }}"
                        for c, flag in flags.items())

    # ---- validation

    def validate(self) -> list[Hit]:
        """Every result for the shapes with targets, in a stable order.  The queries every check runs
        (:meth:`plan`) run first, in ``workers`` threads; then the checks read them and run the few
        that depend on what was found.  ``progress`` (kg.progress) shows the queries done."""
        from kg.progress import steps

        rep = steps(self.progress)
        hits: list[Hit] = []
        texts = _spread(self.plan())
        with rep.step("validate", total=len(texts), unit="queries") as step:
            self.prefetch(texts, on_done=lambda _t: step.advance())
            step.note("reading the results")
            for shape in self.roots:
                hits += self.evaluate(shape, self.targets(shape))
        return sorted(set(hits), key=lambda h: (str(h.focus), str(h.path), h.component, str(h.value), str(h.shape)))

    def evaluate(self, shape: Any, focus: Focus) -> list[Hit]:
        """The results of ``shape`` for the focus nodes of ``focus`` (memoised: shapes are shared)."""
        key = (shape, focus.key)
        if key in self._memo:
            return self._memo[key]
        if shape in self._stack:
            raise UnsupportedShape(f"{self._name(shape)}: the shapes refer to themselves through sh:node "
                                   f"(recursive shapes are not defined in SHACL)")
        self._stack.append(shape)
        try:
            hits: list[Hit] = []
            if not self.deactivated(shape):
                path = self._one(shape, "path")
                if path is not None:
                    hits += self._property(shape, focus, path)
                else:
                    hits += self._node(shape, focus)
                    for ps in self._objects(shape, "property"):
                        hits += self.evaluate(ps, focus)
        finally:
            self._stack.pop()
        self._memo[key] = hits
        return hits

    def _hit(self, shape: Any, component: str, focus: Any, value: Any = None, path: Any = None,
             extra: tuple = ()) -> Hit:
        return Hit(focus=focus, shape=shape, component=COMPONENT[component] + "ConstraintComponent", path=path,
                   value=value, messages=self.messages(shape) + extra, severity=self.severity(shape))

    def _node(self, shape: Any, focus: Focus) -> list[Hit]:
        """Constraints of a node shape: each applies to the focus node itself."""
        hits: list[Hit] = []
        tests = self.value_tests(shape)
        if self._classes_only(tests):
            bad = self._lacking(tests[0][1], "?this", "{ " + focus.superset + " }", self._any_class(tests))
            hits += [self._hit(shape, tests[0][0], n, n) for n in self.restrict(focus, bad, trusted=True)]
        elif tests:
            flags: dict[str, str] = {}
            exprs = self._after_string_test(tests, [self.expression(n, a, "?this", shape, flags) for n, a in tests],
                                            "?this")
            text = self._test_query("{ " + focus.superset + " }", "?this", exprs, flags, ["?this"])
            rows = self.rows(text)
            keep = self.restrict(focus, (r[0] for r in rows), trusted=True)
            for r in rows:
                if r[0] in keep:
                    hits += [self._hit(shape, tests[i][0], r[0], r[0]) for i, ok in enumerate(r[1:]) if not _true(ok)]
        for value in self._objects(shape, "hasValue"):
            text = (f"SELECT DISTINCT ?this WHERE {{ {focus.superset} FILTER(!sameTerm(?this, "
                    f"{_n3(value, self._name(shape))})) }}")
            for n in self.restrict(focus, (r[0] for r in self.rows(text)), trusted=True):
                hits.append(self._hit(shape, "hasValue", n))
        for nested in self._objects(shape, "node"):
            inner = self.evaluate(nested, focus)
            bad = {h.focus for h in inner}
            if bad:
                hits += [self._hit(shape, "node", n, n) for n in bad]
                hits += inner
        for c in self._objects(shape, "sparql"):
            hits += self._sparql(shape, c, focus)
        return hits

    def _classes_only(self, tests: list[tuple[str, Any]]) -> bool:
        """One sh:class test, or one sh:or whose members are each one sh:class (:meth:`_any_class`)."""
        return len(tests) == 1 and (tests[0][0] == "class" or self._any_class(tests) is not None)

    def _any_class(self, tests: list[tuple[str, Any]]) -> Optional[tuple]:
        """The classes of ``sh:or ( [ sh:class A ] [ sh:class B ] … )``, the only test: a value passes when
        it is an instance of one of them."""
        if len(tests) != 1 or tests[0][0] != "or":
            return None
        classes = []
        for m in self._list(tests[0][1]):
            inner = self.value_tests(m)
            if (self.deactivated(m) or self._objects(m, "node") or len(inner) != 1 or inner[0][0] != "class"
                    or len(inner[0][1]) != 1):
                return None
            classes.append(inner[0][1][0])
        return tuple(classes) if classes else None

    def _lacking(self, classes: tuple, var: str, scan: str, any_of: Optional[tuple] = None) -> set:
        """``any_of``: the nodes that are an instance of none of these classes, one MINUS after another
        (an sh:or of classes; the OPTIONAL flags of the general test cost 1.4x as much)."""
        if any_of:
            minus = " ".join(f"MINUS {{ {var} {self._type_path()} {_n3(c, 'sh:class')} }}" for c in any_of)
            return {r[0] for r in self.rows(f"SELECT DISTINCT {var} WHERE {{ {scan} {minus} }}")}
        return self._lacking_each(classes, var, scan)

    def _lacking_each(self, classes: tuple, var: str, scan: str) -> set:
        """The nodes ``scan`` binds to ``var`` that are not an instance of every one of ``classes``: one
        MINUS per class (Oxigraph hashes the instances once; the OPTIONAL flags of the general value test
        cost twice as much on 1.4 M selectors)."""
        out: set = set()
        for c in classes:
            cls = _n3(c, "sh:class")
            text = f"SELECT DISTINCT {var} WHERE {{ {scan} MINUS {{ {var} {self._type_path()} {cls} }} }}"
            out |= {r[0] for r in self.rows(text)}
        return out

    @staticmethod
    def _after_string_test(tests: list[tuple[str, Any]], exprs: list[str], var: str) -> list[str]:
        """sh:minLength 1 next to sh:datatype xsd:string: a value that is an xsd:string is too short only
        when it is "" (sameTerm: no read of its text, 2.5 µs a value on oa:exact); others are measured."""
        kinds = [(n, str(a)) for n, a in tests]
        if ("datatype", XSD + "string") not in kinds:
            return exprs
        i = kinds.index(("datatype", XSD + "string"))
        out = list(exprs)
        for j, (n, a) in enumerate(tests):
            if n == "minLength" and j > i and int(a) == 1:
                out[j] = f"IF(?_ok{i}, !sameTerm({var}, \"\"), {exprs[j]})"
        return out

    def _test_query(self, scan: str, var: str, exprs: list[str], flags: dict[str, str], project: list[str]) -> str:
        binds = " ".join(f"BIND(COALESCE({e}, false) AS ?_ok{i})" for i, e in enumerate(exprs))
        fail = " || ".join(f"!?_ok{i}" for i in range(len(exprs)))
        oks = " ".join(f"?_ok{i}" for i in range(len(exprs)))
        return (f"SELECT {' '.join(project)} {oks} WHERE {{ {scan} "
                f"{self._class_optionals(flags, var, self._type_path())} {binds} FILTER({fail}) }}")

    def _property(self, shape: Any, focus: Focus, path_node: Any) -> list[Hit]:
        """Constraints of a property shape: on the values of its path from each focus node."""
        path = self.path_text(path_node, shape)
        zero = self._zero_length(path_node)
        # every (focus, value) pair, unrestricted unless the path can be of length zero
        pairs = (f"{{ SELECT ?this ?v WHERE {{ {focus.superset} ?this {path} ?v }} }}" if zero
                 else f"{{ SELECT ?this ?v WHERE {{ ?this {path} ?v }} }}")
        on = _PathOf(path_node, path, zero, pairs, self._simple_path(path_node))
        hits = self._min_count_hits(shape, focus, on)
        hits += self._max_count_hits(shape, focus, on)
        hits += self._has_value_hits(shape, focus, on)
        hits += self._value_test_hits(shape, focus, on)
        hits += self._comparison_hits(shape, focus, on)
        hits += self._nested_node_hits(shape, focus, on)
        return hits

    def _min_count_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        hits: list[Hit] = []
        path = on.text
        for n in self._objects(shape, "minCount"):
            n = int(n)
            if n <= 0:
                continue
            has = (f"MINUS {{ ?this {path} ?_v }}" if n == 1 else
                   f"MINUS {{ SELECT ?this WHERE {{ ?this {path} ?_v }} GROUP BY ?this "
                   f"HAVING (COUNT(DISTINCT ?_v) >= {n}) }}")
            # one query for every shape with this minCount on this path: the path is read once, not once
            # per shape (kgsh:provenanceProperty: nine); each shape keeps the nodes that are its own
            supersets = self._min_groups.setdefault((path, n), [])
            if self._collect and focus.superset not in supersets:
                supersets.append(focus.superset)
            mine = supersets if len(supersets) > 1 and focus.superset in supersets else [focus.superset]
            if n == 1 and on.simple and self._every_node_has(path, mine):
                continue
            if len(supersets) > 1 and focus.superset in supersets:
                union = " UNION ".join(f"{{ SELECT ?this WHERE {{ {sup} }} }}" for sup in supersets)
                text = f"SELECT DISTINCT ?this WHERE {{ {{ {union} }} {has} }}"
                found = self.restrict(focus, (r[0] for r in self.rows(text)))
            else:
                text = f"SELECT ?this WHERE {{ {{ {focus.superset} }} {has} }}"  # duplicates are dropped later
                found = self.restrict(focus, (r[0] for r in self.rows(text)), trusted=True)
            hits += [self._hit(shape, "minCount", f, None, on.node) for f in found]
        return hits

    def _max_count_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        hits: list[Hit] = []
        for n in self._objects(shape, "maxCount"):
            if int(n) >= 1 and on.simple and self._at_most_one(on.text):
                continue
            # COUNT(?v) is cheap but counts a triple stated in two graphs twice: the few candidates
            # are then counted exactly
            text = f"SELECT ?this WHERE {{ ?this {on.text} ?v }} GROUP BY ?this HAVING (COUNT(?v) > {int(n)})"
            if on.zero:
                text = f"SELECT ?this WHERE {{ {on.pairs} }} GROUP BY ?this HAVING (COUNT(?v) > {int(n)})"
            many = self.restrict(focus, (r[0] for r in self.rows(text)))
            hits += [self._hit(shape, "maxCount", f, None, on.node) for f in self._more_than(many, on.text, int(n))]
        return hits

    def _has_value_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        hits: list[Hit] = []
        for value in self._objects(shape, "hasValue"):
            text = (f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus.superset} }} }} "
                    f"MINUS {{ ?this {on.text} {_n3(value, self._name(shape))} }} }}")
            hits += [self._hit(shape, "hasValue", f, None, on.node)
                     for f in self.restrict(focus, (r[0] for r in self.rows(text)), trusted=True)]
        return hits

    def _value_test_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        tests = self.value_tests(shape)
        if not tests:
            return []
        if self._classes_only(tests) and not on.zero:
            return self._class_test_hits(shape, focus, on, tests)
        path = on.text
        flags: dict[str, str] = {}
        exprs = self._after_string_test(tests, [self.expression(n, a, "?v", shape, flags) for n, a in tests], "?v")
        if on.zero:
            text = self._test_query(on.pairs, "?v", exprs, flags, ["?this", "?v"])
        else:
            # the tests on each distinct value, then the pairs of the values that fail: a value test
            # reads the term's text (a lookup per row in Oxigraph), and values repeat (kg:method: one
            # text for 668,615 alignments)
            failing = self._test_query(f"{{ SELECT DISTINCT ?v WHERE {{ ?_s {path} ?v }} }}", "?v", exprs,
                                       flags, ["?v"])
            oks = " ".join(f"?_ok{i}" for i in range(len(exprs)))
            text = f"SELECT ?this ?v {oks} WHERE {{ {{ {failing} }} {{ SELECT ?this ?v WHERE {{ ?this {path} ?v }} }} }}"
        rows = self.rows(text)
        keep = self.restrict(focus, (r[0] for r in rows))
        return [self._hit(shape, tests[i][0], r[0], r[1], on.node)
                for r in rows if r[0] in keep for i, ok in enumerate(r[2:]) if not _true(ok)]

    def _class_test_hits(self, shape: Any, focus: Focus, on: _PathOf, tests: list[tuple[str, Any]]) -> list[Hit]:
        """sh:class alone: the distinct values lacking the class, then the pairs that reach them."""
        path = on.text
        bad = self._lacking(tests[0][1], "?v", f"{{ SELECT DISTINCT ?v WHERE {{ ?_s {path} ?v }} }}",
                            self._any_class(tests))
        if not bad:
            return []
        pairs_bad = self.rows_for(bad, "?v", lambda values: f"SELECT DISTINCT ?this ?v WHERE {{ {values} "
                                                             f"?this {path} ?v }}", 1)
        keep = self.restrict(focus, (r[0] for r in pairs_bad))
        return [self._hit(shape, tests[0][0], r[0], r[1], on.node) for r in pairs_bad if r[0] in keep]

    def _comparison_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        hits: list[Hit] = []
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for other in self._objects(shape, name):
                text = (f"SELECT ?this ?v WHERE {{ {on.pairs} {{ SELECT ?this ?_w WHERE {{ ?this "
                        f"{_n3(other, self._name(shape))} ?_w }} }} FILTER(!COALESCE(?v {op} ?_w, false)) }}")
                rows = self.rows(text)
                keep = self.restrict(focus, (r[0] for r in rows))
                hits += [self._hit(shape, name, r[0], r[1], on.node) for r in rows if r[0] in keep]
        return hits

    def _nested_node_hits(self, shape: Any, focus: Focus, on: _PathOf) -> list[Hit]:
        hits: list[Hit] = []
        path = on.text
        for nested in self._objects(shape, "node"):
            inner = self.evaluate(nested, ValueFocus(focus, path, on.zero))
            bad = {h.focus for h in inner}
            if not bad:
                continue
            pairs_bad = self.rows_for(bad, "?v", lambda values: f"SELECT DISTINCT ?this ?v WHERE {{ {values} "
                                                                 f"?this {path} ?v }}", 1)
            keep = self.restrict(focus, (r[0] for r in pairs_bad))
            hits += [self._hit(shape, "node", r[0], r[1], on.node) for r in pairs_bad if r[0] in keep]
            hits += inner
        return hits

    def _simple_path(self, path: Any) -> bool:
        """An IRI or the inverse of one: ``?s path ?o`` is one row per statement (no path semantics)."""
        rdflib = self.rdflib
        if isinstance(path, rdflib.URIRef):
            return True
        inner = self._one(path, "inversePath") if isinstance(path, rdflib.BNode) else None
        return isinstance(inner, rdflib.URIRef)

    def _numbers(self, text: str) -> Optional[tuple[int, ...]]:
        """The integers of the one row of an aggregate query (None while planning)."""
        rows = self.rows(text)
        if not rows:
            return None
        return tuple(int(t.value) if t is not None else 0 for t in rows[0])

    # Counts before checks: proving that no node breaks a minCount 1 or a maxCount takes an aggregate of
    # one pass over the path (hashing its subjects), where finding the offenders takes a GROUP BY or a
    # MINUS, 2-3x that.  The data usually conforms; when a count does not prove it, the exact query runs.

    def _at_most_one(self, path: str) -> bool:
        """True when no node has two statements of ``path``: as many statements as distinct subjects (a
        statement in two graphs counts twice and makes this false: the exact query then decides)."""
        got = self._numbers(f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?this) AS ?d) WHERE {{ ?this {path} ?v }}")
        if self._dry is not None:
            return True  # planning: the exact query is not planned (it runs after, if the counts ask for it)
        return got is not None and got[0] == got[1]

    def _every_node_has(self, path: str, supersets: list[str]) -> bool:
        """True when every node of these focus supersets has a value of ``path``: adding them to the
        subjects of ``path`` adds no node.  While planning: True (the exact query is not planned; it runs
        after the counts, and only if they do not prove it)."""
        subjects = self._numbers(f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?this) AS ?d) WHERE {{ ?this {path} ?v }}")
        union = " UNION ".join(f"{{ SELECT ?this WHERE {{ {sup} }} }}" for sup in [f"?this {path} ?_v ."] + supersets)
        both = self._numbers(f"SELECT (COUNT(DISTINCT ?this) AS ?u) WHERE {{ {union} }}")
        if self._dry is not None:
            return True
        return subjects is not None and both is not None and subjects[1] == both[0]

    def _more_than(self, nodes: set, path: str, n: int) -> set:
        """The nodes with more than ``n`` distinct values of ``path``."""
        rows = self.rows_for(nodes, "?this", lambda values: f"SELECT ?this WHERE {{ {values} ?this {path} ?v }} "
                                                            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})", 0)
        return {r[0] for r in rows}

    def _prefixes(self, constraint: Any) -> str:
        """PREFIX lines: the sh:declare of each sh:prefixes ontology, else the shapes graph's bindings."""
        decls: dict[str, str] = {}
        for onto in self._objects(constraint, "prefixes"):
            for d in self._objects(onto, "declare"):
                decls[str(self._one(d, "prefix"))] = str(self._one(d, "namespace"))
        if not decls:
            decls = {p: str(ns) for p, ns in self.sg.namespace_manager.namespaces() if p}
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(decls.items()))

    def _select_text(self, constraint: Any) -> str:
        """The constraint's sh:select, or its faster equivalent for Oxigraph (:data:`OXIGRAPH_FORMS`)."""
        select = str(self._one(constraint, "select"))
        return OXIGRAPH_FORMS.get(_normalised(select), select)

    def _sparql(self, shape: Any, constraint: Any, focus: Focus) -> list[Hit]:
        if self.deactivated(constraint):
            return []
        prefixes = self._prefixes(constraint)
        text = prefixes + self._select_text(constraint)
        cand = OXIGRAPH_CANDIDATES.get(_normalised(str(self._one(constraint, "select"))))
        if self._dry is not None:
            self._dry.append(prefixes + cand[0] if cand else text)
            return []
        try:
            if cand:
                names, tuples = self._for_candidates(text, prefixes + cand[0], cand[1])
            else:
                names, tuples = self.select(text)
        except SyntaxError as e:
            raise UnsupportedShape(f"{self._name(shape)}: its sh:select is not valid SPARQL ({e})") from None
        except UnsupportedShape:
            raise UnsupportedShape(f"{self._name(shape)}: sh:select must be a SELECT query") from None
        if "this" not in names:
            raise UnsupportedShape(f"{self._name(shape)}: its sh:select must SELECT $this for the SPARQL validator "
                                   f"(it runs once for every focus node, not once per node)")
        rows = [dict(zip(names, t)) for t in tuples]
        keep = self.restrict(focus, (r["this"] for r in rows))
        msgs = tuple(sorted(self._objects(constraint, "message"), key=str))
        hits = []
        for r in rows:
            if r["this"] not in keep or r.get("failure") is not None:
                continue
            value = r.get("value") if r.get("value") is not None else r["this"]
            path = r.get("path")
            path = self.rdflib.URIRef(path.value) if isinstance(path, ox.NamedNode) else None
            extra = tuple(self.rdflib.Literal(_fill(str(m), r), lang=m.language) for m in msgs
                          if m not in self.messages(shape))
            hits.append(Hit(focus=r["this"], shape=shape, component="SPARQLConstraintComponent", path=path,
                            value=value, messages=self.messages(shape) + extra, severity=self.severity(shape)))
        return hits


    def _for_candidates(self, text: str, candidates: str, var: str) -> tuple[list[str], list[tuple]]:
        """The solutions of ``text`` whose ``var`` is one of the values ``candidates`` finds (all of them:
        see :data:`OXIGRAPH_CANDIDATES`); ``text`` runs only for those (all of it if one is a blank node)."""
        nodes = sorted({r[0] for r in self.rows(candidates) if r[0] is not None}, key=str)
        if not nodes:
            return ["this", var], []
        if any(isinstance(n, ox.BlankNode) for n in nodes):
            return self.select(text)
        names: list[str] = []
        out: list[tuple] = []
        head, sep, tail = text.partition("WHERE {")
        for i in range(0, len(nodes), VALUES_CHUNK):
            values = " ".join(ox_text(n) for n in nodes[i:i + VALUES_CHUNK])
            names, rows = self.select(f"{head}{sep} VALUES ?{var} {{ {values} }}{tail}")
            out += rows
        return names, out

    # ---- pyshacl's wording where a shape states no sh:message

    def generic_message(self, hit: Hit, datagraph: Any) -> str:
        """The message pyshacl writes for a result of a shape without sh:message (its own wording,
        made with its own ``stringify_node``, so that both engines report the same text)."""
        from pyshacl.rdfutil import stringify_node

        comp = hit.component[: -len("ConstraintComponent")]
        name = next(k for k, v in COMPONENT.items() if v == comp)

        def d(n: Any) -> str:
            try:
                return stringify_node(datagraph, n)
            except (LookupError, ValueError):
                return str(n)

        result = Result(params=self._objects(hit.shape, name), path=self._one(hit.shape, "path"),
                        focus=to_rdflib(hit.focus), value=to_rdflib(hit.value),
                        s=lambda n: stringify_node(self.sg, n), d=d, items=self._list)
        return pyshacl_message(comp, result)


def _spread(texts: list[str]) -> list[str]:
    """The sh:sparql queries (the longest, and the biggest hash joins) first and apart, the rest between
    them: two of them at once in two threads would add their memory (1.0 GB at 2,000 plans)."""
    big = [t for t in texts if t.startswith("PREFIX")]
    rest = [t for t in texts if not t.startswith("PREFIX")]
    if not big:
        return rest
    out: list[str] = []
    step = max(1, len(rest) // len(big))
    for i, t in enumerate(big):
        out.append(t)
        out += rest[i * step:(i + 1) * step] if i < len(big) - 1 else rest[i * step:]
    return out


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term pyshacl would see."""
    import rdflib

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return rdflib.Literal(term.value, datatype=None if dt == XSD + "string" else rdflib.URIRef(dt))
    return term


def _true(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


def _fill(message: str, row: dict) -> str:
    """sh:message templates: {?var} and {$var} replaced by the solution's values."""
    def sub(m: "re.Match[str]") -> str:
        v = row.get(m.group(1))
        return v.value if v is not None and hasattr(v, "value") else m.group(0)

    return re.sub(r"\{[?$](\w+)\}", sub, message)


def validate_store(store: ox.Store, shapes: Any = None, *,
                   progress: Optional[Callable[[str], None]] = None) -> tuple[list[Hit], "ShaclSparql"]:
    """Every SHACL result of ``store`` (its default graph as the union of all graphs) against
    ``shapes`` (rdflib; default ontology/shapes.ttl); the translator comes back for its counters."""
    if shapes is None:
        from kg.rdf import load_shapes

        shapes = load_shapes()
    checker = ShaclSparql(shapes, store, progress=progress)
    return checker.validate(), checker


__all__ = ["Hit", "ShaclSparql", "UnsupportedShape", "validate_store"]

"""SHACL validation of kg's RDF (ontology/shapes.ttl), violations as readable data.

Two engines give the same results.  pyshacl, on a plain rdflib graph, is the reference check of the
published contract, and the one that can explain a violation in detail; it takes minutes and
gigabytes for millions of triples (457 s and 3 GB at 200 plans).  kg.shacl_sparql translates the
shapes into SPARQL run by Oxigraph: seconds on the same graph.  ``engine="auto"`` uses pyshacl for
small graphs (up to PYSHACL_MAX_TRIPLES statements) and SPARQL above.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from kg.errors import KgError

_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node, which property path, what is wrong (and the shape that said so)."""

    focus: str  # compact: task/0123456789abcdef
    path: str  # compact: kg:provenance, ^kg:hasTask, or "" for a node-level constraint
    message: str
    severity: str = "Violation"
    value: Optional[str] = None  # the offending value, compact, when there is one
    label: Optional[str] = None  # the focus node's label, to find it in the text
    focus_node: str = ""  # the full IRI (or blank node id)
    shape: str = ""
    component: str = ""  # e.g. MinCountConstraintComponent

    def __str__(self) -> str:
        where = self.focus + (f" «{self.label}»" if self.label else "")
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}{path}: {self.message}{value}"

    def as_dict(self) -> dict[str, Any]:
        """For --format json/jsonl/csv output."""
        return {"severity": self.severity, "focus": self.focus, "label": self.label, "path": self.path,
                "message": self.message, "value": self.value, "focus_node": self.focus_node,
                "shape": self.shape, "component": self.component}


def _compact(term, nsm_prefixes: dict[str, str]) -> str:
    """``task/0123…`` for instance IRIs, ``kg:leads`` for vocabulary, ``_:b0`` for blank nodes."""
    import rdflib

    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        return repr(str(term)) if len(str(term)) < 80 else repr(str(term)[:77] + "…")
    s = str(term)
    from kg.rdf import BASE

    if s.startswith(BASE):
        return s[len(BASE):]
    for name, ns in nsm_prefixes.items():
        if s.startswith(ns) and len(s) > len(ns):
            return f"{name}:{s[len(ns):]}"
    return f"<{s}>"


def _path_text(results, path, prefixes: dict[str, str]) -> str:
    """A SHACL property path as a short SPARQL-like string (^p for inverse, p/q for sequences)."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return _compact(path, prefixes)
    inv = results.value(path, rdflib.URIRef(_SH + "inversePath"))
    if inv is not None:
        return "^" + _path_text(results, inv, prefixes)
    if results.value(path, rdflib.RDF.first) is not None:
        return "/".join(_path_text(results, p, prefixes) for p in Collection(results, path))
    for kind, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = results.value(path, rdflib.URIRef(_SH + kind))
        if inner is not None:
            return _path_text(results, inner, prefixes) + mark
    alt = results.value(path, rdflib.URIRef(_SH + "alternativePath"))
    if alt is not None:
        return "|".join(_path_text(results, p, prefixes) for p in Collection(results, alt))
    return str(path)


def _label(data, node) -> Optional[str]:
    from rdflib.namespace import DCTERMS, RDFS, SKOS

    for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        v = data.value(node, p)
        if v is not None:
            return str(v)
    return None


def _pick_message(messages: list) -> str:
    """The English sh:message when there is one (stable across runs), else any."""
    en = sorted(str(m) for m in messages if getattr(m, "language", None) == "en")
    if en:
        return en[0]
    return sorted(str(m) for m in messages)[0] if messages else ""


ENGINES = ("auto", "sparql", "pyshacl")
_NO_PYSHACL_ON_OXIGRAPH = ("pyshacl cannot check an Oxigraph store: Oxigraph keeps xsd:nonNegativeInteger and the other "
                           "integer subtypes as xsd:integer, so pyshacl would report every offset; give the kg Graph "
                           "(or an rdflib graph) instead")
PYSHACL_MAX_TRIPLES = 20_000
"""``engine="auto"``: pyshacl (the reference) up to this many statements, SPARQL on Oxigraph above."""


def _prefixes() -> dict[str, str]:
    from kg.rdf import INSTANCE_PREFIXES, PREFIXES

    prefixes = {**PREFIXES, **INSTANCE_PREFIXES}
    prefixes.pop("sh", None)
    return prefixes


def _count_upto(data: Any, limit: int) -> int:
    """Statements in an rdflib graph or a pyoxigraph store, counted no further than ``limit + 1``."""
    import itertools

    import pyoxigraph as ox

    if isinstance(data, ox.Store):
        return sum(1 for _ in itertools.islice(data.quads_for_pattern(None, None, None, None), limit + 1))
    return len(data)


def _as_rdflib(data: Any) -> Any:
    """The data as one plain rdflib graph (named graphs merged), for pyshacl."""
    import pyoxigraph as ox
    import rdflib

    from kg.model import Graph
    from kg.rdf import to_rdflib

    if isinstance(data, Graph):
        return to_rdflib(data)
    if isinstance(data, ox.Store):
        raise KgError(_NO_PYSHACL_ON_OXIGRAPH)
    if isinstance(data, rdflib.Dataset) or type(data).__name__ == "ConjunctiveGraph":
        return _merge(data)
    if isinstance(data, rdflib.Graph):
        return data
    raise KgError(f"validate() takes a kg Graph, an rdflib Graph or a pyoxigraph Store, not {type(data).__name__}")


def _merge(data: Any) -> Any:
    import rdflib

    merged = rdflib.Graph()
    for name, ns in _prefixes().items():
        merged.bind(name, rdflib.Namespace(ns), override=True)
    for q in data.quads((None, None, None, None)) if hasattr(data, "quads") else data.triples((None, None, None)):
        merged.add(q[:3])
    return merged


def _as_store(data: Any) -> Any:
    """The data in a pyoxigraph store (in memory unless it is one already)."""
    import pyoxigraph as ox

    from kg.model import Graph
    from kg.rdf import load_into

    if isinstance(data, ox.Store):
        return data
    store = ox.Store()
    if isinstance(data, Graph):
        load_into(data, store)
        return store
    nt = _as_rdflib(data).serialize(format="nt", encoding="utf-8")
    store.bulk_load(nt, ox.RdfFormat.N_TRIPLES)
    return store


def validate(data: Any, shapes: Any = None, *, include_warnings: bool = True, engine: str = "auto",
             progress: Optional[Callable[[str], None]] = None) -> list[Violation]:
    """Check a kg ``Graph``, an rdflib graph or a pyoxigraph ``Store`` against ontology/shapes.ttl.

    ``engine``: "pyshacl" (the reference: minutes and gigabytes for big graphs), "sparql" (the shapes
    translated into SPARQL on Oxigraph, kg.shacl_sparql: the same results, seconds) or "auto"
    (pyshacl up to PYSHACL_MAX_TRIPLES statements; always SPARQL for a Store, whose integer subtypes
    pyshacl would misread).  ``progress`` (kg.progress: a Reporter, a callable taking lines, or None)
    shows each step: queries done for the SPARQL engine, a ticker for pyshacl.
    Returns the violations sorted by focus node then path; an empty list means it conforms.
    """
    from kg.model import Graph

    from kg.progress import steps

    if engine not in ENGINES:
        raise KgError(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}")
    rep = steps(progress)
    if shapes is None:
        from kg.rdf import load_shapes

        shapes = load_shapes()
    store = None
    if engine == "auto":
        if isinstance(data, Graph):
            with rep.step("loading the RDF into Oxigraph"):
                store = _as_store(data)
            small = _count_upto(store, PYSHACL_MAX_TRIPLES) <= PYSHACL_MAX_TRIPLES
        else:
            small = not _is_store(data) and _count_upto(_as_rdflib(data), PYSHACL_MAX_TRIPLES) <= PYSHACL_MAX_TRIPLES
        engine = "pyshacl" if small else "sparql"
    if engine == "pyshacl":
        if _is_store(data):
            raise KgError(_NO_PYSHACL_ON_OXIGRAPH)
        with rep.step("validate (pyshacl)"):
            return validate_pyshacl(_as_rdflib(data), shapes, include_warnings=include_warnings)
    if store is None and _is_store(data):
        store = data
    elif store is None:
        with rep.step("loading the RDF into Oxigraph"):
            store = _as_store(data)
    return validate_sparql(store, shapes, include_warnings=include_warnings, progress=progress)


def _is_store(data: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(data, ox.Store)


def validate_pyshacl(data: Any, shapes: Any, *, include_warnings: bool = True,
                     focus_nodes: Optional[list] = None) -> list[Violation]:
    """pyshacl on a plain rdflib graph, its results (nested sh:detail ones too) as Violations."""
    return _pyshacl(data, shapes, include_warnings, focus_nodes)[0]


def _pyshacl(data: Any, shapes: Any, include_warnings: bool = True,
             focus_nodes: Optional[list] = None) -> tuple[list[Violation], str]:
    import pyshacl
    import rdflib

    _conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True,
        allow_infos=True, advanced=True, meta_shacl=False, debug=False, focus_nodes=focus_nodes,
    )
    sh = rdflib.Namespace(_SH)
    prefixes = _prefixes()
    prov_p = rdflib.URIRef(_prefixes()["kg"] + "provenance")
    sel_p = rdflib.URIRef(_prefixes()["oa"] + "hasSelector")
    out: set[Violation] = set()
    for r in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(results.value(r, sh.resultSeverity) or "").rsplit("#", 1)[-1]
        if not include_warnings and severity != "Violation":
            continue
        focus = results.value(r, sh.focusNode)
        value = results.value(r, sh.value)
        label = _label(data, focus) if focus is not None else None
        if label is None and focus is not None:
            # A span or selector: name the element whose provenance it is.
            span = data.value(None, sel_p, focus) or focus
            owner = data.value(None, prov_p, span)
            if owner is not None:
                label = f"provenance of {_compact(owner, prefixes)}"
        out.add(Violation(
            focus=_compact(focus, prefixes) if focus is not None else "",
            path=_path_text(results, results.value(r, sh.resultPath), prefixes),
            message=_pick_message(list(results.objects(r, sh.resultMessage))),
            severity=severity or "Violation",
            value=_compact(value, prefixes) if value is not None else None,
            label=label,
            focus_node=str(focus) if focus is not None else "",
            shape=_compact(results.value(r, sh.sourceShape), prefixes)
            if isinstance(results.value(r, sh.sourceShape), rdflib.URIRef) else "",
            component=str(results.value(r, sh.sourceConstraintComponent) or "").rsplit("#", 1)[-1],
        ))
    return sorted(out, key=_order), text


def _order(v: Violation) -> tuple:
    return (v.focus, v.path, v.message, v.value or "", v.component, v.shape)


def _namespaces_graph() -> Any:
    """An empty rdflib graph with the bindings of kg.rdf.to_rdflib: pyshacl's view of node names."""
    import rdflib

    from kg.rdf import INSTANCE_PREFIXES, PREFIXES

    g = rdflib.Graph()
    for name, ns in {**PREFIXES, **INSTANCE_PREFIXES}.items():
        g.bind(name, rdflib.Namespace(ns), override=True)
    return g


def _store_labels(store: Any, nodes: set) -> dict[Any, str]:
    """Label of each node as kg.rdf_validate._label finds it in rdflib, read from the store."""
    import pyoxigraph as ox

    from kg.shacl_sparql import VALUES_CHUNK

    order = ["http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
             "http://purl.org/dc/terms/title"]
    named = sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=str)
    found: dict[Any, tuple[int, str]] = {}
    preds = " ".join(f"<{p}>" for p in order)
    for i in range(0, len(named), VALUES_CHUNK):
        values = " ".join(str(n) for n in named[i:i + VALUES_CHUNK])
        for sol in store.query(f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {preds} }} ?n ?p ?l }}",
                               use_default_graph_as_union=True):
            key = (order.index(sol["p"].value), sol["l"].value)
            if sol["n"] not in found or key < found[sol["n"]]:
                found[sol["n"]] = key
    labels = {n: k[1] for n, k in found.items()}
    rest = [n for n in named if n not in labels]
    prefixes = _prefixes()
    for i in range(0, len(rest), VALUES_CHUNK):
        values = " ".join(str(n) for n in rest[i:i + VALUES_CHUNK])
        q = (f"SELECT ?n ?owner WHERE {{ VALUES ?n {{ {values} }} OPTIONAL {{ ?sp <{prefixes['oa']}hasSelector> ?n }} "
             f"BIND(COALESCE(?sp, ?n) AS ?span) ?owner <{prefixes['kg']}provenance> ?span }}")
        for sol in store.query(q, use_default_graph_as_union=True):
            owner = f"provenance of {_compact(_rdflib_term(sol['owner']), prefixes)}"
            if sol["n"] not in labels or owner < labels[sol["n"]]:
                labels[sol["n"]] = owner
    return labels


def _rdflib_term(term: Any) -> Any:
    from kg.shacl_sparql import to_rdflib

    return to_rdflib(term)


def validate_sparql(store: Any, shapes: Any = None, *, include_warnings: bool = True,
                    progress: Optional[Callable[[str], None]] = None) -> list[Violation]:
    """The shapes as SPARQL on a pyoxigraph store (kg.shacl_sparql), results as Violations."""
    import rdflib

    from kg.shacl_sparql import validate_store

    hits, checker = validate_store(store, shapes, progress=progress)
    prefixes = _prefixes()
    datagraph = _namespaces_graph()
    labels = _store_labels(store, {h.focus for h in hits})
    out: set[Violation] = set()
    for h in hits:
        if not include_warnings and h.severity != "Violation":
            continue
        messages = list(h.messages) or [rdflib.Literal(checker.generic_message(h, datagraph))]
        focus, value = _rdflib_term(h.focus), _rdflib_term(h.value)
        out.add(Violation(
            focus=_compact(focus, prefixes), path=_path_text(checker.sg, h.path, prefixes),
            message=_pick_message(messages), severity=h.severity,
            value=_compact(value, prefixes) if value is not None else None, label=labels.get(h.focus),
            focus_node=str(focus), shape=_compact(h.shape, prefixes) if isinstance(h.shape, rdflib.URIRef) else "",
            component=h.component,
        ))
    return sorted(out, key=_order)


def _node_iri(node: str) -> str:
    """``task/0123…``, ``<https://…>`` or ``https://…`` → the full IRI."""
    from kg.rdf import BASE

    node = node.strip()
    if node.startswith("<") and node.endswith(">"):
        return node[1:-1]
    if "://" in node:
        return node
    return BASE + node


def documents_of(store: Any, node: str) -> list[str]:
    """Ids of the documents whose named graph mentions ``node`` (its own document, or for a shared node
    such as an organization every document naming it), read from a SPARQL store of the export."""
    import pyoxigraph as ox

    from kg.rdf import BASE

    n = ox.NamedNode(_node_iri(node))
    names = {q.graph_name for q in store.quads_for_pattern(n, None, None, None)}
    names |= {q.graph_name for q in store.quads_for_pattern(None, None, n, None)}
    if not names:
        raise KgError(f"{node}: no such node in the graph (give it as validate prints it, e.g. task/0123456789abcdef)")
    prefix = BASE + "document/"
    ids = {g.value[len(prefix):] for g in names if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)}
    if not ids:  # a node of the default graph only: the documents of the nodes it points to
        for q in store.quads_for_pattern(n, None, None, None):
            if isinstance(q.object, ox.NamedNode):
                for q2 in store.quads_for_pattern(q.object, None, None, None):
                    if isinstance(q2.graph_name, ox.NamedNode) and q2.graph_name.value.startswith(prefix):
                        ids.add(q2.graph_name.value[len(prefix):])
    return sorted(ids)


def explain(data: Any, node: str, shapes: Any = None) -> tuple[list[Violation], str]:
    """pyshacl's own report for one focus node (``task/0123…`` or an IRI): its violations and pyshacl's
    text.  ``data``: a kg Graph (for a store: the graph of :func:`documents_of` the node) or rdflib."""
    import rdflib

    if shapes is None:
        from kg.rdf import load_shapes

        shapes = load_shapes()
    if _is_store(data):
        raise KgError(_NO_PYSHACL_ON_OXIGRAPH)
    g = _as_rdflib(data)
    iri = rdflib.URIRef(_node_iri(node))
    if (iri, None, None) not in g and (None, None, iri) not in g:
        raise KgError(f"{node}: no such node in the graph (give it as validate prints it, e.g. task/0123456789abcdef)")
    # pyshacl's focus_nodes option also filters the nodes of nested sh:node checks (the span of an
    # element is never checked): the whole graph is checked and the report cut to this node
    violations, text = _pyshacl(g, shapes)
    mine = [v for v in violations if v.focus_node == str(iri)]
    names = {f"Focus Node: {iri.n3(g.namespace_manager)}", f"Focus Node: {iri.n3()}"}
    blocks = re.split(r"\n(?=Constraint Violation in |Validation Result in )", text)
    kept = [b for b in blocks[1:] if any(line.strip() in names for line in b.splitlines()[:6])]
    head = f"Validation Report for {iri}\nConforms: {not mine}\nResults ({len(kept)}):"
    return mine, "\n".join([head] + kept)


def graph_around(db: Any = None, backend: Optional[str] = None, node: str = "",
                 progress: Optional[Callable[[str], None]] = None) -> Any:
    """The kg Graph of the stored documents that mention ``node`` (found on the store's SPARQL copy),
    for :func:`explain`: pyshacl then reads the exporter's own literals, not Oxigraph's."""
    from kg.sparql import store_sparql
    from kg.store import open_store

    ids = documents_of(store_sparql(db, backend, progress=progress), node)
    with open_store(backend, db, read_only=True) as store:
        return store.to_graph(ids)

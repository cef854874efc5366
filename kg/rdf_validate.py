"""SHACL validation of kg's RDF (ontology/shapes.ttl) with pyshacl, violations as readable data.

pyshacl runs on a plain rdflib graph: right for a few documents, minutes for millions of
triples (DESIGN.md); it is the reference check of the published contract.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

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
    import rdflib
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


def validate(data, shapes=None, *, include_warnings: bool = True) -> list["Violation"]:
    """Check a kg ``Graph`` (exported first) or an rdflib graph against ontology/shapes.ttl.

    Returns the violations sorted by focus node then path; an empty list means it conforms.
    """
    import pyshacl
    import rdflib

    from kg.model import Graph
    from kg.rdf import INSTANCE_PREFIXES, PREFIXES, load_shapes, to_rdflib

    if isinstance(data, Graph):
        data = to_rdflib(data)
    elif isinstance(data, rdflib.Dataset) or type(data).__name__ == "ConjunctiveGraph":
        merged = rdflib.Graph()
        for t in data.triples((None, None, None)):
            merged.add(t)
        data = merged
    elif not isinstance(data, rdflib.Graph):
        raise KgError(f"validate() takes a kg Graph or an rdflib Graph, not {type(data).__name__}")
    if shapes is None:
        shapes = load_shapes()

    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True,
        allow_infos=True, advanced=True, meta_shacl=False, debug=False,
    )
    sh = rdflib.Namespace(_SH)
    prefixes = {**PREFIXES, **INSTANCE_PREFIXES}
    prefixes.pop("sh", None)
    prov_p = rdflib.URIRef(PREFIXES["kg"] + "provenance")
    sel_p = rdflib.URIRef(PREFIXES["oa"] + "hasSelector")
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
    return sorted(out, key=lambda v: (v.focus, v.path, v.message, v.value or "", v.component, v.shape))

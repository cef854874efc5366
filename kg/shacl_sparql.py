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
  rather than pre-bound: the query must bind ``$this`` in its own pattern and SELECT it.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

import pyoxigraph as ox

from kg.errors import KgError

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
PROGRESS_EVERY = 5.0


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

class ShaclSparql:
    """Validate the data of a pyoxigraph Store against a SHACL shapes graph (rdflib), by SPARQL."""

    def __init__(self, shapes: Any, store: ox.Store, *, union_default_graph: bool = True,
                 progress: Optional[Callable[[str], None]] = None) -> None:
        import rdflib

        self.rdflib = rdflib
        self.sg = shapes
        self.store = store
        self.union = union_default_graph
        self.progress = progress
        self._cache: dict[str, list[tuple]] = {}
        self._memo: dict[tuple[Any, str], list[Hit]] = {}
        self._stack: list[Any] = []
        self.queries = 0
        self.query_seconds = 0.0
        self._sh = lambda name: rdflib.URIRef(SH + name)
        self.subclasses = self._ask(f"ASK {{ ?a <{RDFS}subClassOf> ?b }}")
        self.roots = self._root_shapes()
        for shape in self.roots:  # refuse what is not supported before any check runs
            self._check_supported(shape, set())

    # ---- running queries

    def _ask(self, text: str) -> bool:
        return bool(self.store.query(text, use_default_graph_as_union=self.union))

    def rows(self, text: str) -> list[tuple]:
        """The solutions of a SELECT (cached by text: shared checks run once)."""
        if text not in self._cache:
            t = time.monotonic()
            res = self.store.query(text, use_default_graph_as_union=self.union)
            names = [v.value for v in res.variables]
            self._cache[text] = [tuple(sol[n] for n in names) for sol in res]
            self.queries += 1
            self.query_seconds += time.monotonic() - t
        return self._cache[text]

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
        if shape in seen:
            return
        seen.add(shape)
        is_property = self._one(shape, "path") is not None
        for p in sorted(set(self.sg.predicates(shape, None)), key=str):  # sorted: the same error every run
            ps = str(p)
            if not ps.startswith(SH):
                continue
            name = ps[len(SH):]
            if name not in SUPPORTED:
                raise UnsupportedShape(f"{self._name(shape)}: sh:{name} is not supported by the SPARQL validator "
                                       f"(kg/shacl_sparql.py); check this graph with --engine pyshacl, or teach "
                                       f"the translator sh:{name}")
        if is_property:
            self.path_text(self._one(shape, "path"), shape)
            for name in ("property", "sparql"):
                if self._objects(shape, name):
                    raise UnsupportedShape(f"{self._name(shape)}: sh:{name} on a property shape is not supported "
                                           f"by the SPARQL validator; put it on a node shape")
        else:
            for name in ("minCount", "maxCount", "lessThan", "lessThanOrEquals"):
                if self._objects(shape, name):
                    raise UnsupportedShape(f"{self._name(shape)}: sh:{name} needs sh:path (it is for property shapes)")
        for name in ("property", "node"):
            for s in self._objects(shape, name):
                self._check_supported(s, seen)
        for name in ("or", "and", "xone"):
            for lst in self._objects(shape, name):
                for m in self._list(lst):
                    self._check_value_only(m, shape, name)
        for m in self._objects(shape, "not"):
            self._check_value_only(m, shape, "not")
        for c in self._objects(shape, "sparql"):
            for p in sorted(set(self.sg.predicates(c, None)), key=str):
                if str(p).startswith(SH) and str(p)[len(SH):] not in ("select", "message", "prefixes", "deactivated"):
                    raise UnsupportedShape(f"{self._name(shape)}: sh:{str(p)[len(SH):]} in a SPARQL constraint "
                                           f"is not supported by the SPARQL validator")
            if self._one(c, "select") is None:
                raise UnsupportedShape(f"{self._name(shape)}: a SPARQL constraint without sh:select")
        for lst in self._objects(shape, "in") + self._objects(shape, "languageIn"):
            self._list(lst)

    def _check_value_only(self, member: Any, owner: Any, how: str) -> None:
        """A member of sh:or / sh:and / sh:xone / sh:not must be checkable on a value alone."""
        for p in set(self.sg.predicates(member, None)):
            ps = str(p)
            if not ps.startswith(SH):
                continue
            name = ps[len(SH):]
            if name in ("message", "name", "description", "severity", "deactivated"):
                continue
            if name == "node":
                for s in self._objects(member, "node"):
                    self._check_value_only(s, owner, how)
                continue
            if name not in VALUE_TESTS and name not in ("flags",):
                raise UnsupportedShape(f"{self._name(owner)}: sh:{how} over a shape with sh:{name} is not supported "
                                       f"by the SPARQL validator (only value tests such as sh:class, sh:datatype, "
                                       f"sh:in, sh:nodeKind inside sh:{how})")
        for name in ("or", "and", "xone"):
            for lst in self._objects(member, name):
                for m in self._list(lst):
                    self._check_value_only(m, owner, name)
        for m in self._objects(member, "not"):
            self._check_value_only(m, owner, "not")

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
        where = self._name(shape)
        lit = lambda t: _n3(t, where)  # noqa: E731
        if name == "class":
            return "(" + " && ".join(f"BOUND({flags.setdefault(str(c), f'?_c{len(flags)}')})" for c in arg) + ")"
        if name == "datatype":
            return self._datatype(str(arg), var)
        if name == "nodeKind":
            kind = str(arg)[len(SH):] if str(arg).startswith(SH) else ""
            if kind not in _NODE_KINDS:
                raise UnsupportedShape(f"{where}: sh:nodeKind {arg} is not a SHACL node kind")
            return "(" + _NODE_KINDS[kind].format(v=var) + ")"
        if name == "in":
            members = self._list(arg)
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({var}, {lit(m)})" for m in members) + ")"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(arg)})"
        if name == "pattern":
            fl = self._one(shape, "flags")
            args = f"STR({var}), {lit(self.rdflib.Literal(str(arg)))}" + (
                f", {lit(self.rdflib.Literal(str(fl)))}" if fl is not None else "")
            return f"(!isBlank({var}) && REGEX({args}))"
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
            return f"({var} {op} {lit(arg)})"
        if name == "languageIn":
            langs = [str(x) for x in self._list(arg)]
            if not langs:
                return "false"
            return "(" + " || ".join(f"langMatches(LANG({var}), {lit(self.rdflib.Literal(x))})" for x in langs) + ")"
        if name in ("or", "and", "xone"):
            parts = [f"COALESCE({self.conforms(m, var, flags)}, false)" for m in self._list(arg)]
            if not parts:
                return "true" if name == "and" else "false"
            if name == "xone":
                return "((" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + ") = 1)"
            return "(" + (" || " if name == "or" else " && ").join(parts) + ")"
        if name == "not":
            return f"(!COALESCE({self.conforms(arg, var, flags)}, false))"
        raise UnsupportedShape(f"{where}: sh:{name} is not supported by the SPARQL validator")  # pragma: no cover

    def conforms(self, shape: Any, var: str, flags: dict[str, str]) -> str:
        """``var`` conforms to a shape made of value tests only (a member of sh:or …)."""
        if self.deactivated(shape):
            return "true"
        parts = [f"COALESCE({self.expression(n, a, var, shape, flags)}, false)" for n, a in self.value_tests(shape)]
        parts += [f"COALESCE({self.conforms(s, var, flags)}, false)" for s in self._objects(shape, "node")]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _datatype(self, dt: str, v: str) -> str:
        if dt == RDF + "langString":
            return f"(isLiteral({v}) && LANG({v}) != \"\")"
        if dt == XSD + "string":
            return f"(isLiteral({v}) && DATATYPE({v}) = <{XSD}string>)"
        if dt == RDFS + "Literal":
            return f"isLiteral({v})"
        local = dt[len(XSD):] if dt.startswith(XSD) else ""
        if local in _INTEGER_RANGES:  # Oxigraph stores every integer subtype as xsd:integer
            lo, hi = _INTEGER_RANGES[local]
            cond = [f"isLiteral({v})", f"DATATYPE({v}) = <{XSD}integer>", f"isNumeric({v})"]
            cond += [f"{v} >= {lo}"] if lo is not None else []
            cond += [f"{v} <= {hi}"] if hi is not None else []
            return "(" + " && ".join(cond) + ")"
        if local in ("decimal", "double", "float"):
            return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}> && isNumeric({v}))"
        if local == "boolean":
            return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}> && STR({v}) IN (\"true\", \"false\"))"
        if local in _CASTS:
            return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}> && isLiteral(<{dt}>(STR({v}))))"
        return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}>)"

    @staticmethod
    def _class_optionals(flags: dict[str, str], var: str, type_path: str) -> str:
        """One hashed OPTIONAL per class: the flag is bound when ``var`` is an instance."""
        return " ".join(f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) WHERE {{ {var} {type_path} <{c}> }} }}"
                        for c, flag in flags.items())

    # ---- validation

    def validate(self) -> list[Hit]:
        """Every result for the shapes with targets, in a stable order.  With ``progress``, a line every
        few seconds from a thread (pyoxigraph releases the GIL while a query runs, so it ticks
        through long queries too)."""
        hits: list[Hit] = []
        start = time.monotonic()
        state = {"done": 0, "shape": ""}
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(PROGRESS_EVERY):
                if self.progress and time.monotonic() - start >= 2:
                    self.progress(f"validate: {state['done']} of {len(self.roots)} shapes done, checking "
                                  f"{state['shape']}, {time.monotonic() - start:.1f} s")

        ticker = threading.Thread(target=tick, name="kg-validate-progress", daemon=True)
        ticker.start()
        try:
            for i, shape in enumerate(self.roots):
                state["shape"] = self._name(shape)
                hits += self.evaluate(shape, self.targets(shape))
                state["done"] = i + 1
        finally:
            stop.set()
            ticker.join()
        if self.progress and time.monotonic() - start >= 2:
            self.progress(f"validate: {len(self.roots)} of {len(self.roots)} shapes, {self.queries} queries, "
                          f"{time.monotonic() - start:.1f} s")
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
        if tests:
            flags: dict[str, str] = {}
            exprs = [self.expression(n, a, "?this", shape, flags) for n, a in tests]
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

    def _test_query(self, scan: str, var: str, exprs: list[str], flags: dict[str, str], project: list[str]) -> str:
        binds = " ".join(f"BIND(COALESCE({e}, false) AS ?_ok{i})" for i, e in enumerate(exprs))
        fail = " || ".join(f"!?_ok{i}" for i in range(len(exprs)))
        oks = " ".join(f"?_ok{i}" for i in range(len(exprs)))
        return (f"SELECT {' '.join(project)} {oks} WHERE {{ {scan} "
                f"{self._class_optionals(flags, var, self._type_path())} {binds} FILTER({fail}) }}")

    def _property(self, shape: Any, focus: Focus, path_node: Any) -> list[Hit]:
        """Constraints of a property shape: on the values of its path from each focus node."""
        hits: list[Hit] = []
        path = self.path_text(path_node, shape)
        zero = self._zero_length(path_node)
        hit = lambda comp, f, v=None: self._hit(shape, comp, f, v, path_node)  # noqa: E731
        # every (focus, value) pair, unrestricted unless the path can be of length zero
        pairs = (f"{{ SELECT ?this ?v WHERE {{ {focus.superset} ?this {path} ?v }} }}" if zero
                 else f"{{ SELECT ?this ?v WHERE {{ ?this {path} ?v }} }}")
        for n in self._objects(shape, "minCount"):
            n = int(n)
            if n <= 0:
                continue
            has = (f"MINUS {{ ?this {path} ?_v }}" if n == 1 else
                   f"MINUS {{ SELECT ?this WHERE {{ ?this {path} ?_v }} GROUP BY ?this "
                   f"HAVING (COUNT(DISTINCT ?_v) >= {n}) }}")
            text = f"SELECT ?this WHERE {{ {{ {focus.superset} }} {has} }}"  # duplicates are dropped later
            hits += [hit("minCount", f) for f in self.restrict(focus, (r[0] for r in self.rows(text)), trusted=True)]
        for n in self._objects(shape, "maxCount"):
            # COUNT(?v) is cheap but counts a triple stated in two graphs twice: the few candidates
            # are then counted exactly
            text = f"SELECT ?this WHERE {{ ?this {path} ?v }} GROUP BY ?this HAVING (COUNT(?v) > {int(n)})"
            if zero:
                text = f"SELECT ?this WHERE {{ {pairs} }} GROUP BY ?this HAVING (COUNT(?v) > {int(n)})"
            many = self.restrict(focus, (r[0] for r in self.rows(text)))
            hits += [hit("maxCount", f) for f in self._more_than(many, path, int(n))]
        for value in self._objects(shape, "hasValue"):
            text = (f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus.superset} }} }} "
                    f"MINUS {{ ?this {path} {_n3(value, self._name(shape))} }} }}")
            hits += [hit("hasValue", f) for f in self.restrict(focus, (r[0] for r in self.rows(text)), trusted=True)]
        tests = self.value_tests(shape)
        if tests:
            flags: dict[str, str] = {}
            exprs = [self.expression(n, a, "?v", shape, flags) for n, a in tests]
            rows = self.rows(self._test_query(pairs, "?v", exprs, flags, ["?this", "?v"]))
            keep = self.restrict(focus, (r[0] for r in rows))
            for r in rows:
                if r[0] in keep:
                    hits += [hit(tests[i][0], r[0], r[1]) for i, ok in enumerate(r[2:]) if not _true(ok)]
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for other in self._objects(shape, name):
                text = (f"SELECT ?this ?v WHERE {{ {pairs} {{ SELECT ?this ?_w WHERE {{ ?this "
                        f"{_n3(other, self._name(shape))} ?_w }} }} FILTER(!COALESCE(?v {op} ?_w, false)) }}")
                rows = self.rows(text)
                keep = self.restrict(focus, (r[0] for r in rows))
                hits += [hit(name, r[0], r[1]) for r in rows if r[0] in keep]
        for nested in self._objects(shape, "node"):
            inner = self.evaluate(nested, ValueFocus(focus, path, zero))
            bad = {h.focus for h in inner}
            if not bad:
                continue
            pairs_bad = self.rows_for(bad, "?v", lambda values: f"SELECT DISTINCT ?this ?v WHERE {{ {values} "
                                                                 f"?this {path} ?v }}", 1)
            keep = self.restrict(focus, (r[0] for r in pairs_bad))
            hits += [hit("node", r[0], r[1]) for r in pairs_bad if r[0] in keep]
            hits += inner
        return hits

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

    def _sparql(self, shape: Any, constraint: Any, focus: Focus) -> list[Hit]:
        if self.deactivated(constraint):
            return []
        select = str(self._one(constraint, "select"))
        t = time.monotonic()
        try:
            res = self.store.query(self._prefixes(constraint) + select, use_default_graph_as_union=self.union)
        except SyntaxError as e:
            raise UnsupportedShape(f"{self._name(shape)}: its sh:select is not valid SPARQL ({e})") from None
        if not isinstance(res, ox.QuerySolutions):
            raise UnsupportedShape(f"{self._name(shape)}: sh:select must be a SELECT query")
        names = [v.value for v in res.variables]
        if "this" not in names:
            raise UnsupportedShape(f"{self._name(shape)}: its sh:select must SELECT $this for the SPARQL validator "
                                   f"(it runs once for every focus node, not once per node)")
        rows = [{n: sol[n] for n in names} for sol in res]
        self.queries += 1
        self.query_seconds += time.monotonic() - t
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


    # ---- pyshacl's wording where a shape states no sh:message

    def generic_message(self, hit: Hit, datagraph: Any) -> str:
        """The message pyshacl writes for a result of a shape without sh:message (its own wording,
        made with its own ``stringify_node``, so that both engines report the same text)."""
        from pyshacl.rdfutil import stringify_node

        sg, shape = self.sg, hit.shape
        comp = hit.component[: -len("ConstraintComponent")]
        name = next(k for k, v in COMPONENT.items() if v == comp)
        params = self._objects(shape, name)
        s = lambda n: stringify_node(sg, n)  # noqa: E731

        def d(n: Any) -> str:
            try:
                return stringify_node(datagraph, n)
            except (LookupError, ValueError):
                return str(n)

        focus, value = to_rdflib(hit.focus), to_rdflib(hit.value)
        path = self._one(shape, "path")
        lists = lambda: " and ".join("(" + " , ".join(s(x) for x in self._list(p)) + ")" for p in params) \
            if len(params) > 1 else " , ".join(s(x) for x in self._list(params[0]))  # noqa: E731
        if comp in ("MinCount", "MaxCount"):
            word = "Less" if comp == "MinCount" else "More"
            where = f"{d(focus)}->{s(path)}" if path is not None else d(focus)
            return f"{word} than {params[0]} values on {where}"
        if comp == "Class":
            if len(params) < 2:
                return f"Value does not have class {s(params[0])}"
            return "Value class is not in classes ({})".format(", ".join(s(c) for c in params))
        if comp == "Datatype":
            return f"Value is not Literal with datatype {s(params[0])}"
        if comp == "NodeKind":
            return f"Value is not of Node Kind {s(params[0])}"
        if comp == "In":
            return "Value {} not in list {}".format(d(value), [s(x) for x in self._list(params[0])])
        if comp in ("MinLength", "MaxLength"):
            return "String length not {} {}".format(">=" if comp == "MinLength" else "<=", d(params[0]))
        if comp == "Pattern":
            if len(params) < 2:
                return f"Value does not match pattern '{params[0]}'"
            return "Value does not match every pattern in ('{}')".format("', '".join(str(p) for p in params))
        if comp in ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"):
            op = {"MinInclusive": ">=", "MaxInclusive": "<=", "MinExclusive": ">", "MaxExclusive": "<"}[comp]
            if len(params) < 2:
                return f"Value is not {op} {s(params[0])}"
            return "Value is not {} in ({})".format(op, ", ".join(s(p) for p in params))
        if comp == "LanguageIn":
            return f"String language is not in {s(params[0])}"
        if comp in ("LessThan", "LessThanOrEquals"):
            rules = ", ".join(s(p) for p in params)
            return "Value of {}->{} {} {}".format(d(focus), rules, "<=" if comp == "LessThan" else "<", d(value))
        if comp == "HasValue":
            the_set = [s(x) for x in params]
            if path is not None:
                return f"Node {d(focus)}->{s(path)} does not contain a value in the set: {the_set}"
            return f"Node {d(focus)} value is not a in the set of values: {the_set}"
        if comp == "Node":
            if len(params) < 2:
                m = f"Value does not conform to Shape {s(params[0])}."
            else:
                m = "Value must conform to every Shape in ('{}').".format("', '".join(s(c) for c in params))
            return m + " See details for more information."
        if comp in ("Or", "And", "Xone"):
            how = {"Or": "one or more shapes", "And": "all shapes", "Xone": "exactly one shape"}[comp]
            return f"Node {d(value)} must conform to {how} in {lists()}"
        if comp == "Not":
            if len(params) == 1:
                return f"Node {d(value)} must not conform to shape {s(params[0])}"
            return "Node {} must not conform to any shapes in {}".format(d(value), " , ".join(s(n) for n in params))
        return f"{comp} constraint not met"


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

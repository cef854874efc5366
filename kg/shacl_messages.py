"""pyshacl's wording for a result of a shape that states no sh:message, so that the SPARQL validator
(kg.shacl_sparql) and pyshacl report the same text: one small function per constraint component."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Result:
    """What a message names: the shape's parameters for the component, its path, the focus node and the
    value, and how pyshacl prints a node of the shapes graph (``s``), of the data graph (``d``) and the
    members of an RDF list of the shapes graph (``items``)."""

    params: list
    path: Any
    focus: Any
    value: Any
    s: Callable[[Any], str]
    d: Callable[[Any], str]
    items: Callable[[Any], list]


_COMPARE = {"MinInclusive": ">=", "MaxInclusive": "<=", "MinExclusive": ">", "MaxExclusive": "<"}
_LOGICAL = {"Or": "one or more shapes", "And": "all shapes", "Xone": "exactly one shape"}


def _count(comp: str, r: Result) -> str:
    word = "Less" if comp == "MinCount" else "More"
    where = f"{r.d(r.focus)}->{r.s(r.path)}" if r.path is not None else r.d(r.focus)
    return f"{word} than {r.params[0]} values on {where}"


def _class(_comp: str, r: Result) -> str:
    if len(r.params) < 2:
        return f"Value does not have class {r.s(r.params[0])}"
    return "Value class is not in classes ({})".format(", ".join(r.s(c) for c in r.params))


def _in(_comp: str, r: Result) -> str:
    return "Value {} not in list {}".format(r.d(r.value), [r.s(x) for x in r.items(r.params[0])])


def _length(comp: str, r: Result) -> str:
    return "String length not {} {}".format(">=" if comp == "MinLength" else "<=", r.d(r.params[0]))


def _pattern(_comp: str, r: Result) -> str:
    if len(r.params) < 2:
        return f"Value does not match pattern '{r.params[0]}'"
    return "Value does not match every pattern in ('{}')".format("', '".join(str(p) for p in r.params))


def _range(comp: str, r: Result) -> str:
    op = _COMPARE[comp]
    if len(r.params) < 2:
        return f"Value is not {op} {r.s(r.params[0])}"
    return "Value is not {} in ({})".format(op, ", ".join(r.s(p) for p in r.params))


def _less_than(comp: str, r: Result) -> str:
    rules = ", ".join(r.s(p) for p in r.params)
    return "Value of {}->{} {} {}".format(r.d(r.focus), rules, "<=" if comp == "LessThan" else "<", r.d(r.value))


def _has_value(_comp: str, r: Result) -> str:
    the_set = [r.s(x) for x in r.params]
    if r.path is not None:
        return f"Node {r.d(r.focus)}->{r.s(r.path)} does not contain a value in the set: {the_set}"
    return f"Node {r.d(r.focus)} value is not a in the set of values: {the_set}"


def _node(_comp: str, r: Result) -> str:
    if len(r.params) < 2:
        m = f"Value does not conform to Shape {r.s(r.params[0])}."
    else:
        m = "Value must conform to every Shape in ('{}').".format("', '".join(r.s(c) for c in r.params))
    return m + " See details for more information."


def _logical(comp: str, r: Result) -> str:
    if len(r.params) > 1:
        lists = " and ".join("(" + " , ".join(r.s(x) for x in r.items(p)) + ")" for p in r.params)
    else:
        lists = " , ".join(r.s(x) for x in r.items(r.params[0]))
    return f"Node {r.d(r.value)} must conform to {_LOGICAL[comp]} in {lists}"


def _not(_comp: str, r: Result) -> str:
    if len(r.params) == 1:
        return f"Node {r.d(r.value)} must not conform to shape {r.s(r.params[0])}"
    return "Node {} must not conform to any shapes in {}".format(r.d(r.value), " , ".join(r.s(n) for n in r.params))


_WORDING: dict[str, Callable[[str, Result], str]] = {
    "MinCount": _count, "MaxCount": _count,
    "Class": _class,
    "Datatype": lambda _c, r: f"Value is not Literal with datatype {r.s(r.params[0])}",
    "NodeKind": lambda _c, r: f"Value is not of Node Kind {r.s(r.params[0])}",
    "In": _in,
    "MinLength": _length, "MaxLength": _length,
    "Pattern": _pattern,
    **{comp: _range for comp in _COMPARE},
    "LanguageIn": lambda _c, r: f"String language is not in {r.s(r.params[0])}",
    "LessThan": _less_than, "LessThanOrEquals": _less_than,
    "HasValue": _has_value,
    "Node": _node,
    **{comp: _logical for comp in _LOGICAL},
    "Not": _not,
}


def pyshacl_message(component: str, result: Result) -> str:
    """The message pyshacl writes for ``component`` (its name without "ConstraintComponent")."""
    wording = _WORDING.get(component)
    return wording(component, result) if wording else f"{component} constraint not met"

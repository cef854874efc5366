"""The property-graph schema, derived once from the model classes (kg/model.py).

Every writer (the embedded LadybugDB store, the Neo4j store, the neo4j-admin files) and every reader
takes its labels, keys, columns and relationship types from here, so a field added to a model class
reaches them all. What is stated by hand is only the structure: which class is which node label and
which fields of a class are the ends (and the type) of a relationship — never a property list.

Columns of a node: the class's fields in model order, its provenance flattened to start, end and text
(no text when the class has a text field of its own: Target), the computed columns COMPUTED, then
the stored counts of kg/store/counts.py. Properties of a relationship: the fields of its class that are
not its ends, its type or stored on its end node, provenance as start, end and clause.
"""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel

from kg.model import Action, Alignment, Citation, Document, Membership, Organization, Person, Responsibility, Section, Target, Task
from kg.store import counts as kc

# Ladybug's types for the Python ones the model uses (neo4j-admin and Arrow types follow from these)
_TYPES: dict[Any, str] = {str: "STRING", int: "INT64", float: "DOUBLE", bool: "BOOL"}


@dataclass(frozen=True)
class Column:
    """A node column or relationship property: its name, Ladybug type, and the attribute path it is read
    from on a model object ("title", "prov.start"); path None: filled in by the projection (computed)."""

    name: str
    type: str
    path: Optional[str]


@dataclass(frozen=True)
class NodeTable:
    label: str
    model: type[BaseModel]
    columns: tuple[Column, ...]
    key: str = "id"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class End:
    """One end of a relationship: the field holding the node's id, and its label (fixed) or the field
    whose value is the label (target_kind: Literal["Action", "Task"])."""

    field: str
    label: Optional[str] = None
    kind_field: Optional[str] = None


@dataclass(frozen=True)
class RelSpec:
    """How objects of a model class are relationships: the type (fixed, or the field whose value it
    is), the two ends, the fields stored on the end node instead (Citation.key on CitedDocument), the
    properties when not all (None: every other field), the order of properties stores already hold
    (others follow), and whether an object whose source id is None has no such relationship."""

    model: type[BaseModel]
    name: Optional[str]
    src: End
    dst: End
    type_field: Optional[str] = None
    on_node: tuple[str, ...] = ()
    props: Optional[tuple[str, ...]] = None
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelTable:
    name: str
    pairs: tuple[tuple[str, str], ...]
    props: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.props]


# derived, per document: the aliases a document gave an organization it names (kg/store/projection.py:
# an organization's aliases are those its documents give; they go with a document removed or replaced)
NAMED = "NAMED_IN"
EdgeKey = tuple[str, str, str]  # (relationship type, FROM label, TO label)

# node label -> its class; CitedDocument is a placeholder made of a citation's cited_id, key and title
NODE_MODELS: dict[str, type[BaseModel]] = {
    "Document": Document, "Section": Section, "Action": Action, "Task": Task, "Organization": Organization,
    "Target": Target, "Person": Person, "CitedDocument": Citation}
# the CitedDocument columns: (column, Citation field)
CITED_FIELDS = (("id", "cited_id"), ("key", "key"), ("title", "title"))
# columns the projection computes: label -> (column, after which column; None: after the provenance)
COMPUTED: dict[str, tuple[tuple[str, Optional[str]], ...]] = {
    "Action": (("section", "section_id"),),  # the title of its section
    "Document": (("title_key", None),),  # kg.ids.title_key(title): finds the document a citation names
}

REL_SPECS: tuple[RelSpec, ...] = (
    RelSpec(Section, "HAS_SECTION", End("document_id", "Document"), End("id", "Section"), props=()),
    RelSpec(Action, "HAS_ACTION", End("document_id", "Document"), End("id", "Action"), props=()),
    RelSpec(Action, "HAS_ACTION", End("section_id", "Section"), End("id", "Action"), props=()),
    RelSpec(Task, "HAS_TASK", End("action_id", "Action"), End("id", "Task"), props=()),
    RelSpec(Responsibility, None, End("organization_id", "Organization"), End("target_id", kind_field="target_kind"),
            type_field="role", order=("id", "qualifier", "deadline", "mention", "document_id")),
    RelSpec(Target, "HAS_TARGET", End("owner_id", kind_field="owner_kind"), End("id", "Target"), props=()),
    RelSpec(Membership, "MEMBER_OF", End("person_id", "Person"), End("group_id", "Organization")),  # -> leading group
    RelSpec(Membership, "POST_IN", End("person_id", "Person"), End("unit_id", "Organization"),  # -> unit of the post
            props=("id", "post", "post_title")),
    RelSpec(Citation, "CITES", End("document_id", "Document"), End("cited_id", "CitedDocument"), on_node=("key",)),
    RelSpec(Alignment, "ALIGNS_WITH", End("source_id", kind_field="source_kind"),  # across documents
            End("target_id", kind_field="target_kind")),
)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def column_type(annotation: Any) -> str:
    """The Ladybug type of a model field's annotation (Optional[X] is X; a Literal is the type of its values)."""
    t = _strip_optional(annotation)
    if typing.get_origin(t) is Literal:
        t = type(typing.get_args(t)[0])
    if typing.get_origin(t) is list:
        return column_type(typing.get_args(t)[0]) + "[]"
    if t not in _TYPES:
        raise TypeError(f"no store type for the model annotation {annotation!r}: add it to kg.store.schema._TYPES")
    return _TYPES[t]


def literal_values(model: type[BaseModel], field: str) -> tuple[str, ...]:
    """The values a Literal field can take (the labels of a kind field, the types of a role field)."""
    return tuple(typing.get_args(_strip_optional(model.model_fields[field].annotation)))


def _field(model: type[BaseModel], name: str, column: Optional[str] = None) -> Column:
    return Column(column or name, column_type(model.model_fields[name].annotation), name)


def _prov(model: type[BaseModel], text: str) -> list[Column]:
    if "prov" not in model.model_fields:
        return []
    cols = [Column("start", "INT64", "prov.start"), Column("end", "INT64", "prov.end")]
    if text not in model.model_fields:  # Target: its text is prov.text
        cols.append(Column(text, "STRING", "prov.text"))
    return cols


def _node_table(label: str, model: type[BaseModel]) -> NodeTable:
    if label == "CitedDocument":
        return NodeTable(label, model, tuple(_field(model, f, c) for c, f in CITED_FIELDS))
    cols = [_field(model, f) for f in model.model_fields if f != "prov"] + _prov(model, "text")
    for name, after in COMPUTED.get(label, ()):
        at = len(cols) if after is None else [c.name for c in cols].index(after) + 1
        cols.insert(at, Column(name, "STRING", None))
    cols += [Column(n, "INT64", None) for n in kc.NODE_COUNTS.get(label, ())]
    return NodeTable(label, model, tuple(cols))


def prop_fields(spec: RelSpec) -> list[str]:
    """The model fields a relationship stores as properties, in table order."""
    if spec.props is not None:
        return list(spec.props)
    ends = {spec.src.field, spec.dst.field, spec.src.kind_field, spec.dst.kind_field, spec.type_field, "prov"}
    rest = [f for f in spec.model.model_fields if f not in ends and f not in spec.on_node]
    return [f for f in spec.order if f in rest] + [f for f in rest if f not in spec.order]


def rel_props(spec: RelSpec) -> tuple[Column, ...]:
    cols = [_field(spec.model, f) for f in prop_fields(spec)]
    if spec.props is None:
        cols += _prov(spec.model, "clause")
    return tuple(cols)


def _labels(spec: RelSpec, end: End) -> tuple[str, ...]:
    return (end.label,) if end.label else literal_values(spec.model, end.kind_field or "")


def rel_types(spec: RelSpec) -> tuple[str, ...]:
    return (spec.name,) if spec.name else literal_values(spec.model, spec.type_field or "")


def rel_pairs(spec: RelSpec) -> list[tuple[str, str]]:
    return [(a, b) for a in _labels(spec, spec.src) for b in _labels(spec, spec.dst)]


def _rel_tables() -> dict[str, RelTable]:
    out: dict[str, RelTable] = {}
    for spec in REL_SPECS:
        for name in rel_types(spec):
            have = out.get(name)
            pairs = (have.pairs if have else ()) + tuple(rel_pairs(spec))
            out[name] = RelTable(name, pairs, have.props if have else rel_props(spec))
    # derived from the edges (kg/store/counts.py): shared tasks (a.id < b.id), and an organization's edges per document
    out[kc.SHARES] = RelTable(kc.SHARES, (("Organization", "Organization"),), (Column("tasks", "INT64", None),))
    out[kc.ACTIVE] = RelTable(kc.ACTIVE, (("Organization", "Document"),),
                              tuple(Column(n, "INT64", None) for n in kc.ACTIVE_PROPS))
    out[NAMED] = RelTable(NAMED, (("Organization", "Document"),), (Column("aliases", "STRING[]", None),))
    return out


NODE_TABLES: dict[str, NodeTable] = {label: _node_table(label, m) for label, m in NODE_MODELS.items()}
REL_TABLES: dict[str, RelTable] = _rel_tables()
# labels whose nodes belong to one document (document_id property) and go in with its transaction
DOCUMENT_PARTS = ("Section", "Action", "Task", "Target", "Person")


def q(name: str) -> str:
    """Quote an identifier with backticks (`end` is reserved in Ladybug's Cypher; harmless elsewhere)."""
    return "`" + name.replace("`", "``") + "`"


def describe() -> list[dict[str, Any]]:
    """The schema as rows a person reads (`kg schema`): each node label and relationship type with its
    properties, and for a relationship the (from, to) label pairs it joins. Derived, so never stale."""
    rows: list[dict[str, Any]] = [
        {"kind": "node", "name": t.label, "ends": [], "properties": t.names} for t in NODE_TABLES.values()]
    rows += [{"kind": "relationship", "name": r.name, "ends": [f"{a}->{b}" for a, b in r.pairs],
              "properties": r.names} for r in REL_TABLES.values()]
    return rows


def lint_schema() -> dict[str, list[str]]:
    """The names Neo4j's Cypher checker (tools/cypher-lint, `--schema FILE`) accepts: labels,
    relationship types and property keys, in schema order."""
    keys = [c for t in NODE_TABLES.values() for c in t.names] + [c for r in REL_TABLES.values() for c in r.names]
    return {"labels": list(NODE_TABLES), "relationshipTypes": list(REL_TABLES),
            "propertyKeys": list(dict.fromkeys(keys))}

"""One projection of a Graph into the rows every writer writes, and back (kg/store/schema.py gives the shape).

Graph → bundles (one per document: grouped in one pass, integrity checked once, with one set of messages)
→ columns (one list per table column, in table order) per node label and per (relationship type, FROM
label, TO label). The embedded store COPYs the columns as Arrow tables or UNWINDs them as rows, the Neo4j
store UNWINDs them as rows, the neo4j-admin writer prints them. Reading back, rows (column → value, as
any store returns them) become model objects again (read_graph).
"""
from __future__ import annotations

import typing
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, Callable, Iterable, Mapping, Optional, Protocol, Sequence, cast

from pydantic import BaseModel

from kg.errors import StoreError
from kg.ids import title_key
from kg.model import (
    Alignment,
    Citation,
    Document,
    Graph,
    Membership,
    Organization,
    Provenance,
    Responsibility,
)
from kg.store import counts as kc
from kg.store.base import DocResult
from kg.store.schema import (
    CITED_FIELDS,
    NAMED,
    NODE_TABLES,
    REL_SPECS,
    REL_TABLES,
    EdgeKey,
    RelSpec,
    column_type,
    prop_fields,
    rel_pairs,
    rel_types,
)
from kg.trusted import trusted

Columns = list[Sequence[Any]]
NodeCounts = dict[str, tuple[int, ...]]  # node id -> its stored counts (kc.NODE_COUNTS order)
Row = Mapping[str, Any]

# the Graph field holding the objects of each model class (list[Section] -> "sections")
GRAPH_FIELDS: dict[type[BaseModel], str] = {typing.get_args(f.annotation)[0]: name for name, f in Graph.model_fields.items()}
# the relationships a document's objects make, by Graph field (alignments span documents: replace_alignments)
DOCUMENT_RELS: dict[str, list[RelSpec]] = defaultdict(list)
for _spec in REL_SPECS:
    if _spec.model is not Alignment:
        DOCUMENT_RELS[GRAPH_FIELDS[_spec.model]].append(_spec)
# the Graph fields whose objects belong to one document (document_id): they go in and out with it
PARTS = tuple(name for model, name in GRAPH_FIELDS.items() if "document_id" in model.model_fields)
ROLES = ("LEADS", "RESPONSIBLE_FOR")  # the relationships the stored counts count
# the relationship that carries all of a model's fields (the one that reads it back)
CARRIER: dict[type[BaseModel], RelSpec] = {s.model: s for s in REL_SPECS if s.props is None}


def edge_cols(rel: str) -> list[str]:
    """The columns of a relationship's rows: its two ends, then its properties."""
    return ["from", "to"] + REL_TABLES[rel].names


# --------------------------------------------------------------------------- model -> columns


def _columns(objs: Sequence[Any], paths: Sequence[Optional[str]]) -> Columns:
    """Read row by row (one attrgetter call per object: a column at a time would walk the objects
    once per column, 2-3x slower on a freshly parsed graph), then transpose."""
    if not objs:
        return [[] for _ in paths]
    getter = attrgetter(*[p or "id" for p in paths])  # a computed column is filled in afterwards
    if len(paths) == 1:
        return [[getter(x) for x in objs]]
    return list(zip(*map(getter, objs)))


def node_columns(label: str, objs: Sequence[Any], section_titles: Optional[dict[str, str]] = None,
                 counts: Optional[NodeCounts] = None) -> Columns:
    """The columns of these nodes in table order: model fields, computed columns, stored counts (`counts`:
    id -> values; a node without an entry has zero of everything)."""
    table = NODE_TABLES[label]
    cols = _columns(objs, [c.path for c in table.columns])
    names = table.names
    if label in kc.NODE_COUNTS and objs:
        counted = kc.NODE_COUNTS[label]
        zero = (0,) * len(counted)
        values = list(zip(*[(counts or {}).get(x.id, zero) for x in objs]))
        for k, n in enumerate(counted):
            cols[names.index(n)] = values[k]
    if label == "Action":
        titles = section_titles or {}
        cols[names.index("section")] = [titles.get(x) if x is not None else None for x in cols[names.index("section_id")]]
    elif label == "Document":
        cols[names.index("title_key")] = [title_key(t) for t in cols[names.index("title")]]
    return cols


def _edge_paths(spec: RelSpec) -> list[str]:
    props = prop_fields(spec)
    extra = ["prov.start", "prov.end", "prov.text"] if spec.props is None and "prov" in spec.model.model_fields else []
    return [spec.src.field, spec.dst.field] + props + extra


def edge_columns(spec: RelSpec, objs: Iterable[Any]) -> dict[EdgeKey, Columns]:
    """The relationships these objects make, as columns by (type, FROM label, TO label): every key of the
    spec, empty or not; an object with no id at one end (a post in no unit) makes none."""
    split: dict[EdgeKey, list[Any]] = {}
    for rel in rel_types(spec):
        for a, b in rel_pairs(spec):
            split[(rel, a, b)] = []
    keyed = [spec.type_field, spec.src.kind_field, spec.dst.kind_field]
    if not any(keyed):
        only = split[next(iter(split))]
        only.extend(x for x in objs if getattr(x, spec.src.field) is not None and getattr(x, spec.dst.field) is not None)
    else:  # grouped by the fields that vary (one attrgetter call an object), then keyed in full
        fields = [f for f in keyed if f]
        get = attrgetter(*fields)
        by: dict[Any, list[Any]] = defaultdict(list)
        for x in objs:
            by[get(x)].append(x)
        fixed = [spec.name, spec.src.label, spec.dst.label]
        for got, xs in by.items():
            values = iter(got if len(fields) > 1 else (got,))
            key = cast(EdgeKey, tuple(next(values) if f else v for f, v in zip(keyed, fixed)))
            if key not in split:
                raise KeyError(key)
            split[key] = xs
    paths = _edge_paths(spec)
    return {key: _columns(xs, paths) for key, xs in split.items()}


def cited_columns(citations: Iterable[Citation]) -> Columns:
    """The CitedDocument placeholders these citations need: one per cited id, with the first title seen."""
    first: dict[str, Citation] = {}
    for c in citations:
        first.setdefault(c.cited_id, c)
    return _columns(list(first.values()), [f for _c, f in CITED_FIELDS])


def as_rows(names: Sequence[str], columns: Columns) -> list[dict[str, Any]]:
    """Columns as rows (dicts), for UNWIND."""
    return [dict(zip(names, r)) for r in zip(*columns)]


# --------------------------------------------------------------------------- documents


@dataclass
class Bundle:
    """Everything one document writes: its node and its parts by Graph field (sections, actions, ...)."""

    doc: Document
    parts: dict[str, list[Any]] = field(default_factory=lambda: {f: [] for f in PARTS})
    org_ids: set[str] = field(default_factory=set)  # the organizations its edges and memberships name

    def rows(self) -> int:
        """About how many rows it writes (nodes and edges)."""
        p = self.parts
        return (len(p["sections"]) + 2 * len(p["actions"]) + 2 * len(p["tasks"]) + len(p["responsibilities"])
                + 2 * len(p["targets"]) + len(p["people"]) + 2 * len(p["memberships"]) + len(p["citations"]))

    def check(self, org_ids: set[str]) -> None:
        """Refuse dangling references before writing (a MATCH would silently drop the edge), naming the
        first in document order."""
        p = self.parts
        sec = {s.id for s in p["sections"]}
        act = {a.id for a in p["actions"]}
        tsk = {t.id for t in p["tasks"]}
        self._check_actions(sec)
        self._check_tasks(act)
        self._check_responsibilities(org_ids, act, tsk)
        self._check_targets({"Document": {self.doc.id}, "Action": act, "Task": tsk})
        self._check_memberships(org_ids)

    def _check_actions(self, sec: set[str]) -> None:
        """Every action's section (when it names one) is in this document."""
        for a in self.parts["actions"]:
            if a.section_id is not None and a.section_id not in sec:
                raise StoreError(f"{self.doc.file}: action {a.id} ({a.title}) names section {a.section_id}, "
                                 "not in this document")

    def _check_tasks(self, act: set[str]) -> None:
        """Every task's action is in this document."""
        for t in self.parts["tasks"]:
            if t.action_id not in act:
                raise StoreError(f"{self.doc.file}: task {t.id} ({t.title}) names action {t.action_id}, "
                                 "not in this document")

    def _check_responsibilities(self, org_ids: set[str], act: set[str], tsk: set[str]) -> None:
        """Every responsibility's organization is in the graph, and its target in this document."""
        f = self.doc.file
        for r in self.parts["responsibilities"]:
            if r.organization_id not in org_ids:
                raise StoreError(f"{f}: responsibility {r.id} ({r.mention}) names organization {r.organization_id}, "
                                 "not in the graph's organizations")
            if r.target_id not in (act if r.target_kind == "Action" else tsk):
                raise StoreError(f"{f}: responsibility {r.id} ({r.mention}) targets {r.target_kind} {r.target_id}, "
                                 "not in this document")

    def _check_targets(self, owners: dict[str, set[str]]) -> None:
        """Every target's owner (the ids of this document's owners, by kind) is in this document."""
        for g in self.parts["targets"]:
            if g.owner_id not in owners.get(g.owner_kind, set()):
                raise StoreError(f"{self.doc.file}: target {g.id} ({g.text}) names {g.owner_kind} {g.owner_id} "
                                 "as its owner, not in this document")

    def _check_memberships(self, org_ids: set[str]) -> None:
        """Every membership's person is in this document, and its organizations in the graph."""
        f = self.doc.file
        ppl = {x.id for x in self.parts["people"]}
        for m in self.parts["memberships"]:
            if m.person_id not in ppl:
                raise StoreError(f"{f}: membership {m.id} ({m.post}) names person {m.person_id}, not in this document")
            for oid in (m.group_id, m.unit_id):
                if oid is not None and oid not in org_ids:
                    raise StoreError(f"{f}: membership {m.id} ({m.post}) names organization {oid}, "
                                     "not in the graph's organizations")

def member_orgs(memberships: Iterable[Membership]) -> set[str]:
    """The organizations memberships name: leading groups and the units of posts."""
    out: set[str] = set()
    for m in memberships:
        out.add(m.group_id)
        if m.unit_id is not None:
            out.add(m.unit_id)
    return out


def bundles(graph: Graph) -> tuple[list[Bundle], list[DocResult]]:
    """Group the graph by document in one pass; a document id twice and elements of unknown documents
    are reported as failed, not dropped."""
    by_id: dict[str, Bundle] = {}
    problems: list[DocResult] = []
    for d in graph.documents:
        if d.id in by_id:
            problems.append(DocResult(d.id, d.file, "failed", f"{d.file}: document id {d.id} appears twice in the "
                                                               "input; load each version separately"))
            continue
        by_id[d.id] = Bundle(d)
    orphans: dict[str, int] = defaultdict(int)
    for attr in PARTS:
        key: Optional[str] = None
        into: Optional[list[Any]] = None
        for x in getattr(graph, attr):
            if x.document_id != key:  # a parsed graph lists each document's elements together
                key = x.document_id
                b = by_id.get(key)
                into = b.parts[attr] if b is not None else None
            if into is None:
                orphans[x.document_id] += 1
            else:
                into.append(x)
    for b in by_id.values():
        b.org_ids = {r.organization_id for r in b.parts["responsibilities"]} | member_orgs(b.parts["memberships"])
    for doc_id, n in orphans.items():
        problems.append(DocResult(doc_id, "", "failed", f"{n} elements name document {doc_id}, which is not in the graph"))
    return list(by_id.values()), problems


# --------------------------------------------------------------------------- aliases
#
# An organization's aliases are the mentions its documents resolve to it. A graph of many documents holds
# their union; each document's share is kept on its NAMED_IN link, so that removing or replacing a
# document takes away the aliases only it gave (ALIASES_READ, then aliases_given, then ALIASES_SET).

ALIASES_READ = (f"UNWIND $ids AS i MATCH (o:Organization {{id: i}})-[n:{NAMED}]->(:Document) "
                "RETURN o.id AS id, n.aliases AS aliases")
ALIASES_SET = "UNWIND $rows AS r MATCH (o:Organization {id: r.id}) SET o.aliases = r.aliases"
# a store written before NAMED_IN: which organizations each document names (every alias counted as given)
NAMED_BEFORE = (
    "MATCH (o:Organization)-[e:LEADS|RESPONSIBLE_FOR]->() RETURN DISTINCT o.id AS o, e.document_id AS d, o.aliases AS a",
    "MATCH (p:Person)-[:MEMBER_OF|POST_IN]->(o:Organization) RETURN DISTINCT o.id AS o, p.document_id AS d, o.aliases AS a",
)


def aliases_given(links: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """(organization id, aliases of one NAMED_IN link) rows -> the ALIASES_SET rows: each organization's
    aliases as the union of what its documents give."""
    out: dict[str, set[str]] = defaultdict(set)
    for oid, aliases in links:
        out[oid].update(aliases or ())
    return [{"id": o, "aliases": sorted(a)} for o, a in sorted(out.items())]


def named_in(chunk: Sequence[Bundle], orgs: Mapping[str, Organization]) -> Columns:
    """The NAMED_IN links of whole documents as columns (organization, document, aliases): a document gives
    the aliases of the graph's organization that its role clauses mention, or all of them when its
    memberships name it or its clauses mention none of them."""
    links: list[tuple[str, str, list[str]]] = []
    known: dict[str, frozenset[str]] = {}  # organization id -> its aliases in the graph (a set, made once)
    for b in chunk:
        said: dict[str, set[str]] = defaultdict(set)
        for r in b.parts["responsibilities"]:
            said[r.organization_id].add(r.mention)
        members = member_orgs(b.parts["memberships"])
        for oid in sorted(b.org_ids):
            if oid not in orgs:  # a dangling reference: refused by Bundle.check, or reported by the writer
                continue
            given = known.get(oid)
            if given is None:
                given = known[oid] = frozenset(orgs[oid].aliases)
            mine = said[oid] & given if oid in said else None
            links.append((oid, b.doc.id, sorted(given if oid in members or not mine else mine)))
    return [list(c) for c in zip(*links)] if links else [[], [], []]


def role_columns(edges: Mapping[EdgeKey, Columns]) -> list[kc.EdgeColumns]:
    """The LEADS and RESPONSIBLE_FOR edges among these columns, as the counts take them (kc.count_columns)."""
    out = []
    for (rel, a, b), columns in edges.items():
        if rel in ROLES and a == "Organization":
            at = {c: k for k, c in enumerate(edge_cols(rel))}
            out.append(kc.EdgeColumns(rel, b, *(columns[at[c]] for c in ("from", "to", "qualifier", "document_id",
                                                                          "deadline"))))
    return out


@dataclass
class Projection:
    """The rows of documents: their nodes by label (Document first) and their edges by (type, FROM, TO)."""

    nodes: dict[str, Columns]
    edges: dict[EdgeKey, Columns]
    totals: kc.Changes  # the organization counts and shared tasks of their edges (kc.totals)


def project(chunk: Sequence[Bundle], orgs: Mapping[str, Organization]) -> Projection:
    """The rows of whole documents, with their stored counts (kc.document_counts), ACTIVE_IN links (kc.activity),
    the organization counts and shared tasks of their edges (kc.totals; the three by kc.count_documents)
    and NAMED_IN links (named_in; `orgs`: the graph's organizations by id); organizations and cited-document
    placeholders are shared and written apart (node_columns("Organization", ...), cited_columns)."""
    def every(attr: str) -> list[Any]:
        return [x for b in chunk for x in b.parts[attr]]

    parts = {attr: every(attr) for attr in PARTS}
    edges: dict[EdgeKey, Columns] = {}
    for attr, specs in DOCUMENT_RELS.items():
        for spec in specs:
            edges.update(edge_columns(spec, parts[attr]))
    counts = kc.count_columns([b.doc.id for b in chunk], parts["actions"], parts["tasks"], role_columns(edges),
                              parts["targets"])
    counted = counts.nodes
    sec_title = {s.id: s.title for s in parts["sections"]}
    nodes: dict[str, Columns] = {"Document": node_columns("Document", [b.doc for b in chunk], counts=counted["Document"])}
    for label in ("Section", "Action", "Task", "Target", "Person"):
        nodes[label] = node_columns(label, parts[GRAPH_FIELDS[NODE_TABLES[label].model]],
                                    sec_title if label == "Action" else None, counted.get(label))
    active = counts.activity
    edges[(kc.ACTIVE, "Organization", "Document")] = [list(c) for c in zip(*active)] if active else [[]] * 4
    edges[(NAMED, "Organization", "Document")] = named_in(chunk, orgs)
    return Projection(nodes, edges, counts.totals)


# --------------------------------------------------------------------------- rows -> model

_new_prov = trusted(Provenance)


def _maker(model: type[BaseModel], validate: bool) -> Callable[..., Any]:
    return model if validate else trusted(model)


def _lists(model: type[BaseModel]) -> list[str]:
    return [f for f, info in model.model_fields.items() if f != "prov" and column_type(info.annotation).endswith("[]")]


def _reader(model: type[BaseModel], keys: Mapping[str, str], known: Mapping[str, Any], text: str,
            validate: bool) -> Callable[[Row], Any]:
    """Row -> model object: each field from the row's key keys.get(field, field), or the value `known` gives;
    prov from start, end and `text`, in the document of the object's document_id (a Document: its id).
    Rows must hold every key (a store fills in the ones it lacks with None)."""
    fields = [f for f in model.model_fields if f != "prov"]
    taken = [f for f in fields if f not in known]
    get = itemgetter(*[keys.get(f, f) for f in taken])
    consts = tuple(known[f] for f in fields if f in known)
    # the fields in model order, from the row's values followed by the known ones
    pick = itemgetter(*[taken.index(f) if f in taken else len(taken) + list(known).index(f) for f in fields])
    lists = _lists(model)
    make = _maker(model, validate)
    prov: Callable[..., Provenance] = Provenance if validate else _new_prov
    has_prov = "prov" in model.model_fields
    in_order = not has_prov or list(model.model_fields)[-1] == "prov"  # else re-ordered after prov is set
    every = list(model.model_fields)
    own = "document_id" if "document_id" in fields else "id"

    def read(row: Row) -> Any:
        values = dict(zip(fields, pick(get(row) + consts) if consts else get(row)))
        for f in lists:
            values[f] = values[f] or []
        if has_prov:
            values["prov"] = prov(document_id=values[own], start=row["start"], end=row["end"], text=row[text] or "")
            if not in_order:
                values = {f: values[f] for f in every}
        return make(**values)

    return read


def node_reader(label: str, validate: bool = False) -> Callable[[Row], Any]:
    """Row (column -> value) -> model object of the label. validate=False for values kg wrote itself with
    the schema's types (kg/trusted.py); a server that may change a value's type is validated."""
    return _reader(NODE_TABLES[label].model, {}, {}, "text", validate)


def carrier(key: EdgeKey) -> RelSpec:
    """The spec of the model whose objects the relationships of this key carry."""
    rel, a, b = key
    return next(s for s in CARRIER.values() if rel in rel_types(s) and (a, b) in rel_pairs(s))


def edge_reader(key: EdgeKey, validate: bool = False) -> Callable[[Row], Any]:
    """Row of a relationship (from, to, its properties, and the fields its class keeps on the end node) ->
    the model object it carries (Responsibility, Membership, Citation, Alignment)."""
    rel, a, b = key
    spec = carrier(key)
    known = {f: v for f, v in ((spec.type_field, rel), (spec.src.kind_field, a), (spec.dst.kind_field, b)) if f}
    return _reader(spec.model, {spec.src.field: "from", spec.dst.field: "to"}, known, "clause", validate)


def read_keys(model: type[BaseModel]) -> list[EdgeKey]:
    """The (type, FROM, TO) of the relationships that carry a model's objects."""
    spec = CARRIER[model]
    return [(rel, a, b) for rel in rel_types(spec) for a, b in rel_pairs(spec)]


class RowSource(Protocol):
    """What a store gives read_graph: rows of nodes and relationships of some documents (ids None: all)."""

    def nodes(self, label: str, ids: Optional[list[str]]) -> Iterable[Row]:
        """Rows of a label's nodes, in id order."""

    def edges(self, key: EdgeKey, ids: Optional[list[str]]) -> Iterable[Row]:
        """Rows with from, to, the properties, and the fields its class keeps on the TO node (CITES: key);
        the edges of those documents (ALIGNS_WITH: both ends in them)."""

    def organizations(self, ids: Optional[list[str]]) -> Iterable[Row]:
        """Rows of the organizations (all, or those among ids), in id order."""


def read_graph(source: RowSource, ids: Optional[list[str]], validate: bool = False) -> Graph:
    """The stored graph (or some documents of it) as a typed Graph, every list sorted by id; the
    organizations are those its edges and memberships name (all of them when ids is None)."""
    by_id = attrgetter("id")
    out: dict[str, list[Any]] = {}
    for label in ("Document", "Section", "Action", "Task", "Target", "Person"):
        read = node_reader(label, validate)
        out[GRAPH_FIELDS[NODE_TABLES[label].model]] = list(map(read, source.nodes(label, ids)))
    for model in (Responsibility, Membership, Citation, Alignment):
        objs: list[Any] = []
        for key in read_keys(model):
            objs += map(edge_reader(key, validate), source.edges(key, ids))
        out[GRAPH_FIELDS[model]] = sorted(objs, key=by_id)
    used = None if ids is None else sorted(
        {r.organization_id for r in out["responsibilities"]} | member_orgs(out["memberships"]))
    out["organizations"] = list(map(node_reader("Organization", validate), source.organizations(used)))
    return Graph(**out)


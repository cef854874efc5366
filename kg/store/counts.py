"""Counts kept in the store: derived data that lets the rankings and filters of the query library
answer without counting over every edge (issue #16).

Stored, on every backend (the embedded store, Neo4j, the neo4j-admin files):

  Document      n_edges        LEADS and RESPONSIBLE_FOR edges of the document
                n_targets      Target nodes of the document
                n_actions      its actions
                n_tasks        its tasks
                n_units        distinct organizations with an edge in it (its ACTIVE_IN links)
  Action        n_units        distinct organizations leading or responsible for the action itself
                n_units_all    distinct organizations on the action or on any of its tasks
                n_tasks        its tasks
  Task          n_units        distinct organizations leading or responsible for the task
                n_leads        LEADS edges to the task
                n_responsible  RESPONSIBLE_FOR edges to the task
  Organization  n_edges        its LEADS and RESPONSIBLE_FOR edges
                n_leads        those of them with qualifier 牵头
                n_documents    distinct documents (edge document_id) of those edges
                n_deadlines    those of its edges with a deadline (queries/deadlines.cypher pages by it)
                max_shared     the largest `tasks` of its SHARES_TASKS links to larger ids (0: none)
  (a:Organization)-[:SHARES_TASKS {tasks}]->(b:Organization)
                a.id < b.id, tasks = distinct tasks both lead or answer for (> 0; no link at 0)
  (o:Organization)-[:ACTIVE_IN {n_edges, n_leads}]->(d:Document)
                its LEADS and RESPONSIBLE_FOR edges of the document (edge document_id), and those
                with qualifier 牵头; one link per organization with an edge in the document

Document, Action and Task counts and ACTIVE_IN links belong to one document and are written (and
deleted) with it (document_counts, activity). Organization counts and SHARES_TASKS links add up
over documents: a task belongs to one document, so a pair's shared tasks are the sum of each
document's. When documents are added, replaced or removed, a store takes the edges of the stored
versions it deletes and of the versions it writes, and changes() says by how much each touched
organization and pair changes — the only organizations and pairs it touches; max_shared is then
taken anew for the organizations on the smaller-id side of a changed pair (max_out for new ones).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations, compress, repeat
from operator import attrgetter, eq, is_not, itemgetter
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Iterable, NamedTuple, Optional, Protocol, Sequence

LEAD_QUALIFIER = "牵头"
SHARES = "SHARES_TASKS"
ACTIVE = "ACTIVE_IN"

# the stored count properties by label, in table order (all INT64)
NODE_COUNTS: dict[str, tuple[str, ...]] = {
    "Document": ("n_edges", "n_targets", "n_actions", "n_tasks", "n_units"),
    "Action": ("n_units", "n_units_all", "n_tasks"),
    "Task": ("n_units", "n_leads", "n_responsible"),
    "Organization": ("n_edges", "n_leads", "n_documents", "n_deadlines", "max_shared"),
}
# what totals() and changes() give per organization, in this order: its counts but max_shared (taken from the pairs)
ORG_TOTALS = tuple(c for c in NODE_COUNTS["Organization"] if c != "max_shared")
ACTIVE_PROPS = ("n_edges", "n_leads")


class Edge(NamedTuple):
    """What the counts need of one LEADS / RESPONSIBLE_FOR edge."""

    organization_id: str
    target_id: str
    target_kind: str  # Action | Task
    role: str  # LEADS | RESPONSIBLE_FOR
    qualifier: str | None
    document_id: str
    deadline: str | None = None  # counted by Organization.n_deadlines


class EdgeLike(Protocol):
    """What the functions below read of an edge: an Edge, or a kg.model.Responsibility as it is."""

    @property
    def organization_id(self) -> str: ...
    @property
    def target_id(self) -> str: ...
    @property
    def target_kind(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def qualifier(self) -> str | None: ...
    @property
    def document_id(self) -> str: ...
    @property
    def deadline(self) -> str | None: ...


def edges_of(responsibilities: Iterable[EdgeLike]) -> list[Edge]:
    """Edges of kg.model.Responsibility objects (which the functions below also take as they are: they
    read only the attributes Edge names)."""
    return [Edge(r.organization_id, r.target_id, r.target_kind, r.role, r.qualifier, r.document_id, r.deadline)
            for r in responsibilities]


# --------------------------------------------------------------------------- one document's nodes


def document_counts(document_ids: Iterable[str], actions: Iterable, tasks: Iterable, edges: Iterable[EdgeLike],
                    targets: Iterable) -> dict[str, dict[str, tuple[int, ...]]]:
    """The counts of Document, Action and Task nodes (label -> id -> values in NODE_COUNTS order),
    from the documents' own actions, tasks, edges and targets (every node of them gets a row)."""
    units: dict[str, set[str]] = defaultdict(set)
    leads: Counter[str] = Counter()
    resp: Counter[str] = Counter()
    doc_edges: Counter[str] = Counter()
    doc_units: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        units[e.target_id].add(e.organization_id)
        if e.role == "LEADS":
            leads[e.target_id] += 1
        else:
            resp[e.target_id] += 1
        doc_edges[e.document_id] += 1
        doc_units[e.document_id].add(e.organization_id)
    return _node_counts(document_ids, actions, tasks, targets, units, leads, resp, doc_edges,
                        Counter({d: len(found) for d, found in doc_units.items()}))


def _node_counts(document_ids: Iterable[str], actions: Iterable, tasks: Iterable, targets: Iterable,
                 units: dict[str, set[str]], leads: Counter[str], resp: Counter[str], doc_edges: Counter[str],
                 doc_units: Counter[str]) -> dict[str, dict[str, tuple[int, ...]]]:
    """document_counts from what its edges gave: organizations, LEADS and other edges by target; edges and
    distinct organizations by document."""
    # a column at a time (map, Counter and zip loop in C): 0.7 -> 0.35 s at 2,000 plans, measured
    ids, of_action, of_document = attrgetter("id"), attrgetter("action_id"), attrgetter("document_id")
    tasks, actions = list(tasks), list(actions)
    task_ids, task_actions = list(map(ids, tasks)), list(map(of_action, tasks))
    doc_targets = Counter(map(of_document, targets))
    n_tasks = Counter(task_actions)
    doc_tasks = Counter(map(of_document, tasks))
    doc_actions = Counter(map(of_document, actions))
    empty: frozenset[str] = frozenset()
    get: Callable[..., AbstractSet[str]] = units.get  # a set, or `empty`
    all_units: dict[str, set[str]] = defaultdict(set)
    for t, a in zip(task_ids, task_actions):
        found = get(t, empty)
        if found:
            all_units[a] |= found
    lead, rest = leads.get, resp.get
    task_rows: dict[str, tuple[int, ...]] = {t: (len(get(t, empty)), lead(t, 0), rest(t, 0)) for t in task_ids}
    action_rows: dict[str, tuple[int, ...]] = {}
    for a in map(ids, actions):
        own = get(a, empty)
        below = all_units.get(a)
        action_rows[a] = (len(own), len(below.union(own)) if below else len(own), n_tasks.get(a, 0))
    return {
        "Document": {d: (doc_edges[d], doc_targets[d], doc_actions[d], doc_tasks[d], doc_units[d])
                     for d in document_ids},
        "Task": task_rows,
        "Action": action_rows,
    }


def activity(edges: Iterable[EdgeLike]) -> list[tuple[str, str, int, int]]:
    """The ACTIVE_IN links of whole documents' edges: (organization, document, n_edges, n_leads), sorted."""
    n: Counter[tuple[str, str]] = Counter()
    lead: Counter[tuple[str, str]] = Counter()
    for e in edges:
        key = (e.organization_id, e.document_id)
        n[key] += 1
        if e.qualifier == LEAD_QUALIFIER:
            lead[key] += 1
    return [(o, d, k, lead[(o, d)]) for (o, d), k in sorted(n.items())]


# --------------------------------------------------------------------------- across documents


@dataclass
class Changes:
    """How organization counts and SHARES_TASKS links change: by organization id, the deltas of
    (n_edges, n_leads, n_documents, n_deadlines) (NODE_COUNTS["Organization"] but max_shared); by (a, b)
    with a < b, the delta of shared tasks. Only nonzero entries are kept."""

    orgs: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.orgs or self.pairs)


def totals(edges: Iterable[EdgeLike]) -> Changes:
    """Organization counts and shared tasks of a set of whole documents' edges."""
    n_edges: Counter[str] = Counter()
    n_leads: Counter[str] = Counter()
    n_deadlines: Counter[str] = Counter()
    docs: set[tuple[str, str]] = set()
    by_task: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        o = e.organization_id
        n_edges[o] += 1
        if e.qualifier == LEAD_QUALIFIER:
            n_leads[o] += 1
        if e.deadline is not None:
            n_deadlines[o] += 1
        docs.add((o, e.document_id))
        if e.target_kind == "Task":
            by_task[e.target_id].add(o)
    n_docs = Counter(o for o, _d in docs)
    pairs: Counter[tuple[str, str]] = Counter(
        pair for units in by_task.values() if len(units) > 1 for pair in combinations(sorted(units), 2))
    return Changes({o: (n, n_leads[o], n_docs[o], n_deadlines[o]) for o, n in n_edges.items()}, dict(pairs))


def pair_key(pair: tuple[str, str]) -> str:
    """A sort key in (a, b) order for ids without NUL: one string compares ~5x faster than a tuple of two
    (sorting 263k pairs: 0.72 s as items, 0.14 s by this key, measured)."""
    return pair[0] + "\0" + pair[1]


def max_out(pairs: dict[tuple[str, str], int]) -> dict[str, int]:
    """max_shared of the organizations on the smaller-id side of these links (all of their links)."""
    out: dict[str, int] = {}
    for (a, _b), n in pairs.items():
        if n > out.get(a, 0):
            out[a] = n
    return out


def changes(removed: Iterable[EdgeLike], added: Iterable[EdgeLike]) -> Changes:
    """What replacing the documents whose stored edges are `removed` by the versions whose edges
    are `added` does to organization counts and shared tasks (either may be empty: a document
    added, or removed). Both must hold whole documents (every edge of each)."""
    removed = list(removed)
    new = totals(added)
    if not removed:  # documents added: their totals
        return new
    old = totals(removed)
    orgs: dict[str, tuple[int, int, int, int]] = {}
    zero = (0, 0, 0, 0)
    for o in set(old.orgs) | set(new.orgs):
        a, b = old.orgs.get(o, zero), new.orgs.get(o, zero)
        d = (b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3])  # the four of ORG_TOTALS
        if d != zero:
            orgs[o] = d
    pairs: dict[tuple[str, str], int] = {}
    for p in set(old.pairs) | set(new.pairs):
        shared = new.pairs.get(p, 0) - old.pairs.get(p, 0)
        if shared:
            pairs[p] = shared
    return Changes(orgs, pairs)


# --------------------------------------------------------------------------- all of them at once


@dataclass
class Counted:
    """What document_counts, activity and totals give for the same whole documents."""

    nodes: dict[str, dict[str, tuple[int, ...]]]
    activity: list[tuple[str, str, int, int]]
    totals: Changes


class EdgeColumns(NamedTuple):
    """The edges of one role and target kind as columns, as a store writes them (kg/store/projection.py)."""

    role: str  # LEADS | RESPONSIBLE_FOR
    target_kind: str  # Action | Task
    organization_ids: Sequence[str]
    target_ids: Sequence[str]
    qualifiers: Sequence[Optional[str]]
    document_ids: Sequence[str]
    deadlines: Sequence[Optional[str]]


def edge_columns(edges: Iterable[EdgeLike]) -> list[EdgeColumns]:
    """Edges as columns, one EdgeColumns per (role, target kind) they hold, in order of first appearance."""
    rows: dict[tuple[str, str], list[EdgeLike]] = {}
    for e in edges:
        rows.setdefault((e.role, e.target_kind), []).append(e)
    return [EdgeColumns(role, kind, [e.organization_id for e in xs], [e.target_id for e in xs],
                        [e.qualifier for e in xs], [e.document_id for e in xs], [e.deadline for e in xs])
            for (role, kind), xs in rows.items()]


def count_documents(document_ids: Iterable[str], actions: Iterable, tasks: Iterable, edges: Iterable[EdgeLike],
                    targets: Iterable) -> Counted:
    """document_counts, activity and totals of whole documents (the same results), in one pass over their
    edges instead of three: a store's load needs all three (see count_columns)."""
    return count_columns(document_ids, actions, tasks, edge_columns(edges), targets)


def count_columns(document_ids: Iterable[str], actions: Iterable, tasks: Iterable, groups: Sequence[EdgeColumns],
                  targets: Iterable) -> Counted:
    """count_documents of edges given as columns (a store's load has them so, for writing): counted a column
    at a time by Counter, zip and compress, which loop in C (1.33 -> 0.5 s of CPU at 2,000 plans, measured),
    instead of edge by edge."""
    units, by_task = _units(groups)
    leads: Counter[str] = Counter()
    resp: Counter[str] = Counter()
    n_edges: Counter[str] = Counter()
    n_leads: Counter[str] = Counter()
    n_deadlines: Counter[str] = Counter()
    active: Counter[tuple[str, str]] = Counter()  # (organization, document) -> edges
    active_leads: Counter[tuple[str, str]] = Counter()  # those with 牵头
    for g in groups:
        (leads if g.role == "LEADS" else resp).update(g.target_ids)
        n_edges.update(g.organization_ids)
        is_lead = list(map(eq, g.qualifiers, repeat(LEAD_QUALIFIER)))
        n_leads.update(compress(g.organization_ids, is_lead))
        n_deadlines.update(compress(g.organization_ids, map(is_not, g.deadlines, repeat(None))))
        active.update(zip(g.organization_ids, g.document_ids))
        active_leads.update(compress(zip(g.organization_ids, g.document_ids), is_lead))
    doc_edges: Counter[str] = Counter()
    for g in groups:
        doc_edges.update(g.document_ids)
    doc_units = Counter(map(itemgetter(1), active))
    n_docs = Counter(map(itemgetter(0), active))
    nodes = _node_counts(document_ids, actions, tasks, targets, units, leads, resp, doc_edges, doc_units)
    pairs: Counter[tuple[str, str]] = Counter(
        pair for found in by_task.values() if len(found) > 1 for pair in combinations(sorted(found), 2))
    links = [(o, d, active[(o, d)], active_leads[(o, d)]) for o, d in sorted(active, key=pair_key)]
    return Counted(nodes, links, Changes({o: (n, n_leads[o], n_docs[o], n_deadlines[o]) for o, n in n_edges.items()},
                                         dict(pairs)))


def _units(groups: Sequence[EdgeColumns]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The organizations with an edge to each target (any kind), and to each task."""
    by_task: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        if g.target_kind == "Task":
            for t, o in zip(g.target_ids, g.organization_ids):
                by_task[t].add(o)
    units: dict[str, set[str]] = dict(by_task)
    for g in groups:
        if g.target_kind != "Task":
            for t, o in zip(g.target_ids, g.organization_ids):
                found = units.get(t)
                if found is None:
                    units[t] = {o}
                elif o not in found:
                    if found is by_task.get(t):  # an id both a task's and an action's: by_task keeps its own
                        found = units[t] = set(found)
                    found.add(o)
    return units, by_task


# --------------------------------------------------------------------------- counting anew

_ROLE = "LEADS|RESPONSIBLE_FOR"
# per label: a statement that counts from the edges, ending in `WITH n, <each count>` (portable Cypher)
_COUNT_BODY: dict[str, str] = {
    "Document": (
        f"MATCH (n:Document) OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)<-[r:{_ROLE}]-(:Organization) "
        f"WITH n, count(r) AS x OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(:Task)<-[r:{_ROLE}]-(:Organization) "
        "WITH n, x, count(r) AS y WITH n, x + y AS n_edges "
        "OPTIONAL MATCH (n)-[:HAS_TARGET]->(g:Target) WITH n, n_edges, count(g) AS x "
        "OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)-[:HAS_TARGET]->(g:Target) WITH n, n_edges, x, count(g) AS y "
        "OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(:Task)-[:HAS_TARGET]->(g:Target) "
        "WITH n, n_edges, x, y, count(g) AS z WITH n, n_edges, x + y + z AS n_targets "
        "OPTIONAL MATCH (n)-[:HAS_ACTION]->(a:Action) WITH n, n_edges, n_targets, count(a) AS n_actions "
        "OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task) "
        "WITH n, n_edges, n_targets, n_actions, count(t) AS n_tasks "
        f"OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)<-[:{_ROLE}]-(o:Organization) "
        "WITH n, n_edges, n_targets, n_actions, n_tasks, collect(DISTINCT o.id) AS own "
        f"OPTIONAL MATCH (n)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(:Task)<-[:{_ROLE}]-(p:Organization) "
        "WHERE NOT p.id IN own WITH n, n_edges, n_targets, n_actions, n_tasks, own, count(DISTINCT p) AS extra "
        "WITH n, n_edges, n_targets, n_actions, n_tasks, size(own) + extra AS n_units"),
    "Action": (
        f"MATCH (n:Action) OPTIONAL MATCH (n)<-[:{_ROLE}]-(o:Organization) WITH n, count(DISTINCT o) AS n_units "
        f"OPTIONAL MATCH (n)-[:HAS_TASK]->(:Task)<-[:{_ROLE}]-(p:Organization) WITH n, n_units, collect(DISTINCT p.id) AS sub "
        f"OPTIONAL MATCH (n)<-[:{_ROLE}]-(q:Organization) WHERE NOT q.id IN sub "
        "WITH n, n_units, sub, count(DISTINCT q) AS extra WITH n, n_units, size(sub) + extra AS n_units_all "
        "OPTIONAL MATCH (n)-[:HAS_TASK]->(t:Task) WITH n, n_units, n_units_all, count(t) AS n_tasks"),
    "Task": (
        "MATCH (n:Task) OPTIONAL MATCH (n)<-[r:LEADS]-(:Organization) WITH n, count(r) AS n_leads "
        "OPTIONAL MATCH (n)<-[r:RESPONSIBLE_FOR]-(:Organization) WITH n, n_leads, count(r) AS n_responsible "
        f"OPTIONAL MATCH (n)<-[:{_ROLE}]-(o:Organization) WITH n, n_leads, n_responsible, count(DISTINCT o) AS n_units"),
    "Organization": (
        f"MATCH (n:Organization) OPTIONAL MATCH (n)-[r:{_ROLE}]->() WITH n, count(r) AS n_edges, "
        f"count(CASE WHEN r.qualifier = '{LEAD_QUALIFIER}' THEN 1 END) AS n_leads, count(DISTINCT r.document_id) AS n_documents, "
        "count(r.deadline) AS n_deadlines "
        f"OPTIONAL MATCH (n)-[s:{SHARES}]->(:Organization) "
        "WITH n, n_edges, n_leads, n_documents, n_deadlines, max(s.tasks) AS m "
        "WITH n, n_edges, n_leads, n_documents, n_deadlines, coalesce(m, 0) AS max_shared"),
}
# read: every node's counts as counted anew (id, then NODE_COUNTS order); write: store them
RECOUNT_READ: dict[str, str] = {
    label: body + " RETURN n.id AS id, " + ", ".join(NODE_COUNTS[label]) for label, body in _COUNT_BODY.items()}
STORED_READ: dict[str, str] = {
    label: f"MATCH (n:{label}) RETURN n.id AS id, " + ", ".join(f"n.{c} AS {c}" for c in NODE_COUNTS[label])
    for label in NODE_COUNTS}
RECOUNT: dict[str, str] = {
    label: body + " SET " + ", ".join(f"n.{c} = {c}" for c in NODE_COUNTS[label]) for label, body in _COUNT_BODY.items()}
PAIRS_READ = (
    f"MATCH (a:Organization)-[:{_ROLE}]->(t:Task)<-[:{_ROLE}]-(b:Organization) WHERE a.id < b.id "
    "WITH DISTINCT a, b, t WITH a, b, count(*) AS tasks RETURN a.id AS a, b.id AS b, tasks")
STORED_PAIRS_READ = f"MATCH (a:Organization)-[s:{SHARES}]->(b:Organization) RETURN a.id AS a, b.id AS b, s.tasks AS tasks"
ACTIVE_READ = (
    f"MATCH (o:Organization)-[r:{_ROLE}]->() WITH o, r.document_id AS d, count(*) AS n_edges, "
    f"count(CASE WHEN r.qualifier = '{LEAD_QUALIFIER}' THEN 1 END) AS n_leads "
    "RETURN o.id AS o, d, n_edges, n_leads")
STORED_ACTIVE_READ = (
    f"MATCH (o:Organization)-[w:{ACTIVE}]->(d:Document) RETURN o.id AS o, d.id AS d, w.n_edges AS n_edges, "
    "w.n_leads AS n_leads")
# a store written before the counts: its ACTIVE_IN links (after which RECOUNT, then the pairs, then max_shared)
RECOUNT_ACTIVE = (
    f"MATCH (o:Organization)-[r:{_ROLE}]->() WITH o, r.document_id AS did, count(*) AS e, "
    f"count(CASE WHEN r.qualifier = '{LEAD_QUALIFIER}' THEN 1 END) AS l "
    f"MATCH (d:Document) WHERE d.id = did CREATE (o)-[:{ACTIVE} {{n_edges: e, n_leads: l}}]->(d)")
RECOUNT_MAX_SHARED = (
    f"MATCH (n:Organization) OPTIONAL MATCH (n)-[s:{SHARES}]->(:Organization) WITH n, max(s.tasks) AS m "
    "SET n.max_shared = coalesce(m, 0)")

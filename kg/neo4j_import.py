"""CSV files for Neo4j's offline bulk importer (``neo4j-admin database import full``).

``write_neo4j_import(graph, out_dir)`` writes one header file and one data file per node
label and per relationship (type, start label, end label):

    Document.header.csv      id:ID(Document),title,…,jurisdiction_path:string[],…,length:int,…,:LABEL
    Document.csv             "cae5…","济南市历下区全民科学素质…",…,"山东省;济南市;历下区",…,Document
    LEADS_Task.header.csv    :START_ID(Organization),:END_ID(Task),id,qualifier,…,start:int,end:int,clause,:TYPE
    LEADS_Task.csv           …
    MEMBER_OF.header.csv     :START_ID(Person),:END_ID(Organization),id,role,post,…,clause,:TYPE

Targets, people, memberships (MEMBER_OF, and POST_IN when the post names its unit), citations
(CITES to one CitedDocument placeholder per cited id, titled by the first citation in id order),
the stored counts and SHARES_TASKS links of kg/store/counts.py (as the stores keep them)
and alignments (ALIGNS_WITH; an alignment whose ends are not in the graph is left out, as
Store.replace_alignments does) have files of their own; Document carries title_key.

The properties are the embedded store's (kg/store/embedded_schema.py), so the same
queries/*.cypher run on the imported database. Strings are always quoted (a quote inside is
doubled; commas and newlines stay inside the quotes, hence ``--multiline-fields=true``);
a missing value is an empty unquoted field (no property); lists are joined with ``;``
(``--array-delimiter``). Rows are sorted by id: the same graph gives the same bytes.
``neo4j_admin_command(out_dir)`` is the command line that imports the folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from kg.errors import KgError
from kg.ids import title_key
from kg.model import Graph, Responsibility
from kg.store import counts as kc
from kg.store.embedded_schema import NODE_TABLES, REL_TABLES, ROLE_PROPS

ARRAY_DELIMITER = ";"
_TYPES = {"STRING": "", "STRING[]": ":string[]", "INT64": ":int", "BOOL": ":boolean", "DOUBLE": ":double"}
NODE_LABELS = tuple(NODE_TABLES)  # Document, Section, Action, Task, Organization, Target, Person, CitedDocument
# relationship files: (file stem, type, start label, end label)
REL_FILES = [
    ("HAS_SECTION", "HAS_SECTION", "Document", "Section"),
    ("HAS_ACTION_Document", "HAS_ACTION", "Document", "Action"),
    ("HAS_ACTION_Section", "HAS_ACTION", "Section", "Action"),
    ("HAS_TASK", "HAS_TASK", "Action", "Task"),
    ("LEADS_Action", "LEADS", "Organization", "Action"),
    ("LEADS_Task", "LEADS", "Organization", "Task"),
    ("RESPONSIBLE_FOR_Action", "RESPONSIBLE_FOR", "Organization", "Action"),
    ("RESPONSIBLE_FOR_Task", "RESPONSIBLE_FOR", "Organization", "Task"),
    ("HAS_TARGET_Document", "HAS_TARGET", "Document", "Target"),
    ("HAS_TARGET_Action", "HAS_TARGET", "Action", "Target"),
    ("HAS_TARGET_Task", "HAS_TARGET", "Task", "Target"),
    ("MEMBER_OF", "MEMBER_OF", "Person", "Organization"),
    ("POST_IN", "POST_IN", "Person", "Organization"),
    ("CITES", "CITES", "Document", "CitedDocument"),
    ("ALIGNS_WITH_Action_Action", "ALIGNS_WITH", "Action", "Action"),
    ("ALIGNS_WITH_Action_Task", "ALIGNS_WITH", "Action", "Task"),
    ("ALIGNS_WITH_Task_Action", "ALIGNS_WITH", "Task", "Action"),
    ("ALIGNS_WITH_Task_Task", "ALIGNS_WITH", "Task", "Task"),
    (kc.SHARES, kc.SHARES, "Organization", "Organization"),  # derived: kg/store/counts.py
    (kc.ACTIVE, kc.ACTIVE, "Organization", "Document"),  # derived: kg/store/counts.py
]


def _field(v: Any, delimiter: str, where: str) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        for x in v:
            if delimiter in str(x):
                raise KgError(f"{where}: the list value {x!r} contains the array delimiter {delimiter!r}; "
                              f"pass another array_delimiter (and the same --array-delimiter to neo4j-admin)")
        v = delimiter.join(str(x) for x in v)
    s = str(v)
    return '"' + s.replace('"', '""') + '"'


def _write(path: Path, rows: Iterable[list[Any]], delimiter: str) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        for row in rows:
            f.write(",".join(_field(v, delimiter, f"{path.name} row {n + 1}") for v in row))
            f.write("\n")
            n += 1
    return n


def _header(path: Path, cols: list[str]) -> None:
    path.write_text(",".join(cols) + "\n", encoding="utf-8")


def _unique(items: list, what: str) -> list:
    seen: set[str] = set()
    for x in items:
        if x.id in seen:
            raise KgError(f"{what} {x.id} appears twice in the graph; neo4j-admin needs unique node ids "
                          f"(load each version of a document separately)")
        seen.add(x.id)
    return sorted(items, key=lambda x: x.id)


def node_header(label: str) -> list[str]:
    cols = []
    for name, typ in NODE_TABLES[label]:
        cols.append(f"id:ID({label})" if name == "id" else name + _TYPES[typ])
    return cols + [":LABEL"]


def rel_header(start: str, end: str, props: "bool | list[tuple[str, str]]") -> list[str]:
    """Header of a relationship file; props: the (name, type) list (True: the role properties)."""
    if props is True:
        props = ROLE_PROPS
    cols = [f":START_ID({start})", f":END_ID({end})"]
    cols += [name + _TYPES[typ] for name, typ in (props or [])]
    return cols + [":TYPE"]


def _node_rows(label: str, items: list, extra: dict[str, dict[str, Any]]) -> Iterator[list[Any]]:
    names = [n for n, _t in NODE_TABLES[label]]
    for x in items:
        prov = getattr(x, "prov", None)
        row = []
        for n in names:
            if n in ("start", "end", "text") and prov is not None:
                row.append(getattr(prov, n))
            elif n in extra.get(x.id, {}):
                row.append(extra[x.id][n])
            else:
                row.append(getattr(x, n))
        yield row + [label]


def _role_rows(resps: list[Responsibility], rel: str) -> Iterator[list[Any]]:
    for r in resps:
        p = r.prov
        values = {"id": r.id, "qualifier": r.qualifier, "deadline": r.deadline, "mention": r.mention,
                  "document_id": r.document_id, "start": p.start, "end": p.end, "clause": p.text}
        yield [r.organization_id, r.target_id] + [values[n] for n, _t in ROLE_PROPS] + [rel]


class _Cited:
    """A CitedDocument placeholder row."""

    def __init__(self, id: str, key: str, title: str) -> None:
        self.id, self.key, self.title = id, key, title


def _props_rows(items: list[tuple[str, str, dict[str, Any]]], rel: str) -> Iterator[list[Any]]:
    names = [n for n, _t in REL_TABLES[rel][1]]
    for a, b, values in items:
        yield [a, b] + [values[n] for n in names] + [rel]


def _property_rels(graph: Graph) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """(start id, end id, properties) of the relationships of targets, memberships, citations and
    alignments, by file stem, sorted by relationship id (HAS_TARGET: by target id)."""
    out: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    targets = sorted(graph.targets, key=lambda t: t.id)
    for kind in ("Document", "Action", "Task"):
        out[f"HAS_TARGET_{kind}"] = [(t.owner_id, t.id, {}) for t in targets if t.owner_kind == kind]
    members = sorted(graph.memberships, key=lambda m: m.id)
    out["MEMBER_OF"] = [(m.person_id, m.group_id, {
        "id": m.id, "role": m.role, "post": m.post, "post_title": m.post_title, "unit_id": m.unit_id,
        "document_id": m.document_id, "start": m.prov.start, "end": m.prov.end, "clause": m.prov.text})
        for m in members]
    out["POST_IN"] = [(m.person_id, m.unit_id, {"id": m.id, "post": m.post, "post_title": m.post_title})
                      for m in members if m.unit_id is not None]
    out["CITES"] = [(c.document_id, c.cited_id, {"id": c.id, "title": c.title, "start": c.prov.start,
                                                  "end": c.prov.end, "clause": c.prov.text})
                    for c in sorted(graph.citations, key=lambda c: c.id)]
    aligns = sorted(graph.alignments, key=lambda a: a.id)
    for sk in ("Action", "Task"):
        for tk in ("Action", "Task"):
            out[f"ALIGNS_WITH_{sk}_{tk}"] = [
                (a.source_id, a.target_id, {"id": a.id, "score": a.score, "method": a.method, "evidence": a.evidence})
                for a in aligns if a.source_kind == sk and a.target_kind == tk]
    return out


def write_neo4j_import(graph: Graph, out_dir: str | Path, *, array_delimiter: str = ARRAY_DELIMITER) -> dict[str, int]:
    """Write the neo4j-admin CSV files of `graph` into out_dir; return the data rows per file stem.

    Files: {Label}.header.csv + {Label}.csv for each label in NODE_LABELS,
    and {stem}.header.csv + {stem}.csv for each stem in REL_FILES. Existing files of those names
    are overwritten; nothing else in out_dir is touched.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = _unique(list(graph.documents), "document")
    sections = _unique(list(graph.sections), "section")
    actions = _unique(list(graph.actions), "action")
    tasks = _unique(list(graph.tasks), "task")
    orgs = _unique(list(graph.organizations), "organization")
    targets = _unique(list(graph.targets), "target")
    people = _unique(list(graph.people), "person")
    cited: dict[str, _Cited] = {}
    for c in sorted(graph.citations, key=lambda c: c.id):
        cited.setdefault(c.cited_id, _Cited(c.cited_id, c.key, c.title))
    cited_docs = sorted(cited.values(), key=lambda c: c.id)
    sec_title = {s.id: s.title for s in sections}
    edges = kc.edges_of(graph.responsibilities)
    counted = kc.document_counts([d.id for d in docs], actions, tasks, edges, targets)
    totals = kc.totals(edges)
    most = kc.max_out(totals.pairs)

    def counts_of(label: str, ident: str) -> dict[str, int]:
        values = (totals.orgs.get(ident, (0, 0, 0)) + (most.get(ident, 0),) if label == "Organization"
                  else counted[label].get(ident, (0,) * len(kc.NODE_COUNTS[label])))
        return dict(zip(kc.NODE_COUNTS[label], values))

    action_extra = {a.id: {"section": sec_title.get(a.section_id) if a.section_id else None,
                           **counts_of("Action", a.id)} for a in actions}
    doc_extra = {d.id: {"title_key": title_key(d.title), **counts_of("Document", d.id)} for d in docs}
    task_extra = {t.id: counts_of("Task", t.id) for t in tasks}
    org_extra = {o.id: counts_of("Organization", o.id) for o in orgs}
    counts: dict[str, int] = {}
    nodes: dict[str, tuple[list[Any], dict[str, dict[str, Any]]]] = {
        "Document": (docs, doc_extra), "Section": (sections, {}), "Action": (actions, action_extra),
        "Task": (tasks, task_extra), "Organization": (orgs, org_extra), "Target": (targets, {}), "Person": (people, {}),
        "CitedDocument": (cited_docs, {})}
    for label in NODE_LABELS:
        items, extra = nodes[label]
        _header(out / f"{label}.header.csv", node_header(label))
        counts[label] = _write(out / f"{label}.csv", _node_rows(label, items, extra), array_delimiter)

    node_ids = {label: {x.id for x in items} for label, (items, _e) in nodes.items()}
    props_rels = _property_rels(graph)
    structural = {
        "HAS_SECTION": sorted((s.document_id, s.id) for s in sections),
        "HAS_ACTION_Document": sorted((a.document_id, a.id) for a in actions),
        "HAS_ACTION_Section": sorted((a.section_id, a.id) for a in actions if a.section_id is not None),
        "HAS_TASK": sorted((t.action_id, t.id) for t in tasks),
    }
    props_rels[kc.SHARES] = [(a, b, {"tasks": n}) for (a, b), n in sorted(totals.pairs.items())]
    props_rels[kc.ACTIVE] = [(o, d, dict(zip(kc.ACTIVE_PROPS, (e, k)))) for o, d, e, k in kc.activity(edges)]
    resps = sorted(graph.responsibilities, key=lambda r: r.id)
    for stem, rel, start, end in REL_FILES:
        if stem in structural:
            pairs = structural[stem]
            rows: Iterable[list[Any]] = ([a, b, rel] for a, b in pairs)
            dangling = [(a, b) for a, b in pairs if a not in node_ids[start] or b not in node_ids[end]]
        elif stem in props_rels:
            items = props_rels[stem]
            if rel == "ALIGNS_WITH":  # derived across documents: an end outside the graph is left out
                items = [x for x in items if x[0] in node_ids[start] and x[1] in node_ids[end]]
            rows = _props_rows(items, rel)
            dangling = [(a, b) for a, b, _v in items if a not in node_ids[start] or b not in node_ids[end]]
        else:
            chosen = [r for r in resps if r.role == rel and r.target_kind == end]
            rows = _role_rows(chosen, rel)
            dangling = [(r.organization_id, r.target_id) for r in chosen
                        if r.organization_id not in node_ids[start] or r.target_id not in node_ids[end]]
        if dangling:
            a, b = dangling[0]
            raise KgError(f"{stem}: {len(dangling)} relationship(s) name a node that is not in the graph "
                          f"(first: {start} {a} → {end} {b}); neo4j-admin would reject them")
        _header(out / f"{stem}.header.csv", rel_header(start, end, REL_TABLES[rel][1]))
        counts[stem] = _write(out / f"{stem}.csv", rows, array_delimiter)
    return counts


def neo4j_admin_command(out_dir: str | Path, database: str = "neo4j", *, array_delimiter: str = ARRAY_DELIMITER) -> list[str]:
    """The argv that imports a folder written by write_neo4j_import into a new database (Neo4j 5)."""
    d = Path(out_dir).as_posix().rstrip("/")
    argv = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
            "--delimiter=,", f"--array-delimiter={array_delimiter}", '--quote="', "--multiline-fields=true"]
    for label in NODE_LABELS:
        argv.append(f"--nodes={d}/{label}.header.csv,{d}/{label}.csv")
    for stem, _rel, _a, _b in REL_FILES:
        argv.append(f"--relationships={d}/{stem}.header.csv,{d}/{stem}.csv")
    return argv

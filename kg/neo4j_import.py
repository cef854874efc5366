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
the stored counts and SHARES_TASKS links of kg/store/counts.py and the NAMED_IN links of
kg/store/projection.py (as the stores keep them)
and alignments (ALIGNS_WITH; an alignment whose ends are not in the graph is left out, as
Store.replace_alignments does) have files of their own; Document carries title_key.

The labels, columns and relationship types are the stores' (kg/store/schema.py, derived from the
model) and the rows are the stores' projection (kg/store/projection.py), so the same queries/*.cypher
run on the imported database. Strings are always quoted (a quote inside is
doubled; commas and newlines stay inside the quotes, hence ``--multiline-fields=true``);
a missing value is an empty unquoted field (no property); lists are joined with ``;``
(``--array-delimiter``). Rows are sorted by id: the same graph gives the same bytes.
``neo4j_admin_command(out_dir)`` is the command line that imports the folder.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from kg.errors import KgError
from kg.model import Graph
from kg.store import counts as kc
from kg.store.projection import (
    GRAPH_FIELDS,
    Columns,
    NodeCounts,
    bundles,
    cited_columns,
    edge_columns,
    named_in,
    node_columns,
)
from kg.store.schema import NAMED, NODE_TABLES, REL_SPECS, REL_TABLES, Column, EdgeKey

ARRAY_DELIMITER = ";"
_TYPES = {"STRING": "", "STRING[]": ":string[]", "INT64": ":int", "BOOL": ":boolean", "DOUBLE": ":double"}
NODE_LABELS = tuple(NODE_TABLES)  # Document, Section, Action, Task, Organization, Target, Person, CitedDocument


def _stem(rel: str, a: str, b: str) -> str:
    """A relationship file's name: the type, and the end labels that tell its (FROM, TO) pairs apart."""
    pairs = REL_TABLES[rel].pairs
    if len(pairs) == 1:
        return rel
    if len({x for x, _y in pairs}) == len(pairs):
        return f"{rel}_{a}"
    if len({y for _x, y in pairs}) == len(pairs):
        return f"{rel}_{b}"
    return f"{rel}_{a}_{b}"


# relationship files: (file stem, type, start label, end label)
REL_FILES = [(_stem(rel, a, b), rel, a, b) for rel, table in REL_TABLES.items() for a, b in table.pairs]


def _field(v: Any, delimiter: str, file: str, row: int) -> str:
    """One CSV field as neo4j-admin reads it (`file` and `row` name it in an error, built only then)."""
    if type(v) is str:  # most fields: the common case first
        return '"' + v.replace('"', '""') + '"'
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
                raise KgError(f"{file} row {row}: the list value {x!r} contains the array delimiter {delimiter!r}; "
                              f"pass another array_delimiter (and the same --array-delimiter to neo4j-admin)")
        v = delimiter.join(str(x) for x in v)
    s = str(v)
    return '"' + s.replace('"', '""') + '"'


def _write(path: Path, rows: Iterable[Sequence[Any]], delimiter: str) -> int:
    n = 0
    name = path.name
    with open(path, "w", encoding="utf-8", newline="") as f:
        for row in rows:
            n += 1
            f.write(",".join([_field(v, delimiter, name, n) for v in row]) + "\n")
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
    cols = [f"id:ID({label})" if c.name == "id" else c.name + _TYPES[c.type] for c in NODE_TABLES[label].columns]
    return cols + [":LABEL"]


def rel_header(start: str, end: str, props: Sequence[Column]) -> list[str]:
    """Header of a relationship file: its ends, then its properties (name and type)."""
    return [f":START_ID({start})", f":END_ID({end})"] + [c.name + _TYPES[c.type] for c in props] + [":TYPE"]


def _rows(columns: Columns, tag: str) -> Iterator[list[Any]]:
    return ([*r, tag] for r in zip(*columns))


def _nodes(graph: Graph, totals: kc.Changes) -> dict[str, Columns]:
    """Every node's columns, rows sorted by id, with the stored counts of the whole graph (`totals`: its
    organization counts and shared tasks)."""
    objs = {label: _unique(list(getattr(graph, GRAPH_FIELDS[t.model])), t.label.lower())
            for label, t in NODE_TABLES.items() if label != "CitedDocument"}
    counted: dict[str, NodeCounts] = kc.document_counts(
        [d.id for d in objs["Document"]], objs["Action"], objs["Task"], graph.responsibilities, objs["Target"])
    most = kc.max_out(totals.pairs)
    counted["Organization"] = {o: d + (most.get(o, 0),) for o, d in totals.orgs.items()}
    sec_title = {s.id: s.title for s in objs["Section"]}
    out = {label: node_columns(label, items, sec_title if label == "Action" else None, counted.get(label))
           for label, items in objs.items()}
    cited = cited_columns(sorted(graph.citations, key=lambda c: c.id))
    order = sorted(range(len(cited[0])), key=lambda k: cited[0][k])
    out["CitedDocument"] = [[c[k] for k in order] for c in cited]
    return out


def _edges(graph: Graph, totals: kc.Changes) -> dict[EdgeKey, Columns]:
    """Every relationship's columns: those with an id property in id order, the others by (start, end)."""
    out: dict[EdgeKey, Columns] = {}
    for spec in REL_SPECS:
        objs = sorted(getattr(graph, GRAPH_FIELDS[spec.model]), key=lambda x: x.id)
        for key, columns in edge_columns(spec, objs).items():
            if "id" not in REL_TABLES[key[0]].names and columns[0]:
                columns = [list(c) for c in zip(*sorted(zip(*columns)))]
            out[key] = columns
    shared = sorted(totals.pairs.items())
    out[(kc.SHARES, "Organization", "Organization")] = [[a for (a, _b), _n in shared], [b for (_a, b), _n in shared],
                                                        [n for _p, n in shared]]
    active = kc.activity(graph.responsibilities)
    out[(kc.ACTIVE, "Organization", "Document")] = [list(c) for c in zip(*active)] if active else [[]] * 4
    named = named_in(bundles(graph)[0], {o.id: o for o in graph.organizations})
    out[(NAMED, "Organization", "Document")] = [list(c) for c in zip(*sorted(zip(*named)))] if named[0] else named
    return out


def write_neo4j_import(graph: Graph, out_dir: str | Path, *, array_delimiter: str = ARRAY_DELIMITER) -> dict[str, int]:
    """Write the neo4j-admin CSV files of `graph` into out_dir; return the data rows per file stem.

    Files: {Label}.header.csv + {Label}.csv for each label in NODE_LABELS,
    and {stem}.header.csv + {stem}.csv for each stem in REL_FILES. Existing files of those names
    are overwritten; nothing else in out_dir is touched.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    totals = kc.totals(graph.responsibilities)
    nodes = _nodes(graph, totals)
    counts: dict[str, int] = {}
    for label in NODE_LABELS:
        _header(out / f"{label}.header.csv", node_header(label))
        counts[label] = _write(out / f"{label}.csv", _rows(nodes[label], label), array_delimiter)
    node_ids = {label: set(columns[0]) for label, columns in nodes.items()}
    edges = _edges(graph, totals)
    for stem, rel, start, end in REL_FILES:
        columns = edges[(rel, start, end)]
        ends = list(zip(columns[0], columns[1]))
        if rel == "ALIGNS_WITH":  # derived across documents: an end outside the graph is left out
            keep = [k for k, (a, b) in enumerate(ends) if a in node_ids[start] and b in node_ids[end]]
            columns = [[c[k] for k in keep] for c in columns]
            ends = [ends[k] for k in keep]
        dangling = [(a, b) for a, b in ends if a not in node_ids[start] or b not in node_ids[end]]
        if dangling:
            a, b = dangling[0]
            raise KgError(f"{stem}: {len(dangling)} relationship(s) name a node that is not in the graph "
                          f"(first: {start} {a} → {end} {b}); neo4j-admin would reject them")
        _header(out / f"{stem}.header.csv", rel_header(start, end, REL_TABLES[rel].props))
        counts[stem] = _write(out / f"{stem}.csv", _rows(columns, rel), array_delimiter)
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

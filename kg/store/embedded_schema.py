"""The property-graph schema on LadybugDB, declared once and shared by load, COPY and read-back.

Labels, relationship types and property names are the portable ones every backend and
queries/*.cypher use. `end` is a reserved word in Ladybug's Cypher (a bare `n.end` or
`{end: 1}` is a parse error), so it is always written `` `end` `` — backticks work on
Neo4j too. `start` is not reserved.
"""
from __future__ import annotations

from typing import Sequence

from kg.model import TargetKind
from kg.store.counts import ACTIVE, ACTIVE_PROPS, NODE_COUNTS, SHARES

# (property, Ladybug type) in table order; COPY (from Arrow tables) maps columns by this order.
NODE_TABLES: dict[str, list[tuple[str, str]]] = {
    "Document": [
        ("id", "STRING"),
        ("title", "STRING"),
        ("doc_number", "STRING"),
        ("issuer", "STRING"),
        ("date", "STRING"),
        ("jurisdiction", "STRING"),
        ("jurisdiction_path", "STRING[]"),
        ("level", "STRING"),
        ("based_on", "STRING[]"),
        ("file", "STRING"),
        ("sha256", "STRING"),
        ("encoding", "STRING"),
        ("format", "STRING"),
        ("length", "INT64"),
        ("start", "INT64"),
        ("end", "INT64"),
        ("text", "STRING"),
        ("title_key", "STRING"),  # kg.ids.title_key(title), set by the store: finds the document a citation names
    ],
    "Section": [
        ("id", "STRING"),
        ("document_id", "STRING"),
        ("ordinal", "INT64"),
        ("title", "STRING"),
        ("start", "INT64"),
        ("end", "INT64"),
        ("text", "STRING"),
    ],
    "Action": [
        ("id", "STRING"),
        ("document_id", "STRING"),
        ("section_id", "STRING"),
        ("section", "STRING"),
        ("ordinal", "INT64"),
        ("number", "STRING"),
        ("title", "STRING"),
        ("start", "INT64"),
        ("end", "INT64"),
        ("text", "STRING"),
    ],
    "Task": [
        ("id", "STRING"),
        ("document_id", "STRING"),
        ("action_id", "STRING"),
        ("ordinal", "INT64"),
        ("number", "STRING"),
        ("title", "STRING"),
        ("start", "INT64"),
        ("end", "INT64"),
        ("text", "STRING"),
    ],
    "Organization": [
        ("id", "STRING"),
        ("name", "STRING"),
        ("jurisdiction", "STRING"),
        ("jurisdiction_path", "STRING[]"),
        ("sector", "STRING"),
        ("collective", "BOOL"),
        ("aliases", "STRING[]"),
    ],
    # a measurable commitment; text is both Target.text and prov.text (they are equal)
    "Target": [
        ("id", "STRING"),
        ("document_id", "STRING"),
        ("owner_id", "STRING"),
        ("owner_kind", "STRING"),
        ("text", "STRING"),
        ("value", "DOUBLE"),
        ("unit", "STRING"),
        ("comparator", "STRING"),
        ("period", "STRING"),
        ("deadline", "STRING"),
        ("start", "INT64"),
        ("end", "INT64"),
    ],
    "Person": [
        ("id", "STRING"),
        ("name", "STRING"),
        ("document_id", "STRING"),
        ("start", "INT64"),
        ("end", "INT64"),
        ("text", "STRING"),
    ],
    # a placeholder for a cited document (loaded or not): id = Citation.cited_id, key = Citation.key
    "CitedDocument": [
        ("id", "STRING"),
        ("key", "STRING"),
        ("title", "STRING"),
    ],
}

# the stored counts (kg/store/counts.py) go last in their tables: derived data, not model fields
BASE_COLUMNS: dict[str, list[str]] = {label: [c for c, _t in cols] for label, cols in NODE_TABLES.items()}
for _label, _names in NODE_COUNTS.items():
    NODE_TABLES[_label] += [(n, "INT64") for n in _names]

# labels whose nodes belong to one document (document_id property) and go in with its transaction
DOCUMENT_PARTS = ("Section", "Action", "Task", "Target", "Person")

ROLE_PROPS: list[tuple[str, str]] = [
    ("id", "STRING"),
    ("qualifier", "STRING"),
    ("deadline", "STRING"),
    ("mention", "STRING"),
    ("document_id", "STRING"),
    ("start", "INT64"),
    ("end", "INT64"),
    ("clause", "STRING"),
]

MEMBER_PROPS: list[tuple[str, str]] = [
    ("id", "STRING"),
    ("role", "STRING"),
    ("post", "STRING"),
    ("post_title", "STRING"),
    ("unit_id", "STRING"),
    ("document_id", "STRING"),
    ("start", "INT64"),
    ("end", "INT64"),
    ("clause", "STRING"),
]

POST_PROPS: list[tuple[str, str]] = [("id", "STRING"), ("post", "STRING"), ("post_title", "STRING")]

CITE_PROPS: list[tuple[str, str]] = [
    ("id", "STRING"),
    ("title", "STRING"),
    ("start", "INT64"),
    ("end", "INT64"),
    ("clause", "STRING"),
]

ALIGN_PROPS: list[tuple[str, str]] = [
    ("id", "STRING"),
    ("score", "DOUBLE"),
    ("method", "STRING"),
    ("evidence", "STRING"),
]

ALIGN_PAIRS: list[tuple[TargetKind, TargetKind]] = [
    ("Action", "Action"), ("Action", "Task"), ("Task", "Action"), ("Task", "Task")]

# name -> (list of (FROM, TO) pairs, properties)
REL_TABLES: dict[str, tuple[Sequence[tuple[str, str]], list[tuple[str, str]]]] = {
    "HAS_SECTION": ([("Document", "Section")], []),
    "HAS_ACTION": ([("Document", "Action"), ("Section", "Action")], []),
    "HAS_TASK": ([("Action", "Task")], []),
    "LEADS": ([("Organization", "Action"), ("Organization", "Task")], ROLE_PROPS),
    "RESPONSIBLE_FOR": ([("Organization", "Action"), ("Organization", "Task")], ROLE_PROPS),
    "HAS_TARGET": ([("Document", "Target"), ("Action", "Target"), ("Task", "Target")], []),
    "MEMBER_OF": ([("Person", "Organization")], MEMBER_PROPS),  # person -> leading group
    "POST_IN": ([("Person", "Organization")], POST_PROPS),  # person -> the unit of the post
    "CITES": ([("Document", "CitedDocument")], CITE_PROPS),
    "ALIGNS_WITH": (ALIGN_PAIRS, ALIGN_PROPS),  # derived across documents: Store.replace_alignments
    # derived: distinct tasks two organizations share, a.id < b.id (kg/store/counts.py)
    SHARES: ([("Organization", "Organization")], [("tasks", "INT64")]),
    # derived, per document: an organization's edges in a document (kg/store/counts.py)
    ACTIVE: ([("Organization", "Document")], [(n, "INT64") for n in ACTIVE_PROPS]),
}


def q(name: str) -> str:
    """Quote an identifier with backticks (needed for `end`; harmless elsewhere)."""
    return "`" + name.replace("`", "``") + "`"


def ddl() -> list[str]:
    """The CREATE ... IF NOT EXISTS statements, node tables first."""
    out = []
    for label, cols in NODE_TABLES.items():
        body = ", ".join(
            f"{q(n)} {t}" + (" PRIMARY KEY" if n == "id" else "") for n, t in cols
        )
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({body})")
    for rel, (pairs, props) in REL_TABLES.items():
        parts = [f"FROM {a} TO {b}" for a, b in pairs] + [f"{q(n)} {t}" for n, t in props]
        out.append(f"CREATE REL TABLE IF NOT EXISTS {rel}({', '.join(parts)})")
    return out


# columns added after a table was first declared: a store made by an older kg gets them on open
ADDED_COLUMNS: list[tuple[str, str, str]] = [("Document", "title_key", "STRING")] + [
    (label, n, "INT64") for label, names in NODE_COUNTS.items() for n in names]


def migrations() -> list[str]:
    """ALTER TABLE ... ADD IF NOT EXISTS for ADDED_COLUMNS; idempotent (counts start at 0: the store
    recounts them when it adds them, see EmbeddedStore.ensure_schema)."""
    return [f"ALTER TABLE {label} ADD IF NOT EXISTS {q(col)} {typ}" + (" DEFAULT 0" if typ == "INT64" else "")
            for label, col, typ in ADDED_COLUMNS]

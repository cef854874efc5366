"""The property-graph schema on LadybugDB, declared once and shared by load, COPY and read-back.

Labels, relationship types and property names are the portable ones every backend and
queries/*.cypher use. `end` is a reserved word in Ladybug's Cypher (a bare `n.end` or
`{end: 1}` is a parse error), so it is always written `` `end` `` — backticks work on
Neo4j too. `start` is not reserved.
"""
from __future__ import annotations

# (property, Ladybug type) in table order; COPY FROM CSV relies on this order.
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
}

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

# name -> (list of (FROM, TO) pairs, properties)
REL_TABLES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "HAS_SECTION": ([("Document", "Section")], []),
    "HAS_ACTION": ([("Document", "Action"), ("Section", "Action")], []),
    "HAS_TASK": ([("Action", "Task")], []),
    "LEADS": ([("Organization", "Action"), ("Organization", "Task")], ROLE_PROPS),
    "RESPONSIBLE_FOR": ([("Organization", "Action"), ("Organization", "Task")], ROLE_PROPS),
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

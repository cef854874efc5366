"""The property-graph schema (kg/store/schema.py) as LadybugDB DDL.

Labels, relationship types and property names are the portable ones every backend and
queries/*.cypher use. `end` is a reserved word in Ladybug's Cypher (a bare `n.end` or
`{end: 1}` is a parse error), so it is always written `` `end` `` — backticks work on
Neo4j too. `start` is not reserved.
"""
from __future__ import annotations

from typing import Collection

from kg.store import counts as kc
from kg.store.schema import NODE_TABLES, REL_TABLES, q


def ddl(skip: Collection[str] = ()) -> list[str]:
    """The CREATE ... IF NOT EXISTS statements, node tables first, but for the tables in skip (there already)."""
    out = []
    for label, table in NODE_TABLES.items():
        if label in skip:
            continue
        body = ", ".join(
            f"{q(c.name)} {c.type}" + (" PRIMARY KEY" if c.name == table.key else "") for c in table.columns)
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({body})")
    for rel, rt in REL_TABLES.items():
        if rel in skip:
            continue
        parts = [f"FROM {a} TO {b}" for a, b in rt.pairs] + [f"{q(c.name)} {c.type}" for c in rt.props]
        out.append(f"CREATE REL TABLE IF NOT EXISTS {rel}({', '.join(parts)})")
    return out


def table_ddl(name: str) -> str:
    """The CREATE statement of one table."""
    return next(s for s in ddl() if s.split(" EXISTS ", 1)[1].startswith(name + "("))


def migrations(stored: dict[str, list[str]]) -> list[str]:
    """ALTER TABLE ... ADD for the columns of the schema a store made by an older kg lacks (`stored`:
    table -> its columns; tables it lacks are created by ddl()). A stored count starts at 0 (the store
    recounts when it adds them, see EmbeddedStore.ensure_schema); any other column at null."""
    out = []
    counted = {(label, n) for label, names in kc.NODE_COUNTS.items() for n in names}
    tables = [(t.label, t.columns) for t in NODE_TABLES.values()] + [(r.name, r.props) for r in REL_TABLES.values()]
    for table, cols in tables:
        have = stored.get(table)
        if have is None:
            continue
        for c in cols:
            if c.name not in have:
                default = " DEFAULT 0" if (table, c.name) in counted else ""
                out.append(f"ALTER TABLE {table} ADD {q(c.name)} {c.type}{default}")
    return out

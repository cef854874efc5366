"""`kg schema`: what a store holds, for people writing `kg cypher` statements — read from a real store's
catalog and compared, so the listing cannot claim a label or property the database lacks."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from kg.model import Graph
from kg.store.embedded import EmbeddedStore


def _catalog(db: Path) -> dict[str, list[str]]:
    """Each table of the LadybugDB store and its properties, as the database itself lists them."""
    with EmbeddedStore(db, read_only=True) as store:
        tables = store.run("CALL show_tables() RETURN name ORDER BY name").rows
        return {name: [r[0] for r in store.run(f"CALL table_info('{name}') RETURN name").rows]
                for (name,) in tables}


def test_schema_lists_what_the_store_holds(tmp_path: Path, seed_graph: Graph) -> None:
    db = tmp_path / "kg.db"
    with EmbeddedStore(db) as store:
        store.load(seed_graph)
    res = CliRunner().invoke(main, ["schema", "--format", "json"])
    assert res.exit_code == 0, res.output
    listed = {r["name"]: r["properties"] for r in json.loads(res.output)}
    assert listed == _catalog(db)


def test_schema_table_is_whole() -> None:
    """The table never cuts a long property list: the one a reader looks for may be last."""
    res = CliRunner().invoke(main, ["schema"])
    assert res.exit_code == 0
    doc = next(line for line in res.output.splitlines() if line.startswith("node") and " Document " in line)
    assert doc.rstrip().endswith("n_units") and "…" not in doc
    assert "ALIGNS_WITH" in res.output and "Organization->Task" in res.output

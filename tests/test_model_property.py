"""Issue #15: a property added to one model class, and nowhere else, reaches both stores, the neo4j-admin
files and the RDF export (a kg: property named after the field), and reads back. tests/_model_plus.py runs kg with a fixture subclass of Task that adds `priority`
(in a process of its own: the schema is derived from kg.model when kg.store is imported)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.store.embedded import EmbeddedStore
from store_fixture import make_document

HERE = Path(__file__).parent


def run_plus(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(HERE / "_model_plus.py"), *args], capture_output=True, text=True,
                          cwd=HERE, env={**os.environ, "PYTHONPATH": str(HERE), **(env or {})}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def expected(*docs: str) -> dict[str, int]:
    return {t.id: 10 * t.ordinal + len(t.id) for d in docs for t in make_document(d, sha=d).tasks}


def test_the_embedded_store_takes_and_gives_back_the_new_property(tmp_path: Path) -> None:
    """A store made without the property (D1) gets its column on open; D2 goes in by COPY with it."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_document("D1", sha="D1"))
    got = run_plus("embedded", str(tmp_path / "kg.db"))
    want = {**dict.fromkeys(expected("D1")), **expected("D2")}
    assert got["read"] == want and got["queried"] == want


@pytest.mark.external
def test_the_neo4j_store_takes_and_gives_back_the_new_property(bolt_server: Any) -> None:
    from kg.store.neo4j import Neo4jStore

    settings = bolt_server.settings()
    with Neo4jStore(**settings) as s:  # the server is shared by the session: empty it
        s.run("MATCH (n) DETACH DELETE n", write=True)
    env = {k: v for k, v in {"NEO4J_URI": settings["uri"], "NEO4J_USER": settings["user"],
                             "NEO4J_PASSWORD": settings["password"], "NEO4J_DATABASE": settings["database"]}.items()
           if v is not None}
    got = run_plus("neo4j", env=env)
    assert got["read"] == expected("D1", "D2") and got["queried"] == expected("D1", "D2")


def test_the_neo4j_admin_files_carry_the_new_property(tmp_path: Path) -> None:
    got = run_plus("admin", str(tmp_path))
    assert got["read"] == expected("D1", "D2")
    assert got["header"].index("priority:int") < got["header"].index("start:int")  # a model field, before provenance


def test_the_rdf_export_carries_the_new_property() -> None:
    assert run_plus("rdf")["read"] == expected("D1", "D2")


def test_the_stock_model_has_no_field_without_its_own_rdf_term() -> None:
    """kg.rdf states every field of the model in its own terms: the kg:FIELD fallback is for fields added later."""
    from kg.rdf import _EXTRA

    assert not any(_EXTRA.values())

"""queries/*.cypher (and the Neo4j store's own statements) through Neo4j's Cypher parser and checker.

Neo4j cannot be installed here, so `tools/cypher-lint` runs Neo4j's own parser and semantic
analysis (@neo4j-cypher/language-support) on Node.js. Set up with `npm ci --prefix tools/cypher-lint`.
"""
from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tools" / "cypher-lint"
LINT = LINT_DIR / "lint.mjs"
QUERIES = sorted((ROOT / "queries").glob("*.cypher"))


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Node.js >= 18 runs tools/cypher-lint)"
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return "@neo4j-cypher/language-support is not installed: run `npm ci --prefix tools/cypher-lint`"
    return None


pytestmark = [pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
              pytest.mark.external]  # Node.js


@functools.cache
def schema_file() -> Path:
    """The schema as `kg schema --cypher-lint` prints it (derived from the model), written once per run."""
    from kg.store.schema import lint_schema

    folder = Path(tempfile.mkdtemp(prefix="kg-lint-"))
    atexit.register(shutil.rmtree, folder, True)
    f = folder / "schema.json"
    f.write_text(json.dumps(lint_schema(), ensure_ascii=False), encoding="utf-8")
    return f


def lint(*files: Path | str, flags: tuple[str, ...] = ("--strict-schema",),
         schema: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the checker; stdout has one FILE:LINE:COL: severity: message line per problem."""
    given = ["--schema", str(schema_file())] if schema else []
    return subprocess.run(
        ["node", str(LINT), *given, *flags, *map(str, files)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )


def test_query_library_passes() -> None:
    if not QUERIES:
        pytest.skip("queries/ has no .cypher files yet")
    res = lint(*QUERIES)
    assert res.returncode == 0, res.stdout + res.stderr


def test_store_statements_pass(tmp_path: Path) -> None:
    """The Neo4j backend's load/read statements parse and check on Neo4j's own front end."""
    from kg.store.neo4j import statements

    files = []
    for name, cypher in statements().items():
        f = tmp_path / f"{name}.cypher"
        f.write_text(cypher + "\n", encoding="utf-8")
        files.append(f)
    res = lint(*files)
    assert res.returncode == 0, res.stdout + res.stderr


def test_catches_syntax_and_semantic_errors(tmp_path: Path) -> None:
    bad = tmp_path / "broken.cypher"
    bad.write_text(
        "// Which tasks does an organization lead? params: $name\n"
        "MATCH (o:Organization {name: $name})-[:LEADS]->(t:Task)\n"
        "RETRN t.title AS title\n",
        encoding="utf-8",
    )
    res = lint(bad)
    assert res.returncode == 1
    assert f"{bad}:3:1: error: Invalid input 'RETRN'" in res.stdout

    undefined = tmp_path / "undefined.cypher"
    undefined.write_text("MATCH (a:Action)\nRETURN b.title AS title\n", encoding="utf-8")
    res = lint(undefined)
    assert res.returncode == 1
    assert f"{undefined}:2:8: error: Variable `b` not defined" in res.stdout


def test_misspelt_function_and_label(tmp_path: Path) -> None:
    f = tmp_path / "names.cypher"
    f.write_text("MATCH (t:Tsk) RETURN toLowr(t.title) AS t\n", encoding="utf-8")
    res = lint(f)
    assert res.returncode == 1
    assert "Function toLowr is not present" in res.stdout
    assert "Label Tsk is not present" in res.stdout


def test_parameters_are_not_errors(tmp_path: Path) -> None:
    f = tmp_path / "params.cypher"
    f.write_text(
        "// Tasks of the given organizations, in given documents. params: $names, $docs, $limit\n"
        "MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(t:Task)\n"
        "WHERE o.name IN $names AND t.document_id IN $docs\n"
        "RETURN o.name AS organization, count(DISTINCT t) AS tasks, r.`end` AS e\n"
        "ORDER BY tasks DESC LIMIT $limit\n",
        encoding="utf-8",
    )
    res = lint(f)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == ""


def test_non_portable_constructs_are_flagged(tmp_path: Path) -> None:
    f = tmp_path / "np.cypher"
    f.write_text("MATCH (a:Action) RETURN labels(a) AS l, COUNT { (a)-->() } AS n\n", encoding="utf-8")
    assert lint(f).returncode == 0  # warnings by default
    res = lint(f, flags=("--strict-portable",))
    assert res.returncode == 1
    assert "labels() is not portable" in res.stdout and "COUNT { } subqueries" in res.stdout


def test_schema_is_the_stores_own(tmp_path: Path) -> None:
    """Names the stores hold pass (a stored count, a derived link); a name the model lacks fails; the
    schema comes from `kg schema --cypher-lint`, not from a copy kept by hand."""
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store.schema import lint_schema

    printed = CliRunner().invoke(main, ["schema", "--cypher-lint"])
    assert printed.exit_code == 0 and json.loads(printed.output) == lint_schema()
    ok = tmp_path / "ok.cypher"
    ok.write_text("MATCH (o:Organization)-[s:SHARES_TASKS]->(p:Organization)\n"
                  "RETURN o.n_edges AS n, s.tasks AS shared, p.max_shared AS m\n", encoding="utf-8")
    res = lint(ok)
    assert res.returncode == 0 and res.stdout == "", res.stdout + res.stderr
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (o:Organization)-[:OWNS]->(t:Task) RETURN t.title AS t\n", encoding="utf-8")
    res = lint(bad)
    assert res.returncode == 1 and "Relationship type OWNS is not present" in res.stdout
    # without the schema no name can be checked, so --strict-schema refuses to run rather than pass
    res = lint(bad, schema=False)
    assert res.returncode == 2 and "--strict-schema needs --schema FILE" in res.stderr

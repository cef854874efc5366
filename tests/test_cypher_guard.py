"""The read-only Cypher guard (kg.cypher_guard) on a real embedded store (issue #17).

Every bypass the issue found is a regression test that checks the store and the file system are as
they were; a grammar-aware fuzzer (fixed seed) checks that whatever the guard passes changes nothing
when run on a writable store with no other protection.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.align import DOCS_CYPHER, ITEMS_CYPHER
from kg.cli import main
from kg.cypher_guard import QueryRefused, check_read_only, parameters, tokenize
from kg.errors import StoreError
from kg.store.embedded import EmbeddedStore

try:
    from tests.test_store_embedded import make_graph
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from test_store_embedded import make_graph  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
SECRET = "kg-secret-5f1c9"


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store (two documents, every kind of node and edge), built once and copied per test."""
    path = tmp_path_factory.mktemp("guard") / "kg.db"
    with EmbeddedStore(path) as s:
        s.load(make_graph())
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kg.db"
    shutil.copytree(template, path)
    return path


@pytest.fixture
def watch(tmp_path: Path) -> Path:
    """A folder the statements aim at: it holds one file with a secret, and nothing may appear in it."""
    d = tmp_path / "watch"
    d.mkdir()
    (d / "secret.csv").write_text(f"{SECRET}|x\n{SECRET}|y\n", encoding="utf-8")
    return d


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def contents(store: EmbeddedStore) -> tuple[Any, ...]:
    """Everything a statement could change: the graph read back, the counts and the tables' columns."""
    columns = {t: store._exec(f"CALL table_info('{t}') RETURN *") for t in sorted(store._tables())}
    return store.to_graph(), store.stats(), columns


def kg_cypher(db: Path, statement: str) -> Any:
    return CliRunner().invoke(main, ["cypher", "--db", str(db), statement])


# --------------------------------------------------------------------------- the bypasses of issue #17

def test_number_glued_to_load_from(db: Path, watch: Path) -> None:
    before = files(db)
    res = kg_cypher(db, f"MATCH (d:Document) WITH d LIMIT 1LOAD FROM '{watch}/secret.csv' "
                        "(file_format='csv', header=false, delim='|') RETURN *")
    assert res.exit_code == 1
    assert "refused 1LOAD" in res.output and "--write" in res.output
    assert SECRET not in res.output
    assert files(db) == before


def test_comment_the_engine_ends_later_hides_copy_to(db: Path, watch: Path) -> None:
    before = files(db)
    res = kg_cypher(db, f"""/* **/ ' */ COPY (MATCH (d:Document) RETURN d.id, d.title) TO "{watch}/x.csv" //'""")
    assert res.exit_code == 1 and "refused /*" in res.output
    assert files(watch) == {"secret.csv": f"{SECRET}|x\n{SECRET}|y\n".encode()}
    assert files(db) == before


@pytest.fixture
def extension(tmp_path: Path) -> tuple[Path, Path]:
    """A shared library that leaves a mark when loaded: whether native code ran, not only whether
    the statement failed."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to build the probe library")
    mark, so = tmp_path / "ran.txt", tmp_path / "evil.so"
    src = tmp_path / "evil.c"
    src.write_text('#include <stdio.h>\n__attribute__((constructor)) static void probe(void) '
                   '{ FILE *f = fopen(MARK, "w"); if (f) { fputs("ran", f); fclose(f); } }\n')
    subprocess.run(["gcc", "-shared", "-fPIC", f'-DMARK="{mark}"', "-o", str(so), str(src)], check=True)
    return so, mark


def test_comment_the_engine_ends_later_hides_load_extension(db: Path, extension: tuple[Path, Path]) -> None:
    so, mark = extension
    res = kg_cypher(db, f"""/* **/ ' */ LOAD EXTENSION "{so}" //'""")
    assert res.exit_code == 1 and "refused /*" in res.output
    assert not mark.exists(), "the extension's code ran"


def test_comment_the_engine_ends_later_hides_checkpoint(db: Path) -> None:
    before = files(db)
    res = kg_cypher(db, "/* **/ ' */ CHECKPOINT //'")
    assert res.exit_code == 1 and "refused /*" in res.output
    assert files(db) == before  # no shadow file or write-ahead log left behind
    with EmbeddedStore(db, read_only=True) as ro:
        assert ro.stats()["documents"] == 2


def test_commit_smuggled_into_a_read_on_a_writable_store(db: Path) -> None:
    with EmbeddedStore(db) as store:
        before = contents(store)
        with pytest.raises(QueryRefused) as e:
            store.run("/* **/ ' */ COMMIT; MATCH (d:Document) DETACH DELETE d //'")
        assert e.value.clause == "/*" and "--write" not in str(e.value)  # the CLI adds its own words
        assert contents(store) == before


@pytest.mark.parametrize("statement, clause", [
    # the same tricks without the comment, and in other spellings
    ("match (d:Document) detach delete d", "DETACH"),
    ("MATCH (d:Document) RETURN d.id; MATCH (d:Document) DETACH DELETE d", "';'"),
    ("MATCH (d:Document) RETURN d.id;;", "';'"),
    ("COPY (MATCH (d:Document) RETURN d.id) TO '/tmp/x.csv'", "COPY"),
    ("MATCH (d:Document) WITH d LIMIT 1 LOAD FROM '/etc/passwd' RETURN *", "LOAD"),
    ("MATCH (d:Document) WITH d LIMIT 1e5LOAD FROM '/etc/passwd' RETURN *", "1e5LOAD"),
    ("RETURN 0xASET", "0xASET"),
    ("MATCH (d:Document) WITH d LIMIT $1LOAD FROM '/etc/passwd' RETURN *", "$1LOAD"),
    ("LOAD EXTENSION '/tmp/evil.so'", "LOAD"),
    ("CheckPoint", "CHECKPOINT"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("RETURN 1 /* ***/ COMMIT", "COMMIT"),  # both engines end this comment at ***/
    ("RETURN 1 /***/ COPY (RETURN 1) TO '/tmp/x'", "/*"),
    ("RETURN 1 /* unclosed COPY", "/*"),
    ("RETURN 1 // a comment\rCOPY (RETURN 1) TO '/tmp/x'", "//"),
    ("RETURN 'it\\q' AS x", "string"),
    ("RETURN 'unclosed", "string"),
    ("RETURN `unclosed AS x", "`"),
    ("ATTACH '/tmp/other.lbug' AS o (dbtype lbug)", "ATTACH"),
    ("EXPORT DATABASE '/tmp/x'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/x'", "IMPORT"),
    ("INSTALL json", "INSTALL"),
    ("USE other", "USE"),
    ("DETACH other", "DETACH"),
    ("DROP TABLE Task", "DROP"),
    ("ALTER TABLE Task ADD x STRING", "ALTER"),
    ("CREATE NODE TABLE X(id STRING PRIMARY KEY)", "CREATE"),
    ("EXPLAIN MATCH (d:Document) RETURN d.id", "EXPLAIN"),
    ("CALL threads=1", "CALL threads"),
    ("CALL read_csv_serial('/etc/passwd') RETURN *", "CALL read_csv_serial"),
    ("CALL project_graph('g', ['Task'], ['HAS_TASK'])", "CALL project_graph"),
    ("MATCH (d:Document) CALL { WITH d SET d.title = 'x' } RETURN d.id", "SET"),
    ("MATCH (d:Document) FOREACH (x IN [1] | CREATE (:Document {id: 'x'})) RETURN 1", "FOREACH"),
    # Neo4j: reads to the server, but they reach files, the network or other queries
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
    ("CALL apoc.load.json('http://127.0.0.1:9/') YIELD value RETURN value", "CALL apoc.load.json"),
    ("RETURN apoc.cypher.runFirstColumnSingle('MATCH (n) DETACH DELETE n', {})", "apoc.cypher.runFirstColumnSingle"),
    ("RETURN `apoc`.util.md5(['x'])", "apoc.util.md5"),
    ("CALL dbms.components() YIELD name RETURN name", "CALL dbms.components"),
    ("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS RETURN 1", "DETACH"),
    ("SHOW DATABASES", "SHOW"),
    ("", "an empty statement"),
])
def test_refused(statement: str, clause: str) -> None:
    with pytest.raises(QueryRefused) as e:
        check_read_only(statement)
    assert e.value.clause == clause
    assert f"refused {clause} at char {e.value.position}" in str(e.value)


@pytest.mark.parametrize("statement", [
    # write words inside strings, comments, quoted names, parameters, property keys and labels are data
    "MATCH (d:Document) WHERE d.title <> 'DELETE me' RETURN d.id AS `set` ORDER BY d.id",
    "// CREATE nothing\nMATCH (d:Document) RETURN d.id /* SET */",
    "MATCH (n:Task) WHERE n.set = \"COPY (x) TO 'y'\" RETURN n.`create`, $merge AS m;",
    "MATCH (a:Organization)-[:LEADS|:RESPONSIBLE_FOR*1..2]->(b) RETURN count(*) AS n",
    "MATCH (d:Document) // a comment\r\nRETURN d.id",
    "RETURN 1 /* ***/",
    "RETURN 'it\\'s' AS x, \"q\\\"\" AS y, 1.5e3 AS z, '\\u4e2d' AS w",
    "MATCH (组织:Organization) RETURN 组织.name AS 名称",
    "CALL show_tables() RETURN *",
    "RETURN date.truncate('day', date()) AS d",
    "OPTIONAL MATCH (t:Task) WITH t, count(*) AS n UNWIND [1, 2] AS x RETURN n, x UNION ALL RETURN 1, 2",
])
def test_passed(statement: str) -> None:
    check_read_only(statement)


def test_every_named_query_passes() -> None:
    found = sorted((ROOT / "queries").rglob("*.cypher"))
    assert found
    for f in found:
        check_read_only(f.read_text(encoding="utf-8"))
    for statement in (DOCS_CYPHER, *ITEMS_CYPHER):
        check_read_only(statement)


def test_parameters_are_read_from_tokens() -> None:
    assert parameters("MATCH (n {id: $id}) WHERE n.x = '$not' /* $no */ RETURN $other, $`a b`, $0 // $nope") == {
        "id", "other", "a b", "0"}


def test_tokens_follow_the_grammar() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("LIMIT 1 `a``b` 'x\\'y' $p n.set 1..2 名")]
    assert kinds == [("word", "LIMIT"), ("number", "1"), ("name", "`a``b`"), ("string", "'x\\'y'"), ("param", "$p"),
                     ("word", "n"), ("punct", "."), ("word", "set"), ("number", "1"), ("punct", ".."),
                     ("number", "2"), ("word", "名")]


def test_kg_cypher_prints_what_the_library_returns(db: Path) -> None:
    import json

    statement = "MATCH (d:Document) RETURN d.id AS id, d.title AS title ORDER BY id"
    res = CliRunner().invoke(main, ["cypher", "--db", str(db), "--format", "json", statement])
    assert res.exit_code == 0, res.output
    with EmbeddedStore(db, read_only=True) as ro:
        assert json.loads(res.output) == ro.run(statement).records()


def test_the_engine_still_refuses_what_the_guard_would_miss(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second layer: with the guard switched off, the read-only transaction (writable store) and
    the prepared single statement refuse writes and a smuggled COMMIT."""
    import kg.store.embedded as emb

    monkeypatch.setattr(emb, "check_read_only", lambda cypher: [])
    with EmbeddedStore(db) as store:
        before = contents(store)
        with pytest.raises(QueryRefused, match="refused by the database"):
            store.run("MATCH (d:Document) DETACH DELETE d")
        with pytest.raises(StoreError, match="multiple statements"):
            store.run("RETURN 1; MATCH (d:Document) DETACH DELETE d")
        assert contents(store) == before


# --------------------------------------------------------------------------- the fuzzer

READS = [
    "MATCH (d:Document) RETURN d.id", "RETURN 1", "RETURN *", "CALL show_tables() RETURN *",
    "MATCH (o:Organization) WHERE o.name CONTAINS 'x' RETURN o.id AS `set`", "RETURN x", "LIMIT 1",
]
# query parts a clause may follow
PARTS = ["MATCH (d:Document) WITH d LIMIT 1", "WITH 1 AS x", "UNWIND [1, 2] AS x", "OPTIONAL MATCH (t:Task)",
         "MATCH (t:Task)"]
# clauses that write or read a file, valid after any of PARTS
CLAUSES = [
    "LOAD FROM '{w}/secret.csv' (header=false, delim='|') RETURN *", "MATCH (d2:Document) DETACH DELETE d2",
    "CREATE (:CitedDocument {id: 'fuzz'})", "MERGE (:CitedDocument {id: 'fuzz'})", "MATCH (t2:Task) SET t2.title = 'fuzz'",
]
# statements of their own
COMMANDS = [
    "COPY (MATCH (d:Document) RETURN d.id) TO '{w}/out.csv'", "COPY Document FROM '{w}/secret.csv'",
    "EXPORT DATABASE '{w}/export'", "ATTACH '{w}/o.lbug' AS o (dbtype lbug)", "LOAD EXTENSION '{w}/evil.so'",
    "INSTALL json", "CHECKPOINT", "COMMIT", "ROLLBACK", "BEGIN TRANSACTION", "DROP TABLE ALIGNS_WITH",
    "ALTER TABLE Task ADD fuzz STRING", "CALL threads=1", "CALL project_graph('g', ['Task'], ['HAS_TASK'])",
    "DETACH o", "USE o",
]
HARMFUL = CLAUSES + COMMANDS
GLUE = [
    "", " ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u3000", "\u2028", "1", "0", "1e", "0x", ".", ":", "$", ";", "'", '"',
    "`", "\\", "/*", "*/", "**/", "//", "/* **/ ' */", "/***/", "// c\n", "// c\r", "// c\r\n", "/* c */",
    "'a\\'b'", '"a\\"b"', "'it''s'", "`a``b`", "名", "é", "_", "€", "(", ")", "{", "}", "|", ",", "AS x",
]
# what may hide a clause from a lexer that reads the text differently from the engine
WRAPPERS = [
    ("/* ", " */"), ("/* **/ ' */ ", " //'"), ('/* **/ " */ ', ' //"'), ("/* ***/ **/ ` */ ", " //`"), ("/***/ ", " /**/"),
    ("/* ' */ ", " /* ' */"), ("// ", "\n"), ("// c\r", "\n"), ("// c\r\n", ""), ("'", "'"), ('"', '"'), ("`", "`"),
    ("'\\'", "'"), ('"\\', '"'), ("1", ""), ("1e", ""), ("0x", ""), ("$", ""), ("n.", ""), (":", ""), ("名", ""),
]
sep = st.one_of(st.just(" "), st.lists(st.sampled_from(GLUE), max_size=2).map("".join))


# the shape of every bypass in issue #17: a query part, then a clause (bare, or in a wrapper); a command
plain_clause = st.tuples(st.sampled_from(PARTS), sep, st.sampled_from(CLAUSES), sep,
                         st.sampled_from(["", " RETURN 1"])).map(lambda t: "".join(t))
wrapped_clause = st.tuples(st.sampled_from(PARTS), sep, st.sampled_from(WRAPPERS), st.sampled_from(CLAUSES), sep,
                           st.sampled_from(["", " RETURN 1"])).map(
    lambda t: t[0] + t[1] + t[2][0] + t[3] + t[2][1] + t[4] + t[5])
wrapped_command = st.tuples(sep, st.one_of(st.just(("", "")), st.sampled_from(WRAPPERS)), st.sampled_from(COMMANDS),
                            sep, st.sampled_from(["", ";", " RETURN 1"])).map(
    lambda t: t[0] + t[1][0] + t[2] + t[1][1] + t[3] + t[4])
# and pieces of every kind in any order
mixed = st.tuples(st.sampled_from(READS + PARTS + GLUE), st.lists(st.sampled_from(READS + PARTS + HARMFUL + GLUE),
                                                                  max_size=7)).map(lambda t: t[0] + "".join(t[1]))
statements = st.one_of(plain_clause, wrapped_clause, wrapped_command, mixed)


@pytest.mark.slow
def test_whatever_the_guard_passes_changes_nothing(db: Path, watch: Path) -> None:
    """Run each statement the guard passes straight on a writable store's connection (no read-only
    transaction, several statements allowed): the store and the watched folder must stay as they were,
    and the secret file must not be read."""
    passed: list[str] = []
    with EmbeddedStore(db) as store:
        before, watched = contents(store), files(watch)

        @settings(derandomize=True, max_examples=200, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(statements)
        def run(template: str) -> None:
            statement = template.replace("{w}", str(watch))
            try:
                check_read_only(statement)
            except QueryRefused:
                return
            passed.append(statement)
            try:
                out = store._conn.execute(statement)
                results = out if isinstance(out, list) else [out]
                assert not any(SECRET in repr(r.get_all()) for r in results), statement
            except RuntimeError:
                pass  # the engine does not accept it
            assert contents(store) == before, statement
            assert files(watch) == watched, statement

        run()
    assert len(passed) >= 20, "the fuzzer hardly reached the engine"


def test_fuzzer_pieces_are_refused_alone() -> None:
    """Each harmful piece on its own is refused: the fuzzer is testing something."""
    for h in HARMFUL:
        with pytest.raises(QueryRefused):
            check_read_only(h.replace("{w}", "/tmp"))

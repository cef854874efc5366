"""Results that look complete are complete, or say they are not (issue 13, first section).

1. A path that gives no document is an error (the seeds are the default only for no path at all).
2. A listing cut by its limit says so: table footer, a stderr line for csv/jsonl, `truncated` in json.
3. A file that is not a plan says so (no-roles), and a folder scan passes over README/LICENSE/hidden files.
"""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError, NoDocumentError, QueryError
from kg.library import NO_LIMIT, bind, get_query, list_queries, run_named, with_limit
from kg.pipeline import collect, collect_files, parse_files, require_documents
from kg.render import render_page
from kg.sparql import run_sparql, sparql_store
from kg.store.embedded import EmbeddedStore

SEED = "001_d3227398dcf91ff4.txt"  # the 友谊县 plan
README = "# kg\n\nA knowledge base of policy documents. Run `kg build` to load the seeds.\n"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def empty(tmp_path):
    d = tmp_path / "EMPTY"
    d.mkdir()
    return d


@pytest.fixture
def repo_like(tmp_path, seeds_dir):
    """A folder as people download it: one plan, plus a README, LICENSE, CHANGELOG and hidden files."""
    d = tmp_path / "plans"
    (d / ".git").mkdir(parents=True)
    shutil.copy(seeds_dir / SEED, d / SEED)
    (d / "README.md").write_text(README, encoding="utf-8")
    (d / "LICENSE.txt").write_text("MIT License\n", encoding="utf-8")
    (d / "CHANGELOG.md").write_text("## 0.1\n- first\n", encoding="utf-8")
    (d / ".notes.txt").write_text("草稿\n", encoding="utf-8")
    (d / ".git" / "description.txt").write_text("repo\n", encoding="utf-8")
    return d


# --------------------------------------------------------------------------- 1. no document, no default


def test_an_empty_folder_is_an_error_naming_it(empty):
    with pytest.raises(NoDocumentError) as e:
        collect([empty])
    assert str(empty) in str(e.value) and "no readable document" in str(e.value) and ".txt" in str(e.value)
    assert isinstance(e.value, KgError)


def test_a_missing_path_is_an_error_naming_it(tmp_path, seeds_dir):
    with pytest.raises(NoDocumentError, match="nope.txt: no such file or folder"):
        collect_files([seeds_dir / SEED, tmp_path / "nope.txt"])


def test_every_named_folder_must_give_a_file(empty, seeds_dir):
    with pytest.raises(NoDocumentError, match="EMPTY"):
        collect([seeds_dir, empty])


def test_a_folder_scan_passes_over_readme_license_changelog_and_hidden_files(repo_like):
    found = collect([repo_like])
    assert [f.name for f in found.files] == [SEED]
    assert {f.relative_to(repo_like).as_posix(): why for f, why in found.skipped} == {
        ".git/description.txt": "hidden file", ".notes.txt": "hidden file",
        "CHANGELOG.md": "CHANGELOG file, not a plan", "LICENSE.txt": "LICENSE file, not a plan",
        "README.md": "README file, not a plan"}


def test_a_folder_of_only_non_documents_names_what_it_passed_over(tmp_path):
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    with pytest.raises(NoDocumentError, match=r"passed over README\.md \(README file, not a plan\)"):
        collect([tmp_path])


def test_a_file_named_directly_is_always_read(repo_like):
    assert collect([repo_like / "README.md"]).files == [repo_like / "README.md"]


def test_files_that_all_fail_give_no_graph(tmp_path, seeds_dir):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    batch = parse_files(collect_files([tmp_path]))
    with pytest.raises(NoDocumentError, match="no document could be read from .*1 of 1 files failed"):
        require_documents(batch, [tmp_path])
    ok = parse_files([tmp_path / "bin.txt", seeds_dir / SEED])
    assert require_documents(ok, [tmp_path]) is ok


def test_build_of_an_empty_folder_fails_and_touches_no_store(tmp_path, empty):
    db = tmp_path / "db"
    r = _run("build", "--db", str(db), str(empty))
    assert r.exit_code == 1 and r.stdout == ""
    assert "EMPTY" in _one_line(r.stderr) and "no readable document" in r.stderr
    assert not db.exists(), "an empty folder must not load the seed corpus (nor create a store)"


FILE_COMMANDS = [  # the store commands get --db too: given files, they must not fall back to it
    ["extract"], ["check"], ["viz", "-o", "{out}/page.html", "--db", "{db}"],
    ["export", "rdf", "-o", "{out}/g.ttl", "--db", "{db}"], ["validate", "--db", "{db}"],
    ["sparql", "workload", "--db", "{db}"], ["serve-sparql", "--port", "0", "--db", "{db}"],
    ["export", "neo4j-import", "{out}/import", "--db", "{db}"],
]


@pytest.mark.parametrize("command", FILE_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("what", ["empty folder", "missing path"])
def test_every_command_on_files_fails_with_one_line(tmp_path, empty, command, what):
    path = empty if what == "empty folder" else tmp_path / "missing"
    out = tmp_path / "out"
    r = _run(*[a.format(out=out, db=tmp_path / "db") for a in command], str(path))
    assert r.exit_code == 1, r.output
    line = _one_line(r.stderr)
    assert str(path) in line and r.stdout == ""
    assert not (out.exists() or (tmp_path / "db").exists())


def test_files_that_all_fail_are_an_error_for_commands_drawing_a_graph(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    r = _run("export", "rdf", str(tmp_path), "-o", str(tmp_path / "g.ttl"))
    assert r.exit_code == 1 and not (tmp_path / "g.ttl").exists()
    assert "bin.txt" in r.stderr and "no document could be read" in r.stderr.splitlines()[-1]


# --------------------------------------------------------------------------- 3. what each file turned out to be


def test_a_readme_named_directly_is_reported_as_not_a_plan(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    (report,) = parse_files([readme]).reports
    assert report.status == "no-roles" and report.status_note == "no role clauses found — a plan that assigns no units, or not a plan"
    built = _run("build", "--db", str(tmp_path / "db"), str(readme))
    assert built.exit_code == 0
    assert "no-roles" in built.stdout and "or not a plan" in built.stdout
    extracted = _run("extract", str(readme))
    assert "no-roles" in extracted.stderr and "or not a plan" in extracted.stderr
    checked = _run("check", str(readme))
    assert "or not a plan" in checked.stdout


def test_build_of_a_downloaded_folder_loads_the_plan_and_says_what_it_skipped(tmp_path, repo_like):
    r = _run("build", "--db", str(tmp_path / "db"), "--no-align", str(repo_like))
    assert r.exit_code == 0, r.output
    assert "1 documents (1 new" in r.stdout and "README.md" not in r.stdout
    skipped = [line for line in r.stderr.splitlines() if line.startswith("kg: skipped")]
    assert len(skipped) == 5 and any("README.md (README file, not a plan" in s for s in skipped)


# --------------------------------------------------------------------------- 2. listings cut by a limit say so


@pytest.fixture(scope="module")
def store(tmp_path_factory, seed_graph):
    s = EmbeddedStore(tmp_path_factory.mktemp("honest") / "db")
    s.load(seed_graph)
    yield s
    s.close()


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, seeds_dir):
    db = tmp_path_factory.mktemp("honest_cli") / "db"
    assert _run("build", "--db", str(db), "--no-align", str(seeds_dir)).exit_code == 0
    return str(db)


PAGED = sorted(q.name for q in list_queries() if "limit" in {p.name for p in q.params})
REQUIRED = {"n": 3, "sector": "教育", "name": "县科协", "text": "提升", "document": "友谊县"}


def test_every_paged_query_is_checked():
    assert len(PAGED) >= 15 and "organization_responsibilities" in PAGED


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGED)
def test_a_page_knows_whether_it_is_all_and_how_many_there_are(store, name):
    """For every limit, `truncated` and `total` agree with the whole listing: in particular a page with fewer
    rows than its limit is everything (queries paged by document keep only documents that give a row)."""
    params = {p.name: REQUIRED[p.name] for p in get_query(name).params if p.required}
    whole = run_named(store, name, {**params, "limit": None})
    n = len(whole.rows)
    assert whole.total == n and not whole.truncated and whole.limit is None
    for k in sorted({0, 1, 2, 3, 5, max(n - 1, 0), n, n + 1}):
        page = run_named(store, name, {**params, "limit": k})
        assert len(page.rows) == min(k, n), k
        assert page.truncated == (n > k) and page.total == n and page.limit == k, k
        quick = run_named(store, name, {**params, "limit": k}, count=False)
        assert quick.truncated == (n > k) and quick.total == (None if n > k else n), k


@pytest.mark.slow
@pytest.mark.external
def test_pages_agree_on_a_bolt_server(store, seed_graph, bolt_server):
    """`--all` binds a LIMIT a Bolt server takes (ArcadeDB sizes a top-k queue by it), and the counts agree."""
    from kg.store.neo4j import Neo4jStore

    neo = Neo4jStore(**bolt_server.settings())
    try:
        neo.run("MATCH (n) DETACH DELETE n", write=True)
        neo.ensure_schema()
        neo.load(seed_graph)
        for name, params in (("workload", {}), ("co_responsibility", {}),
                             ("organization_responsibilities", {"name": "县科协"})):
            for limit in (3, None):
                a = run_named(store, name, {**params, "limit": limit})
                b = run_named(neo, name, {**params, "limit": limit})
                assert (a.total, a.truncated, len(a.rows)) == (b.total, b.truncated, len(b.rows)), (name, limit)
                assert a.truncated == (limit == 3)
    finally:
        neo.close()


def test_the_summary_line(store):
    page = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": 3})
    assert page.total == 35 and page.summary() == "3 of 35 rows"
    quick = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": 3}, count=False)
    assert quick.summary() == "3 of more than 3 rows"
    assert run_named(store, "organization_responsibilities", {"name": "县科协"}).summary() is None  # 35 < 100


def test_limit_all_binds_the_largest_limit_and_shorthands_fold_in():
    query = get_query("workload")
    assert bind(query, {"limit": "all"})["limit"] == NO_LIMIT == bind(query, {"limit": None})["limit"]
    assert with_limit({"name": "x"}, 5) == {"name": "x", "limit": 5}
    assert with_limit({}, None, all_rows=True) == {"limit": None}
    with pytest.raises(QueryError, match="not both"):
        with_limit({}, 5, all_rows=True)
    with pytest.raises(QueryError, match="once"):
        with_limit({"limit": "3"}, 5)
    with pytest.raises(QueryError, match="has no limit"):
        bind(get_query("accountability_matrix"), {"document": "友谊县", "limit": 3})


def test_sparql_pages_say_the_same_as_cypher(store, seed_graph):
    ox_store = sparql_store(seed_graph)
    for limit in (3, 35, None):
        s = run_sparql(ox_store, "organization_responsibilities", {"name": "县科协", "limit": limit})
        c = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": limit})
        assert (s.total, s.truncated, s.limit, len(s.rows)) == (c.total, c.truncated, c.limit, len(c.rows)), limit
    assert run_sparql(ox_store, "organization_responsibilities", {"name": "县科协", "limit": 3}).truncated


def test_render_page_shapes(store):
    page = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": 3})
    table, note = render_page(page, "table")
    assert note is None and table.splitlines()[-1] == "(3 of 35 rows — pass --limit N or --all)"
    for fmt in ("csv", "jsonl"):
        out, note = render_page(page, fmt)
        assert note == "3 of 35 rows — pass --limit N or --all" and "35" not in out
    out, note = render_page(page, "json")
    assert note is None
    assert json.loads(out) == {"rows": page.records(), "limit": 3, "total": 35, "truncated": True}
    whole, note = render_page(run_named(store, "organization_responsibilities", {"name": "县科协"}), "table")
    assert note is None and whole.splitlines()[-1] == "(35 rows)"


@pytest.mark.slow
def test_cli_table_footer_and_the_shorthands(db_path):
    r = _run("query", "organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--db", db_path)
    assert r.exit_code == 0 and r.stdout.splitlines()[-1] == "(3 of 35 rows — pass --limit N or --all)"
    every = _run("query", "organization_responsibilities", "-p", "name=县科协", "--all", "--db", db_path)
    assert every.exit_code == 0 and every.stdout.splitlines()[-1] == "(35 rows)" and every.stderr == ""
    both = _run("query", "organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--all", "--db", db_path)
    assert both.exit_code == 1 and "not both" in _one_line(both.stderr)
    unpaged = _run("query", "accountability_matrix", "-p", "document=友谊县", "--limit", "3", "--db", db_path)
    assert unpaged.exit_code == 1 and "has no limit" in _one_line(unpaged.stderr)


def test_cli_csv_stays_pure_and_the_cut_is_said_on_stderr(db_path):
    r = _run("query", "organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--format", "csv",
             "--db", db_path)
    assert r.exit_code == 0
    assert len(list(csv.reader(io.StringIO(r.stdout)))) == 1 + 3
    assert _one_line(r.stderr) == "kg: 3 of 35 rows — pass --limit N or --all"
    lines = _run("query", "organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--format", "jsonl",
                 "--db", db_path)
    assert [json.loads(x)["organization"] for x in lines.stdout.splitlines()] == ["友谊县科学技术协会"] * 3
    assert "3 of 35 rows" in lines.stderr


def test_cli_json_equals_the_library_call_for_query_and_sparql(db_path, store):
    args = ["organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--format", "json", "--db", db_path]
    c = _run("query", *args)
    s = _run("sparql", *args)
    assert c.exit_code == 0 and s.exit_code == 0, c.output + s.output
    expected = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": 3}).as_json()
    assert json.loads(c.stdout) == json.loads(s.stdout) == expected
    assert expected["truncated"] is True and expected["total"] == 35 and len(expected["rows"]) == 3


@pytest.mark.slow
def test_the_library_build_of_no_files_is_an_error_and_of_no_paths_the_seeds(tmp_path, empty):
    from kg.build import build

    with EmbeddedStore(tmp_path / "db") as store:
        with pytest.raises(NoDocumentError):
            build(store, [], align_tasks=False)
        with pytest.raises(NoDocumentError):
            build(store, [empty], align_tasks=False)
        assert store.stats()["documents"] == 0
        report = build(store, align_tasks=False)  # no paths at all: the seed corpus
        assert report.counts["documents"] == 5

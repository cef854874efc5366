"""The CLI is thin: its output equals the library call, and it fails with one clear line."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main
from kg.pipeline import collect_files, parse_files
from kg.render import render
from kg.store.embedded import EmbeddedStore
from kg.table import COLUMNS, responsibility_rows

REQUIRED = ["document", "file", "section", "action", "task", "unit", "organization", "organization_id", "sector",
            "role", "qualifier", "deadline", "span", "clause"]


def test_extract_jsonl_equals_library_and_keeps_the_contract(seeds_dir):
    result = CliRunner().invoke(main, ["extract", str(seeds_dir), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    expected = responsibility_rows(parse_files(collect_files([seeds_dir])).graph)
    assert rows == [{c: r[c] for c in COLUMNS} for r in expected]
    assert len(rows) == 398
    for row in rows:
        assert set(REQUIRED) <= set(row)
        assert row["role"] in ("LEADS", "RESPONSIBLE_FOR")
    assert "市教育局" in result.stdout  # Chinese unescaped


@pytest.mark.slow
def test_extract_stdout_is_only_jsonl_in_a_real_process(seeds_dir):
    """jionlp prints a banner on import: it must not reach kg's stdout."""
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(seeds_dir / "004_e9103c7baaac5c31.txt"),
                           "--format", "jsonl"], capture_output=True, text=True, encoding="utf-8", check=True)
    lines = proc.stdout.splitlines()
    assert len(lines) == 96
    for line in lines:
        json.loads(line)


def test_extract_csv_and_table(seeds_dir):
    f = str(seeds_dir / "001_d3227398dcf91ff4.txt")
    out = CliRunner().invoke(main, ["extract", f, "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 161 and rows[0]["organization"] == "友谊县教育和体育局" and rows[0]["role"] == "LEADS"
    table = CliRunner().invoke(main, ["extract", f]).stdout
    assert "(161 rows)" in table and "友谊县科学技术协会" in table


def test_extract_reports_bad_files_and_exit_status(tmp_path, seeds_dir):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "bin.txt"), str(seeds_dir / "004_e9103c7baaac5c31.txt"),
                                       "--format", "jsonl"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 96
    assert "bin.txt" in result.stderr and "binary" in result.stderr


@pytest.mark.slow
def test_build_then_stats_equal_library(tmp_path, seeds_dir):
    db = tmp_path / "db"
    result = CliRunner().invoke(main, ["build", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "5 documents (5 new" in result.stdout and "398 edges (69 LEADS, 329 RESPONSIBLE_FOR)" in result.stdout
    assert "[utf-8, text]" in result.stdout
    again = CliRunner().invoke(main, ["build", "--db", str(db)])
    assert "5 unchanged" in again.stdout
    stats = CliRunner().invoke(main, ["stats", "--db", str(db), "--format", "json"])
    got = {r["what"]: r["count"] for r in json.loads(stats.stdout)}
    with EmbeddedStore(db, read_only=True) as store:
        assert got == store.stats()
    assert got["documents"] == 5 and got["leads"] == 69 and got["responsible_for"] == 329


def test_build_with_a_bad_file_loads_the_rest_and_fails(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(b"")
    (corpus / "b.txt").write_bytes((seeds_dir / "000_ad486a1f5e5ecf31.txt").read_bytes())
    db = tmp_path / "db"
    result = CliRunner().invoke(main, ["build", str(corpus), "--db", str(db)])
    assert result.exit_code == 1
    assert "a.txt" in result.stderr and "empty" in result.stderr
    with EmbeddedStore(db, read_only=True) as store:
        assert store.stats()["documents"] == 1 and store.stats()["responsible_for"] == 141


@pytest.mark.slow
def test_build_library_call_matches(tmp_path, seed_files):
    with EmbeddedStore(tmp_path / "db") as store:
        report = build(store, seed_files)
        assert not report.failures
        assert store.stats()["tasks"] == report.counts["tasks"] == 82


def test_stats_on_a_missing_store_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.startswith("kg: ") and "Traceback" not in result.output


def test_render_formats_roundtrip():
    rows = [{"a": "中文", "b": None, "c": [1, 2]}]
    assert json.loads(render(rows, "json")) == rows
    assert [json.loads(line) for line in render(rows, "jsonl").splitlines()] == rows
    assert "中文" in render(rows, "table")


@pytest.mark.slow
def test_viz_from_files_and_from_the_store_draw_the_same_document(tmp_path, seeds_dir):
    seed = str(seeds_dir / "001_d3227398dcf91ff4.txt")
    r1 = CliRunner().invoke(main, ["viz", seed, "-o", str(tmp_path / "a.html"), "--document", "友谊县"])
    assert r1.exit_code == 0, r1.output
    db = str(tmp_path / "db")
    assert CliRunner().invoke(main, ["build", seed, "--db", db]).exit_code == 0
    r2 = CliRunner().invoke(main, ["viz", "-o", str(tmp_path / "b.html"), "--document", "友谊县", "--db", db])
    assert r2.exit_code == 0, r2.output
    assert "81 nodes, 217 edges" in r1.stdout and "81 nodes, 217 edges" in r2.stdout
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    bad = CliRunner().invoke(main, ["viz", seed, "-o", str(tmp_path / "c.html"), "--org", "没有这个单位"])
    assert bad.exit_code == 1 and "没有这个单位" in bad.stderr


@pytest.mark.slow
def test_export_rdf_and_validate(tmp_path, seeds_dir):
    out = tmp_path / "seeds.ttl"
    r = CliRunner().invoke(main, ["export", "rdf", str(seeds_dir), "-o", str(out)])
    assert r.exit_code == 0, r.output
    import rdflib

    g = rdflib.Graph().parse(out, format="turtle")
    assert len(g) == int(r.stdout.split(": ")[1].split()[0])
    again = tmp_path / "again.ttl"
    CliRunner().invoke(main, ["export", "rdf", str(seeds_dir), "-o", str(again)])
    assert out.read_bytes() == again.read_bytes()
    v = CliRunner().invoke(main, ["validate", str(seeds_dir)])
    assert v.exit_code == 0 and "conforms" in v.stdout


def test_export_neo4j_import_files(tmp_path, seeds_dir):
    r = CliRunner().invoke(main, ["export", "neo4j-import", str(tmp_path / "imp"), str(seeds_dir)])
    assert r.exit_code == 0, r.output
    assert "Task 82" in r.stdout and "neo4j-admin database import full" in r.stdout
    assert (tmp_path / "imp" / "Task.header.csv").exists()


@pytest.mark.slow
def test_sparql_command_equals_the_cypher_answer(tmp_path, seeds_dir):
    db = str(tmp_path / "db")
    assert CliRunner().invoke(main, ["build", "--db", db]).exit_code == 0
    s = CliRunner().invoke(main, ["sparql", "partners", "--db", db, "-p", "name=市科协", "--format", "json"])
    c = CliRunner().invoke(main, ["query", "partners", "--db", db, "-p", "name=市科协", "--format", "json"])
    assert s.exit_code == 0 and c.exit_code == 0, s.output + c.output
    assert json.loads(s.stdout) == json.loads(c.stdout) and json.loads(s.stdout)["rows"][0]["shared"] == 8
    refused = CliRunner().invoke(main, ["sparql", "DELETE WHERE { ?s ?p ?o }", str(seeds_dir)])
    assert refused.exit_code == 1 and "kg:" in refused.stderr


@pytest.mark.slow
@pytest.mark.external
def test_serve_sparql_command_over_http(tmp_path, seeds_dir):
    """`kg serve-sparql` as a user starts it: answers a SPARQL 1.1 Protocol query, refuses an update."""
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve-sparql", str(seeds_dir), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": query}), timeout=5) as r:
                    body = json.loads(r.read())
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise AssertionError("the endpoint never answered: " + proc.stderr.read1().decode())
        before = int(body["results"]["bindings"][0]["n"]["value"])
        assert before > 1000
        req = urllib.request.Request(url, data=b"DELETE WHERE { ?s ?p ?o }", method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
        try:
            urllib.request.urlopen(req, timeout=5)
            raise AssertionError("an update was accepted")
        except urllib.error.HTTPError as e:
            assert e.code == 403
        with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": query}), timeout=5) as r:
            assert int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"]) == before
    finally:
        proc.terminate()
        proc.wait(timeout=10)

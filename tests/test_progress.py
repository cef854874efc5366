"""Progress on stderr (kg.progress): a bar on a terminal, lines without one, nothing with --quiet, and
stdout left to the command's own output.  The reporter's interval is a parameter
(KG_PROGRESS_INTERVAL=0: a line at every event), so nothing here waits on a clock."""
from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.progress import NULL, Reporter, steps

ROOT = Path(__file__).resolve().parents[1]
EVENTS = {"KG_PROGRESS_INTERVAL": "0"}


def _progress_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("kg: ") and (" s" in line)]


# --- the reporter -----------------------------------------------------------------------------------

def test_lines_without_a_terminal() -> None:
    out = io.StringIO()
    rep = Reporter(out, tty=False, interval=0)
    with rep.step("parse", total=3, unit="files") as step:
        for _ in range(3):
            step.advance()
        step.note("committing")
    with rep.step("checkpoint"):  # a step of unknown length: said when it starts and ends
        pass
    rep.line("a message")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("kg: parse: 0 of 3 files")
    assert any(x.startswith("kg: parse: 3 of 3 files") for x in lines)
    assert any(x.startswith("kg: parse: 3 of 3 files, committing") for x in lines)
    assert any(x.startswith("kg: parse: 3 of 3 files, done in ") for x in lines)
    assert any(x.startswith("kg: checkpoint: done in ") for x in lines)
    assert lines[-1] == "kg: a message"
    assert "\r" not in out.getvalue()


def test_long_interval_prints_nothing_for_quick_steps() -> None:
    out = io.StringIO()
    rep = Reporter(out, tty=False, interval=3600)
    with rep.step("parse", total=2, unit="files") as step:
        step.advance(2)
    rep.close()
    assert out.getvalue() == ""


def test_bar_on_a_terminal() -> None:
    out = io.StringIO()
    rep = Reporter(out, tty=True, interval=0)
    with rep.step("parse", total=4, unit="files") as step:
        step.update(2)
    with rep.step("commit"):
        pass
    rep.close()
    text = out.getvalue()
    assert "\r" in text and " 50 %" in text
    assert "kg: parse [" in text and "2 of 4 files" in text
    assert "kg: commit ✓" in text  # an opaque step ends with a tick and its time


def test_quiet_and_library_callbacks() -> None:
    out = io.StringIO()
    rep = Reporter(out, tty=True, interval=0, quiet=True)
    with rep.step("parse", total=1) as step:
        step.advance()
    rep.line("hidden")
    assert out.getvalue() == ""
    said: list[str] = []
    lines = steps(said.append)  # the older interface: a callable given lines
    lines.line("hello")
    assert said == ["hello"]
    assert steps(None) is NULL and steps(rep) is rep
    with NULL.step("x", total=3) as s:
        s.advance()
    with pytest.raises(TypeError):
        steps(42)


# --- the commands, without a terminal ---------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import write_corpus
    finally:
        sys.path.pop(0)
    out = tmp_path_factory.mktemp("corpus")
    write_corpus(out, 12, seed=3)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus: Path) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("progress") / "kg.db"
    r = CliRunner().invoke(main, ["build", str(corpus), "--db", str(db), "--jobs", "1"], env=EVENTS)
    assert r.exit_code == 0, r.output
    return db, r.stderr


@pytest.mark.slow
def test_build_shows_parse_load_and_align(built: tuple[Path, str]) -> None:
    db, err = built
    assert "kg: build: 0 of 12 files" in err
    assert "kg: build: 12 of 12 files, parsing" in err
    assert "loading 12 documents" in err and "committing" in err
    assert "kg: build: 12 of 12 files, done in" in err
    assert "kg: align: computing" in err and "kg: align: writing" in err and "kg: align: done in" in err


def test_build_stdout_stays_the_report(tmp_path: Path, seeds_dir: Path) -> None:
    r = CliRunner().invoke(main, ["build", str(seeds_dir), "--db", str(tmp_path / "db")], env=EVENTS)
    assert r.exit_code == 0, r.output
    assert "kg: build: 5 of 5 files, done in" in r.stderr
    assert "kg: " not in r.stdout and "Loaded into the embedded store" in r.stdout


def test_quiet_flag(tmp_path: Path, seeds_dir: Path) -> None:
    r = CliRunner().invoke(main, ["build", str(seeds_dir), "--db", str(tmp_path / "db"), "--quiet"], env=EVENTS)
    assert r.exit_code == 0, r.output
    assert _progress_lines(r.stderr) == []


def test_extract_lines_and_clean_jsonl(corpus: Path) -> None:
    r = CliRunner().invoke(main, ["extract", str(corpus), "--format", "jsonl", "--jobs", "1"], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: parse: 12 of 12 files, done in" in r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all("organization" in row for row in rows)


@pytest.mark.slow
def test_export_rdf_to_stdout_still_parses(built: tuple[Path, str]) -> None:
    db, _ = built
    r = CliRunner().invoke(main, ["export", "rdf", "--db", str(db), "--format", "nt", "-o", "-"], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: reading the store: done in" in r.stderr and "kg: writing RDF (nt):" in r.stderr
    quads = list(ox.parse(r.stdout_bytes, ox.RdfFormat.N_TRIPLES))
    assert len(quads) > 1000 and f"kg: wrote {len(quads)} triples (nt) to stdout" in r.stderr


@pytest.mark.slow
def test_export_xlsx_and_neo4j_import(built: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = built
    r = CliRunner().invoke(main, ["export", "xlsx", "--db", str(db), "-o", str(tmp_path / "t.xlsx")], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: writing the workbook: done in" in r.stderr
    r = CliRunner().invoke(main, ["export", "neo4j-import", str(tmp_path / "imp"), "--db", str(db)], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: writing the import files: done in" in r.stderr


@pytest.mark.slow
def test_validate_shows_the_sparql_copy_and_the_queries(built: tuple[Path, str]) -> None:
    db, _ = built
    r = CliRunner().invoke(main, ["validate", "--db", str(db)], env=EVENTS)
    assert r.exit_code == 0, r.output
    err = r.stderr
    assert "kg: sparql store: loading" in err and "kg: sparql store: compacting it for reading: done in" in err
    assert "kg: validate: 0 of " in err and " queries, done in " in err
    assert r.stdout.strip() == "The graph conforms to ontology/shapes.ttl."
    again = CliRunner().invoke(main, ["validate", "--db", str(db), "--format", "json"], env=EVENTS)
    assert json.loads(again.stdout) == [] and "sparql store" not in again.stderr  # the copy is reused


@pytest.mark.slow
def test_sparql_and_viz(built: tuple[Path, str], tmp_path: Path) -> None:
    db, _ = built
    r = CliRunner().invoke(main, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--db", str(db),
                                  "--format", "json"], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: query: done in" in r.stderr and json.loads(r.stdout)["rows"]
    r = CliRunner().invoke(main, ["viz", "--db", str(db), "-o", str(tmp_path / "p.html")], env=EVENTS)
    assert r.exit_code == 0, r.stderr
    assert "kg: drawing the page: done in" in r.stderr


def test_library_build_takes_a_line_callback(tmp_path: Path, seeds_dir: Path) -> None:
    from kg.build import build
    from kg.store.embedded import EmbeddedStore

    said: list[str] = []
    sink = io.StringIO()
    with EmbeddedStore(tmp_path / "db") as store:
        build(store, [seeds_dir], progress=Reporter(sink, tty=False, interval=0))
        build(store, [seeds_dir], progress=said.append)  # quick: a plain callable hears only long steps
    assert "build: 5 of 5 files, done in" in sink.getvalue()
    assert all(isinstance(x, str) for x in said)


# --- on a terminal ----------------------------------------------------------------------------------

def _on_a_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run kg with stderr on a pseudo-terminal (stdout a pipe): exit status, stdout, what the terminal got."""
    import tempfile

    master, slave = pty.openpty()
    stdout = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would block kg while we read the pty
    proc = subprocess.Popen(args, stdout=stdout, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait()
    stdout.seek(0)
    out = stdout.read().decode()
    stdout.close()
    return code, out, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_a_bar_is_drawn_on_a_terminal(corpus: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_PROGRESS")}
    env["KG_PROGRESS_INTERVAL"] = "0"  # every event drawn: the bar shows whatever the machine's speed
    kg = str(Path(sys.executable).parent / "kg")
    code, out, term = _on_a_pty([kg, "extract", str(corpus), "--format", "jsonl", "--jobs", "1"], env)
    assert code == 0, term
    assert "\r" in term and "kg: parse [" in term and "100 %  12 of 12 files" in term
    assert re.search(r"100 %  12 of 12 files, [0-9.]+ s\r?\n", term)  # the bar's last state stays, with its time
    assert [json.loads(line) for line in out.splitlines()]  # stdout: only the rows

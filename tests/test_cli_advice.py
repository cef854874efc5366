"""Library errors name parameters and folders, never command-line flags; the CLI adds its own words
(kg.cli_advice), so the web app and Python callers are not told to "pass --param"."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.cli_advice import _WORDS, cli_words
from kg.errors import Advice, KgError, QueryError
from kg.library import bind, get_query
from kg.sparql import run_sparql, sparql_store
from kg.sparql_cache import open_cached

FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _raised(call) -> KgError:
    with pytest.raises(KgError) as info:
        call()
    return info.value


@pytest.mark.parametrize("call, kind", [
    (lambda: bind(get_query("tasks_with_many_units"), {}), "params"),
    (lambda: bind(get_query("task_lineage"), {"text": "科普", "limit": 3}), "no-limit"),
    (lambda: run_sparql(sparql_store(), "SELECT * WHERE { ?s ?p ?o }", {"limit": None}), "no-every-row"),
], ids=["params", "no-limit", "no-every-row"])
def test_library_errors_name_no_flag_and_carry_advice(call, kind: str) -> None:
    e = _raised(call)
    assert not FLAG.search(str(e)), str(e)
    assert e.advice is not None and e.advice.kind == kind
    assert FLAG.search(cli_words(e.advice))


def test_no_store_names_the_folder_and_the_cli_says_how_to_build_it(tmp_path: Path) -> None:
    e = _raised(lambda: open_cached(tmp_path / "none.db"))
    assert not FLAG.search(str(e)) and e.advice == Advice("build", (str(tmp_path / "none.db"),))
    assert cli_words(e.advice) == f" — run `kg build --db {tmp_path / 'none.db'}` first"


def test_a_folder_that_is_not_a_store_is_named_and_the_cli_says_which_flag(tmp_path: Path) -> None:
    from kg.store import open_store

    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    e = _raised(lambda: open_store(backend="embedded", db=tmp_path))
    assert not FLAG.search(str(e)) and e.advice == Advice("another-folder")
    res = CliRunner().invoke(main, ["stats", "--db", str(tmp_path)])
    assert res.exit_code == 1 and "pass another folder with --db" in res.output
    e = _raised(lambda: open_store(backend="embedded", db=tmp_path / "none", read_only=True))
    assert e.advice == Advice("build", (str(tmp_path / "none"),))


@pytest.mark.slow
def test_the_cli_adds_its_words_to_a_library_error(tmp_path: Path, seed_files: list[Path]) -> None:
    db = str(tmp_path / "kg.db")
    assert CliRunner().invoke(main, ["build", "--db", db, str(seed_files[0])]).exit_code == 0
    res = CliRunner().invoke(main, ["query", "--db", db, "tasks_with_many_units"])
    assert res.exit_code == 1
    assert "needs the parameter n" in res.output and "— pass --param n=…" in res.output


def test_every_kind_of_advice_has_cli_words_and_unknown_ones_add_nothing() -> None:
    assert {"params", "no-limit", "no-every-row", "build", "pyshacl", "jobs", "another-folder",
            "open-for-writing", "open-neo4j-for-writing"} <= set(_WORDS)
    assert "--backend neo4j --write" in cli_words(Advice("open-neo4j-for-writing"))
    assert cli_words(None) == "" and cli_words(Advice("something new")) == ""
    assert isinstance(QueryError("x", advice=Advice("params", ("n",))).advice, Advice)


def test_a_report_line_gets_the_cli_flags_from_for_cli() -> None:
    """A parse report line is a string, not an exception: kg.limits.for_cli words it for the CLI."""
    from kg.limits import for_cli

    line = "a.pdf: ran out of memory while parsing — parse it in worker processes (jobs 2 or more), where " \
           "max_memory_mb bounds each file"
    assert not FLAG.search(line)
    assert for_cli(line, "build") == ("a.pdf: ran out of memory while parsing — parse it in worker processes "
                                      "(--jobs 2 or more), where --max-memory-mb bounds each file")


def test_notes_on_an_answer_name_no_flag_and_the_cli_words_them(tmp_path: Path, seed_graph) -> None:
    """"did you mean" notes: plain words for JSON, workbooks and the web app; flags only on the command line."""
    from kg.cli_advice import cli_note
    from kg.library import run_named
    from kg.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(seed_graph)
        asked = [({"name": "友谊县科协"}, "--param name=<one of them>"),
                 ({"name": "没有这个单位"}, "kg query organization_lookup --param name=<part of a name>"),
                 ({"name": "县科协", "jurisdiction": "临沂市"}, "--param jurisdiction=<its place> (or none)")]
        for params, flags in asked:
            notes = run_named(store, "organization_responsibilities", params).notes
            assert len(notes) == 1 and not FLAG.search(notes[0]), notes
            assert notes[0].startswith(notes[0].body + " — ")  # the plain advice follows the note
            assert cli_note(notes[0]).startswith(notes[0].body + " — ") and flags in cli_note(notes[0])

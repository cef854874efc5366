"""Parsing in worker processes (`--jobs N`): the same store byte for byte and the reports in input order
whatever the number of jobs (issue 16); a worker that runs away, hangs, dies or runs out of memory fails
its own file only, with the reason, and the rest of the batch loads (issue 17)."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.workers
from kg.build import build
from kg.cli import main
from kg.limits import Limits
from kg.loaders import parse_path
from kg.pipeline import Parser, collect_files, parse_files
from kg.store.embedded import EmbeddedStore
from kg.workers import ParsePool, parse_guarded

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_corpus  # noqa: E402
from test_limits import docx_bomb, pdf_page_tree  # noqa: E402


def store_hash(store: EmbeddedStore) -> str:
    return hashlib.sha256(store.to_graph().model_dump_json().encode("utf-8")).hexdigest()


def report_rows(reports: list) -> list[tuple]:
    """What a report says, without the coverage object (compared as a dict)."""
    return [(r.file, r.ok, r.status, r.encoding, r.format, r.document_id, r.counts, r.warnings, r.error, r.limit,
             dataclasses.asdict(r.coverage) if r.coverage else None) for r in reports]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """12 generated plans, the seeds, a file that fails, and a later copy of a seed (the later file wins)."""
    folder = tmp_path_factory.mktemp("jobs")
    write_corpus(folder / "gen", 12, seed=5)
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds", folder / "seeds")
    pdf_page_tree(folder / "bad.pdf")
    (folder / "zz").mkdir()
    shutil.copy(folder / "seeds" / "001_d3227398dcf91ff4.txt", folder / "zz" / "copy.txt")
    return collect_files([folder / "gen", folder / "bad.pdf", folder / "seeds", folder / "zz"])


def test_parse_guarded_is_parse_path_under_limits(seed_files):
    """The worker's parse must stay the library's parse_path (it adds only the limits)."""
    for f in seed_files:
        got = parse_guarded(f)
        want = parse_path(f)
        assert got.error is None
        assert got.parsed.graph.model_dump_json() == want.graph.model_dump_json()
        assert got.parsed.warnings == want.warnings and got.parsed.coverage == want.coverage


@pytest.mark.slow
def test_jobs_give_the_same_batch_in_input_order(corpus):
    one = parse_files(corpus, jobs=1)
    two = parse_files(corpus, jobs=2)
    assert [r.file for r in two.reports] == [str(f) for f in corpus]
    assert report_rows(two.reports) == report_rows(one.reports)
    assert two.graph.model_dump_json() == one.graph.model_dump_json()
    assert two.documents == one.documents
    assert [r.limit for r in two.failures] == ["max_pdf_pages"]


@pytest.mark.slow
def test_kg_build_with_jobs_gives_the_same_store_byte_for_byte(corpus, tmp_path):
    hashes, reports = {}, {}
    for jobs in (1, 2):
        seen: list[str] = []
        with EmbeddedStore(tmp_path / f"db{jobs}") as store:  # chunks of 5 files: one pool across them
            report = build(store, corpus, on_file=lambda r, seen=seen: seen.append(r.file), jobs=jobs, chunk_files=5)
            hashes[jobs] = store_hash(store)
        assert seen == [str(f) for f in corpus]  # on_file in input order, across chunks
        reports[jobs] = (report_rows(report.files), [(d.document_id, d.file, d.status) for d in report.loaded],
                         report.counts, report.failures)
    assert hashes[1] == hashes[2]
    assert reports[1] == reports[2]


@pytest.mark.slow
def test_the_cli_jobs_option_gives_the_same_store(corpus, tmp_path):
    files = [str(f) for f in corpus[-8:]]  # the PDF that fails, the seeds and the copy
    outs = []
    for jobs in ("1", "2"):
        res = CliRunner().invoke(main, ["build", "--jobs", jobs, "--db", str(tmp_path / f"db{jobs}"), *files])
        assert res.exit_code == 1  # the PDF
        assert "FAILED  bad.pdf: PDF too long" in res.stderr and "raise it with kg build --max-pdf-pages" in res.stderr
        with EmbeddedStore(tmp_path / f"db{jobs}") as store:
            assert store.stats()["documents"] == 6
            outs.append((store_hash(store), res.stdout.replace(str(tmp_path / f"db{jobs}"), "DB"), res.stderr))
    assert outs[0] == outs[1]


def _worker_pids(parser_or_pool) -> list[int]:
    pool = parser_or_pool._pool if isinstance(parser_or_pool, Parser) else parser_or_pool
    return [w.process.pid for w in pool._workers]


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_file_only(seed_files):
    with ParsePool(1) as pool:
        list(pool.parse(seed_files[:1]))  # start the worker
        [pid] = _worker_pids(pool)
        os.kill(pid, signal.SIGSTOP)  # it takes the next files without starting them, and is killed
        threading.Timer(1.0, os.kill, (pid, signal.SIGKILL)).start()
        got = list(pool.parse(seed_files[:3]))
    assert [i for i, _ in got] == [0, 1, 2]
    first = got[0][1]
    assert first.parsed is None and "the parser process was killed by SIGKILL" in first.error
    assert str(seed_files[0]) in first.error
    assert all(o.parsed is not None for _, o in got[1:])  # handed to a fresh worker


@pytest.mark.slow
def test_a_worker_that_does_not_answer_is_killed_at_max_seconds(seed_files, monkeypatch):
    """The alarm stops a parse in Python code; a worker stuck where no alarm reaches (in C, or stopped
    here) is killed once max_seconds and a grace period have passed."""
    monkeypatch.setattr(kg.workers, "_GRACE", 0.5)
    with ParsePool(1, Limits(max_seconds=1)) as pool:
        list(pool.parse(seed_files[:1]))
        [pid] = _worker_pids(pool)
        os.kill(pid, signal.SIGSTOP)
        start = time.monotonic()
        got = [o for _, o in pool.parse(seed_files[:2])]
        assert time.monotonic() - start < 30
        assert pid not in _worker_pids(pool)
    assert got[0].limit == "max_seconds" and "over the limit of 1 s (max_seconds)" in got[0].error
    assert got[1].parsed is not None


@pytest.mark.slow
def test_a_file_over_max_memory_mb_fails_alone_in_its_worker(tmp_path, seed_files):
    bomb = docx_bomb(tmp_path / "bomb.docx", 40)  # 40 MB of XML: about 500 MB once parsed
    limits = Limits(max_inflation=0, max_unpacked_mb=0, max_memory_mb=500)  # a worker starts at about 220 MB
    with Parser(2, limits) as parser:
        batch = parser.parse_files([seed_files[0], bomb, seed_files[1]])
    first, bad, last = batch.reports
    assert first.ok and last.ok
    assert not bad.ok and bad.limit == "max_memory_mb", bad.error
    assert "parsing needed too much memory, over the limit of 500 MB (max_memory_mb)" in bad.error


@pytest.mark.slow
def test_a_runaway_file_in_a_worker_is_stopped_and_the_batch_loads(tmp_path, seed_files):
    slow = tmp_path / "paragraphs.html"
    slow.write_text("<html><body>" + "<p>x</p>" * 150_000 + "</body></html>", encoding="utf-8")  # ~4 s
    bomb = docx_bomb(tmp_path / "bomb.docx", 50)
    with EmbeddedStore(tmp_path / "db") as store:
        report = build(store, [slow, seed_files[0], bomb, seed_files[4]], jobs=2, limits=Limits(max_seconds=1))
        assert store.stats()["documents"] == 2
    assert [(Path(r.file).name, r.limit) for r in report.files if not r.ok] == [
        ("paragraphs.html", "max_seconds"), ("bomb.docx", "max_inflation")]

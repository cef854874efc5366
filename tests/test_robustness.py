"""Bad input and interrupted loads: nothing half-written, nothing lost, the same store every time."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kg.build import build
from kg.loaders import parse_text
from kg.pipeline import collect_files, parse_files
from kg.store.embedded import EmbeddedStore

SEED = "001_d3227398dcf91ff4.txt"


def store_hash(store: EmbeddedStore) -> str:
    return hashlib.sha256(store.to_graph().model_dump_json().encode("utf-8")).hexdigest()


@pytest.mark.slow
def test_loading_twice_gives_the_same_store_byte_for_byte(tmp_path, seed_files):
    with EmbeddedStore(tmp_path / "a") as a:
        build(a, seed_files)
        first = store_hash(a)
        report = build(a, seed_files)
        assert {d.status for d in report.loaded} == {"unchanged"}
        assert store_hash(a) == first
    with EmbeddedStore(tmp_path / "b") as b:
        build(b, list(reversed(seed_files)))
        assert store_hash(b) == first


@pytest.mark.slow
def test_a_changed_document_replaces_its_old_version(tmp_path, seeds_dir):
    text = (seeds_dir / SEED).read_text(encoding="utf-8")
    f = tmp_path / "plan.txt"
    f.write_text(text, encoding="utf-8")
    with EmbeddedStore(tmp_path / "db") as store:
        build(store, [f])
        assert store.stats()["tasks"] == 35
        # the county drops a task and its clause: same 文号, so the same document, changed
        cut = text.index("4.发挥老科协桥梁和纽带作用")
        end = text.index("）", cut) + 1
        f.write_text(text[:cut] + text[end:], encoding="utf-8")
        report = build(store, [f])
        assert [d.status for d in report.loaded] == ["replaced"]
        assert store.stats()["documents"] == 1 and store.stats()["tasks"] == 34
        assert store.stats()["responsible_for"] == 147


def test_unbalanced_brackets_are_reported_with_their_position():
    text = ("测试县人民政府\n2023年1月1日\n测试县实施方案\n为落实任务，制定本实施方案。\n一、任务\n（一）科普行动\n"
            "1.开展活动。做好工作。（责任单位：县科协、县教育局\n2.加强宣传。做好宣传。（责任单位：县委宣传部）\n")
    parsed = parse_text(text, "unbalanced.txt")
    assert [(r.mention, r.role) for r in parsed.graph.responsibilities] == [("县委宣传部", "RESPONSIBLE_FOR")]
    pos = text.index("（责任单位：县科协")
    assert any(f"unbalanced.txt (char {pos})" in w and "unclosed" in w for w in parsed.warnings), parsed.warnings


@pytest.mark.slow
def test_sigkill_mid_load_leaves_every_committed_document_whole(tmp_path, seeds_dir):
    base = (seeds_dir / SEED).read_text(encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(40):
        (corpus / f"plan_{k:03d}.txt").write_text(base.replace("〔2022〕25号", f"〔2022〕{100 + k}号"), encoding="utf-8")
    expected = parse_files(collect_files([corpus]))
    per_doc = {d.id: d for d in expected.graph.documents}
    db = tmp_path / "db"
    script = textwrap.dedent(f"""
        import sys
        from kg.pipeline import collect_files, parse_files
        from kg.store.embedded import EmbeddedStore
        graph = parse_files(collect_files([{str(corpus)!r}])).graph
        store = EmbeddedStore({str(db)!r})
        store.load(graph, lambda r: print(r.status, flush=True), batch_documents=1, method="unwind")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    committed = 0
    while committed < 5:
        line = proc.stdout.readline()
        assert line, "the loader ended before it could be killed"
        committed += line.strip() == "inserted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    with EmbeddedStore(db) as store:
        graph = store.to_graph()
    assert 5 <= len(graph.documents) < 40
    tasks_of = {}
    for t in graph.tasks:
        tasks_of[t.document_id] = tasks_of.get(t.document_id, 0) + 1
    edges_of = {}
    for r in graph.responsibilities:
        edges_of[r.document_id] = edges_of.get(r.document_id, 0) + 1
    for d in graph.documents:
        assert d.id in per_doc
        assert tasks_of.get(d.id) == 35 and edges_of.get(d.id) == 161, d.file

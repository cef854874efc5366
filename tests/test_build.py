"""kg build parses and loads in chunks: the store, the report and the callbacks are those of one
parse of every file loaded at once. Real files, the real parser, a real embedded store."""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest

from kg.build import build, load_graphs, split_graph
from kg.model import Graph
from kg.pipeline import collect_files, parse_files
from kg.store.base import DocResult
from kg.store.embedded import EmbeddedStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import write_corpus  # noqa: E402

# (files per chunk, documents per bulk block): several chunks in one block, a block per chunk,
# and a block ending in the middle of the corpus
CHUNKINGS = [(5, 1000), (4, 1), (3, 7)]


def store_hash(store: EmbeddedStore) -> str:
    return hashlib.sha256(store.to_graph().model_dump_json().encode("utf-8")).hexdigest()


def statuses(results: list[DocResult]) -> list[tuple[str, str, str]]:
    return [(d.document_id, d.file, d.status) for d in results]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """16 generated plans, a sibling of the first (another 文号: another document, naming the same
    units, one of them as 古田县科技局, which the first never writes) and the five seeds."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder / "gen", 16, seed=11)
    first = (folder / "gen" / "doc00000.txt").read_text(encoding="utf-8")
    assert "古政办发〔2021〕73号" in first and "古田县科技局" not in first
    sibling = first.replace("古政办发〔2021〕73号", "古政办发〔2021〕99号").replace("县科技局", "古田县科技局")
    (folder / "gen" / "zz_sibling.txt").write_text(sibling, encoding="utf-8")
    shutil.copytree(Path(__file__).resolve().parents[1] / "seeds", folder / "seeds")
    return collect_files([folder / "gen", folder / "seeds"])


def one_shot(db: Path, files: list[Path], before: str = "") -> tuple[str, list[DocResult], Graph]:
    """What kg build did before it chunked: one parse of every file, one load."""
    batch = parse_files(files)
    with EmbeddedStore(db) as store:
        if before:
            store.run(before, write=True)
        res = store.load(batch.graph, batch_documents=2000)
        return store_hash(store), res.documents, batch.graph


def test_the_corpus_shares_organizations_across_chunks(corpus: list[Path]) -> None:
    """A fair test: organizations of the first file are named again, with other aliases, in a file
    of a later chunk whatever the chunking — the store must hold each once, aliases united."""
    first, sibling = parse_files([corpus[0]]).graph, parse_files([corpus[16]]).graph
    assert corpus[16].name == "zz_sibling.txt" and first.documents[0].id != sibling.documents[0].id
    a = {o.id: set(o.aliases) for o in first.organizations}
    b = {o.id: set(o.aliases) for o in sibling.organizations}
    assert set(a) == set(b)
    assert any(b[k] - a[k] for k in a)


@pytest.mark.slow
@pytest.mark.parametrize("chunk_files,bulk_documents", CHUNKINGS)
def test_a_chunked_build_equals_a_one_shot_load(tmp_path: Path, corpus: list[Path], chunk_files: int,
                                                bulk_documents: int) -> None:
    want_hash, want_results, graph = one_shot(tmp_path / "one", corpus)
    seen_files, seen_docs = [], []
    with EmbeddedStore(tmp_path / "chunked") as store:
        report = build(store, corpus, on_file=seen_files.append, on_document=seen_docs.append, align_tasks=False,
                       chunk_files=chunk_files, bulk_documents=bulk_documents)
        assert store_hash(store) == want_hash
        assert store.stats() == graph.counts()
    assert statuses(report.loaded) == statuses(want_results)
    assert statuses(seen_docs) == statuses(want_results)  # once each, after its commit
    assert report.counts == graph.counts()
    assert [r.file for r in seen_files] == [str(f) for f in corpus]
    assert report.files == seen_files and not report.failures


@pytest.mark.slow
def test_building_again_is_unchanged(tmp_path: Path, corpus: list[Path]) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        build(store, corpus, align_tasks=False, chunk_files=4)
        first = store_hash(store)
        report = build(store, corpus, align_tasks=False, chunk_files=6)
        assert {d.status for d in report.loaded} == {"unchanged"}
        assert store_hash(store) == first


@pytest.mark.slow
def test_a_build_onto_a_filled_store_equals_one_shot_loads(tmp_path: Path, corpus: list[Path]) -> None:
    """Organizations already stored before the build (and named again, with new aliases) merge as
    a one-shot load merges them."""
    first, rest = corpus[:8], corpus[8:]
    with EmbeddedStore(tmp_path / "one") as store:
        store.load(parse_files(first).graph, batch_documents=2000)
        res = store.load(parse_files(rest).graph, batch_documents=2000)
        want, want_results = store_hash(store), res.documents
    for chunk_files, bulk_documents in CHUNKINGS:
        with EmbeddedStore(tmp_path / f"chunked-{chunk_files}-{bulk_documents}") as store:
            build(store, first, align_tasks=False, chunk_files=chunk_files, bulk_documents=bulk_documents)
            report = build(store, rest, align_tasks=False, chunk_files=chunk_files, bulk_documents=bulk_documents)
            assert store_hash(store) == want
        assert statuses(report.loaded) == statuses(want_results)


@pytest.mark.slow
def test_a_document_repeated_in_a_later_chunk_keeps_the_later_file(tmp_path: Path, corpus: list[Path]) -> None:
    """Two files holding one document: the later is kept, whichever chunks they fall in — here a
    byte-for-byte copy (same sha256: the stored file name must still become the later one) and an
    edited copy (another sha256) of two documents of the first chunk, at the end of the corpus."""
    extra = tmp_path / "later"
    extra.mkdir()
    same = extra / "zz_same.txt"
    shutil.copy(corpus[0], same)
    text = corpus[1].read_text(encoding="utf-8")
    edited = extra / "zz_edited.txt"
    edited.write_text(text.replace("。", "。 ", 1), encoding="utf-8")  # same document, another sha256
    files = corpus + [same, edited]
    want_hash, want_results, graph = one_shot(tmp_path / "one", files)
    for chunk_files, bulk_documents in CHUNKINGS:
        db = tmp_path / f"chunked-{chunk_files}-{bulk_documents}"
        with EmbeddedStore(db) as store:
            report = build(store, files, align_tasks=False, chunk_files=chunk_files, bulk_documents=bulk_documents)
            assert store_hash(store) == want_hash
            stored = dict(store.run("MATCH (d:Document) RETURN d.id, d.file").rows)
        assert statuses(report.loaded) == statuses(want_results)
        assert report.counts == graph.counts()
        warned = [w for r in report.files for w in r.warnings if "this later file is kept" in w]
        assert len(warned) == 2 and str(corpus[0]) in warned[0] and str(corpus[1]) in warned[1]
        assert list(stored.values()).count(same.name) == 1 and corpus[0].name not in stored.values()
        assert list(stored.values()).count(edited.name) == 1 and corpus[1].name not in stored.values()


@pytest.mark.slow
def test_a_failing_document_in_a_bulk_block_fails_alone(tmp_path: Path, corpus: list[Path]) -> None:
    """A document whose write fails inside a bulk block (a task id already taken in the store: the
    primary key refuses it) rolls the block back; the block is written again one chunk at a time,
    where that document fails alone, leaves nothing behind, and every other document loads."""
    victim = parse_files([corpus[6]]).graph
    taken = victim.tasks[0].id
    clash = (f"CREATE (:Task {{id: '{taken}', document_id: 'elsewhere', action_id: 'elsewhere-a1', ordinal: 1, "
             f"title: '占用', start: 0, `end`: 2, text: '占用'}})")
    want_hash, want_results, _graph = one_shot(tmp_path / "one", corpus, before=clash)
    doc_id = victim.documents[0].id
    assert [d.status for d in want_results if d.document_id == doc_id] == ["failed"]
    for chunk_files, bulk_documents in CHUNKINGS:
        seen: list[DocResult] = []
        with EmbeddedStore(tmp_path / f"chunked-{chunk_files}-{bulk_documents}") as store:
            store.run(clash, write=True)
            report = build(store, corpus, on_document=seen.append, align_tasks=False,
                           chunk_files=chunk_files, bulk_documents=bulk_documents)
            assert store_hash(store) == want_hash
            for label, key in (("Document", "id"), ("Section", "document_id"), ("Action", "document_id"),
                               ("Task", "document_id"), ("Target", "document_id")):
                assert store.run(f"MATCH (n:{label}) WHERE n.{key} = $d RETURN count(n)", {"d": doc_id}).rows == [[0]]
            assert store.run("MATCH (t:Task {id: $t}) RETURN t.document_id", {"t": taken}).rows == [["elsewhere"]]
            stats = store.stats()  # the report counts what was written: not the failed document
            assert (report.counts["documents"], report.counts["tasks"]) == (stats["documents"], stats["tasks"] - 1)
        assert statuses(report.loaded) == statuses(want_results) == statuses(seen)
        failed = [d for d in report.loaded if d.status == "failed"]
        assert [d.document_id for d in failed] == [doc_id] and taken in (failed[0].error or "")
        assert len(report.failures) == 1


@pytest.mark.slow
def test_load_graphs_equals_one_load(tmp_path: Path, seed_graph: Graph) -> None:
    """The benchmark's path: the parsed graph cut into chunks, loaded the way kg build loads."""
    with EmbeddedStore(tmp_path / "one") as store:
        store.load(seed_graph, batch_documents=2000)
        want = store_hash(store)
    parts = split_graph(seed_graph, 2)
    assert [len(g.documents) for g in parts] == [2, 2, 1]
    assert sum((g.counts()["tasks"] for g in parts), 0) == seed_graph.counts()["tasks"]
    with EmbeddedStore(tmp_path / "chunked") as store:
        results = load_graphs(store, parts, bulk_documents=3)
        assert store_hash(store) == want
    assert [d.status for d in results] == ["inserted"] * 5

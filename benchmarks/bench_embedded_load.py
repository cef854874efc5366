"""Load speed of the embedded store on a synthetic graph (not a test; run by hand).

    /work/venv/bin/python benchmarks/bench_embedded_load.py --docs 2000 --method auto --batch 500
    /work/venv/bin/python benchmarks/bench_embedded_load.py --docs 2000 --build   # the way kg build loads
    .venv/bin/python benchmarks/bench_embedded_load.py --corpus /tmp/corp2000 --cache /tmp/g2000.pkl --runs 3 --floor

--corpus loads a folder of real files the way kg build does (parsed once, kept in --cache as a pickle, so
that later runs time the load alone); each run prints wall and process CPU time and the load average,
and --floor adds LadybugDB alone COPYing the same rows (benchmarks/run.py's engine floor).

Shape per document: 2 sections, 10 actions, 50 tasks, 150 role edges (1 LEADS + 2
RESPONSIBLE_FOR per task) over 500 shared organizations: 2,000 docs -> 100k tasks, 300k edges.
"""
from __future__ import annotations

import argparse
import gc
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.build import BULK_DOCUMENTS, PARSE_CHUNK, load_graphs, split_graph
from kg.model import Action, Document, Graph, Organization, Provenance, Responsibility, Section, Task
from kg.store.embedded import EmbeddedStore


def synth(n_docs: int, n_orgs: int = 500) -> Graph:
    orgs = [Organization(id=f"O{i:04d}", name=f"测试市单位{i}", jurisdiction="测试市", jurisdiction_path=["测试省", "测试市"],
                         sector="教育", aliases=[f"单位{i}"]) for i in range(n_orgs)]
    g = Graph(organizations=orgs)
    k = 0
    for d in range(n_docs):
        did = f"D{d:05d}"
        P = lambda s, e, t, did=did: Provenance(document_id=did, start=s, end=e, text=t)  # noqa: E731
        g.documents.append(Document(id=did, title=f"文件{d}实施方案", jurisdiction="测试市", jurisdiction_path=["测试省", "测试市"],
                                    level="市", file=f"{did}.txt", sha256=f"sha{d}", encoding="utf-8", format="txt",
                                    length=20000, prov=P(0, 20000, "正文" * 50)))
        for s in range(2):
            g.sections.append(Section(id=f"{did}-s{s}", document_id=did, ordinal=s + 1, title=f"第{s}部分", prov=P(s, s + 9, "一、重点任务")))
        for a in range(10):
            aid = f"{did}-a{a}"
            g.actions.append(Action(id=aid, document_id=did, section_id=f"{did}-s{a % 2}", ordinal=a + 1, number=f"（{a}）",
                                    title=f"行动{a}", prov=P(a * 100, a * 100 + 40, f"（{a}）某某提升行动，加强科普工作。")))
            for t in range(5):
                tid = f"{aid}-t{t}"
                g.tasks.append(Task(id=tid, document_id=did, action_id=aid, ordinal=t + 1, number=f"{t + 1}.", title=f"任务{t}",
                                    prov=P(t * 10, t * 10 + 80, "加强基础教育阶段科学教育。" * 4)))
                for j, role in enumerate(("LEADS", "RESPONSIBLE_FOR", "RESPONSIBLE_FOR")):
                    k += 1
                    g.responsibilities.append(Responsibility(
                        id=f"R{k:07d}", role=role, qualifier="牵头" if j == 0 else "负责", organization_id=orgs[(k * 7) % n_orgs].id,
                        target_id=tid, target_kind="Task", document_id=did, mention=f"单位{k % n_orgs}", deadline="2025年底前",
                        prov=P(t * 10 + 60, t * 10 + 79, "（市教育局牵头，市科协负责）")))
    return g


def parsed(corpus: Path, cache: Path | None) -> Graph:
    """The corpus parsed as kg build parses it (one graph), read from `cache` when it is there."""
    if cache is not None and cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)  # noqa: S301  (a file this script wrote)
    from kg.pipeline import parse_files

    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix != ".json")
    graph = parse_files(files).graph
    if cache is not None:
        with open(cache, "wb") as f:
            pickle.dump(graph, f, protocol=pickle.HIGHEST_PROTOCOL)
    return graph


def time_corpus(graph: Graph, runs: int, floor: bool) -> None:
    """kg build's load of the graph into a new store, `runs` times: wall, process CPU, load average."""
    gc.collect()
    gc.freeze()  # kept for the whole run: the collector skips it, as kg build's parse leaves its graphs
    walls, cpus = [], []
    for k in range(runs):
        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            with EmbeddedStore(tmp / "kg.db") as s:
                chunks = split_graph(graph, PARSE_CHUNK)
                before = os.getloadavg()[0]
                t0, c0 = time.perf_counter(), time.process_time()
                failed = [r for r in load_graphs(s, chunks) if r.status == "failed"]
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                assert not failed, failed[:3]
                assert s.stats() == graph.counts(), s.stats()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {k + 1}: load {wall:.2f}s wall, {cpu:.2f}s CPU; load average {before:.2f} -> "
              f"{os.getloadavg()[0]:.2f}", flush=True)
    print(f"median of {runs}: {statistics.median(walls):.2f}s wall, {statistics.median(cpus):.2f}s CPU", flush=True)
    if floor:
        sys.path.insert(0, str(Path(__file__).parent))
        from run import _copy_floor

        tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            seconds, rows = _copy_floor(lambda: split_graph(graph, PARSE_CHUNK), tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"LadybugDB alone COPYing the same {rows:,} rows: {seconds:.2f}s wall (load average "
              f"{os.getloadavg()[0]:.2f}); kg's load is {statistics.median(walls) / seconds:.2f}x that", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--method", choices=["auto", "copy", "unwind"], default="auto")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--reload", action="store_true", help="also time a second (unchanged) load")
    ap.add_argument("--build", action="store_true",
                    help=f"load as kg build does: chunks of {PARSE_CHUNK} documents, bulk blocks of {BULK_DOCUMENTS}")
    ap.add_argument("--corpus", type=Path, help="a folder of files to parse and load instead of a synthetic graph")
    ap.add_argument("--cache", type=Path, help="with --corpus: the parsed graph kept here (pickle) between runs")
    ap.add_argument("--runs", type=int, default=1, help="with --corpus: loads timed")
    ap.add_argument("--floor", action="store_true", help="with --corpus: also LadybugDB alone COPYing the same rows")
    args = ap.parse_args()
    if args.corpus is not None:
        time_corpus(parsed(args.corpus, args.cache), args.runs, args.floor)
        return
    t0 = time.perf_counter()
    g = synth(args.docs)
    print(f"synth: {g.counts()} in {time.perf_counter() - t0:.1f}s", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        with EmbeddedStore(tmp / "kg.db") as s:
            chunks = split_graph(g, PARSE_CHUNK) if args.build else []
            t0 = time.perf_counter()
            if args.build:
                failed = [r for r in load_graphs(s, chunks) if r.status == "failed"]
                how = f"kg build's way (chunks of {PARSE_CHUNK}, bulk blocks of {BULK_DOCUMENTS})"
            else:
                failed = s.load(g, method=args.method, batch_documents=args.batch).failed
                how = f"method={args.method} batch={args.batch}"
            dt = time.perf_counter() - t0
            assert not failed, failed[:3]
            assert s.stats() == g.counts(), s.stats()
            print(f"load {how}: {dt:.1f}s, {args.docs / dt:.1f} docs/s", flush=True)
            if args.reload:
                t0 = time.perf_counter()
                s.load(g)
                dt = time.perf_counter() - t0
                print(f"reload (unchanged): {dt:.2f}s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

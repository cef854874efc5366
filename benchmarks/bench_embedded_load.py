"""Load speed of the embedded store on a synthetic graph (not a test; run by hand).

    /work/venv/bin/python benchmarks/bench_embedded_load.py --docs 2000 --method auto --batch 500
    /work/venv/bin/python benchmarks/bench_embedded_load.py --docs 2000 --build   # the way kg build loads

Shape per document: 2 sections, 10 actions, 50 tasks, 150 role edges (1 LEADS + 2
RESPONSIBLE_FOR per task) over 500 shared organizations: 2,000 docs -> 100k tasks, 300k edges.
"""
from __future__ import annotations

import argparse
import shutil
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--method", choices=["auto", "copy", "unwind"], default="auto")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--reload", action="store_true", help="also time a second (unchanged) load")
    ap.add_argument("--build", action="store_true",
                    help=f"load as kg build does: chunks of {PARSE_CHUNK} documents, bulk blocks of {BULK_DOCUMENTS}")
    args = ap.parse_args()
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

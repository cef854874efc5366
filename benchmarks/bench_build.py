"""`kg build` end to end, as a user runs it: a folder of plans → the embedded store, alignments included.

    .venv/bin/python benchmarks/bench_build.py --docs 2000
    .venv/bin/python benchmarks/bench_build.py --docs 200,2000,20000 --skip-no-align --queries --corpora /tmp/c

Writes the synthetic corpus (benchmarks/generate.py) to a temporary folder (or, with --corpora DIR, to
DIR/c<N>, kept and reused: the generator is deterministic for a seed), runs the `kg` command of this
Python environment on it in a child process — once with alignment, once with --no-align — and prints
wall time and the child's peak resident memory (ru_maxrss of the child: the whole build, including
parsing, loading, alignment and the interpreter). With --queries, every library query is then timed on
the store that build wrote. Several sizes end with a side-by-side table: time and memory per size, and
how each grows against the smallest size. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_corpus  # noqa: E402


def kg_command() -> list[str]:
    """The kg of this environment (the console script beside this interpreter, else the module)."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]


def timed_child(cmd: list[str]) -> tuple[float, float, int, str]:
    """Run cmd; wall seconds, peak RSS in MB of that child, exit status, and its output."""
    log = LOG
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: exec kg with output to a file, so ru_maxrss is kg's alone
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(out, 2)
        try:
            os.execv(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), Path(log).read_text(errors="replace")


LOG = os.path.join(tempfile.gettempdir(), f"kg-bench-build-{os.getpid()}.log")


def corpus_for(n: int, seed: int, work: Path, corpora: Optional[Path]) -> tuple[Path, Any]:
    """The corpus of n documents: reused from corpora/c<n> when its manifest has this seed, else written."""
    from generate import Expected, Manifest

    folder = (corpora / f"c{n}") if corpora else (work / f"corpus{n}")
    manifest_file = folder / "manifest.json"
    if manifest_file.exists():
        data = json.loads(manifest_file.read_text(encoding="utf-8"))
        if data.get("seed") == seed and len(data.get("documents", ())) == n:
            return folder, Manifest(seed, [Expected(**e) for e in data["documents"]])
        shutil.rmtree(folder)
    return folder, write_corpus(folder, n, seed)


def store_params(db: Path) -> dict[str, dict]:
    """Parameter values that exist in the store (as benchmarks/run.py picks them from the graph)."""
    from kg.store.embedded import EmbeddedStore

    with EmbeddedStore(db, read_only=True) as store:
        doc = store.run("MATCH (d:Document), (t:Task) WHERE t.document_id = d.id "
                        "RETURN d.id, d.title ORDER BY d.id LIMIT 1").rows
        doc_id, doc_title = doc[0] if doc else (None, "")
        org = store.run("MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task) WHERE t.document_id = $d "
                        "RETURN o.name, count(*) AS n ORDER BY n DESC, o.name LIMIT 1", {"d": doc_id}).rows
        name = org[0][0] if org else ""
        task = store.run("MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task) WHERE o.name = $n "
                         "RETURN t.title ORDER BY t.id LIMIT 1", {"n": name}).rows
    title = task[0][0] if task else "科普"
    return {
        "task_responsibility": {"text": title}, "organization_responsibilities": {"name": name},
        "partners": {"name": name}, "organization_neighbourhood": {"name": name},
        "organization_lookup": {"name": name},
        "edge_provenance": {"name": name, "title": title}, "accountability_matrix": {"document": doc_title},
        "sector_across_jurisdictions": {"sector": "科协"}, "co_responsibility": {"limit": 20},
        "workload": {"limit": 20}, "tasks_with_many_units": {"n": 8}, "task_lineage": {"text": title},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="kg build end to end: wall time and peak memory (printed, not asserted)")
    ap.add_argument("--docs", default="2000", help="corpus sizes in documents, comma-separated")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tmp", default=None, help="folder for the corpus and the stores (default: system temp)")
    ap.add_argument("--corpora", default=None, help="keep the generated corpora in DIR/c<N> and reuse them")
    ap.add_argument("--skip-no-align", action="store_true", help="only the full build")
    ap.add_argument("--queries", action="store_true", help="time every library query on each store built")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = ap.parse_args()
    sizes = [int(x) for x in args.docs.split(",") if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="kg-bench-build-", dir=args.tmp))
    corpora = Path(args.corpora) if args.corpora else None
    table: list[tuple[int, float, float, float, float]] = []  # docs, MB, wall s, peak MB, slowest median query ms
    try:
        for n in sizes:
            corpus, manifest = corpus_for(n, args.seed, work, corpora)
            size = sum(f.stat().st_size for f in corpus.glob("*.txt"))
            tot = manifest.totals()
            print(f"=== kg build of {n} documents ({size / 1e6:.1f} MB, {tot['tasks']} tasks, {tot['edges']} edges)",
                  flush=True)
            runs = [("kg build", [])] if args.skip_no_align else \
                [("kg build --no-align", ["--no-align"]), ("kg build", [])]
            for label, extra in runs:
                db = work / f"db{n}-{len(extra)}"
                wall, rss, code, out = timed_child(kg_command() + ["build", str(corpus), "--db", str(db), *extra])
                loaded = re.search(r"Loaded into .*", out)
                aligned = re.search(r"(\d+) task alignments", out)
                print(f"  {label:22s} {wall:7.1f} s wall  peak RSS {rss:7.0f} MB  exit {code}  "
                      f"{n / wall:6.1f} docs/s  {size / 1e6 / wall:5.2f} MB/s end to end"
                      + (f"  ({aligned.group(1)} alignments)" if aligned else ""), flush=True)
                if code != 0 or not loaded:
                    print("  kg build output (tail):\n" + "\n".join(out.splitlines()[-15:]))
                slowest = float("nan")
                if args.queries and not extra and code == 0:
                    from run import time_queries

                    from kg.store.embedded import EmbeddedStore

                    params = store_params(db)
                    with EmbeddedStore(db, read_only=True) as store:
                        medians = time_queries(store, params, args.repeat, budget=20.0)
                    slowest = max(medians.values(), default=float("nan")) * 1e3
                if not extra:
                    table.append((n, size / 1e6, wall, rss, slowest))
                shutil.rmtree(db, ignore_errors=True)
        if len(table) > 1:
            n0, _, wall0, _, _ = table[0]
            print(f"\n  documents      MB   build s  peak RSS MB  slowest query ms  against {n0:,} documents")
            for n, mb, wall, rss, slow in table:
                print(f"  {n:9,d} {mb:7.1f} {wall:9.1f} {rss:12.0f} {slow:17.1f}  "
                      f"{wall / wall0:6.2f}x for {n / n0:.0f}x the documents")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        Path(LOG).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""kg at scale: parse, load, query, export — figures printed, never asserted.

    .venv/bin/python benchmarks/run.py --sizes 20,200,2000

For each size (documents of the synthetic corpus from benchmarks/generate.py):
  parse    MB/s and documents/s with kg's parser (parse_bytes: decode + parse), one core, and
           whether every document parsed into the counts the generator wrote; next to it the
           floor: decoding the same bytes and one regex pass over them
  load     embedded store, the way kg build loads (kg.build.load_graphs: chunks of PARSE_CHUNK
           documents, bulk() blocks of BULK_DOCUMENTS); next to it LadybugDB alone COPYing the same
           rows from Arrow tables, and the per-document UNWIND baseline (batch_documents=1, method
           unwind) in the same run
  queries  median and max latency of every queries/*.cypher (run_named), parameters taken
           from the corpus
  export   RDF (kg.rdf.export to N-Triples, if it works) and neo4j-admin CSV (kg.neo4j_import)
  memory   peak RSS of the run for that size (each size runs in its own process) and the
           tracemalloc peak of parsing one document
Then parse cost against document length: single documents of ~1 KB, 100 KB and 10 MB.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import document_of_size, generate  # noqa: E402


def rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import ladybug

    return (f"machine: {os.cpu_count()} cores ({cpu}), {mem} RAM; Python {platform.python_version()}, "
            f"ladybug {getattr(ladybug, '__version__', '?')}, {platform.platform()}")


def warm_up() -> None:
    """Import jionlp and fill kg's lazy tables so the first document does not pay for them."""
    from kg.loaders import parse_text

    text, _ = document_of_size(3000, seed=1)
    parse_text(text, "warmup.txt")


# --------------------------------------------------------------------------- one size


def pick_params(graph, manifest) -> dict[str, dict]:
    """Parameter values that exist in the corpus, for every query that takes some."""
    with_tasks = {t.document_id for t in graph.tasks}
    doc0 = next((d for d in graph.documents if d.id in with_tasks), graph.documents[0])
    counts = Counter(r.organization_id for r in graph.responsibilities
                     if r.document_id == doc0.id and r.target_kind == "Task")
    org_id = counts.most_common(1)[0][0] if counts else graph.organizations[0].id
    org = next(o for o in graph.organizations if o.id == org_id)
    task_of_org = next((t for r in graph.responsibilities if r.organization_id == org_id and r.target_kind == "Task"
                        for t in [r.target_id]), None)
    titles = {t.id: t.title for t in graph.tasks}
    title = titles.get(task_of_org) or (graph.tasks[0].title if graph.tasks else "科普")
    return {
        "task_responsibility": {"text": title},
        "organization_responsibilities": {"name": org.name},
        "partners": {"name": org.name},
        "organization_lookup": {"name": org.name},
        "organization_neighbourhood": {"name": org.name},
        "edge_provenance": {"name": org.name, "title": title},
        "accountability_matrix": {"document": doc0.title},
        "sector_across_jurisdictions": {"sector": "科协"},
        "co_responsibility": {"limit": 20},
        "workload": {"limit": 20},
        "tasks_with_many_units": {"n": 8},
        "task_lineage": {"text": title},
        # the listings (actions_overview, deadlines, targets, workload_by_document …) run with their defaults:
        # every document, first page of limit=100 rows
    }


def run_size(n: int, args) -> None:
    from kg.loaders import parse_bytes
    from kg.model import Graph

    warm_up()
    t0 = time.perf_counter()
    files, manifest = generate(n, args.seed)
    blobs = [(name, text.encode("utf-8")) for name, text in files]
    del files
    t_gen = time.perf_counter() - t0
    total_bytes = sum(len(b) for _, b in blobs)
    tot = manifest.totals()
    print(f"\n=== {n} documents: {total_bytes / 1e6:.1f} MB, generated in {t_gen:.1f}s "
          f"(expected: {tot['sections']} sections, {tot['actions']} actions, {tot['tasks']} tasks, "
          f"{tot['edges']} edges = {tot['leads']} LEADS + {tot['responsible_for']} RESPONSIBLE_FOR)", flush=True)

    # ---- parse
    graphs = []
    mismatched = []
    gc.collect()
    t0 = time.perf_counter()
    try:
        for name, data in blobs:
            p = parse_bytes(data, name)
            graphs.append(p.graph)
            gc.freeze()  # as kg.pipeline.parse_files: parsed graphs are kept, the collector skips them
    finally:
        gc.unfreeze()
    t_parse = time.perf_counter() - t0
    for g, exp in zip(graphs, manifest.documents):
        c = g.counts()
        got = (c["sections"], c["actions"], c["tasks"], c["leads"], c["responsible_for"])
        if got != (exp.sections, exp.actions, exp.tasks, exp.leads, exp.responsible_for):
            mismatched.append(exp.file)
    t0 = time.perf_counter()
    graph = Graph.union(graphs)
    t_union = time.perf_counter() - t0
    del graphs
    c = graph.counts()
    print(f"parse:   {t_parse:6.2f}s  {total_bytes / 1e6 / t_parse:5.2f} MB/s  {n / t_parse:7.1f} docs/s  "
          f"(one core, parse_bytes; Graph.union {t_union:.2f}s)", flush=True)
    t_floor, hits = _read_floor(blobs)
    print(f"         floor: decode + one regex pass over the same bytes {t_floor:.2f}s "
          f"({total_bytes / 1e6 / t_floor:.0f} MB/s, {hits} bracket spans); kg's parse is {t_parse / t_floor:.0f}x that",
          flush=True)
    print(f"         parsed: {c['sections']} sections, {c['actions']} actions, {c['tasks']} tasks, "
          f"{c['organizations']} organizations, {c['leads'] + c['responsible_for']} edges; "
          f"documents differing from the generator: {len(mismatched)}" + (f" ({', '.join(mismatched[:5])})" if mismatched else ""))
    tracemalloc.start()
    parse_bytes(blobs[0][1], blobs[0][0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory:  peak RSS after parse {rss_mb():.0f} MB; tracemalloc peak parsing one "
          f"{len(blobs[0][1]) / 1e3:.0f} KB document {peak / 1e6:.1f} MB", flush=True)
    del blobs

    # ---- load
    from kg.build import BULK_DOCUMENTS, PARSE_CHUNK, load_graphs, split_graph
    from kg.store.embedded import EmbeddedStore

    work = Path(tempfile.mkdtemp(prefix="kg-bench-", dir=args.tmp))
    try:
        with EmbeddedStore(work / "bulk.db") as store:
            # kg build parses PARSE_CHUNK files at a time and loads each chunk: the same chunks here,
            # cut from the parsed graph before the clock starts
            chunks = split_graph(graph, PARSE_CHUNK)
            import pyarrow  # noqa: F401  (imported once per process, as warm_up() readies the parser)

            t0 = time.perf_counter()
            cpu0 = time.process_time()
            res = load_graphs(store, chunks)
            t_bulk = time.perf_counter() - t0
            cpu = time.process_time() - cpu0
            del chunks
            ok = store.stats() == c
            print(f"load:    {t_bulk:6.2f}s  kg build's path (chunks of {PARSE_CHUNK} documents, bulk blocks of "
                  f"{BULK_DOCUMENTS})  {n / t_bulk:7.1f} docs/s  cpu {cpu:.2f}s  failed: "
                  f"{sum(r.status == 'failed' for r in res)}  store counts == graph counts: {ok}", flush=True)
            print(f"memory:  peak RSS after load {rss_mb():.0f} MB", flush=True)
            t_floor, floor_rows = _copy_floor(lambda: split_graph(graph, PARSE_CHUNK), work)
            print(f"         {t_floor:6.2f}s  LadybugDB alone: COPY of the same {floor_rows:,} rows from Arrow tables "
                  f"(recorded from kg's load, replayed with no kg code in the loop; one transaction and "
                  f"checkpoint); kg's load is {t_bulk / t_floor:.2f}x that", flush=True)
            if not args.skip_baseline:
                k = n if args.baseline_docs <= 0 else min(n, args.baseline_docs)
                sub = _first_documents(graph, k)
                with EmbeddedStore(work / "unwind.db") as base:
                    t0 = time.perf_counter()
                    base.load(sub, batch_documents=1, method="unwind")
                    t_base = time.perf_counter() - t0
                per_doc = t_base / k
                scaled = per_doc * n
                note = "" if k == n else f" (measured on the first {k} documents, scaled to {n})"
                print(f"         {t_base:6.2f}s  baseline per-document UNWIND (batch_documents=1, method=unwind) "
                      f"for {k} docs, {k / t_base:.1f} docs/s{note}", flush=True)
                print(f"         bulk is {scaled / t_bulk:.1f}x faster than per-document UNWIND", flush=True)
            if not args.skip_queries:
                _queries(store, graph, manifest, args.repeat, args.query_budget)
        _exports(graph, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"memory:  peak RSS for this size {rss_mb():.0f} MB (ru_maxrss)", flush=True)


# one pass of the kind every parser makes at least once: bracketed spans (where role clauses live)
_BRACKETS = re.compile(r"[（(〔【［\[][^（）()〔〕【】［］\[\]\n]{0,300}[）)〕】］\]]")


def _read_floor(blobs: list[tuple[str, bytes]]) -> tuple[float, int]:
    """What no parser can beat on these bytes: decode them and find the bracketed spans once (best of 3)."""
    best, hits = float("inf"), 0
    for _ in range(3):
        t0 = time.perf_counter()
        hits = 0
        for _, data in blobs:
            for _m in _BRACKETS.finditer(data.decode("utf-8")):
                hits += 1
        best = min(best, time.perf_counter() - t0)
    return best, hits


def _copy_floor(chunks, work: Path) -> tuple[float, int]:
    """What LadybugDB itself takes to COPY the rows kg's load writes: kg's load is run once more, untimed,
    recording the Arrow table of every COPY it makes; the tables are then COPYed into a new database
    with the same schema, straight through Ladybug's connection, and only that is timed."""
    import ladybug as lb

    from kg.build import load_graphs
    from kg.store.embedded import EmbeddedStore
    from kg.store.embedded_schema import ddl

    recorded: list[tuple[str, Any, str]] = []
    copy = EmbeddedStore._copy

    def record(self, table: str, rows: Any, options: str = "") -> None:
        recorded.append((table, rows, options))
        copy(self, table, rows, options)

    EmbeddedStore._copy = record  # type: ignore[method-assign]
    try:
        with EmbeddedStore(work / "record.db") as store:
            load_graphs(store, chunks())
    finally:
        EmbeddedStore._copy = copy  # type: ignore[method-assign]
    db = lb.Database(str(work / "floor.lbug"))
    conn = lb.Connection(db)
    for statement in ddl():
        conn.execute(statement)
    gc.collect()
    t0 = time.perf_counter()
    conn.execute("BEGIN TRANSACTION")
    for table, rows, options in recorded:
        params = {"rows": rows}
        with warnings.catch_warnings():  # one prepared statement per COPY, as kg does (see EmbeddedStore._copy)
            warnings.simplefilter("ignore", DeprecationWarning)
            statement = conn.prepare(f"COPY {table} FROM $rows{options}", params)
        conn.execute(statement, params)
    conn.execute("COMMIT")
    conn.execute("CHECKPOINT")
    seconds = time.perf_counter() - t0
    n_rows = sum(rows.num_rows for _t, rows, _o in recorded)
    conn.close()
    db.close()
    return seconds, n_rows


def _first_documents(graph, k: int):
    from kg.model import Graph

    if k >= len(graph.documents):
        return graph
    ids = {d.id for d in graph.documents[:k]}
    resps = [r for r in graph.responsibilities if r.document_id in ids]
    used = {r.organization_id for r in resps}
    return Graph(documents=graph.documents[:k], sections=[s for s in graph.sections if s.document_id in ids],
                 actions=[a for a in graph.actions if a.document_id in ids],
                 tasks=[t for t in graph.tasks if t.document_id in ids],
                 organizations=[o for o in graph.organizations if o.id in used], responsibilities=resps)


def _queries(store, graph, manifest, repeat: int, budget: float) -> None:
    time_queries(store, pick_params(graph, manifest), repeat, budget)


def time_queries(store, params: dict[str, dict], repeat: int, budget: float) -> dict[str, float]:
    """Print the median and maximum latency of every library query; the medians in seconds, by name."""
    from kg.library import list_queries, run_named

    medians: dict[str, float] = {}
    print(f"queries: {repeat} runs each after one warm-up run; median / max in ms, rows returned", flush=True)
    for q in list_queries():
        p = {k: v for k, v in params.get(q.name, {}).items() if k in {x.name for x in q.params}}
        try:
            t0 = time.perf_counter()
            rows = len(run_named(store, q.name, p).rows)
            first = time.perf_counter() - t0
            times = []
            for _ in range(repeat):
                if sum(times) + first > budget:
                    break
                t0 = time.perf_counter()
                run_named(store, q.name, p)
                times.append(time.perf_counter() - t0)
            times = times or [first]
            medians[q.name] = statistics.median(times)
            flag = "" if statistics.median(times) <= 0.050 else "   > 50 ms"
            print(f"  {q.name:34s} {statistics.median(times) * 1e3:9.1f} {max(times) * 1e3:9.1f}  "
                  f"rows {rows:7d}  (n={len(times)}){flag}", flush=True)
        except Exception as e:  # a figure is missing, the run goes on
            print(f"  {q.name:34s} failed: {type(e).__name__}: {str(e)[:160]}", flush=True)
    return medians


class _Null(io.RawIOBase):
    """A binary sink that counts bytes."""

    def __init__(self) -> None:
        self.n = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.n += len(b)
        return len(b)


def _exports(graph, work: Path, args) -> None:
    if args.skip_rdf:
        print("rdf export: skipped")
    else:
        try:
            from kg.rdf import export  # noqa: PLC0415
        except Exception as e:
            print(f"rdf export: not available ({type(e).__name__}: {e})")
        else:
            try:
                sink = _Null()
                t0 = time.perf_counter()
                n_triples = export(graph, sink, "nt")
                dt = time.perf_counter() - t0
                print(f"rdf export: {n_triples} triples (N-Triples, {sink.n / 1e6:.0f} MB) in {dt:.2f}s, "
                      f"{n_triples / dt:,.0f} triples/s", flush=True)
            except Exception as e:
                print(f"rdf export: not available (kg.rdf.export failed: {type(e).__name__}: {str(e)[:160]})")
    try:
        from kg.neo4j_import import write_neo4j_import  # noqa: PLC0415

        t0 = time.perf_counter()
        rows = write_neo4j_import(graph, work / "neo4j-import")
        dt = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in (work / "neo4j-import").iterdir())
        print(f"neo4j-import CSV: {sum(rows.values())} rows ({size / 1e6:.0f} MB) in {dt:.2f}s, "
              f"{sum(rows.values()) / dt:,.0f} rows/s", flush=True)
    except Exception as e:
        print(f"neo4j-import CSV: failed ({type(e).__name__}: {e})")


# --------------------------------------------------------------------------- document length


def run_long(args) -> None:
    from kg.loaders import parse_bytes

    warm_up()
    print("\n=== parse cost against document length (one document, youyi layout, repeated tasks)")
    for target in (1_000, 100_000, 10_000_000):
        text, exp = document_of_size(target, seed=args.seed)
        data = text.encode("utf-8")
        times = []
        spent = 0.0
        while spent < 2.0 and len(times) < 200 or not times:
            gc.collect()
            t0 = time.perf_counter()
            g = parse_bytes(data, exp.file).graph
            dt = time.perf_counter() - t0
            times.append(dt)
            spent += dt
        best = min(times)
        c = g.counts()
        print(f"  {len(data) / 1e3:9.1f} KB  {exp.tasks:6d} tasks  {best * 1e3:9.1f} ms (best of {len(times)})  "
              f"{len(data) / 1e6 / best:5.2f} MB/s  counts as written: "
              f"{(c['tasks'], c['leads'] + c['responsible_for']) == (exp.tasks, exp.edges)}", flush=True)
    print(f"memory:  peak RSS {rss_mb():.0f} MB (ru_maxrss)")


# --------------------------------------------------------------------------- driver


def main() -> None:
    ap = argparse.ArgumentParser(description="kg at scale: parse, load, query, export (figures, not assertions)")
    ap.add_argument("--sizes", default="20,200,2000", help="corpus sizes in documents, comma-separated")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=7, help="timed runs per query")
    ap.add_argument("--query-budget", type=float, default=20.0, help="stop repeating a query after this many seconds")
    ap.add_argument("--skip-baseline", action="store_true", help="no per-document UNWIND baseline")
    ap.add_argument("--baseline-docs", type=int, default=500,
                    help="documents loaded by the baseline (scaled to the size); 0 = all")
    ap.add_argument("--skip-queries", action="store_true")
    ap.add_argument("--skip-rdf", action="store_true")
    ap.add_argument("--skip-long", action="store_true", help="no 1 KB / 100 KB / 10 MB documents")
    ap.add_argument("--tmp", default=None, help="folder for the temporary stores (default: system temp)")
    ap.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--long-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_size:
        run_size(args.one_size, args)
        return
    if args.long_only:
        run_long(args)
        return
    print(machine(), flush=True)
    passthrough = [a for a in sys.argv[1:] if not a.startswith("--sizes")]
    if "--sizes" in sys.argv:
        i = sys.argv.index("--sizes")
        passthrough = sys.argv[1:i] + sys.argv[i + 2:]
    t_all = time.perf_counter()
    for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
        # one process per size: ru_maxrss is then that size's peak, and sizes do not share caches
        subprocess.run([sys.executable, __file__, "--one-size", str(n)] + passthrough, check=False)
    if not args.skip_long:
        subprocess.run([sys.executable, __file__, "--long-only"] + passthrough, check=False)
    print(f"\ntotal {time.perf_counter() - t_all:.0f}s", flush=True)


if __name__ == "__main__":
    main()

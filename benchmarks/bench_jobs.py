"""`kg build --jobs N`: the speed-up of parsing in worker processes, measured, and expected on more cores.

    .venv/bin/python benchmarks/bench_jobs.py --docs 2000 --jobs 1,2

Runs `kg build --no-align` on the same generated corpus once per --jobs value (each in a child process,
into a new store), then parses the corpus alone in this process with one core. The part of a build that
does not run in the workers (loading, committing, reading files, starting the workers) is the build's
time with one job minus that parse time; Amdahl's law then gives the speed-up to expect on 8 and 16
cores. Figures are printed, never asserted; wall-clock figures need a quiet machine.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import corpus_for, kg_command, timed_child  # noqa: E402


def parse_seconds(corpus: Path) -> float:
    """Parsing every file of the corpus in this process, one core (files read from disk, as kg build does)."""
    from kg.pipeline import collect_files, parse_files

    files = collect_files([corpus])
    parse_files(files[:1])  # warm: tables and lazy imports
    t0 = time.perf_counter()
    parse_files(files, jobs=1)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description="kg build --jobs: measured and expected speed-up (printed, not asserted)")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--jobs", default="1,2", help="--jobs values to run, comma-separated (1 first)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--corpora", default=None, help="keep the generated corpora in DIR/c<N> and reuse them")
    args = ap.parse_args()
    jobs = [int(x) for x in args.jobs.split(",") if x.strip()]
    work = Path(tempfile.mkdtemp(prefix="kg-bench-jobs-", dir=args.tmp))
    try:
        corpus, _ = corpus_for(args.docs, args.seed, work, Path(args.corpora) if args.corpora else None)
        walls: dict[int, float] = {}
        for n in jobs:
            db = work / f"db-j{n}"
            wall, rss, code, out = timed_child(kg_command() + ["build", str(corpus), "--db", str(db), "--no-align",
                                                               "--jobs", str(n)])
            walls[n] = wall
            print(f"  kg build --no-align --jobs {n:<3d} {wall:7.1f} s wall  peak RSS {rss:6.0f} MB  exit {code}"
                  + (f"  speed-up {walls[jobs[0]] / wall:.2f}x" if n != jobs[0] else ""), flush=True)
            shutil.rmtree(db, ignore_errors=True)
        if 1 in walls:
            parse = parse_seconds(corpus)
            serial = max(walls[1] - parse, 0.0)
            s = serial / walls[1]
            print(f"  parse alone, one core: {parse:.1f} s of the {walls[1]:.1f} s build; the rest ({serial:.1f} s, "
                  f"serial fraction {s:.2f}) does not run in the workers", flush=True)
            for cores in (2, 8, 16):
                print(f"  expected on {cores:2d} cores: {1 / (s + (1 - s) / cores):.2f}x "
                      f"({serial + parse / cores:.1f} s)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""`kg build` end to end, as a user runs it: a folder of plans → the embedded store, alignments included.

    .venv/bin/python benchmarks/bench_build.py --docs 2000

Writes the synthetic corpus (benchmarks/generate.py) to a temporary folder, runs the `kg` command of
this Python environment on it in a child process — once with alignment, once with --no-align — and
prints wall time and the child's peak resident memory (ru_maxrss of the child: the whole build,
including parsing, loading, alignment and the interpreter). Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser(description="kg build end to end: wall time and peak memory (printed, not asserted)")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tmp", default=None, help="folder for the corpus and the stores (default: system temp)")
    ap.add_argument("--skip-no-align", action="store_true", help="only the full build")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-build-", dir=args.tmp))
    try:
        corpus = work / "corpus"
        manifest = write_corpus(corpus, args.docs, args.seed)
        size = sum(f.stat().st_size for f in corpus.glob("*.txt"))
        tot = manifest.totals()
        print(f"=== kg build of {args.docs} documents ({size / 1e6:.1f} MB, {tot['tasks']} tasks, {tot['edges']} edges)",
              flush=True)
        runs = [("kg build", [])] if args.skip_no_align else [("kg build --no-align", ["--no-align"]), ("kg build", [])]
        for label, extra in runs:
            db = work / f"db{len(extra)}"
            wall, rss, code, out = timed_child(kg_command() + ["build", str(corpus), "--db", str(db), *extra])
            loaded = re.search(r"Loaded into .*", out)
            aligned = re.search(r"(\d+) task alignments", out)
            print(f"  {label:22s} {wall:7.1f} s wall  peak RSS {rss:7.0f} MB  exit {code}  "
                  f"{args.docs / wall:6.1f} docs/s  {size / 1e6 / wall:5.2f} MB/s end to end"
                  + (f"  ({aligned.group(1)} alignments)" if aligned else ""), flush=True)
            if code != 0 or not loaded:
                print("  kg build output (tail):\n" + "\n".join(out.splitlines()[-15:]))
            shutil.rmtree(db, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        Path(LOG).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

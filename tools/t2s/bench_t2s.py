"""Speed of kg.loaders.traditional on 1 MB of simplified and 1 MB of traditional text.

    .venv/bin/python tools/t2s/bench_t2s.py [TRADITIONAL_TEXT_FILE]

Compares what to_simplified does (a regex scan, then str.translate with an int → int table) with
the alternatives: re.sub over a class of every table character (per character and per run), and
str.translate alone. The simplified text is the seeds; the traditional text defaults to
../extra_corpus/docs/03_xianyang_fangguanfu_2022_trad.txt, or else the seeds run backwards
through OpenCC's direction (every simplified character that is a table value, replaced by a key).
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from kg.loaders import traditional as tr

ROOT = Path(__file__).resolve().parents[2]


def megabyte(text: str) -> str:
    return (text * (1_000_000 // len(text) + 1))[:1_000_000]


def best_ms(f, x, n=15) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        f(x)
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main() -> None:
    table = tr.T2S
    simp = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        ROOT.parent / "extra_corpus" / "docs" / "03_xianyang_fangguanfu_2022_trad.txt"
    if path.exists():
        trad = path.read_text(encoding="utf-8")
    else:
        back = {}
        for t, s in sorted(table.items()):
            back.setdefault(s, t)
        trad = "".join(back.get(c, c) for c in simp)
    S, T = megabyte(simp), megabyte(trad)
    every = re.compile("[" + "".join(sorted(table)) + "]")
    runs = re.compile("[" + "".join(sorted(table)) + "]+")
    as_str = str.maketrans(table)
    as_int = {ord(t): ord(s) for t, s in table.items()}
    ways = {
        "re.sub, one match a character": lambda x: every.sub(lambda m: table[m.group()], x),
        "re.sub, one match a run": lambda x: runs.sub(lambda m: m.group().translate(as_int), x),
        "str.translate (str values)": lambda x: x.translate(as_str),
        "str.translate (int values)": lambda x: x.translate(as_int),
        "to_simplified (scan + translate)": tr.to_simplified,
        "has_traditional": tr.has_traditional,
    }
    share = sum(c in table for c in T) / len(T)
    print(f"1 MB simplified (seeds) / 1 MB traditional ({share:.0%} of its characters converted), best of 15:")
    for name, f in ways.items():
        print(f"  {name:34s} {best_ms(f, S):7.1f} ms   {best_ms(f, T):7.1f} ms")


if __name__ == "__main__":
    main()

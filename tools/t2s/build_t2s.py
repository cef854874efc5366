"""Regenerate loaders/data/t2s.tsv, kg's one-character traditional → simplified table.

    pip download --no-deps --no-binary :all: -d /tmp/occ opencc==1.4.2
    .venv/bin/python tools/t2s/build_t2s.py /tmp/occ/opencc-1.4.2.tar.gz          # writes the table
    .venv/bin/python tools/t2s/build_t2s.py /tmp/occ/opencc-1.4.2.tar.gz --check  # + corpus report

The source is OpenCC's data/dictionary/TSCharacters.txt (Apache-2.0), read straight from the
OpenCC sdist (or from an unpacked TSCharacters.txt). Each line there is TRAD<TAB>SIMP [SIMP …];
kg takes the first simplified candidate and keeps a pair only when both sides are one code point
and converting the character cannot change a *simplified* document. A traditional character is
left out of the table when

  rhs     it is itself one of OpenCC's simplified candidates (for itself or for another character):
          乾 (乾县), 於 (surname), 著 (著名), 瞭 (瞭望), 徵, 藉, 覆, 沈, 昇, 喆, 堃 … are
          simplified characters in their own right;
  gb2312  it is in GB2312, the simplified character set (後, 拚, 捱, 摺, 榘, 菸, 醣, 麴), unless it
          is listed in KEEP below with the reason;
  freq    simplified text writes it at least as often as its simplified form, by the character
          frequencies that jionlp (a kg dependency) ships: mostly name and element characters
          whose simplified form is a rare extension character (頔 → 𬱖, 錤 → 𫓹), which simplified
          documents do not use;
  manual  it is listed in EXCLUDE below (found by --check on the simplified corpus).

--check runs the table over the seeds (seeds/*.txt) and the shared corpus (../shared/corpus/docs),
decoded as kg decodes them (kg.loaders.formats.read_document), and lists every character that
would change there, with its context.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tarfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "loaders" / "data" / "t2s.tsv"
MEMBER = "data/dictionary/TSCharacters.txt"

# In GB2312 only as a legacy character: the 通用规范汉字表 (2013) gives 後 as the traditional form of
# 后 and lists no separate 後. Traditional plans write 此後/以後/後同 where kg's clause rules look
# for 此后/以后/后同 (loaders/clauses.py), so the pair is kept.
KEEP = {"後": "traditional form of 后 (通用规范汉字表); kg's note rules match 此后/以后/后同"}

# Traditional characters that --check found in simplified documents where mapping would change
# what the document says. None so far: the only hit is 環 in 中環万象城 (02_chongqing…pdf), a shop
# name whose 環 means 环; it is kept, and has_traditional keeps that document from being converted.
EXCLUDE: dict[str, str] = {}


def read_source(path: Path) -> tuple[str, str]:
    """(text of TSCharacters.txt, version label) from an OpenCC sdist or the bare file."""
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8"), "unknown version"
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            if m.name.endswith(MEMBER):
                text = tar.extractfile(m).read().decode("utf-8")
                version = m.name.split("/")[0]  # opencc-1.4.2
                return text, version
    raise SystemExit(f"{path}: no {MEMBER} inside")


def in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def jionlp_frequencies() -> dict[str, int]:
    import jionlp  # noqa: F401  (only for its data directory)
    path = Path(os.path.dirname(jionlp.__file__)) / "dictionary" / "char_distribution.json"
    freq = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            ch, n = json.loads(line)
            freq[ch] = n
    return freq


def _jionlp_version() -> str:
    from importlib.metadata import version
    return version("jionlp")


def build(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        trad, values = line.split("\t")
        rows.append((trad, values.split(" ")))
    rhs = {c for _, values in rows for c in values}
    freq = jionlp_frequencies()
    table: dict[str, str] = {}
    excluded: dict[str, list[str]] = {"rhs": [], "gb2312": [], "freq": [], "manual": [], "multi": []}
    for trad, values in rows:
        simp = values[0]
        if len(trad) != 1 or len(simp) != 1:
            excluded["multi"].append(trad)
        elif trad in EXCLUDE:
            excluded["manual"].append(trad)
        elif trad in rhs:
            excluded["rhs"].append(trad)
        elif in_gb2312(trad) and trad not in KEEP:
            excluded["gb2312"].append(trad)
        elif freq.get(trad, 0) >= max(freq.get(simp, 0), 1) and trad not in KEEP:
            excluded["freq"].append(trad)
        else:
            table[trad] = simp
    return table, excluded


def write(table: dict[str, str], excluded: dict[str, list[str]], version: str, out: Path) -> None:
    lines = [
        "# kg: traditional → simplified, one character for one character (kg.loaders.traditional).",
        f"# Source: OpenCC {version.split('-')[-1]} (https://github.com/BYVoid/OpenCC), "
        "data/dictionary/TSCharacters.txt,",
        "#   first simplified candidate. License: Apache License 2.0 (OpenCC's LICENSE); this file is",
        "#   a derived, filtered subset of that dictionary.",
        "# Left out, so that simplified documents are never changed: characters that are themselves",
        f"#   simplified (OpenCC candidates: {len(excluded['rhs'])}; in GB2312: {len(excluded['gb2312'])}), "
        f"characters simplified text",
        f"#   writes as often as their simplified form ({len(excluded['freq'])}; jionlp {_jionlp_version()} "
        "char_distribution.json), manual exclusions "
        f"({len(excluded['manual'])}).",
        *(f"# Kept although in GB2312: {t} ({why})." for t, why in KEEP.items()),
        "# Regenerate with tools/t2s/build_t2s.py; do not edit by hand.",
        "# TRAD<TAB>SIMP",
    ]
    lines += [f"{t}\t{s}" for t, s in sorted(table.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def corpus_files() -> list[Path]:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    shared = ROOT.parent / "shared" / "corpus" / "docs"
    files += sorted(p for p in shared.glob("*") if p.is_file())
    return files


def check(table: dict[str, str]) -> int:
    from kg.loaders.formats import read_document

    pattern = re.compile("[" + re.escape("".join(table)) + "]")
    total = Counter()
    for path in corpus_files():
        text = read_document(path, path.read_bytes()).text
        hits = [(m.start(), m.group()) for m in pattern.finditer(text)]
        print(f"{path.name}: {len(text)} chars, {len(hits)} would change")
        for pos, ch in hits:
            total[ch] += 1
            print(f"    {ch}→{table[ch]} at {pos}: …{text[max(0, pos - 12):pos + 12]!r}…")
    print("changed characters over the corpus:", dict(total) or "none")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="OpenCC sdist (opencc-X.Y.Z.tar.gz) or TSCharacters.txt")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="report what the table changes in the corpus")
    args = ap.parse_args(argv)
    text, version = read_source(args.source)
    table, excluded = build(text)
    write(table, excluded, version, args.out)
    print(f"{args.out}: {len(table)} pairs from {version}")
    for why, chars in excluded.items():
        print(f"  excluded ({why}): {len(chars)}" + (f"  {''.join(chars)}" if len(chars) < 60 else ""))
    if args.check:
        return check(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

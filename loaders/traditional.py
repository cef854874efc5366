"""Traditional → simplified Chinese, one character for one character, so offsets never move.

kg reads a plan written in traditional characters (牽頭、負責、配合單位、縣教育和體育局) as it
reads a simplified one: `to_simplified` replaces each traditional character by its simplified
form and returns a string of exactly the same length, so a span found in the converted text is
the same span in the original. `has_traditional` is the cheap test that lets simplified text skip
the conversion.

The table is loaders/data/t2s.tsv (2,848 pairs, from OpenCC 1.4.2's TSCharacters.txt, Apache-2.0;
regenerate with tools/t2s/build_t2s.py). It leaves out every traditional character that is also a
simplified character in its own right (乾 in 乾县, 於 as a surname, 瞭, 徵, 藉, 覆, 沈 …), so
simplified text is unchanged by it: over the five seeds and the fourteen documents of the shared
corpus the only character it would change is 環 in 中環万象城 (a brand name, 02_chongqing…pdf),
and `has_traditional` is False on all of them, so even that is not converted.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

__all__ = ["T2S", "to_simplified", "has_traditional"]  # noqa: F822 (T2S: module __getattr__)

TABLE = Path(__file__).resolve().parent / "data" / "t2s.tsv"

# Frequent characters of traditional text that simplified text does not write: any one of them
# marks the text as traditional. All are keys of the table (a test checks it), so a text for
# which has_traditional is True always changes under to_simplified. Left out on purpose: 環
# (a simplified shop name in the corpus writes 中環), and every character that is itself
# simplified (於, 乾, 著 …).
DISTINCTIVE = ("們這與為個國發會單責負職務關項據區縣對來時說動經實現進過將機開產業當體頭門長問員"
               "點義從應組織導領協調構設鄉鎮衛級範總統規劃辦處財資聯專農監質視護牽後區廳屬")


@lru_cache(maxsize=None)
def _table() -> Mapping[str, str]:
    table: dict[str, str] = {}
    for n, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        trad, simp = line.split("\t")
        if len(trad) != 1 or len(simp) != 1:  # the table's one promise: same length
            raise ValueError(f"{TABLE.name}:{n}: not one character for one character: {line!r}")
        table[trad] = simp
    return MappingProxyType(table)  # cached and handed out as T2S: read-only


@lru_cache(maxsize=None)
def _translation() -> Mapping[int, int]:
    return MappingProxyType({ord(t): ord(s) for t, s in _table().items()})  # int → int, as str.translate takes


@lru_cache(maxsize=None)
def _pattern() -> re.Pattern:
    # Astral keys (66 of them, CJK extension B …) are matched by one range: listed one by one in
    # the class they make re's scan 40 times slower (~200 ms instead of ~5 ms a megabyte).
    bmp = "".join(sorted(t for t in _table() if ord(t) < 0x10000))
    return re.compile("[" + bmp + "\U00010000-\U0010ffff]")


_DISTINCTIVE = re.compile("[" + "".join(sorted(set(DISTINCTIVE))) + "]")


def __getattr__(name: str):  # PEP 562: T2S is read from the TSV on first use, then cached
    if name == "T2S":
        return _table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_simplified(text: str) -> str:
    """`text` with every traditional character of the table replaced by its simplified form.

    Same length as `text`, character for character; text without any such character comes back
    unchanged (the very same object). A regex scan finds whether anything needs converting
    (~10 ms a megabyte of simplified text); str.translate converts (~75 ms a megabyte)."""
    if _pattern().search(text) is None:
        return text
    return text.translate(_translation())


def has_traditional(text: str) -> bool:
    """True when `text` holds one of the frequent traditional-only characters (們 這 國 單 責 負 職 …)."""
    return _DISTINCTIVE.search(text) is not None

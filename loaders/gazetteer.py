"""Jurisdictions from a maintained gazetteer of Chinese administrative divisions (jionlp).

jionlp prints a banner on stdout when imported; it is swallowed here so that kg's own
stdout (e.g. `kg extract --format jsonl`) carries nothing but kg's output.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

NATIONAL = "全国"


@dataclass(frozen=True)
class Jurisdiction:
    """A place as a document names it, with its chain of divisions from the province down."""

    name: str  # as written: 济南市历下区, 友谊县, 临沂市, 江苏省, 全国
    path: tuple[str, ...]  # (山东省, 济南市, 历下区); () for 全国

    @property
    def level(self) -> str:
        """国家, 省, 市, 县 or 区: the level of the innermost division."""
        if not self.path:
            return "国家" if self.name == NATIONAL else "未知"
        if len(self.path) == 3:
            return "区" if self.path[-1].endswith("区") else "县"
        return "省" if len(self.path) == 1 else "市"

    def at(self, prefix: str) -> Optional[str]:
        """The division a unit prefix refers to: 市 → the city, 县/区 → the county level, 省 → the province."""
        index = {"省": 0, "市": 1, "县": 2, "区": 2}.get(prefix)
        if index is None or index >= len(self.path):
            return None
        name = self.path[index]
        if prefix in "县区" and not name.endswith(("县", "区", "旗", "市")):
            return None
        return name

    def prefix_path(self, name: str) -> tuple[str, ...]:
        """The path down to `name` (which must be on this jurisdiction's path)."""
        if name in self.path:
            return self.path[: self.path.index(name) + 1]
        return self.path


@lru_cache(maxsize=1)
def _jionlp():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp  # noqa: PLC0415 — heavy, imported on first use

        parser = jionlp.parse_location
        try:  # an index over jionlp's own table; if its internals ever change, plain jionlp still works
            if parser.administrative_map_list is None:
                parser._prepare()
            parser.get_candidates = _fast_candidates(parser)
        except AttributeError:
            pass
    return jionlp


@lru_cache(maxsize=4096)
def locate(text: str) -> Optional[Jurisdiction]:
    """The jurisdiction a name such as 济南市历下区人民政府办公室 starts with, or None."""
    if not text:
        return None
    with contextlib.redirect_stdout(io.StringIO()):
        loc = _jionlp().parse_location(text, change2new=True, town_village=False)
    path = tuple(p for p in (loc.get("province"), loc.get("city"), loc.get("county")) if p)
    if not path:
        return None
    detail = loc.get("detail") or ""
    orig = loc.get("orig_location") or text
    written = orig[: len(orig) - len(detail)] if detail and orig.endswith(detail) else orig
    if not written:
        written = path[-1]
    # 关于推进广州市…: the name as written starts at the first place name, not at the sentence
    names = [n for p in path for n in (p, *stems(Jurisdiction(p, (p,)))[1:])]
    at = min((written.find(n) for n in names if n in written), default=0)
    return Jurisdiction(name=written[at:] or path[-1], path=path)


def stems(j: Jurisdiction) -> list[str]:
    """Short names a unit may start with: 临沂市 → 临沂市, 临沂; 友谊县 → 友谊县, 友谊."""
    return list(_stems(j))


@lru_cache(maxsize=4096)
def _stems(j: Jurisdiction) -> tuple[str, ...]:
    """Short names a unit may start with: 临沂市 → 临沂市, 临沂; 友谊县 → 友谊县, 友谊."""
    out = []
    for name in reversed(j.path):
        out.append(name)
        for suffix in ("自治区", "自治州", "自治县", "特别行政区", "省", "市", "县", "区"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                out.append(name[: -len(suffix)])
                break
    return tuple(out)


# ---- speed: jionlp scans all ~3,300 divisions with `name in text` on every call (~17 ms).
# A candidate can only match if one of its names occurs in the text, so look the text's
# substrings up in an index of names first and run jionlp's own matching on those items only
# (same items, same order: the same result).
def _fast_candidates(parser):
    original = type(parser).get_candidates
    items = parser.administrative_map_list
    index: dict[str, set[int]] = {}
    for i, item in enumerate(items):
        for names in item[1:4]:
            for name in names:
                if name:
                    index.setdefault(name, set()).add(i)
    lengths = sorted({len(n) for n in index})

    def get_candidates(location_text):
        hits: set[int] = set()
        n = len(location_text)
        for a in range(n):
            for L in lengths:
                if a + L > n:
                    break
                s = index.get(location_text[a:a + L])
                if s:
                    hits |= s
        full = parser.administrative_map_list
        try:
            parser.administrative_map_list = [items[i] for i in sorted(hits)]
            return original(parser, location_text)
        finally:
            parser.administrative_map_list = full

    return get_candidates

"""Resolve a unit mention, written relative to its document's jurisdiction, to a canonical organization.

市教育局 in the 临沂 plan → 临沂市教育局; 县科协 in the 友谊县 plan → 友谊县科学技术协会;
区教体局 in the 历下区 plan → 历下区教育和体育局; 团县委 → 共青团友谊县委员会;
县委宣传部 → 中共友谊县委宣传部. The tables live in loaders/data/*.tsv and can be extended.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping, Optional

from kg.config import table_paths
from kg.ids import stable_id
from kg.loaders.gazetteer import NATIONAL, Jurisdiction, stems
from kg.loaders.trusted import new_organization
from kg.model import Organization

DATA = Path(__file__).resolve().parent / "data"


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True, eq=False)  # hashed by identity: resolve() caches per table set
class Tables:
    """Abbreviations, sectors and collective patterns; user files extend the shipped ones."""

    abbreviations: dict[str, str]
    sectors: tuple[tuple[str, str], ...]
    collectives: tuple[re.Pattern, ...]

    def is_collective(self, mention: str) -> bool:
        return self._collective_re.search(mention) is not None

    @cached_property
    def _collective_re(self) -> re.Pattern:
        """The collective patterns as one regex, kept on the tables (a cache keyed by the tuple of patterns
        hashed every pattern's source on every call)."""
        return re.compile("|".join(f"(?:{p.pattern})" for p in self.collectives) or "(?!)")

    def sector(self, name: str) -> Optional[str]:
        """The sector of the first key (in table order) that occurs in the name."""
        by_char = self._sector_index
        best: Optional[tuple[int, str]] = None
        for ch in set(name):
            for k, key, sector in by_char.get(ch, ()):
                if (best is None or k < best[0]) and key in name:
                    best = (k, sector)
        return best[1] if best else None

    @cached_property
    def _sector_index(self) -> Mapping[str, tuple[tuple[int, str, str], ...]]:
        """Sector keys by their first character, kept on the tables (a cache keyed by the sectors tuple hashed
        all of it on every call)."""
        return _sector_index(self.sectors)

    @classmethod
    def load(cls, extra_abbreviations: Iterable[Path] = (), extra_sectors: Iterable[Path] = ()) -> "Tables":
        abbr = {r[0]: r[1] for r in _rows(DATA / "abbreviations.tsv") if len(r) >= 2}
        for p in extra_abbreviations:
            abbr.update({r[0]: r[1] for r in _rows(Path(p)) if len(r) >= 2})
        sectors = [(r[0], r[1]) for r in _rows(DATA / "sectors.tsv") if len(r) >= 2]
        for p in extra_sectors:
            sectors = [(r[0], r[1]) for r in _rows(Path(p)) if len(r) >= 2] + sectors
        coll = tuple(re.compile(r[0]) for r in _rows(DATA / "collectives.tsv"))
        return cls(abbr, tuple(sectors), coll)


@lru_cache(maxsize=16)
def _sector_index(sectors: tuple[tuple[str, str], ...]) -> Mapping[str, tuple[tuple[int, str, str], ...]]:
    """Sector keys by their first character, with their position in the table (the first match wins)."""
    index: dict[str, list[tuple[int, str, str]]] = {}
    for k, (key, sector) in enumerate(sectors):
        if key:
            index.setdefault(key[0], []).append((k, key, sector))
    return MappingProxyType({ch: tuple(keys) for ch, keys in index.items()})  # cached: read-only


@lru_cache(maxsize=8)
def _tables_for(abbr: tuple[Path, ...], sectors: tuple[Path, ...]) -> Tables:
    return Tables.load(abbr, sectors)


def default_tables() -> Tables:
    """The shipped tables, extended by files named in KG_ABBREVIATIONS and KG_SECTORS (path-separated)."""
    return _tables_for(table_paths("KG_ABBREVIATIONS"), table_paths("KG_SECTORS"))


PARTY = re.compile(r"^(省|市|县|区)委(.+)$")
LEAGUE = re.compile(r"^团(省|市|县|区)委$")
LEVEL = re.compile(r"^(省|市|县|区)(?![委属直])(.+)$")


def _expand(body: str, tables: Tables) -> str:
    return tables.abbreviations.get(body, body)


def resolve(mention: str, juris: Jurisdiction, tables: Optional[Tables] = None) -> Organization:
    """The canonical organization a mention names, in the document's jurisdiction."""
    oid, name, where, path, sector, collective, m = _canonical(mention, juris, tables or default_tables())
    return new_organization(id=oid, name=name, jurisdiction=where, jurisdiction_path=list(path), sector=sector,
                            collective=collective, aliases=[m])


@lru_cache(maxsize=65536)
def _canonical(mention: str, juris: Jurisdiction, t: Tables) -> tuple:
    """resolve()'s answer as plain values, cached: a province's plans name the same units again and again."""
    m, collective, rule = _read_mention(mention, t)
    name, where, path = _placed(m, juris, t, collective, rule)
    if not path and juris.name == NATIONAL:
        where = NATIONAL
    return (stable_id("organization", name, "/".join(path) or where), name, where, tuple(path), t.sector(name),
            collective, m)


# what a mention says whatever its document: the rule that places it ("league", "party", "level", "厅") with
# the level it names and its expanded body, or None
_Rule = Optional[tuple[str, str, str]]


@lru_cache(maxsize=65536)
def _read_mention(mention: str, t: Tables) -> tuple[str, bool, _Rule]:
    """The normalised mention, whether it is collective and the rule that places it, cached on the mention
    alone: each plan has a jurisdiction of its own, so _canonical misses on every plan's first use of a unit,
    and this part of it is the same in every plan."""
    m = unicodedata.normalize("NFKC", mention).strip()
    collective = t.is_collective(m)
    rule: _Rule = None
    if match := LEAGUE.match(m):
        rule = ("league", match.group(1), "")
    elif match := PARTY.match(m):
        rule = ("party", match.group(1), _expand(match.group(2), t))
    elif (match := LEVEL.match(m)) and not collective:
        rule = ("level", match.group(1), _expand(match.group(2), t))
    elif not collective and re.fullmatch(r"[\u4e00-\u9fff]{1,8}厅", m):
        rule = ("厅", "", _expand(m, t))
    return m, collective, rule


_Placed = tuple[str, str, tuple[str, ...]]  # (name, jurisdiction, jurisdiction path)


def _placed(m: str, juris: Jurisdiction, t: Tables, collective: bool, rule: _Rule) -> _Placed:
    """The full name of mention `m` and where it sits: 团县委, 县委宣传部, 县教育局 at the level they name; a bare
    厅 in a provincial plan; a name that starts with a place of the jurisdiction (临沂市…, 历下区…) there; else
    as written, in the document's jurisdiction."""
    as_written = (m, juris.path[-1] if juris.path else juris.name, juris.path)
    kind = rule[0] if rule is not None else None
    if rule is not None and kind != "厅":
        level = juris.at(rule[1])
        if not level:
            return as_written
        if kind == "league":
            return f"共青团{level}委员会", level, juris.prefix_path(level)
        if kind == "party":
            return f"中共{level}委{rule[2]}", level, juris.prefix_path(level)
        return f"{level}{rule[2]}", level, juris.prefix_path(level)
    if collective:
        return as_written
    if rule is not None and juris.level == "省":  # the rule left is 厅
        # a bare 商务厅 in a provincial plan is that province's department
        return f"{juris.path[0]}{rule[2]}", juris.path[0], juris.path[:1]
    return _after_stem(m, juris, t, as_written)


def _after_stem(m: str, juris: Jurisdiction, t: Tables, as_written: _Placed) -> _Placed:
    """A mention that starts with a place of the jurisdiction (临沂市教育局, 临沂教育局) sits there; its name is
    completed only when the place is written in full."""
    for stem in stems(juris):
        if m.startswith(stem) and len(m) > len(stem):
            full = next((n for n in juris.path if n.startswith(stem)), stem)
            name = f"{full}{_expand(m[len(stem):], t)}" if stem == full else as_written[0]
            return name, full, juris.prefix_path(full)
    return as_written

"""Traditional → simplified, one character for one character (kg.loaders.traditional, loaders/data/t2s.tsv)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.loaders import traditional
from kg.loaders.formats import read_document
from kg.loaders.traditional import DISTINCTIVE, T2S, has_traditional, to_simplified

ROOT = Path(__file__).resolve().parents[1]
SHARED_DOCS = ROOT.parent / "shared" / "corpus" / "docs"
TRAD_DOC = ROOT.parent / "extra_corpus" / "docs" / "03_xianyang_fangguanfu_2022_trad.txt"

# What the table may change in the simplified shared corpus: 環 of the shop name 中環万象城
# (02_chongqing_tizhenxiaofei_2025.pdf), whose 環 means 环. Nothing else.
ALLOWED_IN_SIMPLIFIED = {"環"}


def _read(path: Path) -> str:
    return read_document(path, path.read_bytes()).text


def _shared_docs() -> list[Path]:
    return sorted(p for p in SHARED_DOCS.glob("*") if p.is_file()) if SHARED_DOCS.is_dir() else []


@pytest.mark.parametrize("trad,simp", [
    ("牽頭", "牵头"),
    ("負責", "负责"),
    ("配合單位", "配合单位"),
    ("按職責分工負責", "按职责分工负责"),
    ("縣教育和體育局", "县教育和体育局"),
    ("市衛生健康委", "市卫生健康委"),
    ("市政府辦公室牽頭,各有關部門按職責分工負責", "市政府办公室牵头,各有关部门按职责分工负责"),
    ("關於印發,後同", "关於印发,后同"),  # 於 is simplified too (a surname) and stays; 後 → 后
])
def test_policy_phrases(trad, simp):
    assert to_simplified(trad) == simp
    assert has_traditional(trad)


def test_every_pair_keeps_length_and_converts():
    keys = "".join(T2S)
    out = to_simplified(keys)
    assert len(out) == len(keys)
    assert out == "".join(T2S.values())
    for t, s in T2S.items():
        assert len(t) == 1 and len(s) == 1 and t != s
        assert to_simplified(f"甲{t}乙") == f"甲{s}乙"


def test_astral_characters():
    astral = [t for t in T2S if ord(t) >= 0x10000]
    assert astral, "the table has characters outside the BMP (CJK extension B …)"
    for t in astral:
        assert to_simplified("县" + t) == "县" + T2S[t]
    name = "\U0002cc56"  # 𬱖, the simplified form of 頔 (names): a value, not a key
    assert name not in T2S and to_simplified("李" + name) == "李" + name


def test_conversion_is_idempotent_and_values_are_not_keys():
    assert not set(T2S.values()) & set(T2S)
    text = "".join(T2S)
    assert to_simplified(to_simplified(text)) == to_simplified(text)


@pytest.mark.parametrize("ch", list("乾於著瞭徵藉覆沈昇喆堃夥么像俱拚捱摺菸麴"))
def test_simplified_characters_are_not_in_the_table(ch):
    """Characters that simplified text uses in their own right (乾县, 於 as a surname, 瞭望 …)."""
    assert ch not in T2S
    assert to_simplified(f"在{ch}县") == f"在{ch}县"


def test_no_gb2312_character_is_converted_but_hou():
    def gb2312(c):
        try:
            c.encode("gb2312")
            return True
        except UnicodeEncodeError:
            return False
    assert {t for t in T2S if gb2312(t)} == {"後"}


def test_table_names_its_source_and_license():
    head = [line for line in traditional.TABLE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    head = "\n".join(head)
    assert "OpenCC 1.4.2" in head and "TSCharacters.txt" in head and "Apache License 2.0" in head
    assert len(T2S) > 2500


def test_distinctive_characters_are_converted():
    """has_traditional(text) → to_simplified(text) != text."""
    assert set(DISTINCTIVE) <= set(T2S)
    assert not has_traditional(to_simplified(DISTINCTIVE))


def test_unchanged_text_is_returned_as_is():
    text = "县教育和体育局牵头,各有关部门按职责分工负责。"
    assert to_simplified(text) is text
    assert not has_traditional(text)


def test_simplified_seeds_are_unchanged(seed_files):
    assert seed_files
    for path in seed_files:
        text = _read(path)
        assert to_simplified(text) == text, path.name
        assert not has_traditional(text), path.name


@pytest.mark.skipif(not _shared_docs(), reason="no shared corpus beside the repository")
def test_simplified_shared_corpus_changes_only_the_listed_characters():
    changed = set()
    for path in _shared_docs():
        text = _read(path)
        out = to_simplified(text)
        assert len(out) == len(text), path.name
        changed |= {a for a, b in zip(text, out) if a != b}
        assert not has_traditional(text), path.name
    assert changed <= ALLOWED_IN_SIMPLIFIED


@pytest.mark.skipif(not TRAD_DOC.exists(), reason=f"{TRAD_DOC} not present")
def test_traditional_plan():
    text = _read(TRAD_DOC)
    assert has_traditional(text)
    out = to_simplified(text)
    assert len(out) == len(text)
    assert "市政府办公室、市行政审批制度改革工作领导小组办公室牵头,市级各有关部门及各县市区政府按职责分工负责" in out
    assert not has_traditional(out)
    assert not set(out) & set(T2S)

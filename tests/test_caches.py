"""What an lru_cache hands out is shared by every later caller: it must not be a list or dict one of them
could change."""
from __future__ import annotations

import pytest

from kg.loaders import clauses
from kg.loaders.orgs import default_tables
from kg.rdf import _sector_english


def test_cached_clause_scans_are_tuples() -> None:
    text = "加强科普(市科协牵头,市教育局配合)(2025年底前)"
    found, _ = clauses.find_clauses(text)
    assert isinstance(found, tuple) and found and found is clauses.find_clauses(text)[0]
    groups, unclosed = clauses._scan_brackets(text + "(未闭合")
    assert isinstance(groups, tuple) and isinstance(unclosed, tuple) and unclosed
    assert isinstance(clauses.paren_groups(text), tuple)


def test_cached_tables_are_read_only() -> None:
    english = _sector_english()
    with pytest.raises(TypeError):
        english["科协"] = "x"  # type: ignore[index]
    index = default_tables()._sector_index
    assert index
    with pytest.raises(TypeError):
        index["科"] = ()  # type: ignore[index]
    assert all(isinstance(v, tuple) for v in index.values())

"""The benchmark corpus generator: kg's real parser reads what the generator says it wrote; same seed, same bytes."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import STYLES, document_of_size, generate, write_corpus  # noqa: E402

from kg.loaders import parse_path, parse_text  # noqa: E402


def _counts(graph) -> tuple[int, ...]:
    c = graph.counts()
    return c["sections"], c["actions"], c["tasks"], c["leads"], c["responsible_for"]


def _expected(e) -> tuple[int, ...]:
    return e.sections, e.actions, e.tasks, e.leads, e.responsible_for


def test_generated_documents_parse_into_what_was_written(tmp_path: Path) -> None:
    manifest = write_corpus(tmp_path, 5, seed=3)
    assert len(manifest.documents) == 5
    for e in manifest.documents:
        parsed = parse_path(tmp_path / e.file)
        doc = parsed.graph.documents[0]
        assert _counts(parsed.graph) == _expected(e), e.file
        assert parsed.warnings == []
        assert (doc.jurisdiction, doc.doc_number, doc.issuer) == (e.jurisdiction, e.doc_number, e.issuer)
        assert len(doc.jurisdiction_path) >= 2  # the gazetteer placed it in the national hierarchy
        mentions = {r.mention for r in parsed.graph.responsibilities}
        assert mentions == set(e.mentions)
        assert [t.title for t in parsed.graph.tasks] == e.task_titles
    totals = manifest.totals()
    assert totals["tasks"] > 0 and totals["edges"] > totals["tasks"]


def test_every_layout_and_clause_style_parses() -> None:
    import random

    from generate import generate_document, load_places

    places = load_places()
    rng = random.Random(11)
    seen_styles, clause_kinds = set(), set()
    for i in range(24):
        style = STYLES[i % len(STYLES)]
        text, e = generate_document(rng, places[rng.randrange(len(places))], i, style=style)
        parsed = parse_text(text, f"doc{i}.txt")
        assert _counts(parsed.graph) == _expected(e), (style, i)
        seen_styles.add(style)
        for marker in ("牵头单位：", "责任单位：", "按职责分工负责）", "牵头，各", "配合）", "列第一位者为牵头单位"):
            if marker in text:
                clause_kinds.add(marker)
    assert seen_styles == set(STYLES)
    assert len(clause_kinds) >= 5


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, _ = generate(5, seed=3)
    b, _ = generate(5, seed=3)
    c, _ = generate(5, seed=4)
    assert a == b
    assert a != c
    write_corpus(tmp_path / "x", 5, seed=3)
    write_corpus(tmp_path / "y", 5, seed=3)
    for f in sorted((tmp_path / "x").iterdir()):
        assert f.read_bytes() == (tmp_path / "y" / f.name).read_bytes(), f.name


@pytest.mark.parametrize("size", [1_000, 100_000])
def test_long_documents_parse_into_what_was_written(size: int) -> None:
    text, e = document_of_size(size)
    assert e.bytes >= size * 0.8
    assert _counts(parse_text(text, e.file).graph) == _expected(e)

"""The parser builds its graph elements without pydantic validation (kg.loaders.trusted): they must be
exactly what validation would have made, or a wrong type would reach the stores unnoticed."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kg.loaders import parse_path
from kg.loaders.trusted import new_provenance, new_responsibility, trusted
from kg.model import Graph, Provenance, Responsibility

LAYOUTS = sorted((Path(__file__).resolve().parent / "layouts").glob("*.txt"))


def _same_as_validated(graph: Graph) -> None:
    again = Graph.model_validate(graph.model_dump())
    assert again == graph
    assert again.model_dump_json() == graph.model_dump_json()
    for name in ("sections", "actions", "tasks", "organizations", "responsibilities", "targets"):
        for made, checked in zip(getattr(graph, name), getattr(again, name)):
            assert type(made) is type(checked)
            assert made.model_fields_set == checked.model_fields_set
            assert list(made.__dict__) == list(checked.__dict__)  # field order, as validation makes it
            assert [type(v) for v in made.__dict__.values()] == [type(v) for v in checked.__dict__.values()]


def test_seed_graph_is_what_validation_makes(seed_graph: Graph) -> None:
    _same_as_validated(seed_graph)


def test_parsed_graph_survives_pickling(seed_graph: Graph) -> None:
    """Worker processes send their graphs back pickled (kg.workers)."""
    again = pickle.loads(pickle.dumps(seed_graph))
    assert again == seed_graph and again.model_dump_json() == seed_graph.model_dump_json()


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.name for p in LAYOUTS])
def test_layout_graph_is_what_validation_makes(path: Path) -> None:
    _same_as_validated(parse_path(path).graph)


def test_trusted_matches_the_validating_constructor() -> None:
    prov = new_provenance(document_id="d", start=1, end=3, text="市教育局")
    assert prov == Provenance(document_id="d", start=1, end=3, text="市教育局")
    fields = dict(id="r", role="LEADS", qualifier="牵头", organization_id="o", target_id="t", target_kind="Task",
                  document_id="d", mention="市教育局", deadline=None, prov=prov)
    made, checked = new_responsibility(**fields), Responsibility(**fields)
    assert made == checked and made.model_fields_set == checked.model_fields_set
    made.deadline = "年底前"  # assignment still works as on a validated object
    assert made.deadline == "年底前" and "deadline" in made.model_fields_set


def test_trusted_wants_every_field_in_model_order() -> None:
    make = trusted(Provenance)
    with pytest.raises(TypeError):
        make(document_id="d", start=1, end=3)
    with pytest.raises(TypeError):
        make(start=1, document_id="d", end=3, text="x")


def test_ids_are_unchanged() -> None:
    """Ids are stored and cited: the faster paths in kg.ids give the ids of the original generic one."""
    from kg.ids import responsibility_id, stable_id

    assert stable_id("organization", "临沂市教育局", "山东省/临沂市") == "5b60657bc989801f"
    assert stable_id("task", "abc", 3) == "809d842dac44fc0f"
    assert stable_id("x", "ﬁ（１）", 2) == "0f13429b17a53e51"  # NFKC per key
    assert responsibility_id("LEADS", "0123456789abcdef", "fedcba9876543210") == stable_id(
        "responsibility", "LEADS", "0123456789abcdef", "fedcba9876543210")


@pytest.mark.slow
def test_graph_read_back_from_the_store_is_what_validation_makes(tmp_path: Path, seed_files: list[Path]) -> None:
    """The embedded store reads its graph back with the same trusted constructors (kg/trusted.py)."""
    from kg import api
    from kg.store.embedded import EmbeddedStore

    api.build(*seed_files, db=tmp_path / "kg.db")
    store = EmbeddedStore(tmp_path / "kg.db", read_only=True)
    try:
        graph = store.to_graph()
    finally:
        store.close()
    assert graph.responsibilities and graph.alignments and graph.targets and graph.organizations
    _same_as_validated(graph)
    again = Graph.model_validate(graph.model_dump())
    for made, checked in zip(graph.alignments, again.alignments):
        assert list(made.__dict__.items()) == list(checked.__dict__.items())
        assert [type(v) for v in made.__dict__.values()] == [type(v) for v in checked.__dict__.values()]

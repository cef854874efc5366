"""Shared fixtures: the seed corpus is the canonical fixture (parsed once per session)."""
from __future__ import annotations

from pathlib import Path

import pytest

from _bolt_server import bolt_server  # noqa: F401 — one Bolt server for the session, shared by every module
from kg.model import Graph
from kg.pipeline import collect_files, default_corpus, parse_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return default_corpus()


@pytest.fixture(scope="session")
def seed_files(seeds_dir: Path) -> list[Path]:
    return collect_files([seeds_dir])


@pytest.fixture(scope="session")
def seed_graph(seed_files: list[Path]) -> Graph:
    batch = parse_files(seed_files)
    assert not batch.failures
    return batch.graph

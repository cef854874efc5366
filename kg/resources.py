"""Locate the data kg ships: seeds/, queries/, ontology/, loaders/data/.

Installed from a wheel they sit inside the kg package; in an editable install or a
source checkout they sit beside it, at the project's top level.
"""
from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_MAPPED = {"loaders": "loaders", "queries": "queries", "ontology": "ontology", "seeds": "seeds"}


def resource_dir(name: str) -> Path:
    """The directory holding kg's shipped `name` (seeds, queries, ontology, loaders)."""
    for candidate in (_PKG / name, _PKG.parent / _MAPPED.get(name, name)):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg's {name}/ directory is missing from {_PKG} and {_PKG.parent}")

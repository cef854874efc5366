"""Locate the data kg ships: seeds/, queries/, ontology/, loaders/data/.

They are folders of the kg package (kg/seeds, kg/queries … link to the project's top-level folders, and
a wheel holds them inside kg/), found through importlib.resources like any package data.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_dir(name: str) -> Path:
    """The directory holding kg's shipped `name` (seeds, queries, ontology, loaders)."""
    path = Path(str(files("kg") / name))
    if not path.is_dir():
        raise FileNotFoundError(f"kg's {name}/ directory is missing from {path.parent}")
    return path

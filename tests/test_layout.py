"""The package as tools see it: kg/loaders, kg/queries, kg/ontology and kg/seeds are links to the project's
top-level folders, so mypy, ruff and editors resolve `import kg.loaders` by a path that exists, and a wheel
lists every package the source tree holds."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
LINKED = ("loaders", "queries", "ontology", "seeds")


@pytest.mark.parametrize("name", LINKED)
def test_each_data_and_loader_folder_is_linked_into_kg(name: str) -> None:
    link = ROOT / "kg" / name
    assert link.is_symlink(), f"kg/{name} must be a link to ../{name}"
    assert os.readlink(link) == f"../{name}"
    assert link.resolve() == (ROOT / name).resolve()


def test_every_package_of_the_tree_is_in_the_wheel_list() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"kg"}
    for dirpath, dirnames, filenames in os.walk(ROOT / "kg", followlinks=True):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        rel = Path(dirpath).relative_to(ROOT)
        if "__init__.py" in filenames or rel.parts[-1] == "seeds":
            found.add(".".join(rel.parts))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == set(), "these are listed in pyproject.toml but are not packages"

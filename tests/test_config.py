"""Settings from the environment are read in kg/config.py only, at call time."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg import config

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_config_module_reads_the_environment() -> None:
    """The library takes explicit values; a new os.environ read deep in it would be a knob nobody can find."""
    readers = []
    for folder in ("kg", "loaders"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if re.search(r"os\.environ|os\.getenv|\bgetenv\(", path.read_text(encoding="utf-8")):
                readers.append(path.relative_to(ROOT).as_posix())
    assert readers == ["kg/config.py"]


def test_settings_are_read_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_DB", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert config.default_db() == Path("kg.db") and config.default_backend() == "embedded"
    monkeypatch.setenv("KG_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("NEO4J_URI", "bolt://example:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    assert config.default_db() == tmp_path / "x.db" and config.default_backend() == "neo4j"
    s = config.neo4j_settings()
    assert (s.uri, s.password, s.database) == ("bolt://example:7687", "pw", None)


def test_progress_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_PROGRESS", "LINES")
    monkeypatch.setenv("KG_PROGRESS_INTERVAL", "not a number")
    s = config.progress_settings()
    assert (s.tty, s.interval, s.off) == (False, None, False)  # a malformed interval keeps the default
    monkeypatch.setenv("KG_PROGRESS", "off")
    monkeypatch.setenv("KG_PROGRESS_INTERVAL", "-3")
    s = config.progress_settings()
    assert (s.tty, s.interval, s.off) == (None, 0.0, True)


def test_table_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("KG_SECTORS", os.pathsep.join(["a.tsv", "", "b.tsv"]))
    assert config.table_paths("KG_SECTORS") == (Path("a.tsv"), Path("b.tsv"))
    monkeypatch.delenv("KG_SECTORS")
    assert config.table_paths("KG_SECTORS") == ()

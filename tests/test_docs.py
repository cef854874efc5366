"""Docs test: every CLI command has help text and appears in the README; CI runs the README's test command."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.library import list_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_the_readme():
    assert main.commands
    for name, command in main.commands.items():
        assert (command.help or "").strip(), f"kg {name} has no help text"
        assert f"kg {name}" in README, f"kg {name} is not in the README"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_every_query_is_listed_in_the_readme():
    for q in list_queries():
        assert q.name in README, q.name


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    test_command = blocks[1].strip()
    assert test_command == "./scripts/test"
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


@pytest.mark.slow
def test_the_readme_python_example_runs(tmp_path):
    """The README's Python example, run as written in an empty folder, prints what the library says."""
    import subprocess
    import sys

    import kg

    example = re.findall(r"```python\n(.*?)```", README, re.S)[0]
    out = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    graph = kg.parse()
    lines = out.stdout.splitlines()
    assert lines[0] == f"{len(graph.documents)} documents, {len(graph.responsibilities)} edges"
    assert lines[1] == f"{len(graph.documents)} loaded, 0 failed"
    partners = kg.query("partners", tmp_path / "kg.db", name="县科协").records()[:3]
    assert partners and lines[2:5] == [f"{r['partner']} {r['shared']}" for r in partners]
    assert lines[5] == f"{len(graph.organizations)} organizations"
    assert (tmp_path / "seeds.ttl").stat().st_size > 0

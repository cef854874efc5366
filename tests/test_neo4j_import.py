"""neo4j-admin import files: counts, ids, headers, Chinese text and CSV quoting, for the seed graph."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.model import Graph
from kg.neo4j_import import REL_FILES, neo4j_admin_command, write_neo4j_import

LABELS = ("Document", "Section", "Action", "Task", "Organization")
HEADER_COL = re.compile(r"^(?:[a-z_][a-z0-9_]*(?::(?:int|boolean|string\[\]))?|id:ID\((\w+)\)|:START_ID\((\w+)\)|:END_ID\((\w+)\)|:LABEL|:TYPE)$")


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def exported(seed_graph: Graph, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("neo4j-import")
    return out, write_neo4j_import(seed_graph, out)


def test_row_counts_match_the_graph(seed_graph: Graph, exported) -> None:
    out, counts = exported
    c = seed_graph.counts()
    expected = {
        "Document": c["documents"], "Section": c["sections"], "Action": c["actions"], "Task": c["tasks"],
        "Organization": c["organizations"], "HAS_SECTION": c["sections"], "HAS_ACTION_Document": c["actions"],
        "HAS_ACTION_Section": sum(a.section_id is not None for a in seed_graph.actions), "HAS_TASK": c["tasks"],
        "LEADS_Action": sum(r.role == "LEADS" and r.target_kind == "Action" for r in seed_graph.responsibilities),
        "LEADS_Task": sum(r.role == "LEADS" and r.target_kind == "Task" for r in seed_graph.responsibilities),
        "RESPONSIBLE_FOR_Action": sum(r.role == "RESPONSIBLE_FOR" and r.target_kind == "Action" for r in seed_graph.responsibilities),
        "RESPONSIBLE_FOR_Task": sum(r.role == "RESPONSIBLE_FOR" and r.target_kind == "Task" for r in seed_graph.responsibilities),
    }
    assert counts == expected
    assert c["leads"] + c["responsible_for"] > 0 and c["tasks"] > 0
    for stem, n in counts.items():
        assert len(_read(out / f"{stem}.csv")) == n, stem  # read back: embedded newlines stay inside fields


def test_headers_are_well_formed(exported) -> None:
    out, counts = exported
    for label in LABELS:
        (header,) = _read(out / f"{label}.header.csv")
        assert header[0] == f"id:ID({label})" and header[-1] == ":LABEL"
        assert all(HEADER_COL.match(h) for h in header), header
        assert len(set(header)) == len(header)
        rows = _read(out / f"{label}.csv")
        assert all(len(r) == len(header) and r[-1] == label for r in rows)
    for stem, rel, start, end in REL_FILES:
        (header,) = _read(out / f"{stem}.header.csv")
        assert header[:2] == [f":START_ID({start})", f":END_ID({end})"] and header[-1] == ":TYPE"
        assert all(HEADER_COL.match(h) for h in header), header
        rows = _read(out / f"{stem}.csv")
        assert all(len(r) == len(header) and r[-1] == rel for r in rows)
    (org,) = _read(out / "Organization.header.csv")
    assert "aliases:string[]" in org and "collective:boolean" in org
    (task,) = _read(out / "Task.header.csv")
    assert "ordinal:int" in task and "start:int" in task and "end:int" in task


def test_every_relationship_names_an_existing_node(exported) -> None:
    out, _ = exported
    ids = {label: {r[0] for r in _read(out / f"{label}.csv")} for label in LABELS}
    for label, s in ids.items():
        assert len(s) == len(_read(out / f"{label}.csv")), f"duplicate {label} ids"
    for stem, _rel, start, end in REL_FILES:
        for r in _read(out / f"{stem}.csv"):
            assert r[0] in ids[start] and r[1] in ids[end], (stem, r[:2])


def test_values_round_trip_with_chinese_and_quoting(seed_graph: Graph, exported) -> None:
    out, _ = exported
    (header,) = _read(out / "Task.header.csv")
    col = {h.split(":")[0]: i for i, h in enumerate(header)}
    rows = {r[0]: r for r in _read(out / "Task.csv")}
    for t in seed_graph.tasks:
        r = rows[t.id]
        assert r[col["title"]] == t.title and r[col["text"]] == t.prov.text
        assert int(r[col["ordinal"]]) == t.ordinal and int(r[col["start"]]) == t.prov.start
    assert any("\n" in t.prov.text or "," in t.prov.text for t in seed_graph.tasks)
    (oh,) = _read(out / "Organization.header.csv")
    ocol = {h.split(":")[0]: i for i, h in enumerate(oh)}
    orgs = {r[0]: r for r in _read(out / "Organization.csv")}
    for o in seed_graph.organizations:
        r = orgs[o.id]
        assert r[ocol["name"]] == o.name
        assert r[ocol["aliases"]].split(";") == o.aliases
        assert r[ocol["collective"]] == ("true" if o.collective else "false")
    assert "友谊县科学技术协会" in {r[ocol["name"]] for r in orgs.values()}


def test_quotes_commas_newlines_and_nulls(tmp_path: Path, seed_graph: Graph) -> None:
    doc = seed_graph.documents[0]
    tricky = '他说"好",\n再见；"结束"'
    g = Graph(documents=[doc.model_copy(update={"title": tricky, "doc_number": None, "based_on": ["A,B", '"C"']})])
    write_neo4j_import(g, tmp_path)
    (header,) = _read(tmp_path / "Document.header.csv")
    (row,) = _read(tmp_path / "Document.csv")
    col = {h.split(":")[0]: i for i, h in enumerate(header)}
    assert row[col["title"]] == tricky and row[col["doc_number"]] == ""
    assert row[col["based_on"]] == 'A,B;"C"'
    raw = (tmp_path / "Document.csv").read_text(encoding="utf-8")
    assert '"他说""好"",\n再见；""结束"""' in raw  # quotes doubled, newline kept inside the quotes
    bad = Graph(documents=[doc.model_copy(update={"based_on": ["A;B"]})])
    with pytest.raises(KgError, match="array delimiter"):
        write_neo4j_import(bad, tmp_path / "bad")


def test_deterministic_and_command(seed_graph: Graph, exported, tmp_path: Path) -> None:
    out, _ = exported
    shuffled = Graph(documents=list(reversed(seed_graph.documents)), sections=list(reversed(seed_graph.sections)),
                     actions=list(reversed(seed_graph.actions)), tasks=list(reversed(seed_graph.tasks)),
                     organizations=list(reversed(seed_graph.organizations)),
                     responsibilities=list(reversed(seed_graph.responsibilities)))
    write_neo4j_import(shuffled, tmp_path)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name
    argv = neo4j_admin_command("import")
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    files = [f for a in argv if a.startswith(("--nodes=", "--relationships=")) for f in a.split("=", 1)[1].split(",")]
    assert sorted(Path(f).name for f in files) == names

"""The analyst's day (issue #13): Excel-ready exports, units in source order, RDF to stdout and compacted
JSON-LD, "did you mean" for name lookups, JSON parameters, one query shown whole, shell completion."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export_xlsx import ORG_COLUMNS, TASK_COLUMNS, page_to_xlsx
from kg.library import get_query, parse_params, run_named, bind
from kg.pipeline import parse_files
from kg.store.embedded import EmbeddedStore
from kg.table import responsibility_rows

ROOT = Path(__file__).resolve().parents[1]
YOUYI = "001_d3227398dcf91ff4.txt"
# The seed clause that lists five units: （责任单位：县委宣传部、县教育和体育局、县文化广电和旅游局、团县委、县科协）
YOUYI_TASK = "将弘扬科学精神贯穿于育人全链条"
AS_WRITTEN = ["县委宣传部", "县教育和体育局", "县文化广电和旅游局", "团县委", "县科协"]
CANONICAL = ["中共友谊县委宣传部", "友谊县教育和体育局", "友谊县文化广电和旅游局", "共青团友谊县委员会", "友谊县科学技术协会"]
# A second county that also writes 县科协, so that the name is ambiguous across places.
RAOHE = ("饶河县人民政府办公室\n2022年3月1日\n饶河县全民科学素质行动规划纲要实施方案\n一、提升行动\n"
         "（一）青少年科学素质提升行动\n1.加强科学教育。开展科学教育活动。（责任单位：县教育局、县科协）\n")


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("analyst") / "db")
    r = _run("build", "--db", path, "--no-align")
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory, seeds_dir) -> str:
    folder = tmp_path_factory.mktemp("counties")
    (folder / "raohe.txt").write_text(RAOHE, encoding="utf-8")
    path = str(folder / "db")
    r = _run("build", str(seeds_dir / YOUYI), str(folder / "raohe.txt"), "--db", path, "--no-align")
    assert r.exit_code == 0, r.output
    return path


def _sheet(ws) -> list[list]:
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


# ---------------------------------------------------------------------------------------------
# xlsx: the 任务分工表 read back and compared with `kg extract`
# ---------------------------------------------------------------------------------------------

def _workbook(tmp_path: Path, *args: str) -> openpyxl.Workbook:
    out = tmp_path / "分工表.xlsx"
    r = _run("export", "xlsx", *args, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "document sheets" in r.stdout
    return openpyxl.load_workbook(out)


@pytest.mark.slow
def test_export_xlsx_matches_extract(tmp_path, seeds_dir):
    wb = _workbook(tmp_path, str(seeds_dir))
    extract = _run("extract", str(seeds_dir), "--format", "jsonl")
    edges = [json.loads(line) for line in extract.stdout.splitlines()]
    assert wb.sheetnames[0] == "文件" and wb.sheetnames[-1] == "单位"
    index = _sheet(wb["文件"])
    assert len(index) == 1 + 5
    column = {"牵头": "牵头单位", "负责": "责任单位", "配合": "配合单位", "指导": "责任单位"}
    for sheet, title, *_ in index[1:]:
        ws = wb[sheet]
        rows = _sheet(ws)
        assert rows[0] == TASK_COLUMNS and ws.freeze_panes == "A2"
        assert ws.column_dimensions["H"].width == 60 and ws.column_dimensions["A"].width == 6
        assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))  # 序号
        # every edge of this document is in its row and column, units in the order the document lists them
        want: dict[tuple, list[str]] = {}
        for e in edges:
            if e["document"] == title:
                unit = e["unit"] + ("（指导）" if e["qualifier"] == "指导" else "")
                cell = want.setdefault((e["action"], e["task"] or "", column[e["qualifier"]]), [])
                if unit not in cell:
                    cell.append(unit)
        got = {}
        for r in rows[1:]:
            rec = dict(zip(TASK_COLUMNS, r))
            for col in ("牵头单位", "责任单位", "配合单位"):
                if rec[col]:
                    got[(rec["行动"], rec["任务"], col)] = rec[col].split("、")
            if rec["原文条款"]:
                for span, clause in zip(rec["位置"].split("、"), rec["原文条款"].split("\n")):
                    assert any(e["clause"] == clause and f"{e['span'][0]}–{e['span'][1]}" == span for e in edges)
        assert got == want, sheet
    youyi = _sheet(wb[next(s for s, t, *_ in index[1:] if t.startswith("友谊县"))])
    row = next(dict(zip(TASK_COLUMNS, r)) for r in youyi if r[2] == YOUYI_TASK)
    assert row["责任单位"] == "、".join(AS_WRITTEN)


def test_xlsx_organizations_sheet_counts_roles(tmp_path, seeds_dir):
    wb = _workbook(tmp_path, str(seeds_dir / YOUYI))
    rows = _sheet(wb["单位"])
    assert rows[0] == ORG_COLUMNS
    orgs = {r[0]: dict(zip(ORG_COLUMNS, r)) for r in rows[1:]}
    edges = responsibility_rows(parse_files([seeds_dir / YOUYI]).graph)
    kx = orgs["友谊县科学技术协会"]
    assert (kx["辖区"], kx["领域"], kx["原文写法"]) == ("友谊县", "科协", "县科协")
    for q in ("牵头", "负责", "配合", "指导"):
        assert kx[q] == sum(e["organization"] == "友谊县科学技术协会" and e["qualifier"] == q for e in edges)
    assert kx["合计"] == sum(e["organization"] == "友谊县科学技术协会" for e in edges) == 35
    assert sum(o["合计"] for o in orgs.values()) == len(edges)


@pytest.mark.slow
def test_xlsx_from_the_store_equals_xlsx_from_the_files(tmp_path, seeds_dir, db):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _workbook(tmp_path / "a", str(seeds_dir))
    b = _workbook(tmp_path / "b", "--db", db)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert _sheet(a[name]) == _sheet(b[name]), name


# ---------------------------------------------------------------------------------------------
# Units in source order, from files and from the store
# ---------------------------------------------------------------------------------------------

def test_units_in_source_order_everywhere(db, seeds_dir):
    with EmbeddedStore(db, read_only=True) as store:
        from_store = [r["unit"] for r in responsibility_rows(store.to_graph()) if r["task"] == YOUYI_TASK
                      and r["document"].startswith("友谊县")]
        matrix = run_named(store, "accountability_matrix", {"document": "友谊县"}).records()
    assert from_store == AS_WRITTEN
    from_files = [r["unit"] for r in responsibility_rows(parse_files([seeds_dir / YOUYI]).graph)
                  if r["task"] == YOUYI_TASK]
    assert from_files == AS_WRITTEN
    row = next(r for r in matrix if r["task"] == YOUYI_TASK)
    assert row["task_responsible"] == CANONICAL
    assert row["action_leads"] == ["友谊县教育和体育局", "友谊县科学技术协会"]  # （牵头单位：县教育和体育局、县科协）
    cli = json.loads(_run("query", "accountability_matrix", "-p", "document=友谊县", "--db", db,
                          "--format", "json").stdout)
    assert next(r for r in cli["rows"] if r["task"] == YOUYI_TASK)["task_responsible"] == CANONICAL


# ---------------------------------------------------------------------------------------------
# CSV for Excel
# ---------------------------------------------------------------------------------------------

def test_csv_excel_has_bom_crlf_joined_lists_and_spans(seeds_dir, db):
    r = CliRunner().invoke(main, ["extract", str(seeds_dir / YOUYI), "--format", "csv-excel"])
    raw = r.stdout_bytes
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    first = next(x for x in rows if x["task"] == YOUYI_TASK)
    assert first["span"] == "1092–1130" and first["collective"] == "false"
    m = CliRunner().invoke(main, ["query", "accountability_matrix", "-p", "document=友谊县", "--db", db,
                                  "--format", "csv-excel"])
    matrix = list(csv.DictReader(io.StringIO(m.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert next(x for x in matrix if x["task"] == YOUYI_TASK)["task_responsible"] == "、".join(CANONICAL)


def test_plain_csv_stays_plain(seeds_dir, db):
    r = CliRunner().invoke(main, ["extract", str(seeds_dir / YOUYI), "--format", "csv"])
    assert not r.stdout_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" not in r.stdout_bytes
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert json.loads(rows[0]["span"]) == [966, 984] and rows[0]["collective"] == "false"
    m = _run("query", "accountability_matrix", "-p", "document=友谊县", "--db", db, "--format", "csv")
    matrix = list(csv.DictReader(io.StringIO(m.stdout)))
    assert json.loads(next(x for x in matrix if x["task"] == YOUYI_TASK)["task_responsible"]) == CANONICAL


# ---------------------------------------------------------------------------------------------
# A query result as a workbook
# ---------------------------------------------------------------------------------------------

def test_query_xlsx_equals_the_library_page(tmp_path, db):
    out = tmp_path / "r.xlsx"
    r = _run("query", "organization_responsibilities", "-p", "name=县科协", "--limit", "3", "--format", "xlsx",
             "-o", str(out), "--db", db)
    assert r.exit_code == 0, r.output
    assert "3 of 35 rows" in r.stderr
    with EmbeddedStore(db, read_only=True) as store:
        page = run_named(store, "organization_responsibilities", {"name": "县科协", "limit": 3})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["organization_responsibilities", "notes"]
    rows = _sheet(wb["organization_responsibilities"])
    assert rows[0] == page.columns
    assert rows[1:] == [["" if v is None else v for v in row] for row in page.rows]
    assert _sheet(wb["notes"])[1] == ["3 of 35 rows"]
    with EmbeddedStore(db, read_only=True) as store:
        matrix_page = run_named(store, "accountability_matrix", {"document": "友谊县"})
    lists = openpyxl.load_workbook(io.BytesIO(page_to_xlsx(matrix_page)))
    matrix = _sheet(lists["result"])
    col = matrix[0].index("task_responsible")
    assert next(r for r in matrix if r[3] == YOUYI_TASK)[col] == "、".join(CANONICAL)
    assert "notes" not in lists.sheetnames


# ---------------------------------------------------------------------------------------------
# RDF to stdout; compacted JSON-LD
# ---------------------------------------------------------------------------------------------

def test_export_rdf_to_stdout_and_compacted_jsonld(tmp_path, seeds_dir):
    seed = str(seeds_dir / "004_e9103c7baaac5c31.txt")
    r = CliRunner().invoke(main, ["export", "rdf", seed, "-o", "-"])
    assert r.exit_code == 0 and "triples" in r.stderr and "Wrote" not in r.stdout
    _run("export", "rdf", seed, "-o", str(tmp_path / "a.ttl"))
    assert r.stdout_bytes == (tmp_path / "a.ttl").read_bytes()
    j = CliRunner().invoke(main, ["export", "rdf", seed, "--format", "jsonld", "-o", "-"])
    doc = json.loads(j.stdout_bytes)
    ctx = doc["@context"]
    assert ctx["kg"] == "https://w3id.org/kg-policy/ontology#" and ctx["@language"] == "zh"
    assert ctx["task"] == "https://w3id.org/kg-policy/id/task/"
    nodes = [n for g in doc["@graph"] for n in g.get("@graph", [g])]
    task = next(n for n in nodes if n.get("@type") == "kg:Task" or "kg:Task" in n.get("@type", []))
    assert task["@id"].startswith("task:") and isinstance(task["rdfs:label"], str)
    nq = CliRunner().invoke(main, ["export", "rdf", seed, "--format", "nq", "-o", "-"]).stdout_bytes
    assert set(ox.parse(j.stdout_bytes, ox.RdfFormat.JSON_LD)) == set(ox.parse(nq, ox.RdfFormat.N_QUADS))


# ---------------------------------------------------------------------------------------------
# Asking without guessing: did you mean, jurisdiction
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_did_you_mean_for_a_name_that_finds_nothing(db):
    r = _run("query", "organization_responsibilities", "-p", "name=友谊县科协", "--db", db)
    assert r.exit_code == 0 and r.stdout.splitlines()[-1] == "(0 rows)"
    assert "did you mean: 友谊县科学技术协会 (友谊县)" in r.stderr
    j = json.loads(_run("query", "partners", "-p", "name=友谊县科协", "--db", db, "--format", "json").stdout)
    assert j["rows"] == [] and j["did_you_mean"] == [
        {"organization": "友谊县科学技术协会", "jurisdiction": "友谊县", "sector": "科协"}]
    every = _run("query", "organization_neighbourhood", "-p", "name=科协", "--db", db)
    assert ("did you mean: 临沂市科学技术协会 (临沂市), 历下区科学技术协会 (历下区), 友谊县科学技术协会 (友谊县)"
            in every.stderr)
    none = _run("query", "organization_responsibilities", "-p", "name=没有这个单位", "--db", db)
    assert none.exit_code == 0 and "no organization named '没有这个单位'" in none.stderr
    found = _run("query", "organization_responsibilities", "-p", "name=县科协", "--all", "--db", db)
    assert found.stderr == ""  # one organization of that name in the seeds: nothing to say
    other = _run("query", "edge_provenance", "-p", "name=县科协", "-p", "title=没有这个任务", "--db", db)
    assert other.exit_code == 0 and other.stderr == ""  # the unit exists: the title found nothing
    place = _run("query", "organization_responsibilities", "-p", "name=县科协", "-p", "jurisdiction=临沂市", "--db", db)
    assert "no organization is named '县科协' in 临沂市; did you mean: 友谊县科学技术协会 (友谊县)?" in place.stderr


def test_lookup_query_lists_organizations_by_part_of_a_name(db):
    with EmbeddedStore(db, read_only=True) as store:
        rows = run_named(store, "organization_lookup", {"name": "科协"}).records()
        assert [(r["organization"], r["jurisdiction"]) for r in rows] == [
            ("临沂市科学技术协会", "临沂市"), ("历下区科学技术协会", "历下区"), ("友谊县科学技术协会", "友谊县")]
        assert rows[2]["written"] == ["县科协"]
        assert [r["organization"] for r in run_named(store, "organization_lookup",
                                                     {"name": "科协", "jurisdiction": "黑龙江省"}).records()] \
            == ["友谊县科学技术协会"]


@pytest.mark.slow
def test_jurisdiction_picks_one_of_several_places(two_counties):
    both = _run("query", "organization_responsibilities", "-p", "name=县科协", "--all", "--db", two_counties,
                "--format", "json")
    orgs = {r["organization"] for r in json.loads(both.stdout)["rows"]}
    assert orgs == {"友谊县科学技术协会", "饶河县科学技术协会"}
    assert "names organizations in 2 places (友谊县, 饶河县) — pick one with --param jurisdiction=" in both.stderr
    one = _run("query", "organization_responsibilities", "-p", "name=县科协", "-p", "jurisdiction=饶河县", "--all",
               "--db", two_counties, "--format", "json")
    assert one.stderr == "" and [r["title"] for r in json.loads(one.stdout)["rows"]] == ["加强科学教育"]
    province = _run("query", "partners", "-p", "name=县科协", "-p", "jurisdiction=黑龙江省", "--db", two_counties,
                    "--format", "json")
    assert {r["organization"] for r in json.loads(province.stdout)["rows"]} == orgs
    elsewhere = _run("query", "partners", "-p", "name=县科协", "-p", "jurisdiction=山东省", "--db", two_counties)
    assert "(0 rows)" in elsewhere.stdout and "no organization" in elsewhere.stderr


# ---------------------------------------------------------------------------------------------
# Parameters as JSON literals; one query shown whole
# ---------------------------------------------------------------------------------------------

def test_params_are_json_literals_else_text():
    p = parse_params(["n=3", "x=3.5", "b=true", 'l=["a","b"]', 's="text"', "name=市科协", "eq=a=b", "year=2025"])
    assert dict(p) == {"n": 3, "x": 3.5, "b": True, "l": ["a", "b"], "s": "text", "name": "市科协", "eq": "a=b",
                       "year": 2025}
    # a named query's string parameter gets the text as typed; an int parameter refuses 3.5 and true
    assert bind(get_query("task_responsibility"), parse_params(["text=2025"]))["text"] == "2025"
    assert bind(get_query("tasks_with_many_units"), parse_params(["n=3"]))["n"] == 3
    from kg.errors import QueryError

    for bad in ("n=3.5", "n=true"):
        with pytest.raises(QueryError, match="integer"):
            bind(get_query("tasks_with_many_units"), parse_params([bad]))


def test_cypher_limit_parameter(db):
    r = _run("cypher", "MATCH (o:Organization) RETURN o.name AS name ORDER BY name LIMIT $n", "--param", "n=3",
             "--db", db, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 3


def test_queries_name_shows_one_query_whole():
    r = _run("queries", "partners")
    assert r.exit_code == 0
    text = r.stdout
    q = get_query("partners")
    assert text.startswith(f"partners — {q.question}")
    for p in q.params:
        assert f"  {p.name} ({p.type}, " in text and p.description in text
    assert 'limit (int, default 100)' in text and 'jurisdiction (string, default "")' in text
    assert "kg query partners --param name=市科协" in text
    assert "MATCH (o:Organization)" in text and "queries/partners.cypher" in text
    d = json.loads(_run("queries", "partners", "--format", "json").stdout)
    assert d["text"] == q.text and [p["name"] for p in d["params"]] == ["name", "jurisdiction", "limit"]
    bad = _run("queries", "nope")
    assert bad.exit_code == 1 and "partners" in bad.stderr


@pytest.mark.slow
def test_every_example_call_runs(db):
    """`kg queries NAME` prints an example call: it must run as printed."""
    from kg.library import example_call, list_queries

    for q in list_queries():
        args = example_call(q).split()[2:]  # after "kg query"
        r = _run("query", *args, "--db", db)
        assert r.exit_code == 0, (q.name, r.output)


# ---------------------------------------------------------------------------------------------
# Shell completion, LICENSE
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_shell_completion_of_commands_and_query_names():
    kg = str(Path(sys.executable).with_name("kg"))
    if not os.path.exists(kg):
        pytest.skip("the kg entry point is not installed next to this Python")
    script = subprocess.run([kg], env={**os.environ, "_KG_COMPLETE": "bash_source"}, capture_output=True,
                            text=True)
    assert "_kg_completion" in script.stdout
    names = subprocess.run([kg], env={**os.environ, "_KG_COMPLETE": "bash_complete", "COMP_WORDS": "kg query part",
                                      "COMP_CWORD": "2"}, capture_output=True, text=True)
    assert "partners" in names.stdout


def test_license_matches_pyproject():
    import tomllib

    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text

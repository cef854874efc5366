"""The public Python API (kg/__init__.py, kg.api): what a user imports, and its errors."""
from __future__ import annotations

import pytest

import kg
from kg.model import Graph


def test_every_model_class_is_exported():
    import kg.model as model

    classes = {n for n, v in vars(model).items() if isinstance(v, type) and issubclass(v, model._Strict)
               and v is not model._Strict and v.__module__ == model.__name__}
    assert classes and classes <= set(kg.__all__)


def test_parse_reads_files_and_folders_into_one_graph(seed_files):
    one = kg.parse(seed_files[0])
    two = kg.parse(*seed_files[:2])
    assert isinstance(one, Graph) and len(one.documents) == 1 and len(two.documents) == 2
    assert {d.id for d in one.documents} < {d.id for d in two.documents}
    assert kg.parse_one(seed_files[0]) == one


def test_parse_errors_name_the_file(tmp_path, seed_files):
    with pytest.raises(kg.NoDocumentError):
        kg.parse(tmp_path / "missing")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    worse = tmp_path / "worse.xlsx"
    worse.write_bytes(b"not a zip either")
    with pytest.raises(kg.InputError) as e:
        kg.parse(bad, worse, seed_files[0])
    assert e.value.file == str(bad) and "DOCX" in e.value.reason and "1 more" in str(e.value)
    assert str(e.value).count(str(bad)) == 1


@pytest.mark.slow
def test_query_takes_an_open_store_or_a_folder(tmp_path, seed_files):
    db = tmp_path / "kg.db"
    report = kg.build(*seed_files[:2], db=db, align=False)
    assert not report.failures and len(report.loaded) == 2
    by_path = kg.query("organization_responsibilities", db, name="县科协", limit=5)
    with kg.open_store(db=db, read_only=True) as store:
        by_store = kg.query("organization_responsibilities", store, name="县科协", limit=5)
        assert kg.export_rdf(store, tmp_path / "x.nt", "nt") > 0
    assert by_path.rows and by_path.rows == by_store.rows


def test_the_build_function_survives_importing_the_build_module():
    import importlib

    module = importlib.import_module("kg.build")  # what `kg build` and the library do, lazily
    from kg.build import BuildReport

    assert callable(kg.build) and kg.build.__module__ == "kg.api"
    assert module.BuildReport is BuildReport

"""Word 97-2003 (.doc) and Excel 97-2003 (.xls) files, as offices still publish them, read as their DOCX /
XLSX twins are: the same text structure, tables and edges. The fixtures in tests/office97/ were written as
DOCX / XLSX and converted by LibreOffice (tests/office97/make.py says how); damaged copies are made here."""
from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.loaders import parse_file, parse_text
from kg.loaders.formats import read_document
from kg.table import responsibility_rows

HERE = Path(__file__).resolve().parent / "office97"
SEED = "001_d3227398dcf91ff4.txt"


def _edges(graph) -> set[tuple]:
    return {(r["section"], r["action"], r["task"], r["unit"], r["role"], r["qualifier"], r["deadline"])
            for r in responsibility_rows(graph)}


def _read(name: str):
    path = HERE / name
    return read_document(path, path.read_bytes())


def _grids(name: str) -> list[list[list]]:
    return [[[c.text if c is not None else None for c in row] for row in t.rows] for t in _read(name).tables]


def test_the_seed_as_a_doc_gives_the_seed_edges(seeds_dir):
    """一、/（一） headings are Word auto-numbering (rebuilt from the .doc's list tables), one action's tasks
    sit in a table, the header and footer hold text that is not the document's."""
    want = _edges(parse_text((seeds_dir / SEED).read_text(encoding="utf-8"), SEED).graph)
    got = _read("seed.doc")
    assert got.format == "doc" and got.note == "18 list markers rebuilt from Word auto-numbering"
    assert "友谊县人民政府办公室文件" not in got.text  # the header
    assert _edges(parse_file(HERE / "seed.doc")) == want
    assert sum(e[4] == "LEADS" for e in want) == 13 and sum(e[4] == "RESPONSIBLE_FOR" for e in want) == 148


@pytest.mark.parametrize("name", ["plan", "tab", "misc"])
def test_a_doc_reads_as_its_docx(name):
    doc, docx = _read(f"{name}.doc"), _read(f"{name}.docx")
    assert doc.text == docx.text
    assert _grids(f"{name}.doc") == _grids(f"{name}.docx")
    assert _edges(parse_file(HERE / f"{name}.doc")) == _edges(parse_file(HERE / f"{name}.docx"))


def test_doc_tables_resolve_merged_cells():
    """A section row merged across all columns, a task cell merged down over two rows."""
    (grid,) = _grids("tab.doc")
    assert grid[1] == ["一、提升政务服务效能"] * 5
    assert grid[2][1] == grid[3][1] == "推进“一网通办”"
    assert grid[4][2] == "压缩办税时间。\n推广电子发票。"
    assert len(_edges(parse_file(HERE / "tab.doc"))) == 9


def test_doc_fields_line_breaks_and_numbering():
    got = _read("misc.doc")
    lines = got.text.split("\n")
    assert "详见区政府网站：区政府门户网站" in lines  # the hyperlink's result, not its code
    assert "HYPERLINK" not in got.text
    assert lines[1].startswith("1.强化") and lines[2].startswith("2.深化")
    assert "（区委宣传部牵头，区应急管理局配合）" in lines  # after a line break inside the paragraph
    assert got.note == "2 list markers rebuilt from Word auto-numbering"


def test_xls_reads_as_its_xlsx():
    xls, xlsx = _read("tasks.xls"), _read("tasks.xlsx")
    assert xls.format == "xls" and xls.text == xlsx.text
    assert _grids("tasks.xls") == _grids("tasks.xlsx")
    edges = _edges(parse_file(HERE / "tasks.xls"))
    assert edges == _edges(parse_file(HERE / "tasks.xlsx"))
    assert (None, "县科学素质提升重点任务分工表", "培训高素质农民", "县卫生健康局", "LEADS", "牵头",
            "2025") in {(e[0], e[1], e[2], e[3], e[4], e[5], e[6]) for e in edges}  # C4:C5 merged


@pytest.mark.parametrize("name,as_name", [("plan.doc", "plan.txt"), ("plan.doc", "plan.wps"),
                                           ("tasks.xls", "tasks.et"), ("tasks.xls", "tasks.xlsx")])
def test_old_office_files_are_known_by_their_bytes(tmp_path, name, as_name):
    path = tmp_path / as_name
    path.write_bytes((HERE / name).read_bytes())
    assert read_document(path, path.read_bytes()).text == _read(name).text


def test_an_encrypted_doc_is_refused_as_such(tmp_path):
    data = bytearray((HERE / "plan.doc").read_bytes())
    import olefile

    with olefile.OleFileIO(bytes(data)) as ole:
        sector = ole.sectorsize
        start = ole.root.kids_dict["worddocument"].isectStart
    at = (start + 1) * sector + 0x0A  # the FIB's flags, in the WordDocument stream's first sector
    flags = struct.unpack_from("<H", data, at)[0]
    struct.pack_into("<H", data, at, flags | 0x0100)
    with pytest.raises(InputError) as e:
        read_document(tmp_path / "secret.doc", bytes(data))
    assert str(e.value).startswith("secret.doc: encrypted (password-protected) Word document")


@pytest.mark.parametrize("name,kind", [("plan.doc", "DOC"), ("tasks.xls", "XLS")])
def test_damaged_old_office_files_fail_alone_with_their_name(tmp_path, name, kind):
    """Cut short, or bytes overwritten anywhere: the reader answers with text or an InputError naming the
    file, never another exception."""
    data = (HERE / name).read_bytes()
    with pytest.raises(InputError) as e:
        read_document(tmp_path / name, data[: len(data) // 2])
    assert str(e.value).startswith(f"{name}: ")
    rng = random.Random(97)
    for _ in range(150):
        damaged = bytearray(data)
        at = rng.randrange(512, len(data))
        damaged[at:at + rng.randint(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        try:
            read_document(tmp_path / name, bytes(damaged))
        except InputError as err:
            assert str(err).startswith(f"{name}: ")


def test_other_office_97_files_are_still_refused(tmp_path):
    """A compound file that is neither a Word document nor a workbook (a PowerPoint 97 deck, say)."""
    import olefile

    data = (HERE / "plan.doc").read_bytes().replace("WordDocument".encode("utf-16-le"),
                                                     "PowerPoint D".encode("utf-16-le"))
    with olefile.OleFileIO(data) as ole:
        assert not ole.exists("WordDocument")
    with pytest.raises(InputError) as e:
        read_document(tmp_path / "deck.ppt", data)
    assert "unsupported format" in str(e.value)


def test_older_word_horizontal_merges_repeat_the_first_cell():
    """Word 97 wrote a cell merged across as several cells, the later ones empty and flagged (horzMerge);
    a row's cell edges and flags are its row mark's sprmTDefTable."""
    from kg.loaders.formats.doc import _DEF_TABLE, _grid, _Para
    from kg.loaders.tables import Cell

    def mark(*tcgrf: int) -> _Para:
        n = len(tcgrf)
        op = bytes([n]) + struct.pack(f"<{n + 1}h", *range(0, 1000 * (n + 1), 1000))
        op += b"".join(struct.pack("<H", f) + bytes(18) for f in tcgrf)
        return _Para("", "\x07", {_DEF_TABLE: op})

    head = [Cell("任务", 0, 2), Cell("牵头单位", 3, 7), Cell("责任单位", 8, 12)]
    section = [Cell("一、重点任务", 13, 19), Cell("", 20, 20), Cell("", 20, 20)]
    grid = _grid([(head, mark(0, 0, 0)), (section, mark(1, 3, 3))])
    assert [c.text for c in grid[1]] == ["一、重点任务"] * 3
    assert grid[0][1].text == "牵头单位"


@pytest.mark.slow
def test_kg_build_loads_doc_and_xls_and_names_their_format(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store.embedded import EmbeddedStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("tab.doc", "tasks.xls"):
        (corpus / name).write_bytes((HERE / name).read_bytes())
    result = CliRunner().invoke(main, ["build", str(corpus), "--db", str(tmp_path / "db"), "--no-align"])
    assert result.exit_code == 0, result.output
    assert ", doc]" in result.stdout and ", xls]" in result.stdout
    with EmbeddedStore(tmp_path / "db", read_only=True) as store:
        stats = store.stats()
    assert stats["documents"] == 2 and stats["leads"] == 4 + 3 and stats["responsible_for"] == 5 + 4


def test_an_xls_over_the_cell_budget_is_refused(monkeypatch, tmp_path):
    """The XLSX reader's cell budget holds for .xls (the limit lowered here: the fixture has 18 cells)."""
    import kg.loaders.formats.xlsx as xlsx

    monkeypatch.setattr(xlsx, "XLSX_MAX_CELLS", 10)
    with pytest.raises(InputError) as e:
        _read("tasks.xls")
    assert str(e.value).startswith("tasks.xls: XLS too large: more than 10 cells")


def test_hostile_list_tables_and_fields_read_or_fail_as_input_errors():
    """A list level starting below 0 is read from 0; a list table too short for its count is skipped; a run of
    fields is stripped in one pass; a character outside the BMP is one character and later offsets stay right."""
    from kg.loaders.formats.doc import _clean, _level, _main_text, _Numbering
    from kg.loaders.formats.docx import _format_number

    lvl = struct.pack("<iBB", -5, 10, 0) + bytes(22) + struct.pack("<H", 2) + "%\x00、".encode("utf-16-le")[2:]
    assert _level(lvl, 0)[0].start == 0
    assert _format_number(-5, "ideographDigital") == "-5"

    class Fib:
        lists, lfos = (3, 1), (0, 0)

    assert _Numbering(b"\x00" * 4, Fib()).levels == {}  # type: ignore[arg-type]
    assert _clean("\x13 PAGE \x14" * 3 + "三" + "\x15" * 3) == "三"
    assert _clean("\x13 HYPERLINK \"x\" \x13 REF \x14内\x15\x14外\x15") == "外"
    raw = "\U00020000甲\r".encode("utf-16-le")
    text, offsets = _main_text(raw, [(0, 4, 0, False)], 4)  # 4 code units: 𠀀 is two
    assert text == "\U00020000甲\r" and offsets == [0, 4, 6]  # the mark's byte is 6, not 4

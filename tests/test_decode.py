"""Reading bytes: every encoding a Chinese government file comes in, and bad input named clearly."""
from __future__ import annotations

import codecs

import pytest

from kg.errors import InputError
from kg.loaders import decode_bytes, parse_bytes
from kg.pipeline import collect_files, parse_files

SEED = "001_d3227398dcf91ff4.txt"


@pytest.fixture(scope="module")
def seed_text(seeds_dir):
    return (seeds_dir / SEED).read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding,data_of,expected", [
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8-sig", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    ("gb18030", lambda t: t.encode("gb18030"), "gb18030"),
    ("utf-16-bom", lambda t: t.encode("utf-16"), "utf-16"),
    ("utf-16-le-no-bom", lambda t: t.encode("utf-16-le"), "utf-16"),
])
def test_every_encoding_gives_the_same_graph(seed_text, encoding, data_of, expected):
    reference = parse_bytes(seed_text.encode("utf-8"), SEED).graph
    parsed = parse_bytes(data_of(seed_text), SEED)
    assert parsed.encoding == expected
    got = parsed.graph
    assert [(r.mention, r.role, r.prov.start, r.prov.end) for r in got.responsibilities] == [
        (r.mention, r.role, r.prov.start, r.prov.end) for r in reference.responsibilities]
    assert [t.id for t in got.tasks] == [t.id for t in reference.tasks]


def test_gbk_text_is_detected_as_gb18030():
    text = "关于印发全民科学素质行动规划纲要实施方案的通知，请认真贯彻落实。" * 5
    assert decode_bytes(text.encode("gbk")).encoding == "gb18030"


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ("科学素质".encode("utf-8")[:-1] + b"", None),
])
def test_unreadable_bytes_get_a_clear_reason(data, reason):
    if reason is None:  # a truncated UTF-8 character at the very end
        data = ("全民科学素质行动规划纲要实施方案" * 3).encode("utf-8")[:-1]
        reason = "truncated UTF-8"
    with pytest.raises(InputError) as e:
        decode_bytes(data, "bad.txt")
    assert "bad.txt" in str(e.value) and reason in str(e.value)


def test_a_bad_file_is_reported_and_the_rest_of_the_batch_loads(tmp_path, seeds_dir):
    (tmp_path / "a_binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_seed.txt").write_bytes((seeds_dir / SEED).read_bytes())
    batch = parse_files(collect_files([tmp_path]))
    assert [r.ok for r in batch.reports] == [False, False, True]
    assert "a_binary.txt" in batch.reports[0].error and "binary" in batch.reports[0].error
    assert "b_empty.txt" in batch.reports[1].error and "empty" in batch.reports[1].error
    assert batch.graph.counts()["documents"] == 1 and batch.graph.counts()["leads"] == 13


def test_missing_file_is_reported_by_name(tmp_path):
    batch = parse_files([tmp_path / "nope.txt"])
    assert not batch.reports[0].ok and "nope.txt" in batch.reports[0].error

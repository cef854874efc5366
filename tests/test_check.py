"""No silent zeros: what looks like role text is counted, what was not read is named by position, and a
document whose role text gives no edge is a warning (`unread`), not an "ok" — in `kg check`, `kg build`
and `kg extract` alike."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.check import check_paths
from kg.cli import main
from kg.loaders import parse_path
from kg.loaders.formats import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "docs"
# role text in a layout kg does not know: the clauses sit in one long run of prose, in no item
UNKNOWN_LAYOUT = ("测试市人民政府办公室关于做好2024年科普工作的通知\n测政办发〔2024〕21号\n各区县人民政府：\n"
                  "全年重点工作安排如下，推进课程改革并加强师资队伍建设（市教育局牵头，市科协配合），持续开展"
                  "群众性科普活动并加强阵地建设（市科协负责），各单位要加强协作，确保各项工作落到实处。\n"
                  "测试市人民政府办公室\n2024年3月1日\n")


def test_a_layout_kg_does_not_know_is_a_warning_not_an_ok(tmp_path):
    path = tmp_path / "unknown.txt"
    path.write_text(UNKNOWN_LAYOUT, encoding="utf-8")
    parsed = parse_path(path)
    assert parsed.graph.responsibilities == []
    assert parsed.coverage.found["bracket"] == 2 and parsed.coverage.total_read == 0
    assert any("no edge was read" in w and "unknown.txt" in w for w in parsed.warnings)
    [report] = check_paths([path])
    assert report.status == "unread"
    assert [u["start"] for u in report.unread] == [UNKNOWN_LAYOUT.index("（市教育局"), UNKNOWN_LAYOUT.index("（市科协负责")]
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1  # a person deciding whether to trust the source is told
    assert json.loads(result.stdout) == [report.as_dict()]
    build = CliRunner().invoke(main, ["build", str(path), "--db", str(tmp_path / "db"), "--no-align"])
    assert "  unread  " in build.output and "  ok  " not in build.output


def test_a_file_with_no_role_text_says_so(tmp_path, seeds_dir):
    [report] = check_paths([seeds_dir / "002_8aa39966f30dee6c.txt"])  # a 工作要点 with no role clauses
    assert report.status == "no-roles" and report.edges == 0 and sum(report.found.values()) == 0


def test_every_seed_clause_is_read(seeds_dir):
    for report in check_paths([seeds_dir]):
        assert report.status in ("ok", "no-roles"), report
        assert report.read == report.found and report.unread == []


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared development corpus (../shared/corpus) is not here")
def test_every_corpus_document_reports_what_it_could_not_read():
    reports = {Path(r.file).name[:2]: r for r in check_paths([CORPUS])}
    assert len(reports) == 14
    for r in reports.values():
        assert r.status in ("ok", "partial") and r.edges > 0 and sum(r.found.values()) > 0, r
        assert sum(r.read.values()) + len(r.unread) == sum(r.found.values())
    assert reports["14"].found["table"] == reports["14"].read["table"] == 128  # the 任务分工表's role cells
    # the news site's disclaimer 【免责声明…负责…】 is role-looking but not a clause: named, with its position
    [u] = reports["09"].unread
    path = next(CORPUS.glob("09_*"))
    text = read_document(path, path.read_bytes()).text
    assert u["kind"] == "bracket" and text[u["start"]:].startswith("【免责声明")


def test_check_table_lists_each_unread_clause(tmp_path):
    path = tmp_path / "unknown.txt"
    path.write_text(UNKNOWN_LAYOUT, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(path)]).output
    assert "unread" in out and out.count("not read:") == 2 and "（市教育局牵头，市科协配合）" in out  # as written

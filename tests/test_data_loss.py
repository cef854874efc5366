"""No false success, no silent loss (issue 17): a write that fails on disk is a failure of the build, the
store holds exactly what the report says was committed, a document never silently replaces another, and
file names cannot break the report.

The full disk is real: each build runs in a child process whose files may not grow past a size
(RLIMIT_FSIZE; with SIGXFSZ ignored a write past it fails with EFBIG, as a write on a full disk fails
with ENOSPC), at sizes that make the write fail at a chosen point — the bulk commit, a checkpoint, the
write-ahead log, the alignments. Then the store is opened again without the limit and compared with the
report. Real files, the real parser, the real Ladybug store, nothing of kg mocked.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from kg.build import build
from kg.pipeline import collect_files, parse_files
from kg.store.embedded import EmbeddedStore

resource = pytest.importorskip("resource", reason="RLIMIT_FSIZE needs a POSIX system")
signal = pytest.importorskip("signal")
if not hasattr(signal, "SIGXFSZ"):
    pytest.skip("no SIGXFSZ on this system: a file size limit would kill instead of failing the write",
                allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_corpus  # noqa: E402

TIMEOUT = 300  # a child that runs longer is stuck (a retry loop that never ends is a failure too)

# The child: build (or load) FILES into DB, then print what the report says, as JSON. It prints after the
# store is closed, so a close that aborts the process (Ladybug after a failed log write) fails the test.
CHILD = r"""
import json, sys
from kg.build import build
from kg.pipeline import parse_files
from kg.store.embedded import EmbeddedStore
cfg = json.loads(sys.argv[1])
with EmbeddedStore(cfg["db"]) as store:
    if cfg["mode"] == "load":
        res = store.load(parse_files(cfg["files"]).graph, batch_documents=1, method="unwind")
        out = {"loaded": [[d.document_id, d.status] for d in res.documents], "failures": [d.error for d in res.failed],
               "counts": None, "alignments": None, "errors": []}
    else:
        report = build(store, cfg["files"], align_tasks=cfg["align"], chunk_files=cfg["chunk"],
                       bulk_documents=cfg["bulk"], jobs=1)
        out = {"loaded": [[d.document_id, d.status] for d in report.loaded], "failures": report.failures,
               "counts": report.counts, "alignments": report.alignments, "errors": getattr(report, "errors", [])}
    out["write_error"] = getattr(store, "write_error", None)
print(json.dumps(out, ensure_ascii=False))
"""


def _limited(nbytes: Optional[int]) -> Callable[[], None]:
    """preexec_fn of a child whose writes past nbytes fail (EFBIG) instead of killing it (SIGXFSZ)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across exec
        if nbytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return apply


def run_child(db: Path, files: list[str], limit: Optional[int], *, mode: str = "build", bulk: int = 2000,
              chunk: int = 250, align: bool = False) -> dict[str, Any]:
    cfg = {"db": str(db), "files": files, "mode": mode, "bulk": bulk, "chunk": chunk, "align": align}
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cfg)], preexec_fn=_limited(limit),
                       capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert p.returncode == 0, f"the child died (status {p.returncode}): {p.stderr[-2000:]}"
    return json.loads(p.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 30, seed=5)
    (folder / "manifest.json").unlink()
    return [str(f) for f in collect_files([folder])]


@pytest.fixture(scope="module")
def reference(corpus: list[str]) -> dict[str, dict[str, Any]]:
    """Per document of the corpus as parsed: its sha256 and how many tasks and edges it has."""
    g = parse_files(corpus).graph
    tasks = Counter(t.document_id for t in g.tasks)
    edges = Counter(r.document_id for r in g.responsibilities)
    return {d.id: {"sha256": d.sha256, "tasks": tasks[d.id], "edges": edges[d.id]} for d in g.documents}


@pytest.fixture(scope="module")
def sizes(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> dict[str, int]:
    """The size of the database file after the corpus is built without a limit: documents only, then
    with the alignments (the limits below are fractions of these)."""
    out = {}
    for name, align in (("documents", False), ("aligned", True)):
        db = tmp_path_factory.mktemp("full") / "db"
        got = run_child(db, corpus, None, align=align)
        assert {s for _, s in got["loaded"]} == {"inserted"} and not got["failures"]
        out[name] = (db / "graph.lbug").stat().st_size
    assert out["aligned"] > out["documents"]
    return out


def assert_store_is_the_report(db: Path, out: dict[str, Any], reference: dict[str, dict[str, Any]]) -> None:
    """Opened again (no limit), the store holds exactly the documents the report says are stored, each
    whole, and none of those it says failed; the counts of the report are the store's; a failed write
    is a failure of the report."""
    with EmbeddedStore(db) as store:  # recovers what was committed before the failure
        stored = dict(store.run("MATCH (d:Document) RETURN d.id, d.sha256").rows)
        tasks = dict(store.run("MATCH (t:Task) RETURN t.document_id, count(t)").rows)
        edges = dict(store.run("MATCH (:Organization)-[e:LEADS|RESPONSIBLE_FOR]->() RETURN e.document_id, count(e)").rows)
    claimed = {i for i, st in out["loaded"] if st != "failed"}
    failed = {i for i, st in out["loaded"] if st == "failed"}
    assert set(stored) == claimed, (f"reported stored but missing: {sorted(claimed - set(stored))}; "
                                    f"stored but reported failed: {sorted(set(stored) - claimed)}")
    for i in claimed:
        assert stored[i] == reference[i]["sha256"]
        assert (tasks.get(i, 0), edges.get(i, 0)) == (reference[i]["tasks"], reference[i]["edges"]), i
    if out["counts"] is not None:
        assert out["counts"]["documents"] == len(claimed)
        assert out["counts"]["tasks"] == sum(tasks.values())
    if failed or out["write_error"]:
        assert out["failures"], "a write failed and the report has no failure"


@pytest.mark.slow
def test_a_bulk_commit_that_fails_on_disk_is_a_failure_and_stores_nothing(tmp_path: Path, corpus: list[str],
                                                                          reference: dict, sizes: dict) -> None:
    """The issue's case: the one bulk transaction of the build copies its rows, and the checkpoint at its
    commit fails. Ladybug then shows the rows in memory, not on disk; the retry must not take them for
    stored ones ("30 unchanged, 0 failures")."""
    out = run_child(tmp_path / "db", corpus, int(sizes["documents"] * 0.45))
    assert_store_is_the_report(tmp_path / "db", out, reference)
    assert (out["write_error"] or "").startswith("commit: ") and "post-commit checkpoint failed" in out["write_error"]
    assert {s for _, s in out["loaded"]} == {"failed"}
    assert any("stopped writing" in f for f in out["failures"])


@pytest.mark.slow
def test_a_failed_checkpoint_between_blocks_keeps_the_committed_blocks(tmp_path: Path, corpus: list[str],
                                                                       reference: dict, sizes: dict) -> None:
    """Blocks of 5 documents: the first commits into the write-ahead log; the checkpoint that opens a
    later block fails. The committed blocks stay, reported new; the rest are reported failed."""
    out = run_child(tmp_path / "db", corpus, int(sizes["documents"] * 0.11), bulk=5, chunk=5)
    assert_store_is_the_report(tmp_path / "db", out, reference)
    statuses = [s for _, s in out["loaded"]]
    assert "inserted" in statuses and "failed" in statuses
    assert (out["write_error"] or "").startswith("checkpoint: ") and ".wal" not in out["write_error"]


@pytest.mark.slow
def test_a_failed_write_ahead_log_write_neither_aborts_nor_loses_what_was_committed(
        tmp_path: Path, corpus: list[str], reference: dict, sizes: dict) -> None:
    """One document per transaction, into the write-ahead log, until the log cannot grow: Ladybug then
    fails every later write on the torn page, aborts the process if the database is closed, and refuses
    to open the store again. The child must end normally, and the store open with every document
    reported new."""
    out = run_child(tmp_path / "db", corpus, int(sizes["documents"] * 0.15), mode="load")
    assert_store_is_the_report(tmp_path / "db", out, reference)
    statuses = [s for _, s in out["loaded"]]
    assert "inserted" in statuses and "failed" in statuses
    assert ".wal" in (out["write_error"] or "")


@pytest.mark.slow
def test_a_bulk_block_whose_log_write_fails(tmp_path: Path, corpus: list[str], reference: dict,
                                            sizes: dict) -> None:
    """Blocks of 10 documents written with UNWIND (no COPY): the block's write-ahead log is larger
    than a file may grow."""
    out = run_child(tmp_path / "db", corpus, int(sizes["documents"] * 0.05), bulk=10, chunk=10)
    assert_store_is_the_report(tmp_path / "db", out, reference)
    assert ".wal" in (out["write_error"] or "")


@pytest.mark.slow
def test_alignments_that_cannot_be_written_fail_the_build_and_keep_the_documents(
        tmp_path: Path, corpus: list[str], reference: dict, sizes: dict) -> None:
    """The documents fit, the alignments across them do not: every document is stored and reported
    new, the alignments are reported not recomputed (a failure), and none is half-written."""
    limit = (sizes["documents"] + sizes["aligned"]) // 2
    out = run_child(tmp_path / "db", corpus, limit, align=True)
    assert_store_is_the_report(tmp_path / "db", out, reference)
    assert {s for _, s in out["loaded"]} == {"inserted"}
    assert out["alignments"] is None
    assert any(f.startswith("task alignments not recomputed") for f in out["failures"])
    with EmbeddedStore(tmp_path / "db") as store:
        assert store.stats()["alignments"] == 0


@pytest.mark.slow
def test_kg_build_on_a_full_disk_exits_1_and_counts_what_is_stored(tmp_path: Path, corpus: list[str],
                                                                    sizes: dict) -> None:
    """The command itself: exit status 1, no document counted that is not stored, a FAILED line naming
    the failed write."""
    db = tmp_path / "db"
    p = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--db", str(db),
                        "-j", "1", "--no-align", *corpus], preexec_fn=_limited(int(sizes["documents"] * 0.45)),
                       capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    m = re.search(r"Loaded into the .*?: (\d+) documents \((\d+) new, (\d+) replaced, (\d+) unchanged\), "
                  r"\d+ actions, (\d+) tasks", p.stdout)
    assert m, p.stdout
    with EmbeddedStore(db) as store:
        stats = store.stats()
    assert (int(m.group(1)), int(m.group(5))) == (stats["documents"], stats["tasks"]) == (0, 0)
    assert int(m.group(4)) == 0
    assert "FAILED" in p.stderr and "stopped writing" in p.stderr


@pytest.mark.slow
def test_kg_build_on_a_full_tmpfs(tmp_path: Path, corpus: list[str], sizes: dict) -> None:
    """The same on a real full file system (ENOSPC, every file sharing the space), where one can be
    mounted: a tmpfs of less than the store needs."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    size = int(sizes["documents"] * 0.45)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True,
                             text=True) if shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN); the RLIMIT_FSIZE tests above "
                    f"cover the same failures: {mounted.stderr.strip() if mounted else 'no mount command'}")
    try:
        p = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--db", str(mnt / "db"),
                            "-j", "1", "--no-align", *corpus], capture_output=True, text=True, timeout=TIMEOUT,
                           cwd=tmp_path)
        shutil.copytree(mnt / "db", tmp_path / "copy")  # what the full disk holds, opened where there is room
    finally:
        subprocess.run(["umount", str(mnt)], check=True)
    assert p.returncode == 1, p.stdout + p.stderr
    m = re.search(r": (\d+) documents \((\d+) new, (\d+) replaced, (\d+) unchanged\), \d+ actions, (\d+) tasks", p.stdout)
    assert m, p.stdout
    with EmbeddedStore(tmp_path / "copy") as store:
        stats = store.stats()
    assert (int(m.group(1)), int(m.group(5))) == (stats["documents"], stats["tasks"])
    assert "stopped writing" in p.stderr


# --------------------------------------------------------------------------- document identity

PLAN = """科普工作实施方案

{lead}一、重点任务
（一）青少年科学素质提升行动
1. 加强基础教育阶段科学教育。推动中小学科学课程建设。（县教育局牵头，县科协配合）
2. 开展科普进校园活动。组织{who}进校园。（县科协负责）
"""


def _plan(folder: Path, name: str, number: str = "", place: str = "", who: str = "科学家") -> Path:
    lead = f"为落实{place}科普工作部署，制定本方案。\n" if place else ""
    f = folder / name
    f.write_text((number + "\n" if number else "") + PLAN.format(lead=lead, who=who), encoding="utf-8")
    return f


@pytest.mark.slow
@pytest.mark.parametrize("number", ["", "政办发〔2022〕1号"], ids=["no-wenhao", "same-wenhao"])
def test_documents_of_other_jurisdictions_are_other_documents(tmp_path: Path, number: str) -> None:
    """One title (and one 文号, or none), no date, two provinces: two documents, the first kept whole."""
    a = _plan(tmp_path, "a.txt", number, "江苏省")
    b = _plan(tmp_path, "b.txt", number, "山东省")
    with EmbeddedStore(tmp_path / "db") as store:
        first = build(store, [a], align_tasks=False)
        second = build(store, [b], align_tasks=False)
        assert [d.status for d in second.loaded] == ["inserted"]
        assert store.stats()["documents"] == 2 and store.stats()["tasks"] == 4
        assert first.loaded[0].document_id != second.loaded[0].document_id


def _store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """An empty store of the backend (Neo4j: the Bolt server of tests/_bolt_server.py, emptied)."""
    if backend == "embedded":
        return EmbeddedStore(tmp_path / "db")
    from kg.store.neo4j import Neo4jStore

    server = request.getfixturevalue("bolt_server")  # conftest.py's session server; skips without one
    s = Neo4jStore(**server.settings())
    s.run("MATCH (n) DETACH DELETE n", write=True)
    s.ensure_schema()
    return s


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["embedded", pytest.param("neo4j", marks=pytest.mark.external)])
def test_a_document_replaced_by_another_file_names_the_file_it_replaces(tmp_path: Path, backend: str,
                                                                        request: pytest.FixtureRequest) -> None:
    """Same identity (title, no 文号, no date, no place), another file name and text: the store keeps
    one document, and the report says which file's version was replaced — by the library and kg build."""
    a = _plan(tmp_path, "a.txt")
    b = _plan(tmp_path, "b.txt", who="专家")
    with _store(backend, tmp_path, request) as store:
        build(store, [a], align_tasks=False)
        report = build(store, [b], align_tasks=False)
        again = build(store, [b], align_tasks=False)
        assert store.stats()["documents"] == 1
    assert [d.status for d in report.loaded] == ["replaced"]
    assert report.replacements == [f"b.txt: replaces document {report.loaded[0].document_id}, loaded earlier from a.txt"]
    assert not again.replacements
    if backend != "embedded":
        return
    p = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--db", str(tmp_path / "db2"),
                        "-j", "1", "--no-align", str(a)], capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--db", str(tmp_path / "db2"),
                        "-j", "1", "--no-align", str(b)], capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    assert "1 replaced" in p.stdout and "replaces document" in p.stderr and "loaded earlier from a.txt" in p.stderr


# --------------------------------------------------------------------------- file names


@pytest.mark.slow
def test_file_names_are_escaped_and_counts_are_what_was_written(tmp_path: Path, seed_files: list[Path]) -> None:
    """A name with bytes that are not UTF-8 and a name with a newline load (stored escaped) and print on one
    line each; a file whose document cannot be written is shown failed, not ok, and counted nowhere."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    shutil.copy(seed_files[0], raw + b"/a\xffb.txt")
    shutil.copy(seed_files[1], raw + b"/line1\nline2.txt")
    shutil.copy(seed_files[4], folder / "clash.txt")
    victim = parse_files([folder / "clash.txt"]).graph
    taken = victim.tasks[0].id
    db = tmp_path / "db"
    with EmbeddedStore(db) as store:  # a task id of clash.txt already taken: its document cannot be written
        store.run(f"CREATE (:Task {{id: '{taken}', document_id: 'elsewhere', action_id: 'x', ordinal: 1, "
                  f"title: '占用', start: 0, `end`: 2, text: '占用'}})", write=True)
    p = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "build", "--db", str(db), "-j", "1",
                        "--no-align", str(folder)], capture_output=True, timeout=TIMEOUT, cwd=tmp_path)
    out, err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
    assert p.returncode == 1
    lines = out.splitlines()
    assert all(line.startswith(("  ", "Loaded into")) for line in lines), out
    shown = {line.split()[1]: line.split()[0] for line in lines if line.startswith("  ") and "[" in line}
    assert shown == {"in/a\\xffb.txt": "ok", "in/line1\\nline2.txt": "ok", "in/clash.txt": "failed"}
    with EmbeddedStore(db) as store:
        files = sorted(r[0] for r in store.run("MATCH (d:Document) RETURN d.file").rows)
        stats = store.stats()
    assert files == ["a\\xffb.txt", "line1\nline2.txt"]
    m = re.search(r": (\d+) documents \((\d+) new.*?, (\d+) tasks", out)
    assert m and (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (2, 2, stats["tasks"] - 1)  # not the planted one
    failed = [line for line in err.splitlines() if line.startswith("  FAILED")]
    assert len(failed) == 1 and "clash.txt" in failed[0] and taken in failed[0]


def test_the_advice_after_a_stopped_write_names_its_cause() -> None:
    """The engine out of memory (its buffer pool full, as a checkpoint can be at scale) is not a full disk: the
    message after a stopped write says which to free."""
    from kg.store.base import retry_advice

    engine = ("commit: Transaction committed successfully, but the post-commit checkpoint failed. ...: Buffer manager "
              "exception: Unable to allocate memory! The buffer pool is full and no memory could be freed!")
    assert retry_advice(engine).startswith("Free memory")
    assert retry_advice("IO exception: Cannot write to file: No space left on device") == "Free disk space"
    assert retry_advice(None) == "Free disk space"

"""`kg serve` at scale: median and p90 latency of every page and its JSON twin (issue 14).

    .venv/bin/python benchmarks/web.py                 # 2,000 plans: corpus + store built in the temp folder
    .venv/bin/python benchmarks/web.py --reuse         # the store of an earlier run in the same --dir
    .venv/bin/python benchmarks/web.py --server        # through uvicorn on a free port of 127.0.0.1

Each page and its JSON twin (?format=json) is requested once, then --repeat times: the median and p90 of
those, and the first request's time (the first search builds the search index, once per store version).
The corpus is benchmarks/generate.py's (write_corpus: same docs and seed, same bytes) and the store is
what `kg build` makes of it (kg.build.build, task alignments included), so the document pages find their
source text (the corpus folder is passed as a source, as `kg serve --source` would). The store is opened
read-only, as `kg serve` opens it, and the app is driven in-process by Starlette's TestClient (routing,
page data, templates and the store; no socket) — or, with --server, by HTTP requests to uvicorn on
127.0.0.1. Figures are printed, never asserted.
The first SPARQL request builds the RDF of the whole store in memory (once per process): its time is
printed on its own line and left out of the SPARQL rows.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_corpus  # noqa: E402
from run import machine  # noqa: E402

TARGET_MS = 300.0
SEARCH_TARGET_MS = 100.0


# --------------------------------------------------------------------------- the store


def build_store(folder: Path, docs: int, seed: int, reuse: bool) -> tuple[Path, Path]:
    """folder/corpus (the generated plans) and folder/db (their store); built unless --reuse finds them."""
    from kg.build import build
    from kg.store.embedded import EmbeddedStore

    corpus, db = folder / "corpus", folder / "db"
    if reuse and db.exists() and corpus.exists():
        print(f"store: reusing {db} (corpus {corpus})", flush=True)
        return corpus, db
    if db.exists():
        raise SystemExit(f"{db} exists: pass --reuse to use it, or another --dir")
    t0 = time.perf_counter()
    write_corpus(corpus, docs, seed)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    with EmbeddedStore(db) as store:
        report = build(store, [corpus], jobs=1)
        counts = store.stats()
    print(f"store: {docs} plans generated in {t_gen:.0f}s, built in {time.perf_counter() - t0:.0f}s "
          f"({report.alignments} alignments; failures: {len(report.failures)}); {counts}", flush=True)
    return corpus, db


# --------------------------------------------------------------------------- what to request


def _one(store: Any, cypher: str, **params: Any) -> list[Any]:
    rows = store.run(cypher, params).rows
    if not rows:
        raise SystemExit(f"the store has nothing for: {cypher}")
    return rows[0]


def pick_urls(store: Any) -> list[tuple[str, str]]:
    """(label, URL) of every page measured, with ids and names taken from the store."""
    per_org = store.run("MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->() "
                        "RETURN o.id AS id, o.name AS name, count(r) AS n ORDER BY n DESC, id").rows
    top_id, top_name, top_n = per_org[0]
    typical_id, typical_name, typical_n = per_org[len(per_org) // 2]
    per_doc = store.run("MATCH (d:Document)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task) "
                        "RETURN d.id AS id, d.title AS title, count(t) AS n ORDER BY n DESC, id").rows
    doc_id, doc_title, doc_n = per_doc[len(per_doc) // 2]
    big_id, _, big_n = per_doc[0]
    action_id, = _one(store, "MATCH (d:Document {id: $d})-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(:Task) "
                             "RETURN a.id ORDER BY a.ordinal LIMIT 1", d=doc_id)
    task_id, = _one(store, "MATCH (a:Action {id: $a})-[:HAS_TASK]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization) "
                           "RETURN t.id ORDER BY t.ordinal LIMIT 1", a=action_id)
    q = urllib.parse.quote
    cypher = "MATCH (o:Organization) WHERE o.sector = $s RETURN count(o) AS n"
    print(f"picked: most-connected organization {top_name} ({top_n} edges); typical {typical_name} "
          f"({typical_n} edges); document of median size ({doc_n} tasks) and the largest ({big_n} tasks)", flush=True)
    return [
        ("home", "/"),
        ("search 科协 (common)", f"/?q={q('科协')}"),
        ("search 县科协 (abbreviation)", f"/?q={q('县科协')}"),
        (f"search {typical_name} (rare)", f"/?q={q(typical_name)}"),
        ("documents of one level", f"/documents?level={q('县')}"),
        ("organization, most connected", f"/organization/{top_id}"),
        ("organization, typical", f"/organization/{typical_id}"),
        ("organization graph, most connected", f"/organization/{top_id}/graph"),
        ("organization graph, typical", f"/organization/{typical_id}/graph"),
        ("document, median size", f"/document/{doc_id}"),
        ("document, largest", f"/document/{big_id}"),
        ("task", f"/task/{task_id}"),
        ("action", f"/action/{action_id}"),
        ("queries list", "/queries"),
        ("query accountability_matrix", f"/queries/accountability_matrix?document={q(doc_id)}"),
        ("query organization_responsibilities", f"/queries/organization_responsibilities?name={q(typical_name)}"),
        ("cypher console", f"/cypher?q={q(cypher)}&params={q('s=科协')}"),
        ("sparql page", "/sparql"),
        ("sparql named query", f"/sparql?name=partners&params={q('name=' + typical_name)}"),
    ]


def json_twin(url: str) -> str:
    """The JSON twin of a page: the same URL with format=json (the graph data is JSON already)."""
    if url.endswith("/graph"):
        return ""
    return url + ("&" if "?" in url else "?") + "format=json"


# --------------------------------------------------------------------------- clients


class InProcess:
    """Starlette's TestClient: the ASGI app in this process, no socket."""

    name = "Starlette TestClient (in-process ASGI, no socket)"

    def __init__(self, app: Any) -> None:
        from starlette.testclient import TestClient

        self.client = TestClient(app)

    def get(self, url: str) -> int:
        r = self.client.get(url)
        _ = r.content
        return r.status_code

    def close(self) -> None:
        self.client.close()


class Uvicorn:
    """uvicorn on a free port of 127.0.0.1 in a thread, requested over HTTP (a new connection each time)."""

    name = "uvicorn on 127.0.0.1 (HTTP, urllib)"

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.origin = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"

    def get(self, url: str) -> int:
        try:
            with urllib.request.urlopen(self.origin + url, timeout=600) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


# --------------------------------------------------------------------------- timing


def timed(get: Callable[[str], int], url: str, repeat: int) -> tuple[float, list[float], int]:
    """Milliseconds of the first request and of `repeat` requests after it, and the status answered."""
    t0 = time.perf_counter()
    status = get(url)
    first = (time.perf_counter() - t0) * 1e3
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        get(url)
        times.append((time.perf_counter() - t0) * 1e3)
    return first, times, status


def p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[8] if len(times) > 1 else times[0]


def rows(client: Any, urls: list[tuple[str, str]], repeat: int) -> Iterator[str]:
    for label, url in urls:
        target = SEARCH_TARGET_MS if label.startswith("search") else TARGET_MS
        for kind, u in (("page", url), ("json", json_twin(url))):
            if not u:
                continue
            first, times, status = timed(client.get, u, repeat)
            med = statistics.median(times)
            flag = f"   HTTP {status}" if status != 200 else f"   MISSES {target:.0f} ms" if med > target else ""
            yield f"  {label:40s} {kind:4s} {med:8.1f} {p90(times):8.1f} {first:9.1f}{flag}"


def main() -> None:
    ap = argparse.ArgumentParser(description="kg serve latency at scale (figures printed, never asserted)")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=None,
                    help="folder for the corpus and the store (default: kg-web-bench-DOCS-SEED in the temp folder)")
    ap.add_argument("--reuse", action="store_true", help="use the corpus and store already in --dir")
    ap.add_argument("--build-only", action="store_true", help="build the store, measure nothing")
    ap.add_argument("--repeat", type=int, default=15, help="timed requests per URL (after one warm-up)")
    ap.add_argument("--server", action="store_true", help="measure through uvicorn on 127.0.0.1 instead of in-process")
    ap.add_argument("--only", default="", help="measure only the pages whose label contains this text")
    ap.add_argument("--skip", default="", help="leave out the pages whose label contains this text (e.g. sparql)")
    args = ap.parse_args()

    from kg.store.embedded import EmbeddedStore
    from kg.web import create_app

    print(machine(), flush=True)
    folder = args.dir or Path(tempfile.gettempdir()) / f"kg-web-bench-{args.docs}-{args.seed}"
    corpus, db = build_store(folder, args.docs, args.seed, args.reuse)
    if args.build_only:
        return
    with EmbeddedStore(db, read_only=True) as store:
        urls = [u for u in pick_urls(store) if args.only in u[0] and not (args.skip and args.skip in u[0])]
        app = create_app(store, [corpus])
        client = (Uvicorn if args.server else InProcess)(app)
        try:
            if any(label.startswith("sparql named") for label, _ in urls):
                t0 = time.perf_counter()
                client.get("/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
                print(f"sparql: the first request built the RDF of the store in {time.perf_counter() - t0:.1f}s "
                      f"(once per process)", flush=True)
            print(f"client: {client.name}; {args.repeat} requests per URL after a first one; median / p90 of "
                  f"those and the first, in ms; targets {TARGET_MS:.0f} ms median, search {SEARCH_TARGET_MS:.0f} ms",
                  flush=True)
            print(f"  {'page':40s} {'':4s} {'median':>8s} {'p90':>8s} {'first':>9s}", flush=True)
            for line in rows(client, urls, args.repeat):
                print(line, flush=True)
        finally:
            client.close()
    # Leave without tearing down the in-memory RDF store and the parsed graph: minutes at 2,000 plans.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

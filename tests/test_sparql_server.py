"""The SPARQL endpoint under abuse (issue 17) and as browser clients use it (issue 13).

A real server on 127.0.0.1, real worker processes, raw sockets for the half-open and leaving
clients, the real `kg` command in a subprocess, and Debian's Chromium for the cross-origin page.
The hostile query is a COUNT over a cartesian product of 3,000 triples (2.7·10¹⁰ rows): it never
ends by itself, and pyoxigraph computes it inside one call, so only a killed process stops it.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from _net import Listener
from kg.cli import main
from kg.sparql_server import serve

ROOT = Path(__file__).resolve().parents[1]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    st = ox.Store()
    st.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i))) for i in range(3000)])
    return st


def _request(server, method: str = "GET", query: str = LIGHT, *, params: dict | None = None,
             headers: dict | None = None, body: bytes | None = None, timeout: float = 60):
    """(status, headers, body) of one request; params go in the URL, ``query`` too unless a body is given."""
    qs = dict(params or {})
    if body is None and query is not None and method in ("GET", "HEAD"):
        qs.setdefault("query", query)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, "/sparql" + ("?" + urllib.parse.urlencode(qs) if qs else ""), body=body,
                     headers={"Accept": "application/sparql-results+json", **(headers or {})})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def _state(pid: int) -> str:
    """The process state letter (R running, S sleeping, Z zombie …), or "" once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return ""


def _wait_for(cond, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


# --------------------------------------------------------------------------- time limit and leaving clients

@pytest.mark.slow
@pytest.mark.external
def test_a_query_past_the_time_limit_is_killed_and_answered_503_while_others_are_served(store):
    logs: list[str] = []
    with serve(store, timeout=2, workers=2, log=logs.append) as server:
        out: dict = {}

        def heavy() -> None:
            t0 = time.monotonic()
            out["heavy"] = _request(server, query=HEAVY)
            out["heavy_s"] = time.monotonic() - t0

        th = threading.Thread(target=heavy)
        th.start()
        assert _wait_for(lambda: any(_state(p) == "R" for p in server.pool.pids()), 5), "the query never ran"
        busy = [p for p in server.pool.pids() if _state(p) == "R"]
        t0 = time.monotonic()
        status, _, body = _request(server)  # served meanwhile, by the other worker
        assert status == 200 and time.monotonic() - t0 < 1.5 and json.loads(body)["results"]["bindings"]
        th.join(30)
        status, headers, body = out["heavy"]
        assert status == 503 and b"time limit of 2 s" in body, body
        assert 1.9 < out["heavy_s"] < 6
        assert _wait_for(lambda: all(_state(p) in ("", "Z") for p in busy), 3), "the killed worker still runs"
        assert _request(server)[0] == 200  # and the endpoint goes on
    assert any(" 503 " in line and "COUNT(*)" in line for line in logs)


@pytest.mark.external
def test_a_client_that_leaves_stops_its_query(store):
    logs: list[str] = []
    with serve(store, timeout=120, workers=2, log=logs.append) as server:
        sock = socket.create_connection(("127.0.0.1", server.port))
        path = "/sparql?" + urllib.parse.urlencode({"query": HEAVY})
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert _wait_for(lambda: any(_state(p) == "R" for p in server.pool.pids()), 5)
        busy = [p for p in server.pool.pids() if _state(p) == "R"]
        t0 = time.monotonic()
        sock.close()
        assert _wait_for(lambda: all(_state(p) in ("", "Z") for p in busy), 5), "the query ran on without its client"
        assert time.monotonic() - t0 < 5
        assert _wait_for(lambda: any("client-left" in line for line in logs), 3)
        assert _request(server)[0] == 200


# --------------------------------------------------------------------------- connections

@pytest.mark.slow
@pytest.mark.external
def test_half_open_connections_do_not_hold_a_thread_each(store):
    with serve(store, max_connections=8, idle_timeout=1, workers=1) as server:
        base = threading.active_count()
        socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(100)]
        try:
            time.sleep(0.5)
            assert threading.active_count() - base <= 8, "a thread per half-open connection"
            refused = 0
            for s in socks:  # past the bound: answered 503 at once and closed, no thread
                s.settimeout(0.05)
                try:
                    refused += s.recv(64).startswith(b"HTTP/1.1 503")
                except OSError:
                    pass
            assert refused >= 80  # the rest hold (or, once those time out, took over) the 8 slots
            # idle ones time out, and the endpoint answers again
            assert _wait_for(lambda: threading.active_count() - base <= 0, 5)
            assert _request(server)[0] == 200
        finally:
            for s in socks:
                s.close()


# --------------------------------------------------------------------------- Host header (DNS rebinding)

@pytest.mark.parametrize("host, ok", [("evil.example", False), ("evil.example:7878", False), ("127.0.0.1.nip.io", False),
                                      ("localhost", True), ("127.0.0.1", True), ("[::1]", True),
                                      ("yasgui.localhost", True)])
@pytest.mark.external
def test_host_header_must_name_the_endpoint(store, host, ok):
    with serve(store, workers=1) as server:
        status, _, body = _request(server, headers={"Host": f"{host}:{server.port}" if ":" not in host[-6:] and
                                                    not host.startswith("[") else host})
        assert (status == 200) == ok, body
        if not ok:
            assert status == 403 and b"DNS rebinding" in body


@pytest.mark.slow
@pytest.mark.external
def test_a_request_without_host_and_a_public_bind(store):
    with serve(store, workers=1) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as s:  # HTTP/1.0, no Host
            s.sendall(b"GET /sparql?" + urllib.parse.urlencode({"query": LIGHT}).encode() + b" HTTP/1.0\r\n\r\n")
            assert s.recv(64).startswith(b"HTTP/1.1 200")
    with serve(store, host="127.0.0.2", public=True, workers=1) as server:  # opened on purpose: its address is fine
        conn = http.client.HTTPConnection("127.0.0.2", server.port, timeout=30)
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": LIGHT}))
        assert conn.getresponse().status == 200
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.2", server.port, timeout=30)
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": LIGHT}), headers={"Host": "evil.example"})
        assert conn.getresponse().status == 403
        conn.close()


# --------------------------------------------------------------------------- bad requests: answers, not tracebacks

@pytest.mark.external
def test_an_invalid_graph_iri_is_400_without_a_traceback(store, capfd):
    with serve(store, workers=1, log=lambda line: None) as server:
        for key in ("default-graph-uri", "named-graph-uri"):
            status, _, body = _request(server, params={key: "not an iri"})
            assert status == 400 and key.encode() in body and b"not an absolute IRI" in body
        status, _, _ = _request(server, params={"default-graph-uri": "urn:nothing"})
        assert status == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err


@pytest.mark.external
def test_service_bypasses_and_updates_through_the_endpoint(store):
    listener = Listener()
    try:
        with serve(store, workers=1) as server:
            for q in (f"SELECT * WHERE {{ # x\r SERVICE <{listener.url}> {{ ?s ?p ?o }} \n }}",
                      f"SELECT * WHERE {{ ?s ?p 1SERVICE <{listener.url}> {{ ?a ?b ?c }} }}",
                      f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?a ?b ?c }} }} }} }} }}"):
                status, _, body = _request(server, "POST", body=q.encode(),
                                           headers={"Content-Type": "application/sparql-query"})
                assert status == 400 and b"SERVICE" in body, body
            for u in ("CLEAR ALL", f"LOAD <{listener.url}>", "DROP ALL", "ADD DEFAULT TO <urn:g>"):
                status, _, body = _request(server, "POST", body=u.encode(),
                                           headers={"Content-Type": "application/sparql-query"})
                assert status == 403 and b"read-only" in body
        assert listener.connections == 0 and len(store) == 3000
    finally:
        listener.close()


# --------------------------------------------------------------------------- CORS, logging

@pytest.mark.external
def test_cors_preflight_and_headers(store):
    logs: list[str] = []
    with serve(store, workers=1, log=logs.append) as server:
        status, headers, _ = _request(server, "OPTIONS", query=None, headers={
            "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type", "Access-Control-Request-Private-Network": "true"})
        assert status == 204
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in headers["Access-Control-Allow-Methods"]
        assert headers["Access-Control-Allow-Headers"] == "content-type"
        assert headers["Access-Control-Allow-Private-Network"] == "true"
        status, headers, _ = _request(server, headers={"Origin": "http://localhost:3000"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        status, headers, _ = _request(server, params={"query": "SELECT * WHERE { ?s "})
        assert status == 400 and headers["Access-Control-Allow-Origin"] == "*"  # errors readable by the page
    assert len(logs) == 3
    assert re.fullmatch(r"127\.0\.0\.1 OPTIONS /sparql 204 0 B \d+ ms", logs[0])
    assert re.fullmatch(r"127\.0\.0\.1 GET /sparql 200 \d+ B \d+ ms 'SELECT \(COUNT\(\*\) AS \?n\) WHERE \{ \?s \?p \?o \}'",
                        logs[1])
    assert " 400 " in logs[2]


# --------------------------------------------------------------------------- the commands

def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def test_kg_sparql_errors_are_one_line(seeds_dir):
    seed = str(sorted(Path(seeds_dir).iterdir())[0])
    runner = CliRunner()
    for query, want in (("SELECT * WHERE { ?s ", "syntax error"),
                        ("SELECT * WHERE { # x\r SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } \n }", "SERVICE"),
                        ("SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", "SERVICE"),
                        ("CLEAR ALL", "updates are refused"),
                        ("SELECT (<urn:f>(?s) AS ?x) WHERE { ?s ?p ?o } LIMIT 1", "query failed")):
        r = runner.invoke(main, ["sparql", query, seed])
        assert r.exit_code == 1, (query, r.output)
        line = _one_line(r.stderr)
        assert line.startswith("kg: ") and want in line, line


def test_kg_serve_sparql_port_in_use_is_one_line(seeds_dir):
    seed = str(sorted(Path(seeds_dir).iterdir())[0])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        t0 = time.monotonic()
        r = CliRunner().invoke(main, ["serve-sparql", "--port", str(port), seed])
    assert r.exit_code == 1
    line = _one_line(r.stderr)
    assert f"127.0.0.1:{port} is already in use" in line and "--port" in line
    assert time.monotonic() - t0 < 5  # told before the graph is built


@pytest.mark.slow
@pytest.mark.external
def test_kg_serve_sparql_logs_times_out_and_leaves_no_process(seeds_dir):
    seed = str(sorted(Path(seeds_dir).iterdir())[0])
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "kg"), "serve-sparql", "--port", "0", "--timeout", "1",
                             seed], stderr=subprocess.PIPE, text=True, cwd=ROOT, preexec_fn=ctrl_c_stops)
    try:
        line = proc.stderr.readline()
        while "SPARQL endpoint:" not in line:
            assert line, "the server did not start"
            line = proc.stderr.readline()
        url = re.search(r"http://\S+", line).group()
        port = int(url.rsplit(":", 1)[1].split("/")[0])

        class S:
            pass
        srv = S()
        srv.port = port  # type: ignore[attr-defined]
        assert _request(srv, query="ASK { ?s ?p ?o }")[0] == 200
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        assert _request(srv, query=heavy)[0] == 503
        log = [proc.stderr.readline(), proc.stderr.readline()]
        assert " 200 " in log[0] and "ASK" in log[0] and " 503 " in log[1], log
        children = _descendants(proc.pid)
        assert children, "no worker processes"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        assert _wait_for(lambda: all(_state(p) in ("", "Z") for p in children), 5), "workers outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def ctrl_c_stops() -> None:
    """preexec_fn: SIGINT as in a terminal's foreground job. A suite started in the background by a
    non-interactive shell runs with SIGINT ignored, and children inherit that (Python keeps it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _descendants(pid: int) -> list[int]:
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out += kids
        todo += kids
    return out


# --------------------------------------------------------------------------- a browser client from another origin

PAGE = """<!doctype html><meta charset="utf-8"><title>SPARQL client</title><pre id="out">…</pre>
<script>
const ENDPOINT = %s;
window.result = null;
(async () => {
  try {
    const post = await fetch(ENDPOINT, {method: "POST", body: "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
      headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}});
    const n = (await post.json()).results.bindings[0].n.value;
    const get = await fetch(ENDPOINT + "?query=" + encodeURIComponent("ASK { ?s ?p ?o }"),
      {headers: {"Accept": "application/sparql-results+json"}});
    const ask = (await get.json()).boolean;
    const form = await fetch(ENDPOINT, {method: "POST",   // as YASGUI sends it
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json,*/*;q=0.9"},
      body: "query=" + encodeURIComponent("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")});
    const rows = (await form.json()).results.bindings.length;
    window.result = {n, ask, rows, origin: location.origin};
  } catch (e) { window.result = {error: String(e)}; }
  document.getElementById("out").textContent = JSON.stringify(window.result);
})();
</script>"""


def _page_server(html: str):
    import http.server

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def _browser_result(endpoint_url: str) -> dict:
    from _browser import chromium

    pages = _page_server(PAGE % json.dumps(endpoint_url))
    try:
        with chromium() as browser:
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            page.goto(f"http://localhost:{pages.server_address[1]}/client.html")  # another origin than the endpoint
            end = time.monotonic() + 60
            while page.evaluate("window.result") is None:
                assert time.monotonic() < end, "the page never finished"
                page.wait_for_timeout(100)
            result = page.evaluate("window.result")
            context.close()
            return result
    finally:
        pages.shutdown()
        pages.server_close()


@pytest.mark.slow
@pytest.mark.external
def test_a_browser_page_from_another_origin_queries_the_endpoint(store):
    from _browser import browser_missing_reason

    why = browser_missing_reason()
    if why:
        pytest.skip(why)
    logs: list[str] = []
    with serve(store, workers=1, log=logs.append) as server:
        result = _browser_result(server.url)
    assert result == {"n": "3000", "ask": True, "rows": 2, "origin": result.get("origin")}, result
    assert result["origin"].startswith("http://localhost:")
    assert any(line.split()[1] == "OPTIONS" and " 204 " in line for line in logs), logs  # the preflight ran
    assert sum(line.split()[1] in ("GET", "POST") for line in logs) == 3
    with serve(store, workers=1, cors=None) as server:  # and without CORS the browser refuses: the test means it
        assert "error" in _browser_result(server.url)


@pytest.mark.external
@pytest.mark.skipif(os.name != "posix", reason="worker processes use fork")
def test_endpoint_over_an_on_disk_store_runs_queries_in_workers(tmp_path):
    from kg.sparql import sparql_store

    st = sparql_store(None, path=tmp_path / "rdf")
    st.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    st.flush()
    del st
    with serve(tmp_path / "rdf", timeout=5, workers=1) as server:
        status, _, body = _request(server, query="SELECT ?o WHERE { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["o"]["value"] == "c"
        assert server.pool.pids() and all(_state(p) in "SR" for p in server.pool.pids())
    assert sys.modules["kg.sparql_server"]

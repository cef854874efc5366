"""`kg serve` in a real browser: Debian's Chromium (Playwright) against a real uvicorn server on 127.0.0.1.

Every request that does not go to the server is aborted and recorded; console errors (a CSP violation
is one) fail the test. Skips with the reason when Chromium or playwright is missing.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Iterator

import pytest

from _browser import ARTIFACTS, CHROMIUM_ARGS, CHROMIUM, browser_missing_reason
from _web import HOSTILE, read_only_store
from kg.align import with_alignments
from kg.library import run_named
from kg.loaders import parse_file
from kg.render import excel_cell
from kg.store.embedded import EmbeddedStore
from kg.table import responsibility_rows
from kg.web import create_app

pytestmark = [pytest.mark.skipif(browser_missing_reason() is not None, reason=browser_missing_reason() or ""),
              pytest.mark.external, pytest.mark.slow]  # Chromium

YOUYI = "友谊县全民科学素质行动规划纲要实施方案（2021—2025年）"


class Server:
    """uvicorn serving the app on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_graph) -> Iterator[tuple[Server, EmbeddedStore]]:
    store = read_only_store(tmp_path_factory.mktemp("webb") / "db", with_alignments(seed_graph))
    with Server(create_app(store)) as srv:
        yield srv, store
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Tab:
    """A page whose requests outside `origin` are aborted and recorded, with its console errors and dialogs."""

    def __init__(self, browser: Any, origin: str, width: int = 1400, height: int = 900) -> None:
        self.origin = origin
        self.context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(origin + "/"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page.on("request", lambda rq: None if rq.url.startswith(origin + "/") or rq.url in self.outside
                     else self.outside.append(rq.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path, wait_until="load")

    def wait(self, js: str, timeout_s: float = 60) -> None:
        """Poll a condition (the CSP forbids the eval wait_for_function uses)."""
        deadline = time.monotonic() + timeout_s
        while self.page.evaluate(js) is not True:
            if time.monotonic() > deadline:
                raise TimeoutError(js)
            self.page.wait_for_timeout(100)

    def clean(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, server) -> Iterator[Tab]:
    t = Tab(browser, server[0].origin)
    yield t
    t.close()


def _youyi(store) -> str:
    return store.run("MATCH (d:Document) WHERE d.title = $t RETURN d.id", {"t": YOUYI}).rows[0][0]


IN_VIEW = """(id) => { const m = document.getElementById(id); const r = m.getBoundingClientRect();
  const box = document.getElementById('doc-text').getBoundingClientRect();
  return {active: m.classList.contains('active'), top: r.top, bottom: r.bottom, vh: window.innerHeight,
          boxTop: box.top, boxBottom: box.bottom, text: m.textContent,
          panel: document.getElementById('clause-panel').hidden ? null :
                 document.querySelectorAll('#clause-panel li').length}; }"""


def _in_view(s: dict) -> bool:
    return 0 <= s["top"] and s["bottom"] <= s["vh"] and s["boxTop"] <= s["top"] and s["bottom"] <= s["boxBottom"] + 1


def test_click_an_edge_marks_its_span_and_scrolls_it_into_view(tab, server, seeds_dir):
    _, store = server
    doc = _youyi(store)
    tab.goto(f"/document/{doc}")
    tab.wait("document.body.getAttribute('data-kg-ready') === '1'")
    links = tab.page.locator("a[data-span]")
    assert links.count() > 100
    clauses = {tuple(r["span"]): r["clause"] for r in responsibility_rows(parse_file(seeds_dir / "001_d3227398dcf91ff4.txt"))}
    for i in (links.count() - 1, 0):  # the last edge (far down the text), then the first
        link = links.nth(i)
        span_id = link.get_attribute("data-span")
        link.click()
        tab.wait(f"document.body.getAttribute('data-kg-active') === '{span_id}'")
        tab.page.wait_for_timeout(300)
        state = tab.page.evaluate(IN_VIEW, span_id)
        start, end = map(int, span_id.split("-")[1:])
        assert state["active"] and _in_view(state), state
        assert state["text"] == clauses[(start, end)]  # the mark is kg extract's clause at kg extract's span
        n_edges = sum(1 for r in responsibility_rows(parse_file(seeds_dir / "001_d3227398dcf91ff4.txt"))
                      if tuple(r["span"]) == (start, end))
        assert state["panel"] == n_edges
        assert tab.page.evaluate("location.hash") == f"#{span_id}"
        assert tab.page.locator("mark.clause.active").count() == 1
    tab.clean()


def test_click_a_clause_lists_its_edges(tab, server):
    _, store = server
    tab.goto(f"/document/{_youyi(store)}")
    tab.wait("document.body.getAttribute('data-kg-ready') === '1'")
    mark = tab.page.locator("mark.clause").first
    mark.scroll_into_view_if_needed()
    mark.click()
    panel = tab.page.locator("#clause-panel")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "县科协" in text and "友谊县科学技术协会" in text and "友谊县教育和体育局" in text
    assert tab.page.locator("#clause-panel li").count() == 2
    tab.clean()


def test_from_search_to_the_clause(tab, server):
    """Search 县科协 → its organization → one of its tasks → the document, the clause marked at its span."""
    tab.goto("/")
    tab.page.fill("header input[name=q]", "县科协")
    tab.page.press("header input[name=q]", "Enter")
    tab.page.wait_for_load_state("load")
    tab.page.click("text=友谊县科学技术协会")
    tab.page.wait_for_load_state("load")
    assert tab.page.url.startswith(tab.origin + "/organization/")
    tab.wait("window.kgStable === true")
    tab.page.click("table.assignments a[href^='/task/'] >> nth=0")
    tab.page.wait_for_load_state("load")
    assert "/task/" in tab.page.url
    tab.page.click("ul.clauses a >> nth=0")
    tab.page.wait_for_load_state("load")
    tab.wait("document.body.getAttribute('data-kg-ready') === '1'")
    span_id = tab.page.evaluate("location.hash.slice(1)")
    state = tab.page.evaluate(IN_VIEW, span_id)
    assert state["active"] and _in_view(state) and "县科协" in state["text"]
    # the page from its top: title and metadata, the 分工表, the clause's edges, the text still on the clause
    tab.page.evaluate("window.scrollTo(0, 0)")
    tab.page.wait_for_timeout(200)
    state = tab.page.evaluate(IN_VIEW, span_id)
    assert state["active"] and _in_view(state), state
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / "web-document.png"))
    tab.clean()


def test_organization_graph_renders_offline_without_errors(tab, server):
    _, store = server
    oid = store.run("MATCH (o:Organization {name: '友谊县科学技术协会'}) RETURN o.id").rows[0][0]
    tab.goto(f"/organization/{oid}")
    tab.wait("window.kgStable === true")
    drawn = tab.page.evaluate("network.body.data.nodes.length")
    expected = tab.page.request.get(f"{tab.origin}/organization/{oid}/graph").json()
    assert drawn == len(expected["nodes"]) > 10
    assert tab.page.evaluate(f"network.getSelectedNodes().length === 0 && !!network.getPosition('o:{oid}')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / "web-organization.png"))  # 1400×900: facts, partners, graph, table
    tab.goto("/?q=科协")
    tab.page.screenshot(path=str(ARTIFACTS / "web-home.png"))
    tab.clean()


QUERY = "organization_responsibilities"
QUERY_PARAMS = {"name": "县科协", "jurisdiction": "友谊县", "limit": "20"}
RESULT_TABLE = """() => { const t = document.querySelector('.query-layout table.rows');
  return {head: Array.from(t.querySelectorAll('thead th'), th => th.textContent),
          rows: Array.from(t.querySelectorAll('tbody tr'), tr => Array.from(tr.cells, td => td.textContent))}; }"""


def _as_shown(value) -> str:
    """A value as the result table shows it (macros.html `table`): None as —, lists joined with 、."""
    if value is None:
        return "—"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def _run_the_form(tab) -> None:
    """Open the query's empty form, fill every parameter in and submit it, as a person would."""
    tab.goto(f"/queries/{QUERY}")
    assert tab.page.locator(".query-layout table.rows").count() == 0  # nothing runs before the form is sent
    for name, value in QUERY_PARAMS.items():
        tab.page.fill(f"form.params input[name={name}]", value)
    with tab.page.expect_navigation(wait_until="load"):
        tab.page.click("form.params button[type=submit]")


def test_query_form_rows_equal_kg_query(tab, server):
    """Parameters typed into the form give, in the page, the rows `kg query` gives for them (run_named)."""
    _, store = server
    _run_the_form(tab)
    assert all(f"{k}=" in tab.page.url for k in QUERY_PARAMS)  # a stable URL that can be shared
    lib = run_named(store, QUERY, dict(QUERY_PARAMS))
    assert 5 < len(lib.rows) <= 20
    shown = tab.page.evaluate(RESULT_TABLE)
    assert shown["head"] == lib.columns
    assert shown["rows"] == [[_as_shown(v) for v in row] for row in lib.rows]
    assert f"rows 1–{len(lib.rows)} of {len(lib.rows)}" in tab.page.inner_text("p.count")
    tab.clean()


def test_downloads_open_and_hold_the_rows(tab, server, tmp_path):
    """Click the XLSX and CSV links of a query result: the saved files open and hold `kg query`'s rows."""
    import csv

    import openpyxl

    _, store = server
    _run_the_form(tab)
    lib = run_named(store, QUERY, dict(QUERY_PARAMS))
    with tab.page.expect_download() as xlsx:
        tab.page.click("p.downloads a:text-is('XLSX')")
    assert xlsx.value.suggested_filename == f"{QUERY}.xlsx" and xlsx.value.failure() is None
    xlsx.value.save_as(tmp_path / "result.xlsx")
    book = openpyxl.load_workbook(tmp_path / "result.xlsx", read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(sheet[0]) == lib.columns
    assert [list(r) for r in sheet[1:]] == [[excel_cell(c, v) for c, v in zip(lib.columns, row)] for row in lib.rows]
    with tab.page.expect_download() as csv_file:
        tab.page.click("p.downloads a:text-is('CSV')")
    csv_file.value.save_as(tmp_path / "result.csv")
    table = list(csv.reader((tmp_path / "result.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert table[0] == lib.columns and len(table) == len(lib.rows) + 1
    assert [r[lib.columns.index("organization")] for r in table[1:]] == [r["organization"] for r in lib.records()]
    tab.clean()


def test_phone_width_has_no_sideways_scroll(browser, server):
    _, store = server
    t = Tab(browser, server[0].origin, width=390, height=844)
    try:
        oid = store.run("MATCH (o:Organization {name: '友谊县科学技术协会'}) RETURN o.id").rows[0][0]
        for path in (f"/document/{_youyi(store)}", f"/organization/{oid}", "/?q=科协", "/queries/partners?name=县科协"):
            t.goto(path)
            assert t.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        t.clean()
    finally:
        t.close()


def test_hostile_text_stays_inert_in_the_browser(browser, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    store = read_only_store(tmp_path / "db", parse_file(folder / "evil.txt"))
    try:
        doc = store.run("MATCH (d:Document) RETURN d.id").rows[0][0]
        evil = store.run("MATCH (o:Organization) WHERE o.name CONTAINS 'onerror' RETURN o.id").rows[0][0]
        with Server(create_app(store, [folder])) as srv:
            t = Tab(browser, srv.origin)
            try:
                for path in (f"/document/{doc}", f"/organization/{evil}", "/?q=onerror"):
                    t.goto(path)
                    t.page.wait_for_timeout(300)
                    assert t.page.evaluate("document.querySelectorAll('img').length") == 0, path
                t.goto(f"/document/{doc}")
                t.page.locator("mark.clause").first.click()
                assert "onerror=alert(3)" in t.page.locator("#clause-panel").inner_text()
                assert t.page.evaluate("document.querySelectorAll('#clause-panel img').length") == 0
                t.clean()
            finally:
                t.close()
    finally:
        store.close()

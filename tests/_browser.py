"""A real, offline Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright.

Every request that is not file:// or data: is aborted and recorded, so a test can fail when a
page tries to reach the network. Never run `playwright install`: the system browser is used.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage",
]
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"


def browser_missing_reason() -> Optional[str]:
    """Why browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        return (f"{CHROMIUM} is missing — install Debian's browser and a CJK font: "
                "apt-get install -y chromium fonts-noto-cjk")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing — pip install playwright (never `playwright install`)"
    return None


@dataclass
class PageRun:
    """A page opened offline, with what it tried to fetch and what it logged."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def eval(self, js: str) -> Any:
        return self.page.evaluate(js)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium (the system one) for a test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser: Any, path: Path, *, width: int = 1400, height: int = 900,
              wait_stable: bool = True, timeout_ms: int = 60_000,
              bypass_csp: bool = False) -> Iterator[PageRun]:
    """Open a local HTML file with the network blocked; wait until the layout has settled.

    bypass_csp=True ignores the page's Content-Security-Policy, to prove that escaping alone
    keeps document text inert.
    """
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1, java_script_enabled=True,
                                  service_workers="block", bypass_csp=bypass_csp)
    page = context.new_page()
    run = PageRun(page=page)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file://") or url.startswith("data:"):
            r.continue_()
        else:
            run.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: run.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: run.page_errors.append(str(e)))

    def dialog(d: Any) -> None:
        run.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    # Requests the route cannot see (e.g. refused by CSP before leaving) still show up here.
    page.on("request", lambda rq: None if rq.url.startswith(("file://", "data:")) or rq.url in run.blocked
            else run.blocked.append(rq.url))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        if wait_stable:
            # Polled from here: the page's CSP forbids the eval wait_for_function would use.
            deadline = time.monotonic() + timeout_ms / 1000
            while page.evaluate("window.kgStable === true") is not True:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path}: layout did not settle in {timeout_ms} ms")
                page.wait_for_timeout(100)
            page.wait_for_timeout(150)
        yield run
    finally:
        context.close()


def screenshot(run: PageRun, name: str, dest: Optional[Path] = None) -> Path:
    """Save a PNG of the page under test-artifacts/ (or at dest) and return its path."""
    out = dest or (ARTIFACTS / name)
    out.parent.mkdir(parents=True, exist_ok=True)
    run.page.screenshot(path=str(out), full_page=False)
    return out


def hover_node(run: PageRun, node_id: str) -> str:
    """Move the mouse onto a node and return the text of the tooltip vis-network shows."""
    pos = run.page.evaluate(
        "(id) => { const p = network.canvasToDOM(network.getPosition(id));"
        " const r = document.getElementById('kg-network').getBoundingClientRect();"
        " return {x: p.x + r.left, y: p.y + r.top}; }",
        node_id,
    )
    run.page.mouse.move(5, 5)
    run.page.mouse.move(pos["x"], pos["y"], steps=4)
    run.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    return run.page.inner_text("div.vis-tooltip")

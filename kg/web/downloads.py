"""Query results as downloads: CSV (as `kg query --format csv`), JSON (the `--format json` object) and
XLSX when kg.export_xlsx is installed alongside (imported lazily; the link is hidden without it)."""
from __future__ import annotations

import importlib
import inspect
import json
from typing import Any, Callable, Optional

from kg.library import Page
from kg.render import render

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# names kg.export_xlsx may give its "Page → XLSX bytes" function, most specific first
_XLSX_FUNCTIONS = ("page_to_xlsx", "page_xlsx", "xlsx_bytes", "to_xlsx", "export_page", "page_bytes")


def xlsx_writer() -> Optional[Callable[..., bytes]]:
    """kg.export_xlsx's function turning a query Page into XLSX bytes, or None when it is not there."""
    try:
        mod = importlib.import_module("kg.export_xlsx")
    except ImportError:
        return None
    for name in _XLSX_FUNCTIONS:
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn
    return None


def csv_bytes(page: Page) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs read the Chinese right; lists as JSON, None empty."""
    return ("\ufeff" + render(page.records(), "csv", page.columns)).encode("utf-8")


def json_bytes(page: Page, extra: Optional[dict[str, Any]] = None) -> bytes:
    return json.dumps({**(extra or {}), **page.as_json()}, ensure_ascii=False, indent=2).encode("utf-8")


def xlsx_bytes(page: Page, title: str = "kg") -> Optional[bytes]:
    """The XLSX of a page, or None when kg.export_xlsx is missing."""
    fn = xlsx_writer()
    if fn is None:
        return None
    if "sheet" in inspect.signature(fn).parameters:  # kg.export_xlsx.page_to_xlsx(page, sheet="result")
        return fn(page, sheet=title[:31])
    return fn(page)

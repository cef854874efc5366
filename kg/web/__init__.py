"""`kg serve`: a read-only local web application over a kg store (issue 14).

Pages for people who write neither Cypher nor SPARQL: search, organizations, documents with their
source text and every role clause highlighted, tasks and actions with their lineage, the named query
library as forms, a read-only Cypher console and a SPARQL page. Every page has a stable URL and a
JSON twin (``?format=json``). Modules, one job each:

* :mod:`kg.web.queries` — runs the app's own named queries (``queries/web/*.cypher``);
* :mod:`kg.web.data`    — gathers what each page shows, as plain dicts (the JSON twins);
* :mod:`kg.web.source`  — finds a document's source text (the store keeps only its metadata);
* :mod:`kg.web.graph`   — the organization neighbourhood, drawn by :mod:`kg.viz`;
* :mod:`kg.web.downloads` — CSV, JSON and XLSX of a query result;
* :mod:`kg.web.app`     — the Starlette application: routes, templates, security headers.
"""
from __future__ import annotations

from kg.web.app import create_app

__all__ = ["create_app"]

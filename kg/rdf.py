"""RDF export of the typed Graph: ontology/kg.ttl terms, deterministic bytes, SHACL validation.

Why it is built this way:
* Statements are produced as N-Triples/N-Quads text by plain string formatting, in an order fixed
  by the ids and positions of the elements, never by dict or set iteration.  The same Graph
  therefore always gives the same bytes, whatever the order of its lists.
* Making one Python ``pyoxigraph.Triple`` per statement is the slow part (~250k/s); text is
  ~1M/s.  Turtle, TriG and compacted JSON-LD are written here from the same statements, grouped by
  subject (:func:`_write_turtle`, :func:`_write_jsonld`); pyoxigraph only reads the text (the
  SPARQL store, round-trip tests).  rdflib is only used for small graphs, the ontology and the
  shapes (:func:`to_rdflib`; SHACL validation is kg.rdf_validate).
* Each assignment is written twice: a direct ``org kg:leads task`` triple for simple queries, and
  a ``prov:qualifiedAttribution`` node carrying role, qualifier, deadline, mention and span.
* Derived counts (:class:`_Derived`, counted by kg.store.counts as the property graph stores them) let
  the rankings of queries/*.rq pick their page without counting every assignment.  A document's own
  counts (its, its actions' and tasks', each organization's kg:Involvement in it) go in its named
  graph, so that they come and go with it; those that add up over documents (an organization's
  totals, the tasks two organizations share) go in the named graph :data:`DERIVED_GRAPH`, written
  last from the whole Graph.  They are in every export, not only in kg's SPARQL copy: a SPARQL user
  of the export gets the answers kg gives.
"""
from __future__ import annotations

import io
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Optional, Union

import pyoxigraph as ox
from pydantic import BaseModel

from kg.errors import KgError
from kg.gc_pause import gc_paused
from kg.ids import stable_id, title_key
from kg.model import (Action, Alignment, Citation, Document, Graph, Membership, Organization, Person, Responsibility, Section,
                      Target, Task)
from kg.resources import resource_dir
from kg.store import counts as store_counts

BASE = "https://w3id.org/kg-policy/id/"
KG = "https://w3id.org/kg-policy/ontology#"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "oa": "http://www.w3.org/ns/oa#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
KINDS = ("document", "section", "action", "task", "organization", "assignment",
         "jurisdiction", "sector", "cited", "span", "selector",
         "target", "person", "membership", "post", "grouprole", "citation", "alignment",
         "involvement", "sharing", "graph")
"""Path segments of instance IRIs: ``{BASE}{kind}/{id}``."""
INSTANCE_PREFIXES: dict[str, str] = {k: f"{BASE}{k}/" for k in KINDS}

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
"""Formats :func:`export` writes. trig and nq keep one named graph per document."""
_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld",
            "nquads": "nq", "n-quads": "nq"}
RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
"""rdflib's parser name for each export format."""


class RdfError(KgError):
    """An RDF export or validation cannot be done (unknown format, unreadable shapes …)."""


def _u(name: str) -> str:
    """An IRI term of the RDF vocabularies, e.g. ``_u('kg:leads')``."""
    prefix, local = name.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


# Terms, built once.
A = _u("rdf:type")
LABEL = _u("rdfs:label")
PREF, ALT, IN_SCHEME, BROADER = _u("skos:prefLabel"), _u("skos:altLabel"), _u("skos:inScheme"), _u("skos:broader")
T_TITLE, T_ID, T_ISSUED, T_CREATOR = _u("dcterms:title"), _u("dcterms:identifier"), _u("dcterms:issued"), _u("dcterms:creator")
ELI_JUR, ELI_PART_OF, ELI_LR, ELI_SUB = (_u("eli:jurisdiction"), _u("eli:is_part_of"),
                                         _u("eli:LegalResource"), _u("eli:LegalResourceSubdivision"))
PROV_PLAN, PROV_ATTR, PROV_QA, PROV_AGENT = (_u("prov:Plan"), _u("prov:Attribution"),
                                             _u("prov:qualifiedAttribution"), _u("prov:agent"))
HAD_ROLE = _u("dcat:hadRole")
ORG_ORG, ORG_FORMAL = _u("org:Organization"), _u("org:FormalOrganization")
OA_SR, OA_SOURCE, OA_SELECTOR = _u("oa:SpecificResource"), _u("oa:hasSource"), _u("oa:hasSelector")
OA_POS, OA_QUOTE, OA_START, OA_END, OA_EXACT = (_u("oa:TextPositionSelector"), _u("oa:TextQuoteSelector"),
                                                _u("oa:start"), _u("oa:end"), _u("oa:exact"))
SKOS_CONCEPT = _u("skos:Concept")
C_DOC, C_SECTION, C_ACTION, C_TASK = _u("kg:Document"), _u("kg:Section"), _u("kg:Action"), _u("kg:Task")
C_ORG, C_COLLECTIVE, C_JUR, C_ASSIGN = (_u("kg:Organization"), _u("kg:CollectiveOrganization"),
                                        _u("kg:Jurisdiction"), _u("kg:Assignment"))
HAS_SECTION, HAS_ACTION, HAS_TASK, IN_SECTION = (_u("kg:hasSection"), _u("kg:hasAction"),
                                                 _u("kg:hasTask"), _u("kg:inSection"))
BASED_ON, ORDINAL, NUMBER = _u("kg:basedOn"), _u("kg:ordinal"), _u("kg:number")
QUALIFIER, DEADLINE, MENTION, PROVENANCE = (_u("kg:qualifier"), _u("kg:deadline"),
                                            _u("kg:mention"), _u("kg:provenance"))
JURISDICTION, SECTOR = _u("kg:jurisdiction"), _u("kg:sector")
ISSUER_NAME, LEVEL, SOURCE_FILE, SHA256, ENCODING, SOURCE_FORMAT, TEXT_LENGTH = (
    _u("kg:issuerName"), _u("kg:level"), _u("kg:sourceFile"), _u("kg:sha256"), _u("kg:encoding"),
    _u("kg:sourceFormat"), _u("kg:textLength"))
ROLE_PROPERTY = {"LEADS": _u("kg:leads"), "RESPONSIBLE_FOR": _u("kg:responsibleFor")}
ROLE_CONCEPT = {"LEADS": _u("kg:Leads"), "RESPONSIBLE_FOR": _u("kg:ResponsibleFor")}
QUALIFIER_CONCEPT = {"牵头": _u("kg:QualifierLead"), "负责": _u("kg:QualifierResponsible"),
                     "配合": _u("kg:QualifierCooperate"), "指导": _u("kg:QualifierGuide")}
SECTOR_SCHEME, JURISDICTION_SCHEME = _u("kg:SectorScheme"), _u("kg:JurisdictionScheme")
# Targets, leading groups, citations, alignments.
C_TARGET, HAS_TARGET, VALUE, UNIT, COMPARATOR, PERIOD = (
    _u("kg:Target"), _u("kg:hasTarget"), _u("kg:value"), _u("kg:unit"), _u("kg:comparator"), _u("kg:period"))
C_PERSON, FOAF_PERSON, FOAF_NAME = _u("kg:Person"), _u("foaf:Person"), _u("foaf:name")
ORG_MEMBERSHIP, ORG_MEMBER, ORG_ORGANIZATION, ORG_ROLE, ORG_ROLE_CLASS = (
    _u("org:Membership"), _u("org:member"), _u("org:organization"), _u("org:role"), _u("org:Role"))
ORG_POST, ORG_HELD_BY, ORG_POST_IN, POST, POST_TITLE = (
    _u("org:Post"), _u("org:heldBy"), _u("org:postIn"), _u("kg:post"), _u("kg:postTitle"))
GROUP_ROLE_SCHEME = _u("kg:GroupRoleScheme")
GROUP_ROLE_CONCEPT = {"组长": _u("kg:GroupLeader"), "副组长": _u("kg:GroupDeputyLeader"),
                      "成员": _u("kg:GroupMember")}
C_CITATION, HAS_CITATION, CITES, TITLE_KEY = (_u("kg:Citation"), _u("kg:hasCitation"), _u("kg:cites"),
                                             _u("kg:titleKey"))
ELI_BASED_ON, ELI_IMPLEMENTS, IMPLEMENTS = _u("eli:based_on"), _u("eli:implements"), _u("kg:implements")
C_ALIGN, ALIGNS_WITH, ALIGN_SOURCE, ALIGN_TARGET, SCORE, METHOD, EVIDENCE = (
    _u("kg:AlignmentStatement"), _u("kg:alignsWith"), _u("kg:alignmentSource"), _u("kg:alignmentTarget"),
    _u("kg:score"), _u("kg:method"), _u("kg:evidence"))
# Derived counts (kg.store.counts computes them, as the property graph stores them): the documents' own in their
# named graphs, those that add up over documents in the derived graph (:data:`DERIVED_GRAPH`).
DERIVED_GRAPH = f"<{BASE}graph/derived>"
COUNT_PROPERTY: dict[str, str] = {
    c: _u("kg:" + c.split("_")[0] + "".join(w.title() for w in c.split("_")[1:]))
    for c in sorted({c for names in store_counts.NODE_COUNTS.values() for c in names})} | {
    "shared_tasks": _u("kg:sharedTasks"), "name_order": _u("kg:nameOrder"), "title_order": _u("kg:titleOrder"),
    "n_alignments": _u("kg:nAlignments")}
"""kg.store.counts names → kg: properties: n_units_all → kg:nUnitsAll."""
C_INVOLVEMENT, INVOLVED_ORG, INVOLVED_DOC, ACTIVE_IN = (
    _u("kg:Involvement"), _u("kg:involvedOrganization"), _u("kg:involvedDocument"), _u("kg:activeIn"))
SEARCH_TEXT = _u("kg:searchText")
"""A task's texts a substring search reads (derived): its text, and its title when the text lacks it."""
C_SHARING, SHARING_ORG, SHARING_PARTNER, SHARED_TASKS = (
    _u("kg:TaskSharing"), _u("kg:sharingOrganization"), _u("kg:sharingPartner"), COUNT_PROPERTY["shared_tasks"])
ORG_COUNTS = ("n_edges", "n_leads", "n_documents", "max_shared", "n_deadlines")  # the order they are written in
_XSD = PREFIXES["xsd"]
_INT = f"^^<{_XSD}integer>"
_NNI = f"^^<{_XSD}nonNegativeInteger>"
_DATE = f"^^<{_XSD}date>"
_DEC = f"^^<{_XSD}decimal>"

_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_SAFE_ID = re.compile(r"[A-Za-z0-9._~-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _esc_char(m: "re.Match[str]") -> str:
    c = m.group(0)
    return _ESCAPES.get(c) or f"\\u{ord(c):04X}"


def _str(s: str) -> str:
    """An N-Triples string literal (xsd:string)."""
    if _NEEDS_ESCAPE.search(s):
        s = _NEEDS_ESCAPE.sub(_esc_char, s)
    return f'"{s}"'


def _zh(s: str) -> str:
    """A literal tagged @zh: names, titles and other text written in Chinese."""
    return _str(s) + "@zh"


def iri(kind: str, id_: str) -> str:
    """The IRI of an element, e.g. ``https://w3id.org/kg-policy/id/task/0123456789abcdef``."""
    if not _SAFE_ID.fullmatch(id_):
        from urllib.parse import quote
        id_ = quote(id_, safe="")
    return f"{BASE}{kind}/{id_}"


def _ref(kind: str, id_: str) -> str:
    return f"<{iri(kind, id_)}>"


def _decimal(v: float) -> str:
    """An xsd:decimal literal of a float, never in exponent form: 15000.0 → "15000.0", 1e-05 → "0.00001"."""
    from decimal import Decimal

    text = format(Decimal(repr(float(v))), "f")
    if "." not in text:
        text += ".0"
    return f'"{text}"{_DEC}'


def _norm_title(title: str) -> str:
    return title.strip().strip("《》").strip()


@lru_cache(maxsize=1)
def _sector_english() -> Mapping[str, str]:
    """zh → en sector names from loaders/data/sectors.tsv, for the sector concepts' @en labels."""
    out: dict[str, str] = {}
    try:
        path = resource_dir("loaders") / "data" / "sectors.tsv"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) >= 3 and cols[1] and cols[2]:
                out.setdefault(cols[1].strip(), cols[2].strip().replace("-", " "))
    except (FileNotFoundError, OSError):
        pass
    return MappingProxyType(out)  # cached: read-only


# --------------------------------------------------------------------------------------------
# Statement generation: blocks of "S P O" strings, each block tagged with its graph name.
# --------------------------------------------------------------------------------------------

Block = tuple[Optional[str], list[str]]


def _texts(out: list[str], s: str, pairs: tuple[tuple[str, Optional[str]], ...]) -> None:
    """``s PRED "text"@zh`` for each (PRED, text) whose text is there (optional fields)."""
    for pred, text in pairs:
        if text:
            out.append(f"{s} {pred} {_zh(text)}")


def _prov(out: list[str], subject: str, element_id: str, prov) -> None:
    """Append ``subject kg:provenance span`` and the span's and selector's statements."""
    span = _ref("span", element_id)
    sel = _ref("selector", element_id)
    start = f'"{prov.start}"{_NNI if prov.start >= 0 else _INT}'
    end = f'"{prov.end}"{_NNI if prov.end >= 0 else _INT}'
    out += (
        f"{subject} {PROVENANCE} {span}",
        f"{span} {A} {OA_SR}",
        f"{span} {OA_SOURCE} {_ref('document', prov.document_id)}",
        f"{span} {OA_SELECTOR} {sel}",
        f"{sel} {A} {OA_POS}",
        f"{sel} {A} {OA_QUOTE}",
        f"{sel} {OA_START} {start}",
        f"{sel} {OA_END} {end}",
        f"{sel} {OA_EXACT} {_str(prov.text)}",
    )


# The model fields the statement writers below state in terms of their own (kg:, dcterms:, org:, oa: ...).
# Any other field of these classes — one added to the model — is written by _extra as a kg: datatype property
# named after the field, typed by its annotation, so that it reaches the RDF with no edit here.
_STATED: dict[type[BaseModel], str] = {
    Document: "id title doc_number issuer date jurisdiction jurisdiction_path level based_on file sha256 encoding "
              "format length prov",
    Section: "id document_id ordinal title prov",
    Action: "id document_id section_id ordinal number title prov",
    Task: "id document_id action_id ordinal number title prov",
    Organization: "id name jurisdiction jurisdiction_path sector collective aliases",
    Responsibility: "id role qualifier organization_id target_id target_kind document_id mention deadline prov",
    Target: "id document_id owner_id owner_kind text value unit comparator period deadline prov",
    Person: "id name document_id prov",
    Membership: "id person_id group_id role post post_title unit_id document_id prov",
    Citation: "id document_id title key cited_id prov",
    Alignment: "id source_id source_kind target_id target_kind score method evidence",
}


def _literal(v: Any) -> str:
    if isinstance(v, bool):
        return f'"{str(v).lower()}"^^<{_XSD}boolean>'
    if isinstance(v, int):
        return f'"{v}"{_INT}'
    if isinstance(v, float):
        return _decimal(v)
    return _str(str(v))


# class -> (field, its kg: property) of the fields no writer states: empty unless the model gained a field
_EXTRA: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {
    cls: tuple((f, f"<{KG}{f}>") for f in cls.model_fields if f not in stated.split()) for cls, stated in _STATED.items()}


def _extra(out: list[str], s: str, x: Any) -> None:
    """`s kg:FIELD value` for each field of x that no writer states (a list: one statement per value)."""
    for f, prop in _EXTRA.get(type(x), ()):
        v = getattr(x, f)
        for one in v if isinstance(v, list) else () if v is None else (v,):
            out.append(f"{s} {prop} {_literal(one)}")


def _element_end(out: list[str], s: str, x: Any) -> None:
    """What every element with a span ends with: its provenance, then the model fields no writer states."""
    _prov(out, s, x.id, x.prov)
    _extra(out, s, x)


def _elements(out: list[str], kind: str, items: Iterable[Any], statements: Callable[[str, Any], tuple[str, ...]]) -> None:
    """Each item's own statements, then what every element ends with (its provenance and unstated fields)."""
    for x in items:
        s = _ref(kind, x.id)
        out += statements(s, x)
        _element_end(out, s, x)


def _dedup(items: Iterable, key) -> list:
    """Sorted by ``key`` (which ends with the id), first of each id kept: order-independent."""
    seen: set[str] = set()
    out = []
    for x in sorted(items, key=key):
        if x.id not in seen:
            seen.add(x.id)
            out.append(x)
    return out


def _grouped(items: Iterable, owner: Callable[[Any], str]) -> dict[str, list]:
    """``items`` in lists by owner id, each list in the order of ``items``."""
    out: dict[str, list] = {}
    for x in items:
        out.setdefault(owner(x), []).append(x)
    return out


def _split_orphans(items: Iterable, owner: Callable[[Any], str],
                   known: set[str]) -> tuple[dict[str, list], dict[str, list]]:
    """``items`` by owner when the owner is exported, else by document: an orphan is still written,
    with its document, so nothing of the Graph is lost."""
    of: dict[str, list] = {}
    orphans: dict[str, list] = {}
    for x in items:
        k = owner(x)
        if k in known:
            of.setdefault(k, []).append(x)
        else:
            orphans.setdefault(x.document_id, []).append(x)
    return of, orphans


def _count(s: str, name: str, value: int) -> str:
    return f'{s} {COUNT_PROPERTY[name]} "{value}"{_NNI}'


class _Derived:
    """The derived counts of one Graph, as kg.store.counts counts them for the property graph (the same
    functions): Document, Action and Task counts, each organization's counts in each document (its
    kg:Involvement), and the counts that add up over documents — an organization's, and the tasks each
    pair of organizations shares (kg:TaskSharing).  Only ids and whole numbers: sorted, deterministic."""

    def __init__(self, docs: Mapping[str, Document], actions: list[Action], tasks: list[Task],
                 resps: list[Responsibility], targets: list[Target], orgs: Iterable[Organization]) -> None:
        self.nodes = store_counts.document_counts(docs, actions, tasks, resps, targets)
        # each document's place in title order (then id): a listing in document order sorts numbers, not titles
        self.title_order = {d.id: k for k, d in enumerate(sorted(docs.values(), key=lambda d: (d.title, d.id)))}
        self.involvements: dict[str, list[tuple[str, int, int]]] = {}
        for o, d, n, lead in store_counts.activity(resps):
            self.involvements.setdefault(d, []).append((o, n, lead))
        total = store_counts.totals(resps)
        self.pairs = sorted(total.pairs.items())
        max_shared = store_counts.max_out(total.pairs)
        # each organization's place in name order (then id), so that a listing in name order picks its page by a
        # number, not by comparing thousands of names
        ranked = sorted(orgs, key=lambda o: (o.name, o.id))
        self.name_order = {o.id: k for k, o in enumerate(ranked)}
        self.orgs: list[tuple[str, dict[str, int]]] = []  # each organization's counts by name
        zero = (0,) * len(store_counts.ORG_TOTALS)
        for o in sorted(self.name_order):
            counts = dict(zip(store_counts.ORG_TOTALS, total.orgs.get(o, zero)), max_shared=max_shared.get(o, 0))
            self.orgs.append((o, counts))

    def node(self, out: list[str], s: str, label: str, id_: str) -> None:
        """``s kg:nUnits 3`` … : the counts of a Document, Action or Task (none for one it did not count)."""
        row = self.nodes[label].get(id_)
        if row is not None:
            out += [_count(s, name, v) for name, v in zip(store_counts.NODE_COUNTS[label], row)]

    def involvement(self, out: list[str], doc_id: str) -> None:
        """Each organization's assignments in the document and those with qualifier 牵头 (its named graph)."""
        doc = _ref("document", doc_id)
        for o, n, lead in self.involvements.get(doc_id, ()):
            s, org = _ref("involvement", stable_id("involvement", doc_id, o)), _ref("organization", o)
            out += (f"{s} {A} {C_INVOLVEMENT}", f"{s} {INVOLVED_ORG} {org}", f"{s} {INVOLVED_DOC} {doc}",
                    _count(s, "n_edges", n), _count(s, "n_leads", lead), f"{org} {ACTIVE_IN} {doc}")

    def blocks(self, size: int = 20000) -> Iterator[Block]:
        """The derived graph: organizations' counts, then the pairs that share tasks, in blocks."""
        out: list[str] = []
        for o, counts in self.orgs:
            s = _ref("organization", o)
            out += [_count(s, name, counts[name]) for name in ORG_COUNTS]
            out.append(_count(s, "name_order", self.name_order[o]))
        for d, k in sorted(self.title_order.items()):
            out.append(_count(_ref("document", d), "title_order", k))
        for (a, b), n in self.pairs:
            if len(out) >= size:
                yield DERIVED_GRAPH, out
                out = []
            s = _ref("sharing", stable_id("sharing", a, b))
            out += (f"{s} {A} {C_SHARING}", f"{s} {SHARING_ORG} {_ref('organization', a)}",
                    f"{s} {SHARING_PARTNER} {_ref('organization', b)}", _count(s, "shared_tasks", n))
        if out:
            yield DERIVED_GRAPH, out


class _Statements:
    """The statements of one Graph, made in a fixed order: per document, then shared nodes.

    Holds the graph's elements indexed by what owns them (deduplicated and sorted once, so the
    output never depends on list order), and the shared nodes the documents mention as they are
    written (jurisdictions, cited works, group roles, sectors), which :meth:`shared_blocks` writes
    last.  One method per kind of node; each appends "S P O" strings to ``out``.
    """

    def __init__(self, graph: Graph) -> None:
        self.docs = {d.id: d for d in _dedup(graph.documents, lambda d: d.id)}
        sections = _dedup(graph.sections, lambda s: (s.document_id, s.ordinal, s.id))
        actions = _dedup(graph.actions, lambda a: (a.document_id, a.ordinal, a.id))
        tasks = _dedup(graph.tasks, lambda t: (t.action_id, t.ordinal, t.id))
        resps = _dedup(graph.responsibilities, lambda r: (r.target_id, r.prov.start, r.id))
        self.orgs: list[Organization] = _dedup(graph.organizations, lambda o: o.id)

        action_ids = {a.id for a in actions}
        task_ids = {t.id for t in tasks}
        self.sections_of: dict[str, list[Section]] = _grouped(sections, lambda s: s.document_id)
        self.actions_of: dict[str, list[Action]] = _grouped(actions, lambda a: a.document_id)
        self.tasks_of: dict[str, list[Task]]
        self.orphan_tasks: dict[str, list[Task]]
        self.tasks_of, self.orphan_tasks = _split_orphans(tasks, lambda t: t.action_id, action_ids)
        self.resps_of: dict[str, list[Responsibility]]
        self.orphan_resps: dict[str, list[Responsibility]]
        self.resps_of, self.orphan_resps = _split_orphans(resps, lambda r: r.target_id, action_ids | task_ids)

        self.targets_of: dict[str, list[Target]] = _grouped(
            _dedup(graph.targets, lambda t: (t.document_id, t.prov.start, t.id)), lambda t: t.document_id)
        self.people_of: dict[str, list[Person]] = _grouped(
            _dedup(graph.people, lambda p: (p.document_id, p.prov.start, p.id)), lambda p: p.document_id)
        self.memberships_of: dict[str, list[Membership]] = _grouped(
            _dedup(graph.memberships, lambda m: (m.document_id, m.prov.start, m.id)), lambda m: m.document_id)
        self.citations_of: dict[str, list[Citation]] = _grouped(
            _dedup(graph.citations, lambda c: (c.document_id, c.prov.start, c.id)), lambda c: c.document_id)
        self.alignments = _dedup(graph.alignments, lambda a: (a.source_id, a.target_id, a.id))
        self.derived = _Derived(self.docs, actions, tasks, resps, [t for ts in self.targets_of.values() for t in ts],
                                self.orgs)

        self.org_by_name = {o.name: o.id for o in self.orgs}
        self.doc_by_title = {_norm_title(d.title): d.id for d in self.docs.values()}
        self.docs_by_key: dict[str, list[str]] = {}
        if self.citations_of:
            for d_ in self.docs.values():
                self.docs_by_key.setdefault(title_key(d_.title), []).append(d_.id)
        # Shared nodes, collected while the documents are written.
        self.cited_works: dict[str, tuple[str, set[str]]] = {}  # cited id (a title key's) → key, titles as written
        self.group_roles: dict[str, str] = {}  # grouprole id → role as written (roles without a kg: concept)
        self.jurisdictions: dict[str, set[str]] = {}  # name → broader names
        self.cited: dict[str, str] = {}  # cited id → title
        self.sectors: dict[str, str] = {}  # sector id → name

    def doc_ids(self) -> list[str]:
        """Every document something belongs to, sorted: those without a Document element too."""
        return sorted(set(self.docs) | set(self.sections_of) | set(self.actions_of) | set(self.orphan_tasks)
                      | set(self.orphan_resps) | set(self.targets_of) | set(self.people_of)
                      | set(self.memberships_of) | set(self.citations_of) | set(self.derived.involvements))

    # --- per document: its named graph ----------------------------------------------------------

    def document_blocks(self, doc_id: str) -> Iterator[Block]:
        """One document's statements: head and sections, one block per action, then the rest."""
        g = _ref("document", doc_id)
        out: list[str] = []
        d: Optional[Document] = self.docs.get(doc_id)
        if d is not None:
            self.document(out, g, d)
        for sec in self.sections_of.get(doc_id, ()):
            self.section(out, g, sec)
        yield g, out
        for act in self.actions_of.get(doc_id, ()):
            out = []
            self.action(out, act)
            yield g, out
        out = []
        self.orphans(out, doc_id)
        self.targets(out, doc_id)
        self.people(out, doc_id)
        self.memberships(out, doc_id)
        self.citations(out, doc_id)
        self.derived.involvement(out, doc_id)
        if out:
            yield g, out

    def document(self, out: list[str], s: str, d: Document) -> None:
        """The document node: metadata, what it is based on and cites, its sections and actions."""
        out += (f"{s} {A} {C_DOC}", f"{s} {A} {ELI_LR}", f"{s} {T_TITLE} {_zh(d.title)}",
                f"{s} {LABEL} {_zh(d.title)}")
        if d.doc_number:
            out.append(f"{s} {T_ID} {_str(d.doc_number)}")
        if d.date:
            out.append(f"{s} {T_ISSUED} {_str(d.date)}{_DATE if _ISO_DATE.fullmatch(d.date) else ''}")
        if d.issuer:
            out.append(f"{s} {ISSUER_NAME} {_zh(d.issuer)}")
            if d.issuer in self.org_by_name:
                out.append(f"{s} {T_CREATOR} {_ref('organization', self.org_by_name[d.issuer])}")
        self.add_jurisdiction(d.jurisdiction, d.jurisdiction_path)
        out.append(f"{s} {ELI_JUR} {_ref('jurisdiction', stable_id('jurisdiction', d.jurisdiction))}")
        out.append(f"{s} {LEVEL} {_str(d.level)}")
        out.append(f"{s} {TITLE_KEY} {_str(title_key(d.title))}")
        self.based_on(out, s, d)
        self.document_citations(out, s, d.id)
        out += (f"{s} {SOURCE_FILE} {_str(d.file)}", f"{s} {SHA256} {_str(d.sha256)}",
                f"{s} {ENCODING} {_str(d.encoding)}", f"{s} {SOURCE_FORMAT} {_str(d.format)}",
                f'{s} {TEXT_LENGTH} "{d.length}"{_NNI}')
        self.derived.node(out, s, "Document", d.id)
        for sec in self.sections_of.get(d.id, ()):
            out.append(f"{s} {HAS_SECTION} {_ref('section', sec.id)}")
        for act in self.actions_of.get(d.id, ()):
            out.append(f"{s} {HAS_ACTION} {_ref('action', act.id)}")
        _element_end(out, s, d)

    def based_on(self, out: list[str], s: str, d: Document) -> None:
        """kg:basedOn: a loaded document of that title, else a cited work (a shared node)."""
        for title in sorted({_norm_title(t) for t in d.based_on if _norm_title(t)}):
            if title in self.doc_by_title:
                out.append(f"{s} {BASED_ON} {_ref('document', self.doc_by_title[title])}")
            else:
                cid = stable_id("cited", title)
                self.cited[cid] = title
                out.append(f"{s} {BASED_ON} {_ref('cited', cid)}")

    def document_citations(self, out: list[str], s: str, doc_id: str) -> None:
        """What the document cites (eli:based_on), its citations, and the loaded documents it implements."""
        citations = self.citations_of.get(doc_id, ())
        implemented: set[str] = set()
        for c in citations:
            work = self.cited_works.setdefault(c.cited_id, (c.key, set()))
            work[1].add(_norm_title(c.title) or c.title)
            implemented.update(x for x in self.docs_by_key.get(c.key, ()) if x != doc_id)
        for cid in sorted({c.cited_id for c in citations}):
            out.append(f"{s} {ELI_BASED_ON} {_ref('cited', cid)}")
        for c in citations:
            out.append(f"{s} {HAS_CITATION} {_ref('citation', c.id)}")
        for x in sorted(implemented):
            out += (f"{s} {IMPLEMENTS} {_ref('document', x)}", f"{s} {ELI_IMPLEMENTS} {_ref('document', x)}")

    def section(self, out: list[str], g: str, sec: Section) -> None:
        s = _ref("section", sec.id)
        out += (f"{s} {A} {C_SECTION}", f"{s} {A} {ELI_SUB}", f"{s} {LABEL} {_zh(sec.title)}",
                f'{s} {ORDINAL} "{sec.ordinal}"{_INT}', f"{s} {ELI_PART_OF} {g}")
        _element_end(out, s, sec)

    def action(self, out: list[str], act: Action) -> None:
        """An action, its assignments, then its tasks."""
        s = _ref("action", act.id)
        tasks = self.tasks_of.get(act.id, ())
        links = [f"{s} {IN_SECTION} {_ref('section', act.section_id)}"] if act.section_id else []
        links += [f"{s} {HAS_TASK} {_ref('task', t.id)}" for t in tasks]
        self.plan_item(out, s, C_ACTION, act, links)
        for t in tasks:
            self.task(out, t)

    def task(self, out: list[str], t: Task) -> None:
        # derived: kg:searchText answers "title or text contains …" with one literal a task (its title too only where
        # its text lacks it; the text is the span's oa:exact literal, stored once), not two passes over 100k tasks
        s = _ref("task", t.id)
        search = [f"{s} {SEARCH_TEXT} {_str(t.prov.text)}"]
        if t.title not in t.prov.text:
            search.append(f"{s} {SEARCH_TEXT} {_str(t.title)}")
        self.plan_item(out, s, C_TASK, t, search)

    def plan_item(self, out: list[str], s: str, cls: str, item: Union[Action, Task], links: list[str]) -> None:
        """What an action and a task both state: class, label, ordinal, number, ``links`` (an action's
        section and tasks), its assignments, provenance and the model's extra fields."""
        rs = self.resps_of.get(item.id, ())
        out += (f"{s} {A} {cls}", f"{s} {A} {PROV_PLAN}", f"{s} {LABEL} {_zh(item.title)}",
                f'{s} {ORDINAL} "{item.ordinal}"{_INT}')
        if item.number:
            out.append(f"{s} {NUMBER} {_str(item.number)}")
        out += links
        self.derived.node(out, s, "Action" if cls == C_ACTION else "Task", item.id)
        out += [f"{s} {PROV_QA} {_ref('assignment', r.id)}" for r in rs]
        _element_end(out, s, item)
        if rs:
            self.target_resps(out, s, rs)

    def target_resps(self, out: list[str], target: str, rs: Iterable[Responsibility]) -> None:
        """The assignments of one action or task, and one direct ``org kg:leads target`` per unit and role."""
        direct: set[tuple[str, str]] = set()
        for r in rs:
            self.assignment(out, r)
            k = (r.organization_id, r.role)
            if k not in direct:
                direct.add(k)
                out.append(f"{_ref('organization', r.organization_id)} {ROLE_PROPERTY[r.role]} {target}")

    def assignment(self, out: list[str], r: Responsibility) -> None:
        a = _ref("assignment", r.id)
        agent = _ref("organization", r.organization_id)
        out += (
            f"{a} {A} {C_ASSIGN}",
            f"{a} {A} {PROV_ATTR}",
            f"{a} {PROV_AGENT} {agent}",
            f"{a} {HAD_ROLE} {ROLE_CONCEPT[r.role]}",
            f"{a} {QUALIFIER} {QUALIFIER_CONCEPT[r.qualifier]}",
            f"{a} {MENTION} {_str(r.mention)}",
        )
        if r.deadline:
            out.append(f"{a} {DEADLINE} {_zh(r.deadline)}")
        _element_end(out, a, r)

    def orphans(self, out: list[str], doc_id: str) -> None:
        """Tasks whose action, and assignments whose action or task, the Graph does not hold."""
        for t in self.orphan_tasks.get(doc_id, ()):
            self.task(out, t)
        for r in self.orphan_resps.get(doc_id, ()):
            kind = "action" if r.target_kind == "Action" else "task"
            self.target_resps(out, _ref(kind, r.target_id), [r])
            out.append(f"{_ref(kind, r.target_id)} {PROV_QA} {_ref('assignment', r.id)}")

    def targets(self, out: list[str], doc_id: str) -> None:
        for t in self.targets_of.get(doc_id, ()):
            s = _ref("target", t.id)
            out += (f"{_ref(t.owner_kind.lower(), t.owner_id)} {HAS_TARGET} {s}",
                    f"{s} {A} {C_TARGET}", f"{s} {LABEL} {_zh(t.text)}", f"{s} {VALUE} {_decimal(t.value)}",
                    f"{s} {COMPARATOR} {_zh(t.comparator)}")
            _texts(out, s, ((UNIT, t.unit), (PERIOD, t.period), (DEADLINE, t.deadline)))
            _element_end(out, s, t)

    def people(self, out: list[str], doc_id: str) -> None:
        _elements(out, "person", self.people_of.get(doc_id, ()), lambda s, p: (
            f"{s} {A} {C_PERSON}", f"{s} {A} {FOAF_PERSON}", f"{s} {FOAF_NAME} {_zh(p.name)}", f"{s} {LABEL} {_zh(p.name)}"))

    def memberships(self, out: list[str], doc_id: str) -> None:
        """Leading-group memberships, each with the post its person holds."""
        for m in self.memberships_of.get(doc_id, ()):
            s, post, person = _ref("membership", m.id), _ref("post", m.id), _ref("person", m.person_id)
            out += (f"{s} {A} {ORG_MEMBERSHIP}", f"{s} {ORG_MEMBER} {person}",
                    f"{s} {ORG_ORGANIZATION} {_ref('organization', m.group_id)}",
                    f"{s} {ORG_ROLE} {self.group_role(m.role)}", f"{s} {POST} {post}")
            _element_end(out, s, m)
            out += (f"{post} {A} {ORG_POST}", f"{post} {LABEL} {_zh(m.post)}", f"{post} {ORG_HELD_BY} {person}")
            if m.post_title:
                out.append(f"{post} {POST_TITLE} {_zh(m.post_title)}")
            if m.unit_id:
                out.append(f"{post} {ORG_POST_IN} {_ref('organization', m.unit_id)}")

    def group_role(self, role: str) -> str:
        """The kg: concept of a group role, else a grouprole node of its own (written with the shared nodes)."""
        c = GROUP_ROLE_CONCEPT.get(role)
        if c is None:
            rid = stable_id("grouprole", role)
            self.group_roles[rid] = role
            c = _ref("grouprole", rid)
        return c

    def citations(self, out: list[str], doc_id: str) -> None:
        _elements(out, "citation", self.citations_of.get(doc_id, ()), lambda s, c: (
            f"{s} {A} {C_CITATION}", f"{s} {LABEL} {_zh(c.title)}", f"{s} {CITES} {_ref('cited', c.cited_id)}",
            f"{s} {TITLE_KEY} {_str(c.key)}"))

    def add_jurisdiction(self, name: str, path: list[str]) -> None:
        """Record a jurisdiction and the chain of broader ones above it (from its path)."""
        chain = [p for p in path if p]
        if chain and (chain[-1] == name or name.endswith(chain[-1])):
            chain = chain[:-1]
        self.jurisdictions.setdefault(name, set())
        if chain:
            self.jurisdictions[name].add(chain[-1])
        for i, p in enumerate(chain):
            self.jurisdictions.setdefault(p, set())
            if i:
                self.jurisdictions[p].add(chain[i - 1])

    # --- shared nodes: the default graph ----------------------------------------------------------

    def shared_blocks(self) -> Iterator[Block]:
        """Organizations (in blocks of ~20k statements), then the nodes the documents collected."""
        out: list[str] = []
        for o in self.orgs:
            self.organization(out, o)
            if len(out) > 20000:
                yield None, out
                out = []
        self.jurisdiction_nodes(out)
        self.sector_nodes(out)
        self.cited_nodes(out)
        self.cited_work_nodes(out)
        self.group_role_nodes(out)
        if out:
            yield None, out
        yield from self.alignment_blocks()
        yield from self.derived.blocks()

    def organization(self, out: list[str], o: Organization) -> None:
        s = _ref("organization", o.id)
        if o.collective:
            out += (f"{s} {A} {C_ORG}", f"{s} {A} {C_COLLECTIVE}", f"{s} {A} {ORG_ORG}")
        else:
            out += (f"{s} {A} {C_ORG}", f"{s} {A} {ORG_FORMAL}")
        out += (f"{s} {PREF} {_zh(o.name)}", f"{s} {LABEL} {_zh(o.name)}")
        for alias in sorted(set(o.aliases)):
            if alias != o.name:
                out.append(f"{s} {ALT} {_zh(alias)}")
        self.add_jurisdiction(o.jurisdiction, o.jurisdiction_path)
        out.append(f"{s} {JURISDICTION} {_ref('jurisdiction', stable_id('jurisdiction', o.jurisdiction))}")
        if o.sector:
            sid = stable_id("sector", o.sector)
            self.sectors[sid] = o.sector
            out.append(f"{s} {SECTOR} {_ref('sector', sid)}")
        _extra(out, s, o)

    def jurisdiction_nodes(self, out: list[str]) -> None:
        jur_ids = sorted((stable_id("jurisdiction", n), n) for n in self.jurisdictions)
        for jid, name in jur_ids:
            s = _ref("jurisdiction", jid)
            out += (f"{s} {A} {C_JUR}", f"{s} {A} {SKOS_CONCEPT}", f"{s} {PREF} {_zh(name)}",
                    f"{s} {LABEL} {_zh(name)}", f"{s} {IN_SCHEME} {JURISDICTION_SCHEME}")
            for b in sorted(self.jurisdictions[name]):
                out.append(f"{s} {BROADER} {_ref('jurisdiction', stable_id('jurisdiction', b))}")

    def sector_nodes(self, out: list[str]) -> None:
        english = _sector_english()
        for sid, name in sorted(self.sectors.items()):
            s = _ref("sector", sid)
            out += (f"{s} {A} {SKOS_CONCEPT}", f"{s} {PREF} {_zh(name)}", f"{s} {LABEL} {_zh(name)}",
                    f"{s} {IN_SCHEME} {SECTOR_SCHEME}")
            if name in english:
                out += (f"{s} {PREF} {_str(english[name])}@en", f"{s} {LABEL} {_str(english[name])}@en")

    def cited_nodes(self, out: list[str]) -> None:
        for cid, title in sorted(self.cited.items()):
            s = _ref("cited", cid)
            out += (f"{s} {A} {ELI_LR}", f"{s} {T_TITLE} {_zh(title)}", f"{s} {LABEL} {_zh(title)}")

    def cited_work_nodes(self, out: list[str]) -> None:
        # Cited works of citations, one per title key: their titles as written are labels (dcterms:title
        # stays one per spelling, on the kg:basedOn targets above, which may be the same node).
        for cid, (key, titles) in sorted(self.cited_works.items()):
            s = _ref("cited", cid)
            if cid not in self.cited:
                out.append(f"{s} {A} {ELI_LR}")
            out += [f"{s} {LABEL} {_zh(t)}" for t in sorted(titles) if self.cited.get(cid) != t]
            out.append(f"{s} {TITLE_KEY} {_str(key)}")

    def group_role_nodes(self, out: list[str]) -> None:
        for rid, role in sorted(self.group_roles.items()):
            s = _ref("grouprole", rid)
            out += (f"{s} {A} {SKOS_CONCEPT}", f"{s} {A} {ORG_ROLE_CLASS}", f"{s} {PREF} {_zh(role)}",
                    f"{s} {LABEL} {_zh(role)}", f"{s} {IN_SCHEME} {GROUP_ROLE_SCHEME}")

    def alignment_blocks(self, size: int = 20000) -> Iterator[Block]:
        """Alignments: kg's own finding across documents, so in the default graph.  In blocks: at
        2,000 plans they are 4.7M statements, 3.5 GB as one list of strings."""
        aligned: set[tuple[str, str]] = set()
        targets: dict[str, int] = {}  # derived: each target's alignment statements (a search of targets reads these)
        out: list[str] = []
        for al in self.alignments:
            if len(out) >= size:
                yield None, out
                out = []
            s = _ref("alignment", al.id)
            src, dst = _ref(al.source_kind.lower(), al.source_id), _ref(al.target_kind.lower(), al.target_id)
            targets[dst] = targets.get(dst, 0) + 1
            if (src, dst) not in aligned:
                aligned.add((src, dst))
                out.append(f"{src} {ALIGNS_WITH} {dst}")
            out += (f"{s} {A} {C_ALIGN}", f"{s} {ALIGN_SOURCE} {src}",
                    f"{s} {ALIGN_TARGET} {dst}", f"{s} {SCORE} {_decimal(al.score)}", f"{s} {METHOD} {_str(al.method)}",
                    f"{s} {EVIDENCE} {_zh(al.evidence)}")
            _extra(out, s, al)
        out += [_count(t, "n_alignments", n) for t, n in sorted(targets.items())]
        if out:
            yield None, out


def _blocks(graph: Graph) -> Iterator[Block]:
    """All statements of ``graph`` in a fixed order: per document, then shared nodes."""
    statements = _Statements(graph)
    for doc_id in statements.doc_ids():
        yield from statements.document_blocks(doc_id)
    yield from statements.shared_blocks()


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def _format(fmt: str) -> str:
    f = _ALIASES.get(fmt.lower(), fmt.lower())
    if f not in FORMATS:
        raise RdfError(f"unknown RDF format {fmt!r} — use one of: {', '.join(FORMATS)}")
    return f


def _chunks(graph: Graph, quads: bool, size: int = 50000) -> Iterator[tuple[bytes, int]]:
    """N-Triples (or N-Quads) text in chunks of about ``size`` statements, with their count."""
    parts: list[str] = []
    n = 0
    total = 0
    for g, stmts in _blocks(graph):
        if not stmts:
            continue
        end = f" {g} .\n" if (quads and g) else " .\n"
        parts.append(end.join(stmts))
        parts.append(end)
        n += len(stmts)
        if n >= size:
            yield "".join(parts).encode("utf-8", "surrogatepass"), n
            total += n
            parts, n = [], 0
    if parts:
        yield "".join(parts).encode("utf-8", "surrogatepass"), n


def graph_to_ntriples(graph: Graph) -> Iterator[bytes]:
    """The export as N-Triples byte chunks: the fastest form, for bulk loaders."""
    for chunk, _ in _chunks(graph, quads=False):
        yield chunk


def graph_to_triples(graph: Graph) -> Iterator[ox.Triple]:
    """Every triple of the export, in its deterministic order, as pyoxigraph Triples."""
    for chunk, _ in _chunks(graph, quads=False):
        for q in ox.parse(chunk, ox.RdfFormat.N_TRIPLES):
            yield q.triple


def graph_to_quads(graph: Graph) -> Iterator[ox.Quad]:
    """Every statement as a pyoxigraph Quad: document content in the document's named graph."""
    for chunk, _ in _chunks(graph, quads=True):
        yield from ox.parse(chunk, ox.RdfFormat.N_QUADS)


def load_into(graph: Graph, store: "ox.Store") -> int:
    """Bulk-load the export into a pyoxigraph Store (named graphs kept); return statement count."""
    n = 0
    for chunk, k in _chunks(graph, quads=True):
        store.bulk_load(chunk, ox.RdfFormat.N_QUADS)
        n += k
    return n


def export(graph: Graph, out: Union[str, os.PathLike, IO[bytes]], format: str = "turtle") -> int:
    """Write ``graph`` as RDF (turtle | nt | nq | trig | jsonld) to a path or binary file.

    Same Graph, same bytes.  Returns the number of statements written.
    """
    fmt = _format(format)
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as fh:
            return export(graph, fh, fmt)
    # Export makes millions of short strings and no cycles; the cyclic GC would rescan the
    # whole model graph again and again (a third of the time at 100k tasks).
    with gc_paused():
        return _export(graph, out, fmt)


def _export(graph: Graph, out: IO[bytes], fmt: str) -> int:
    if fmt in ("nt", "nq"):
        count = 0
        for chunk, n in _chunks(graph, quads=fmt == "nq"):
            out.write(chunk)
            count += n
        return count
    if fmt in ("turtle", "trig"):
        return _write_turtle(graph, out, trig=fmt == "trig")
    return _write_jsonld(graph, out)


# Turtle and TriG are written here rather than by pyoxigraph: the statements are already grouped
# by subject, so compacting IRIs and joining is all there is to do, at about twice the speed of
# making one Python object per triple for pyoxigraph's serializer.  Round trips are tested.
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_BASE_REF = "<" + BASE


def _compact_iri(term: str, cache: dict[str, str]) -> str:
    """``<…/id/task/0123…>`` → ``task:0123…``; ``<…ontology#leads>`` → ``kg:leads``; else as is."""
    hit = cache.get(term)
    if hit is not None:
        return hit
    iri_ = term[1:-1]
    out = term
    if term.startswith(_BASE_REF):
        kind, _, local = iri_[len(BASE):].partition("/")
        if kind in INSTANCE_PREFIXES and (local.isascii() and local.isalnum() or _PN_LOCAL.fullmatch(local)):
            return f"{kind}:{local}"  # not cached: instance IRIs are many, each used a few times
        return out
    for p, ns in PREFIXES.items():
        if iri_.startswith(ns) and _PN_LOCAL.fullmatch(iri_[len(ns):]):
            out = f"{p}:{iri_[len(ns):]}"
            break
    if len(cache) < 10000:
        cache[term] = out
    return out


_TYPED = {_INT: None, _NNI: "^^xsd:nonNegativeInteger", _DATE: "^^xsd:date", _DEC: "^^xsd:decimal"}


def _compact_object(o: str, cache: dict[str, str]) -> str:
    if o[0] == "<":
        return _compact_iri(o, cache)
    if o[-1] == ">":  # a typed literal
        for suffix, short in _TYPED.items():
            if o.endswith(suffix):
                if short is None:
                    return o[1:-len(suffix) - 1]  # "5"^^xsd:integer → 5 (made from a Python int)
                return o[:-len(suffix)] + short
        i = o.rindex("^^<")
        return o[:i + 2] + _compact_iri(o[i + 2:], cache)
    return o


def _write_turtle(graph: Graph, out: IO[bytes], trig: bool) -> int:
    """Turtle (or TriG, one graph per document), subjects grouped in the order they are made."""
    writer = _TurtleWriter(out)
    count = 0
    for g, stmts in _blocks(graph):
        if not stmts:
            continue
        writer.graph(g if trig else None)
        writer.statements(stmts)
        count += len(stmts)
    writer.close()
    return count


class _TurtleWriter:
    """Turtle text of statements in order: ``;`` for the same subject, ``,`` for the same predicate,
    a ``{ … }`` block per named graph (TriG).  Written out in pieces of ~200k parts."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.cache: dict[str, str] = {A: "a"}
        self.parts: list[str] = []
        self.cur_graph: Optional[str] = None
        self.in_graph = False
        self.prev_s: Optional[str] = None
        self.prev_p: Optional[str] = None
        self.ind = ""
        prefixes = sorted({**PREFIXES, **INSTANCE_PREFIXES}.items())
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes).encode())

    def graph(self, g: Optional[str]) -> None:
        """Close the open statement (and graph) when the statements that follow go to another graph."""
        if g == self.cur_graph:
            return
        if self.prev_s is not None:
            self.parts.append(" .\n")
        if self.in_graph:
            self.parts.append("}\n")
            self.in_graph = False
        if g is not None:
            self.parts.append(f"{_compact_iri(g, self.cache)} {{\n")
            self.in_graph = True
        self.cur_graph = g
        self.prev_s = self.prev_p = None
        self.ind = "\t" if self.in_graph else ""

    def statements(self, stmts: list[str]) -> None:
        # The hot loop: state in locals, written back once per block.
        cache, ind = self.cache, self.ind
        prev_s, prev_p = self.prev_s, self.prev_p
        append = self.parts.append
        for st in stmts:
            s, p, o = st.split(" ", 2)
            o = _compact_object(o, cache)
            if s == prev_s:
                if p == prev_p:
                    append(f" , {o}")
                else:
                    append(f" ;\n{ind}\t{_compact_iri(p, cache)} {o}")
            else:
                if prev_s is not None:
                    append(" .\n")
                append(f"{ind}{_compact_iri(s, cache)} {_compact_iri(p, cache)} {o}")
            prev_s, prev_p = s, p
        self.prev_s, self.prev_p = prev_s, prev_p
        if len(self.parts) > 200000:
            self.out.write("".join(self.parts).encode("utf-8", "surrogatepass"))
            self.parts = []

    def close(self) -> None:
        if self.prev_s is not None:
            self.parts.append(" .\n")
        if self.in_graph:
            self.parts.append("}\n")
        self.out.write("".join(self.parts).encode("utf-8", "surrogatepass"))


# JSON-LD is written compacted: an inline @context names kg's prefixes (the ontology's own, as in
# ontology/kg.ttl, and one per kind of instance IRI) and makes @zh the default language, so a node reads
# {"@id": "task:0123…", "@type": "kg:Task", "rdfs:label": "加强科学教育", "kg:ordinal": 3}.  Written here,
# streaming one node object per subject, as the quads come (pyoxigraph writes only expanded JSON-LD).
JSONLD_CONTEXT: dict[str, str] = {"@language": "zh", **dict(sorted({**PREFIXES, **INSTANCE_PREFIXES}.items()))}
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING, _XSD_INTEGER, _XSD_BOOLEAN = _XSD + "string", _XSD + "integer", _XSD + "boolean"
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_JSONLD_PREFIXES = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def jsonld_context() -> dict[str, str]:
    """The @context of kg's JSON-LD: prefixes of the ontology and of instance IRIs; strings default to @zh."""
    return dict(JSONLD_CONTEXT)


def _jsonld_iri(iri_: str) -> str:
    """``…/id/task/0123…`` → ``task:0123…``; ``…ontology#leads`` → ``kg:leads``; else the IRI itself."""
    if iri_.startswith(BASE):
        kind, sep, local = iri_[len(BASE):].partition("/")
        if sep and kind in INSTANCE_PREFIXES and local and not local.startswith("//"):
            return f"{kind}:{local}"
        return iri_
    for p, ns in _JSONLD_PREFIXES:
        if iri_.startswith(ns) and len(iri_) > len(ns) and not iri_[len(ns):].startswith("//"):
            return f"{p}:{iri_[len(ns):]}"
    return iri_


def _jsonld_ref(term: object) -> str:
    # an oxigraph NamedNode or BlankNode (a quad's subject or graph, an object that is no literal); both have .value
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _jsonld_iri(term.value)  # type: ignore[attr-defined]


def _jsonld_value(term: object) -> object:
    """An object of a statement in compacted JSON-LD (a value that expands back to the very same term)."""
    if not isinstance(term, ox.Literal):
        return {"@id": _jsonld_ref(term)}
    if term.language:
        return term.value if term.language == "zh" else {"@value": term.value, "@language": term.language}
    dt = term.datatype.value
    if dt == _XSD_STRING:
        return {"@value": term.value}  # not a bare string: that would be @zh
    if dt == _XSD_INTEGER and _CANONICAL_INT.fullmatch(term.value):
        return int(term.value)
    if dt == _XSD_BOOLEAN and term.value in ("true", "false"):
        return term.value == "true"
    return {"@value": term.value, "@type": _jsonld_iri(dt)}


def _write_jsonld(graph: Graph, out: IO[bytes]) -> int:
    """Compacted JSON-LD: {"@context": …, "@graph": [nodes of the default graph, and per document
    {"@id": "document:…", "@graph": [its nodes]}]}, one node per line, in the export's fixed order."""
    writer = _JsonLdWriter(out)
    count = 0
    for q in graph_to_quads(graph):
        count += 1
        g = None if isinstance(q.graph_name, ox.DefaultGraph) else _jsonld_ref(q.graph_name)
        s_ = _jsonld_ref(q.subject)
        if (g, s_) != writer.node_key:
            writer.start_node(g, s_)
        writer.add(q.predicate.value, q.object)
    writer.close()
    return count


def _dump_json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


class _JsonLdWriter:
    """Node objects written as their subject changes; a named graph's nodes inside its own
    {"@id": …, "@graph": [...]} object, opened and closed as the graph changes."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.top_first = True  # no node written yet at the top level
        self.cur_graph: Optional[str] = None  # the named graph open, None: the default graph
        self.inner_first = True
        self.node: Optional[dict] = None
        self.node_key: Optional[tuple] = None
        out.write(b'{"@context":' + _dump_json(JSONLD_CONTEXT) + b',\n"@graph":[')

    def start_node(self, g: Optional[str], s_: str) -> None:
        """Write the node made so far; start the node of subject ``s_`` in graph ``g``."""
        self.flush()
        self.node, self.node_key = {"@id": s_}, (g, s_)
        if g == self.cur_graph:
            return
        if self.cur_graph is not None:
            self.out.write(b"]}")
            self.top_first = False
        if g is not None:
            self.out.write((b"\n" if self.top_first else b",\n") + b'{"@id":' + _dump_json(g) + b',"@graph":[')
            self.top_first, self.inner_first = False, True
        self.cur_graph = g

    def add(self, predicate: str, obj: object) -> None:
        """One statement of the current node: a repeated key becomes a list."""
        node = self.node
        assert node is not None
        value: object
        if predicate == _RDF_TYPE:
            key, value = "@type", _jsonld_ref(obj)
        else:
            key, value = _jsonld_iri(predicate), _jsonld_value(obj)
        if key in node:
            if not isinstance(node[key], list):
                node[key] = [node[key]]
            node[key].append(value)
        else:
            node[key] = value

    def flush(self) -> None:
        if self.node is None:
            return
        if self.cur_graph is None:
            self.out.write((b"\n" if self.top_first else b",\n") + _dump_json(self.node))
            self.top_first = False
        else:
            self.out.write((b"\n" if self.inner_first else b",\n") + _dump_json(self.node))
            self.inner_first = False

    def close(self) -> None:
        self.flush()
        if self.cur_graph is not None:
            self.out.write(b"]}")
        self.out.write(b"\n]}\n")


def serialize(graph: Graph, format: str = "turtle") -> bytes:
    """The export as bytes (small graphs; use :func:`export` with a file for big ones)."""
    buf = io.BytesIO()
    export(graph, buf, format)
    return buf.getvalue()


def to_rdflib(graph: Graph):
    """The export as an ``rdflib.Graph`` (all statements, named graphs merged), prefixes bound.

    For rdflib users and for SHACL with pyshacl; fine for thousands of triples, slow for millions.
    """
    import rdflib

    g = rdflib.Graph()
    for name, ns in {**PREFIXES, **INSTANCE_PREFIXES}.items():
        g.bind(name, rdflib.Namespace(ns), override=True)
    for chunk, _ in _chunks(graph, quads=False):
        g.parse(data=chunk, format="nt")
    return g


def ontology_path() -> Path:
    """ontology/kg.ttl, as shipped."""
    return resource_dir("ontology") / "kg.ttl"


def shapes_path() -> Path:
    """ontology/shapes.ttl, as shipped."""
    return resource_dir("ontology") / "shapes.ttl"


def load_ontology():
    """kg.ttl as an ``rdflib.Graph``."""
    import rdflib

    return rdflib.Graph().parse(ontology_path(), format="turtle")


def load_shapes():
    """shapes.ttl as an ``rdflib.Graph``."""
    import rdflib

    return rdflib.Graph().parse(shapes_path(), format="turtle")


__all__ = [
    "BASE", "FORMATS", "KG", "PREFIXES", "RdfError", "export", "graph_to_ntriples",
    "graph_to_quads", "graph_to_triples", "iri", "load_into", "load_ontology", "load_shapes",
    "ontology_path", "serialize", "shapes_path", "to_rdflib",
]

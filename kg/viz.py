"""Interactive, self-contained pyvis pages of a responsibility graph.

Four views of one :class:`kg.model.Graph`:

* ``whole``    — everything; above ``max_nodes`` only the most connected organizations
  (with what they lead or answer for) are kept, and the page says what was left out;
* ``org``      — one organization (canonical name, or a mention as written): the actions and
  tasks it leads or answers for, and the units it shares them with;
* ``document`` — one document (id, 文号, file name or title substring): document → sections →
  actions → tasks → units, laid out as a hierarchy, with the targets each states and the
  actions/tasks of other documents they align with;
* ``sector``   — the units of one sector (``Organization.sector``) across jurisdictions.

Pages work offline: vis-network (the copy pyvis ships) is inlined, nothing is fetched, and a
Content-Security-Policy forbids any request. Document text is data: labels are drawn on a
canvas, tooltips are built with ``textContent``, and the embedded JSON cannot close its script.
The same graph always gives the same bytes.
"""
from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Optional, Union

from pyvis.network import Network

from kg.errors import KgError
from kg.model import Action, Alignment, Document, Graph, Organization, Responsibility, Section, Target, Task
from kg import viz_style as S

View = Literal["whole", "org", "document", "sector"]
VIEWS: tuple[str, ...] = ("whole", "org", "document", "sector")
DEFAULT_MAX_NODES = 1500
TIP_TEXT_MAX = 400  # characters of source text shown in a tooltip


class ViewError(KgError):
    """A view that cannot be drawn: unknown view name, or no document/organization/sector matches."""


@dataclass(frozen=True)
class PageInfo:
    """What a page shows: counts as drawn, what was cut (kind → nodes left out), and why."""

    view: str
    value: Optional[str]
    title: str
    nodes: int
    edges: int
    cut: dict[str, int] = field(default_factory=dict)
    message: str = ""
    path: Optional[Path] = None

    @property
    def truncated(self) -> bool:
        """True when part of the selection was left out to keep the page drawable."""
        return bool(self.cut)


# ---------------------------------------------------------------- small helpers

_WS = re.compile(r"\s+")


def shorten(text: str, limit: int) -> str:
    """One-line label of at most `limit` characters plus an ellipsis; the tooltip keeps it whole."""
    one = _WS.sub(" ", text).strip()
    return one if len(one) <= limit else one[:limit] + "…"


def _clip(text: str, limit: int = TIP_TEXT_MAX) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def script_json(value: Any) -> str:
    """JSON safe inside an HTML <script>: no `<`, `>`, `&` or line separators survive literally."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


_NID_PREFIX = {"document": "d", "section": "s", "action": "a", "task": "t", "organization": "o",
               "target": "g"}
_PREFIX_KIND = {"d": "document", "s": "section", "a": "action", "t": "task", "g": "target"}


def _nid(kind: str, id_: str) -> str:
    return f"{_NID_PREFIX[kind]}:{id_}"


# ---------------------------------------------------------------- selection


class _Index:
    """Look-ups over a Graph that every view needs."""

    def __init__(self, g: Graph):
        self.g = g
        self.docs = {d.id: d for d in g.documents}
        self.sections = {s.id: s for s in g.sections}
        self.actions = {a.id: a for a in g.actions}
        self.tasks = {t.id: t for t in g.tasks}
        self.orgs = {o.id: o for o in g.organizations}
        self.resp_by_org: dict[str, list[Responsibility]] = defaultdict(list)
        self.resp_by_target: dict[str, list[Responsibility]] = defaultdict(list)
        for r in g.responsibilities:
            if r.organization_id in self.orgs and r.target_id in self._targets():
                self.resp_by_org[r.organization_id].append(r)
                self.resp_by_target[r.target_id].append(r)
        # Targets (measurable commitments) by the document, action or task that states them.
        self.goals: dict[str, Target] = {}
        self.goals_by_owner: dict[str, list[Target]] = defaultdict(list)
        for t in sorted(g.targets, key=lambda t: (t.prov.start, t.id)):
            owner = self.docs if t.owner_kind == "Document" else self._targets()
            if t.owner_id in owner and t.id not in self.goals:
                self.goals[t.id] = t
                self.goals_by_owner[t.owner_id].append(t)
        # Alignments whose two ends are in the graph, one per id.
        seen: set[str] = set()
        self.alignments: list[Alignment] = []
        for al in sorted(g.alignments, key=lambda a: (a.source_id, a.target_id, a.id)):
            if al.id not in seen and al.source_id in self._targets() and al.target_id in self._targets():
                seen.add(al.id)
                self.alignments.append(al)

    def _targets(self) -> dict[str, Any]:
        if not hasattr(self, "_tg"):
            self._tg = {**self.actions, **self.tasks}
        return self._tg

    def target(self, id_: str) -> Union[Action, Task, None]:
        return self.actions.get(id_) or self.tasks.get(id_)

    def doc_title(self, doc_id: str) -> str:
        d = self.docs.get(doc_id)
        return d.title if d else doc_id


@dataclass
class _Selection:
    title: str
    layout: str  # hierarchical | force
    nodes: set[str]  # vis node ids
    centers: set[str] = field(default_factory=set)
    with_sections: bool = True
    with_alignments: bool = False  # document and whole views draw alignment edges
    message: str = ""
    cut: dict[str, int] = field(default_factory=dict)


def _kind_of(ix: _Index, nid: str) -> str:
    k, id_ = nid.split(":", 1)
    if k == "o":
        return "collective" if ix.orgs[id_].collective else "organization"
    return _PREFIX_KIND[k]


def _owner_nid(ix: _Index, t: Target) -> str:
    return _nid("document", t.owner_id) if t.owner_kind == "Document" else _target_nid(ix, t.owner_id)


def _ancestors(ix: _Index, target_id: str, with_sections: bool) -> list[str]:
    """The structure above an action or task: its action, section and document (as vis ids)."""
    out: list[str] = []
    t = ix.tasks.get(target_id)
    action = ix.actions.get(t.action_id) if t else ix.actions.get(target_id)
    if t and action:
        out.append(_nid("action", action.id))
    if action:
        if with_sections and action.section_id and action.section_id in ix.sections:
            out.append(_nid("section", action.section_id))
        if action.document_id in ix.docs:
            out.append(_nid("document", action.document_id))
    elif t and t.document_id in ix.docs:
        out.append(_nid("document", t.document_id))
    return out


def _target_nid(ix: _Index, target_id: str) -> str:
    return _nid("task" if target_id in ix.tasks else "action", target_id)


def _find_document(ix: _Index, value: str) -> Document:
    v = value.strip()
    if v in ix.docs:
        return ix.docs[v]
    exact = [d for d in ix.g.documents if v in (d.title, d.doc_number, d.file, Path(d.file).name)]
    if len(exact) == 1:
        return exact[0]
    subs = sorted((d for d in ix.g.documents if v and v in d.title), key=lambda d: (d.title, d.id))
    if len(subs) == 1:
        return subs[0]
    if len(subs) > 1:
        listing = "; ".join(f"{d.id} {d.title}" for d in subs[:10])
        raise ViewError(f"document {value!r}: {len(subs)} titles contain it ({listing}) — "
                        "give the document id or a longer part of the title")
    titles = [d.title for d in ix.g.documents]
    close = difflib.get_close_matches(v, titles, n=3, cutoff=0.3)
    hint = f" — did you mean: {', '.join(close)}" if close else " — give a document id or part of its title"
    raise ViewError(f"document {value!r}: no document id, 文号, file or title matches "
                    f"(the graph has {len(ix.g.documents)} documents){hint}")


def _find_orgs(ix: _Index, value: str) -> list[Organization]:
    v = value.strip()
    for pick in (lambda o: o.id == v or o.name == v, lambda o: v in o.aliases):
        found = [o for o in ix.g.organizations if pick(o)]
        if found:
            return sorted(found, key=lambda o: (o.name, o.id))
    subs = [o for o in ix.g.organizations if v and v in o.name]
    if subs:
        return sorted(subs, key=lambda o: (o.name, o.id))
    names = sorted({o.name for o in ix.g.organizations} | {a for o in ix.g.organizations for a in o.aliases})
    close = difflib.get_close_matches(v, names, n=3, cutoff=0.3)
    hint = f" — did you mean: {', '.join(close)}" if close else ""
    raise ViewError(f"organization {value!r}: no organization has this name or was written so "
                    f"in a document{hint}")


def _select_document(ix: _Index, value: str) -> _Selection:
    d = _find_document(ix, value)
    nodes = {_nid("document", d.id)}
    nodes |= {_nid("section", s.id) for s in ix.g.sections if s.document_id == d.id}
    action_ids = {a.id for a in ix.g.actions if a.document_id == d.id}
    nodes |= {_nid("action", a) for a in action_ids}
    task_ids = {t.id for t in ix.g.tasks if t.document_id == d.id or t.action_id in action_ids}
    nodes |= {_nid("task", t) for t in task_ids}
    for tid in action_ids | task_ids:
        nodes |= {_nid("organization", r.organization_id) for r in ix.resp_by_target.get(tid, [])}
    for owner in action_ids | task_ids | {d.id}:
        nodes |= {_nid("target", t.id) for t in ix.goals_by_owner.get(owner, [])}
    # The actions and tasks of other documents that this document's align with (or that align with them).
    mine = action_ids | task_ids
    for al in ix.alignments:
        if al.source_id in mine or al.target_id in mine:
            nodes |= {_target_nid(ix, al.source_id), _target_nid(ix, al.target_id)}
    return _Selection(title=d.title, layout="hierarchical", nodes=nodes,
                      centers={_nid("document", d.id)}, with_alignments=True)


def _org_neighbourhood(ix: _Index, orgs: Iterable[Organization], *, co_units: bool) -> set[str]:
    nodes: set[str] = set()
    for o in orgs:
        nodes.add(_nid("organization", o.id))
        for r in ix.resp_by_org.get(o.id, []):
            nodes.add(_target_nid(ix, r.target_id))
            nodes.update(_ancestors(ix, r.target_id, with_sections=False))
            if co_units:
                nodes |= {_nid("organization", x.organization_id) for x in ix.resp_by_target[r.target_id]}
    return nodes


def _select_org(ix: _Index, value: str) -> _Selection:
    orgs = _find_orgs(ix, value)
    nodes = _org_neighbourhood(ix, orgs, co_units=True)
    title = orgs[0].name if len(orgs) == 1 else f"{value}（{len(orgs)} 个单位）"
    msg = ""
    if len(orgs) > 1:
        msg = f"{value!r} matches {len(orgs)} organizations: " + "、".join(o.name for o in orgs)
    return _Selection(title=title, layout="force", nodes=nodes, with_sections=False, message=msg,
                      centers={_nid("organization", o.id) for o in orgs})


def _select_sector(ix: _Index, value: str) -> _Selection:
    v = value.strip()
    orgs = [o for o in ix.g.organizations if o.sector == v]
    if not orgs:
        sectors = sorted({o.sector for o in ix.g.organizations if o.sector})
        raise ViewError(f"sector {value!r}: no organization has this sector — sectors in this graph: "
                        + ("、".join(sectors) if sectors else "(none)"))
    nodes = _org_neighbourhood(ix, orgs, co_units=False)
    return _Selection(title=f"{v} · {len(orgs)} 个单位", layout="force", nodes=nodes,
                      with_sections=False, centers={_nid("organization", o.id) for o in orgs})


def _select_whole(ix: _Index) -> _Selection:
    g = ix.g
    nodes = {_nid("document", d.id) for d in g.documents}
    nodes |= {_nid("section", s.id) for s in g.sections}
    nodes |= {_nid("action", a.id) for a in g.actions}
    nodes |= {_nid("task", t.id) for t in g.tasks}
    nodes |= {_nid("organization", o.id) for o in g.organizations}
    nodes |= {_nid("target", t) for t in ix.goals}
    title = (g.documents[0].title if len(g.documents) == 1
             else f"{len(g.documents)} 份文件 · {len(g.organizations)} 个单位")
    return _Selection(title=title, layout="force", nodes=nodes, with_alignments=True)


def _cut(ix: _Index, sel: _Selection, max_nodes: int) -> None:
    """Keep the most connected organizations (and what they touch) within max_nodes.

    Organizations are ranked by the number of distinct actions/tasks they lead or answer for
    (ties by name, then id) and taken in that order while their targets and the structure above
    them still fit; the view's centres are always kept. Records what was left out, by kind.
    """
    if len(sel.nodes) <= max_nodes:
        return
    before = sel.nodes
    goals = sorted((n for n in before if n.startswith("g:")), key=lambda n: _sort_key(ix, n))
    org_ids = [n.split(":", 1)[1] for n in before if n.startswith("o:")]

    def degree(oid: str) -> int:
        return len({r.target_id for r in ix.resp_by_org.get(oid, []) if _target_nid(ix, r.target_id) in before})

    ranked = sorted(org_ids, key=lambda oid: (-degree(oid), ix.orgs[oid].name, oid))
    centers = [n.split(":", 1)[1] for n in sorted(sel.centers) if n.startswith("o:")]
    ranked = centers + [o for o in ranked if o not in centers]
    kept: set[str] = {n for n in sel.centers if not n.startswith("o:")}
    n_orgs = 0
    for oid in ranked:
        need = {_nid("organization", oid)}
        for r in ix.resp_by_org.get(oid, []):
            t = _target_nid(ix, r.target_id)
            if t in before:
                need.add(t)
                need.update(a for a in _ancestors(ix, r.target_id, sel.with_sections) if a in before)
        if n_orgs and oid not in centers and len(kept | need) > max_nodes:
            break
        kept |= need
        n_orgs += 1
    # Targets go with their owner while there is room: they are details of what is drawn.
    for n in goals:
        if len(kept) >= max_nodes:
            break
        if _owner_nid(ix, ix.goals[n.split(":", 1)[1]]) in kept:
            kept.add(n)
    dropped: dict[str, int] = defaultdict(int)
    for n in before - kept:
        dropped[_kind_of(ix, n)] += 1
    sel.nodes = kept
    sel.cut = {k: dropped[k] for k in S.KIND_ORDER if dropped.get(k)}
    total_orgs = len(org_ids)
    left = "; ".join(f"{v} {k}" for k, v in sel.cut.items())
    sel.message = (
        (sel.message + " — " if sel.message else "")
        + f"Too large to draw usefully: {len(before)} nodes (limit {max_nodes}). "
        f"Showing the {n_orgs} most connected of {total_orgs} organizations with the actions and "
        f"tasks they lead or answer for ({len(kept)} nodes). Not drawn: {left}. "
        "Draw one organization, document or sector for the rest."
    )


def _select(ix: _Index, view: str, value: Optional[str], max_nodes: int) -> _Selection:
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r} — use one of: {', '.join(VIEWS)}")
    if view != "whole" and not (value and value.strip()):
        raise ViewError(f"the {view} view needs a value (an {view} name or id)")
    if view == "document":
        sel = _select_document(ix, value or "")
    elif view == "org":
        sel = _select_org(ix, value or "")
    elif view == "sector":
        sel = _select_sector(ix, value or "")
    else:
        sel = _select_whole(ix)
    _cut(ix, sel, max_nodes)
    return sel


# ---------------------------------------------------------------- vis data


_KIND_NAMES = {"document": "文件 Document", "section": "部分 Section", "action": "行动 Action",
               "task": "任务 Task", "organization": "单位 Organization",
               "collective": "集合单位 Collective organization", "target": "目标 Target"}


def _number(v: float) -> str:
    """15000.0 → 15000, 12.5 → 12.5: the value as a reader writes it."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))
_QUAL_NAMES = {"牵头": "牵头 leads", "负责": "负责 responsible", "配合": "配合 cooperates",
               "指导": "指导 guides"}


def _node_dict(ix: _Index, nid: str, sel: _Selection, level: Optional[int]) -> dict[str, Any]:
    kind = _kind_of(ix, nid)
    id_ = nid.split(":", 1)[1]
    style = S.NODE_STYLES[kind]
    rows: list[list[str]] = []
    if kind == "document":
        d = ix.docs[id_]
        full = d.title
        for label, val in (("文号", d.doc_number), ("发文", d.issuer), ("日期", d.date),
                           ("地区", d.jurisdiction), ("文件", d.file)):
            if val:
                rows.append([label, val])
    elif kind == "target":
        t = ix.goals[id_]
        full = t.text
        rows.append(["数值", f"{t.comparator} {_number(t.value)}{t.unit or ''}"])
        for label, val in (("单位", t.unit), ("比较", t.comparator), ("周期", t.period), ("时限", t.deadline)):
            if val:
                rows.append([label, val])
        owner = (ix.docs.get(t.owner_id) if t.owner_kind == "Document" else ix.target(t.owner_id))
        if owner is not None and t.owner_kind != "Document":
            rows.append(["提出", getattr(owner, "title", "")])
        rows.append(["来源", ix.doc_title(t.document_id)])
        if t.prov.text and t.prov.text.strip() != t.text.strip():
            rows.append(["原文", _clip(t.prov.text)])
    elif kind in ("organization", "collective"):
        o = ix.orgs[id_]
        full = o.name
        rows.append(["地区", o.jurisdiction])
        if o.sector:
            rows.append(["领域", o.sector])
        if o.aliases:
            rows.append(["原文写作", "、".join(o.aliases)])
        rs = ix.resp_by_org.get(id_, [])
        leads = sum(r.role == "LEADS" for r in rs)
        rows.append(["职责", f"牵头 {leads} · 负责/配合/指导 {len(rs) - leads}"])
    else:
        el: Union[Section, Action, Task] = {"section": ix.sections, "action": ix.actions, "task": ix.tasks}[kind][id_]
        number = getattr(el, "number", None)
        full = f"{number} {el.title}" if number and not el.title.startswith(number) else el.title
        rows.append(["来源", ix.doc_title(el.document_id)])
        if el.prov.text and el.prov.text.strip() != el.title.strip():
            rows.append(["原文", _clip(el.prov.text)])
    label_text = full if kind in ("document", "organization", "collective", "target") else (
        getattr(ix.sections.get(id_) or ix.actions.get(id_) or ix.tasks.get(id_), "title", full))
    node: dict[str, Any] = {
        "id": nid,
        # in a force layout a wide document box crowds its neighbours: keep it shorter there
        "label": shorten(label_text, 12 if kind == "document" and sel.layout == "force" else style["label_max"]),
        "kind": kind,
        "tip": {"k": _KIND_NAMES[kind], "h": full, "rows": rows},
        **S.node_visual(kind, center=nid in sel.centers),
    }
    if level is not None:
        node["level"] = level
    return node


_LEVELS = {"document": 0, "section": 1, "action": 2, "task": 3, "organization": 4, "collective": 4}


def _level(ix: _Index, nid: str) -> int:
    """Hierarchy column: a target stands one column right of what states it."""
    kind = _kind_of(ix, nid)
    if kind == "target":
        return _LEVELS[_kind_of(ix, _owner_nid(ix, ix.goals[nid.split(":", 1)[1]]))] + 1
    return _LEVELS[kind]


def _structure_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    """Part-of edges between drawn nodes, skipping levels that are not drawn."""
    out: list[dict[str, Any]] = []
    drawn = sel.nodes

    def add(parent: str, child: str) -> None:
        out.append({"id": f"p:{parent}>{child}", "from": parent, "to": child, "kind": "part",
                    **S.edge_visual("part")})

    for s in ix.g.sections:
        n = _nid("section", s.id)
        if n in drawn and _nid("document", s.document_id) in drawn:
            add(_nid("document", s.document_id), n)
    for a in ix.g.actions:
        n = _nid("action", a.id)
        if n not in drawn:
            continue
        sec = _nid("section", a.section_id) if a.section_id else None
        if sec and sec in drawn:
            add(sec, n)
        elif _nid("document", a.document_id) in drawn:
            add(_nid("document", a.document_id), n)
    for t in ix.g.tasks:
        n = _nid("task", t.id)
        if n not in drawn:
            continue
        act = _nid("action", t.action_id)
        if act in drawn:
            add(act, n)
        elif _nid("document", t.document_id) in drawn:
            add(_nid("document", t.document_id), n)
    return out


def _resp_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    # In an organization or sector view the centres' own edges stand out; co-units' are faint.
    centers = {c for c in sel.centers if c.startswith("o:")}
    for r in ix.g.responsibilities:
        if r.organization_id not in ix.orgs or ix.target(r.target_id) is None:
            continue
        src, dst = _nid("organization", r.organization_id), _target_nid(ix, r.target_id)
        if src not in sel.nodes or dst not in sel.nodes:
            continue
        key = S.edge_style_key(r.role, r.qualifier)
        target = ix.target(r.target_id)
        rows = [["单位", ix.orgs[r.organization_id].name], ["原文写作", r.mention]]
        if r.deadline:
            rows.append(["时限", r.deadline])
        rows.append(["条文", _clip(r.prov.text)])
        rows.append(["来源", ix.doc_title(r.document_id)])
        out.append({
            "id": f"r:{r.id}", "from": src, "to": dst, "kind": key, "role": r.role,
            "qualifier": r.qualifier,
            "tip": {"k": f"{r.role} · {_QUAL_NAMES.get(r.qualifier, r.qualifier)}",
                    "h": getattr(target, "title", r.target_id), "rows": rows},
            **S.edge_visual(key, faint=bool(centers) and src not in centers),
        })
    return out


def _goal_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    """Owner → target edges between drawn nodes."""
    out: list[dict[str, Any]] = []
    for gid, t in ix.goals.items():
        n, owner = _nid("target", gid), _owner_nid(ix, t)
        if n in sel.nodes and owner in sel.nodes:
            out.append({"id": f"g:{owner}>{n}", "from": owner, "to": n, "kind": "target",
                        **S.edge_visual("target")})
    return out


def _align_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    """Dashed source → target edges of alignments whose two ends are drawn."""
    out: list[dict[str, Any]] = []
    if not sel.with_alignments:
        return out
    for al in ix.alignments:
        src, dst = _target_nid(ix, al.source_id), _target_nid(ix, al.target_id)
        if src not in sel.nodes or dst not in sel.nodes:
            continue
        a, b = ix.target(al.source_id), ix.target(al.target_id)
        rows = [["相似度", f"{al.score:.2f}"], ["方法", al.method]]
        if al.evidence:
            rows.append(["共同措辞", al.evidence])
        rows += [["本地", f"{a.title}（{ix.doc_title(a.document_id)}）"],
                 ["对应", f"{b.title}（{ix.doc_title(b.document_id)}）"]]
        out.append({"id": f"l:{al.id}", "from": src, "to": dst, "kind": "align", "score": al.score,
                    "tip": {"k": "对应 Alignment", "h": f"{a.title} → {b.title}", "rows": rows},
                    **S.edge_visual("align")})
    return out


def _sort_key(ix: _Index, nid: str) -> tuple:
    """Document order for structure, then organizations by name: stable and readable."""
    kind = _kind_of(ix, nid)
    id_ = nid.split(":", 1)[1]
    if kind == "document":
        return (0, ix.docs[id_].title, 0, 0, 0, id_)
    if kind == "section":
        s = ix.sections[id_]
        return (1, ix.doc_title(s.document_id), s.ordinal, 0, 0, id_)
    if kind == "action":
        a = ix.actions[id_]
        return (2, ix.doc_title(a.document_id), a.ordinal, 0, 0, id_)
    if kind == "task":
        t = ix.tasks[id_]
        a = ix.actions.get(t.action_id)
        return (3, ix.doc_title(t.document_id), a.ordinal if a else 0, t.ordinal, 0, id_)
    if kind == "target":
        g = ix.goals[id_]
        return (5, ix.doc_title(g.document_id), g.prov.start, 0, 0, id_)
    o = ix.orgs[id_]
    return (4, o.jurisdiction, 0, 0, o.name, id_)


def build_network(graph: Graph, view: View = "whole", value: Optional[str] = None, *,
                  max_nodes: int = DEFAULT_MAX_NODES) -> tuple[Network, PageInfo]:
    """The pyvis Network for a view (sorted nodes and edges, options set), with its PageInfo.

    Use it to show the view in a notebook or to restyle it; :func:`write_page` turns the same
    data into an offline page.
    """
    ix = _Index(graph)
    sel = _select(ix, view, value, max_nodes)
    hier = sel.layout == "hierarchical"
    order = sorted(sel.nodes, key=lambda n: _sort_key(ix, n))
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line",
                  heading=sel.title)
    for n in order:
        nd = _node_dict(ix, n, sel, _level(ix, n) if hier else None)
        nid = nd.pop("id")
        net.add_node(nid, **nd)
    # pyvis' add_edge checks node membership against a list (quadratic): append the dicts,
    # after checking membership once here.
    edges = _structure_edges(ix, sel) + _resp_edges(ix, sel) + _goal_edges(ix, sel) + _align_edges(ix, sel)
    edges.sort(key=lambda e: (0 if e["kind"] == "part" else 1, e["from"], e["to"], e["id"]))
    known = set(net.node_ids)
    for e in edges:
        assert e["from"] in known and e["to"] in known, e["id"]
        net.edges.append(e)
    net.options = S.vis_options(sel.layout, len(order))
    counts = {k: 0 for k in S.KIND_ORDER}
    for nd in net.nodes:
        counts[nd["kind"]] += 1
    info = PageInfo(view=view, value=value, title=sel.title, nodes=len(net.nodes),
                    edges=len(net.edges), cut=dict(sel.cut), message=sel.message)
    net.kg_counts = counts  # type: ignore[attr-defined]
    return net, info


# ---------------------------------------------------------------- page


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside pyvis (the same build its in_line mode uses)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # Nothing in them may close the element they are inlined into.
    assert "</script" not in js.lower() and "</style" not in css.lower()
    return js, css


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page_html(graph: Graph, view: View = "whole", value: Optional[str] = None, *,
              max_nodes: int = DEFAULT_MAX_NODES) -> tuple[str, PageInfo]:
    """The complete HTML of a view and its PageInfo, without touching the disk."""
    net, info = build_network(graph, view, value, max_nodes=max_nodes)
    counts = net.kg_counts  # type: ignore[attr-defined]
    data = {"nodes": net.nodes, "edges": net.edges, "options": net.options,
            "info": {"view": info.view, "value": info.value, "title": info.title,
                     "nodes": info.nodes, "edges": info.edges, "cut": info.cut,
                     "message": info.message}}
    vis_js, vis_css = _vis_assets()
    page_js = S.PAGE_JS
    stats = " · ".join(f"{S.NODE_STYLES[k]['name']} {v}" for k, v in counts.items() if v)
    stats += f" · 边 edges {info.edges}"
    view_name = {"whole": "整体 whole graph", "org": "单位 organization", "document": "文件 document",
                 "sector": "领域 sector"}[view]
    csp = ("default-src 'none'; "
           f"script-src {_sha256_source(vis_js)} {_sha256_source(page_js)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    loading = '<div id="kg-loading">layout …</div>' if net.options["physics"]["enabled"] else ""
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="generator" content="kg (pyvis/vis-network 9.1.2)">\n',
        f"<title>{html.escape(info.title)} — kg</title>\n",
        f"<style>{vis_css}</style>\n<style>{S.PAGE_CSS}</style>\n</head>\n<body>\n",
        '<div id="kg-header">',
        f'<div id="kg-title">{html.escape(view_name)}：{html.escape(info.title)}</div>',
        f'<div id="kg-stats">{html.escape(stats)}</div>',
        f'<div id="kg-message" role="status">{html.escape(info.message)}</div>',
        "</div>\n",
        '<div id="kg-main"><div id="kg-network"></div>', S.legend_html(), loading, "</div>\n",
        f'<script id="kg-data" type="application/json">{script_json(data)}</script>\n',
        f"<script>{vis_js}</script>\n",
        f"<script>{page_js}</script>\n",
        "</body>\n</html>\n",
    ]
    return "".join(parts), info


def write_page(graph: Graph, out_path: Union[str, Path], view: View = "whole",
               value: Optional[str] = None, *, max_nodes: int = DEFAULT_MAX_NODES) -> PageInfo:
    """Write one self-contained, offline HTML page for a view of `graph`; say what it shows.

    view: "whole" (value ignored), "org" (name or alias as written), "document" (id, 文号,
    file name or title substring), "sector" (Organization.sector). Raises ViewError when the
    value matches nothing (the message lists near matches).
    """
    page, info = page_html(graph, view, value, max_nodes=max_nodes)
    path = Path(out_path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return PageInfo(view=info.view, value=info.value, title=info.title, nodes=info.nodes,
                    edges=info.edges, cut=info.cut, message=info.message, path=path)

"""Interactive, self-contained pyvis pages of a responsibility graph.

Four views of one :class:`kg.model.Graph`:

* ``whole``    — everything, one framed island per document (or per jurisdiction), each laid
  out as the document view is; above ``max_nodes`` only the most connected organizations (with
  what they lead or answer for) are kept, and the page says how much was left out;
* ``org``      — one organization (canonical name, or a mention as written): the actions and
  tasks it leads or answers for, and the units it shares them with;
* ``document`` — one document (id, 文号, file name or title substring): document → sections →
  actions → tasks → units in columns, with the targets it states; the actions/tasks of other
  documents its own align with only when asked (``with_aligned``);
* ``sector``   — the units of one sector (``Organization.sector``) across jurisdictions.

Pages carry a search box (find a unit or task, centre and select it), toggles for the layers
(targets, alignments, 配合 edges) and open at a zoom where labels can be read.

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
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Optional, Union

from pyvis.network import Network

from kg.errors import KgError
from kg.model import Action, Alignment, Document, Graph, Organization, Responsibility, Section, Target, Task
from kg import viz_layout as L
from kg import viz_style as S

View = Literal["whole", "org", "document", "sector"]
VIEWS: tuple[str, ...] = ("whole", "org", "document", "sector")
GroupBy = Literal["document", "jurisdiction"]
GROUP_BY: tuple[str, ...] = ("document", "jurisdiction")
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
    layout: str  # layered | force
    nodes: set[str]  # vis node ids
    centers: set[str] = field(default_factory=set)
    with_sections: bool = True
    with_alignments: bool = False  # document and whole views draw alignment edges
    message: str = ""
    cut: dict[str, int] = field(default_factory=dict)
    home: Optional[str] = None  # document view: the document whose tree is drawn; others are aligned items


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


def _select_document(ix: _Index, value: str, with_aligned: bool) -> _Selection:
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
    # Only when asked: the actions and tasks of other plans that this document's align with.
    mine = action_ids | task_ids
    for al in ix.alignments if with_aligned else ():
        if al.source_id in mine or al.target_id in mine:
            nodes |= {_target_nid(ix, al.source_id), _target_nid(ix, al.target_id)}
    return _Selection(title=d.title, layout="layered", nodes=nodes, home=d.id,
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
    if len(orgs) > 1:  # a count, not a list: the page and --org pages of each name list them
        msg = f"「{value}」对应 {len(orgs)} 个单位。 {value!r} matches {len(orgs)} organizations."
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
    return _Selection(title=title, layout="layered", nodes=nodes, with_alignments=True)


def _org_parts(ix: _Index, oid: str, within: set[str], with_sections: bool) -> list[set[str]]:
    """What drawing one organization takes: its node, then each target with the structure above it."""
    parts = [{_nid("organization", oid)}]
    targets = sorted({_target_nid(ix, r.target_id) for r in ix.resp_by_org.get(oid, [])} & within,
                     key=lambda n: _sort_key(ix, n))
    for t in targets:
        tid = t.split(":", 1)[1]
        parts.append({t, *(a for a in _ancestors(ix, tid, with_sections) if a in within)})
    return parts


def _cut(ix: _Index, sel: _Selection, max_nodes: int) -> None:
    """Keep the most connected organizations (and what they touch) within max_nodes.

    Organizations are ranked by the number of distinct actions/tasks they lead or answer for
    (ties by name, then id), the view's own organizations first, and taken in that order while
    their targets and the structure above them still fit. An organization of the view's own
    that does not fit whole is drawn with as many of its targets as fit, so the limit holds for
    --org pages too. Records what was left out, by kind, and says so in both languages.
    """
    if len(sel.nodes) <= max_nodes:
        return
    before = sel.nodes
    org_ids = [n.split(":", 1)[1] for n in before if n.startswith("o:")]
    centers, ranked = _ranked_orgs(ix, sel, org_ids)
    kept, n_orgs, partial = _keep_orgs(ix, sel, centers, ranked, max_nodes)
    _keep_goals(ix, before, kept, max_nodes)
    dropped: dict[str, int] = defaultdict(int)
    for n in before - kept:
        dropped[_kind_of(ix, n)] += 1
    sel.nodes = kept
    sel.cut = {k: dropped[k] for k in S.KIND_ORDER if dropped.get(k)}
    sel.message = " ".join(m for m in (sel.message, _cut_message(len(kept), len(before), n_orgs,
                                                                   len(org_ids), partial)) if m)


def _ranked_orgs(ix: _Index, sel: _Selection, org_ids: list[str]) -> tuple[list[str], list[str]]:
    """The view's own organizations, and all of them in the order they are kept (own ones first,
    then by the number of drawn actions/tasks they touch, name, id)."""
    drawn_ids = {n.split(":", 1)[1] for n in sel.nodes if n[0] in "at"}

    def rank(oid: str) -> tuple:
        degree = len({r.target_id for r in ix.resp_by_org.get(oid, [])} & drawn_ids)
        return (-degree, ix.orgs[oid].name, oid)

    centers = sorted((n.split(":", 1)[1] for n in sel.centers if n.startswith("o:")), key=rank)
    ranked = centers + sorted((o for o in org_ids if o not in set(centers)), key=rank)
    return centers, ranked


def _keep_orgs(ix: _Index, sel: _Selection, centers: list[str], ranked: list[str],
               max_nodes: int) -> tuple[set[str], int, Optional[tuple[int, int]]]:
    """The nodes kept (the view's non-organization centers, then whole organizations in rank order
    while they fit), how many organizations, and (targets drawn, targets) of a partly drawn own one."""
    kept: set[str] = {n for n in sel.centers if not n.startswith("o:")}
    n_orgs: int = 0
    partial: Optional[tuple[int, int]] = None
    for oid in ranked:
        parts = _org_parts(ix, oid, sel.nodes, sel.with_sections)
        whole = set().union(*parts)
        if len(kept | whole) <= max_nodes:
            kept |= whole
            n_orgs += 1
            continue
        if oid in centers and n_orgs == 0:  # the view's own unit: as much of it as fits
            drawn = _keep_parts(kept, parts, max_nodes)
            n_orgs, partial = 1, (drawn - 1, len(parts) - 1)
        break
    return kept, n_orgs, partial


def _keep_parts(kept: set[str], parts: list[set[str]], max_nodes: int) -> int:
    """Add to ``kept`` the organization's node and as many of its targets as fit; return how many parts."""
    drawn = 0
    for part in parts:
        if len(kept | part) <= max_nodes or not drawn:
            kept |= part
            drawn += 1
    return drawn


def _keep_goals(ix: _Index, before: set[str], kept: set[str], max_nodes: int) -> None:
    """Targets go with their owner while there is room: they are details of what is drawn."""
    goals = sorted((n for n in before if n.startswith("g:")), key=lambda n: _sort_key(ix, n))
    for n in goals:
        if len(kept) >= max_nodes:
            break
        if _owner_nid(ix, ix.goals[n.split(":", 1)[1]]) in kept:
            kept.add(n)


def _cut_message(kept: int, total: int, n_orgs: int, total_orgs: int,
                 partial: Optional[tuple[int, int]]) -> str:
    """The banner of a cut page: short, Chinese then English, counts only. partial: (targets drawn,
    targets) of a view's own unit that did not fit whole."""
    if partial:
        done, of = partial
        return (f"图太大：画出 {total} 个节点中的 {kept} 个（该单位 {of} 项行动和任务中的 {done} 项）。"
                f" Too large: {kept} of {total} nodes drawn ({done} of the organization's {of} actions and tasks).")
    return (f"图太大：画出 {total} 个节点中的 {kept} 个（连接最多的 {n_orgs} 个单位，共 {total_orgs} 个）。"
            f" Too large: {kept} of {total} nodes drawn (the {n_orgs} most connected of {total_orgs} organizations).")


def _select(ix: _Index, view: str, value: Optional[str], max_nodes: int, with_aligned: bool = False) -> _Selection:
    if view not in VIEWS:
        raise ViewError(f"unknown view {view!r} — use one of: {', '.join(VIEWS)}")
    if view != "whole" and not (value and value.strip()):
        raise ViewError(f"the {view} view needs a value (an {view} name or id)")
    if view == "document":
        sel = _select_document(ix, value or "", with_aligned)
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


def _wrap(text: str, width: int, lines: int) -> str:
    """A long title as up to `lines` lines of `width` characters (the last one ellipsised)."""
    one = _WS.sub(" ", text).strip()
    rows = [one[i:i + width] for i in range(0, len(one), width)]
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = rows[-1][:-1] + "…"
    return "\n".join(rows)


def _label(kind: str, text: str, sel: _Selection) -> str:
    """The text on a node: a document's title whole in a column layout (wrapped), short elsewhere."""
    if kind == "document":
        if sel.layout == "layered":
            return _wrap(text, S.DOC_WRAP, S.DOC_LINES)
        return shorten(text, 12)  # in a force layout a wide box crowds its neighbours
    return shorten(text, S.NODE_STYLES[kind]["label_max"])


def _layer(ix: _Index, nid: str, kind: str, sel: _Selection) -> Optional[str]:
    """The toggle a node belongs to: targets, or the aligned items of other plans."""
    if kind == "target":
        return "target"
    if sel.home and kind in ("action", "task"):
        el = ix.target(nid.split(":", 1)[1])
        if el is not None and el.document_id != sel.home:
            return "align"
    return None


def _node_dict(ix: _Index, nid: str, sel: _Selection) -> dict[str, Any]:
    kind = _kind_of(ix, nid)
    id_ = nid.split(":", 1)[1]
    full, rows = _tip(ix, kind, id_)
    label_text = full if kind in ("document", "organization", "collective", "target") else (
        getattr(ix.sections.get(id_) or ix.actions.get(id_) or ix.tasks.get(id_), "title", full))
    node: dict[str, Any] = {
        "id": nid,
        "label": _label(kind, label_text, sel),
        "kind": kind,
        "tip": {"k": _KIND_NAMES[kind], "h": full, "rows": rows},
        **S.node_visual(kind, center=nid in sel.centers),
    }
    # What the search box matches and suggests: a unit's name and how documents write it, a
    # title without its numbering.
    node["find"] = [full, *ix.orgs[id_].aliases] if kind in ("organization", "collective") else [label_text]
    layer = _layer(ix, nid, kind, sel)
    if layer:
        node["layer"] = layer
    return node


def _tip(ix: _Index, kind: str, id_: str) -> tuple[str, list[list[str]]]:
    """A node's full name and the rows of its tooltip, by kind."""
    if kind == "document":
        return _document_tip(ix.docs[id_])
    if kind == "target":
        return _target_tip(ix, ix.goals[id_])
    if kind in ("organization", "collective"):
        return _org_tip(ix, ix.orgs[id_])
    return _element_tip(ix, kind, id_)


def _document_tip(d: Document) -> tuple[str, list[list[str]]]:
    rows: list[list[str]] = []
    for label, val in (("文号", d.doc_number), ("发文", d.issuer), ("日期", d.date),
                       ("地区", d.jurisdiction), ("文件", d.file)):
        if val:
            rows.append([label, val])
    return d.title, rows


def _target_tip(ix: _Index, t: Target) -> tuple[str, list[list[str]]]:
    rows: list[list[str]] = [["数值", f"{t.comparator} {_number(t.value)}{t.unit or ''}"]]
    for label, val in (("单位", t.unit), ("比较", t.comparator), ("周期", t.period), ("时限", t.deadline)):
        if val:
            rows.append([label, val])
    owner = (ix.docs.get(t.owner_id) if t.owner_kind == "Document" else ix.target(t.owner_id))
    if owner is not None and t.owner_kind != "Document":
        rows.append(["提出", getattr(owner, "title", "")])
    rows.append(["来源", ix.doc_title(t.document_id)])
    if t.prov.text and t.prov.text.strip() != t.text.strip():
        rows.append(["原文", _clip(t.prov.text)])
    return t.text, rows


def _org_tip(ix: _Index, o: Organization) -> tuple[str, list[list[str]]]:
    rows: list[list[str]] = [["地区", o.jurisdiction]]
    if o.sector:
        rows.append(["领域", o.sector])
    if o.aliases:
        rows.append(["原文写作", "、".join(o.aliases)])
    rs = ix.resp_by_org.get(o.id, [])
    leads = sum(r.role == "LEADS" for r in rs)
    rows.append(["职责", f"牵头 {leads} · 负责/配合/指导 {len(rs) - leads}"])
    return o.name, rows


def _element_tip(ix: _Index, kind: str, id_: str) -> tuple[str, list[list[str]]]:
    """A section, action or task: its number and title, its document, the text it was read from."""
    by_kind: dict[str, Any] = {"section": ix.sections, "action": ix.actions, "task": ix.tasks}
    el: Union[Section, Action, Task] = by_kind[kind][id_]
    number = getattr(el, "number", None)
    full = f"{number} {el.title}" if number and not el.title.startswith(number) else el.title
    rows: list[list[str]] = [["来源", ix.doc_title(el.document_id)]]
    if el.prov.text and el.prov.text.strip() != el.title.strip():
        rows.append(["原文", _clip(el.prov.text)])
    return full, rows


def _parent(ix: _Index, nid: str, drawn: set[str]) -> Optional[str]:
    """The drawn node a node hangs from: its section, action or document (skipping levels not
    drawn), or for a target what states it."""
    kind, id_ = nid.split(":", 1)
    if kind == "s":
        ups = [_nid("document", ix.sections[id_].document_id)]
    elif kind == "a":
        a = ix.actions[id_]
        ups = ([_nid("section", a.section_id)] if a.section_id else []) + [_nid("document", a.document_id)]
    elif kind == "t":
        t = ix.tasks[id_]
        ups = [_nid("action", t.action_id), _nid("document", t.document_id)]
    elif kind == "g":
        ups = [_owner_nid(ix, ix.goals[id_])]
    else:
        return None
    return next((u for u in ups if u in drawn), None)


def _structure_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    """Part-of edges between drawn nodes, skipping levels that are not drawn."""
    out: list[dict[str, Any]] = []
    for n in sel.nodes:
        parent = _parent(ix, n, sel.nodes) if n[0] in "sat" else None
        if parent:
            out.append({"id": f"p:{parent}>{n}", "from": parent, "to": n, "kind": "part",
                        **S.edge_visual("part")})
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
        edge = {
            "id": f"r:{r.id}", "from": src, "to": dst, "kind": key, "role": r.role,
            "qualifier": r.qualifier,
            "tip": {"k": f"{r.role} · {_QUAL_NAMES.get(r.qualifier, r.qualifier)}",
                    "h": getattr(target, "title", r.target_id), "rows": rows},
            **S.edge_visual(key, faint=bool(centers) and src not in centers),
        }
        if key == "配合":
            edge["layer"] = "配合"
        out.append(edge)
    return out


def _goal_edges(ix: _Index, sel: _Selection) -> list[dict[str, Any]]:
    """Owner → target edges between drawn nodes."""
    out: list[dict[str, Any]] = []
    for gid, t in ix.goals.items():
        n, owner = _nid("target", gid), _owner_nid(ix, t)
        if n in sel.nodes and owner in sel.nodes:
            out.append({"id": f"g:{owner}>{n}", "from": owner, "to": n, "kind": "target",
                        "layer": "target", **S.edge_visual("target")})
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
        if a is None or b is None:  # an alignment to an item not in this graph: nothing to draw
            continue
        if sel.home and sel.home not in (a.document_id, b.document_id):
            continue  # a document view shows its own alignments, not those among the other plans
        rows = [["相似度", f"{al.score:.2f}"], ["方法", al.method]]
        if al.evidence:
            rows.append(["共同措辞", al.evidence])
        rows += [["本地", f"{a.title}（{ix.doc_title(a.document_id)}）"],
                 ["对应", f"{b.title}（{ix.doc_title(b.document_id)}）"]]
        out.append({"id": f"l:{al.id}", "from": src, "to": dst, "kind": "align", "score": al.score, "layer": "align",
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
        parent = ix.actions.get(t.action_id)
        return (3, ix.doc_title(t.document_id), parent.ordinal if parent else 0, t.ordinal, 0, id_)
    if kind == "target":
        g = ix.goals[id_]
        return (5, ix.doc_title(g.document_id), g.prov.start, 0, 0, id_)
    o = ix.orgs[id_]
    return (4, o.jurisdiction, 0, 0, o.name, id_)


# ---------------------------------------------------------------- layered layout

_COL = {"document": 0, "section": 1, "action": 2, "task": 3}
UNIT_COL, ALIGNED_COL = 4, 5


def _text_width(text: str, size: float) -> float:
    """Canvas width of a label line: CJK and full-width characters are square, the rest narrow."""
    return sum(size if ord(ch) >= 0x2E80 else 0.56 * size for ch in text)


def _box(nd: dict[str, Any]) -> L.Box:
    """The size vis-network draws a node at (measured in Chromium for each shape)."""
    size = nd["font"]["size"]
    lines = nd["label"].split("\n")
    tw = max(_text_width(line, size) for line in lines)
    th = len(lines) * size * S.LINE_HEIGHT
    if nd["shape"] == "box":
        return L.Box(tw + 2 * nd["margin"] + 12, th + 2 * nd["margin"] + 8, left=True)
    if nd["shape"] == "ellipse":
        return L.Box(tw + 2 * nd["margin"], th + 12, left=True)
    return L.Box(max(2 * nd["size"], tw), 2 * nd["size"] + th + 2)  # the label sits under the shape


def _doc_of(ix: _Index, nid: str) -> Optional[str]:
    """The document a structure node or target belongs to (None for organizations)."""
    kind, id_ = nid.split(":", 1)
    if kind == "d":
        return id_
    if kind == "s":
        return ix.sections[id_].document_id
    if kind in ("a", "t"):
        el = ix.target(id_)
        return el.document_id if el else None
    if kind == "g":
        return ix.goals[id_].document_id
    return None


def _org_home(ix: _Index, oid: str, drawn: set[str]) -> Optional[str]:
    """The document an organization is drawn with: where most of its drawn edges are, else one of
    its jurisdiction."""
    counts: dict[str, int] = defaultdict(int)
    for r in ix.resp_by_org.get(oid, []):
        item = ix.target(r.target_id)
        if item is not None and _target_nid(ix, r.target_id) in drawn:
            counts[item.document_id] += 1
    if counts:
        return min(counts, key=lambda d: (-counts[d], ix.doc_title(d), d))
    j = ix.orgs[oid].jurisdiction
    same = sorted((d for d in ix.docs.values() if _nid("document", d.id) in drawn
                   and (d.jurisdiction.endswith(j) or j in d.jurisdiction_path)), key=lambda d: (d.title, d.id))
    return same[0].id if same else None


def _group_keys(ix: _Index, sel: _Selection, order: list[str], group_by: str) -> dict[str, tuple[str, str]]:
    """Node → (island key, island title): one island per document or per jurisdiction."""
    out: dict[str, tuple[str, str]] = {}
    n_docs: dict[str, int] = defaultdict(int)
    for d in ix.docs.values():
        if _nid("document", d.id) in sel.nodes:
            n_docs[d.jurisdiction] += 1

    def key_of(doc_id: str) -> tuple[str, str]:
        d = ix.docs[doc_id]
        if group_by == "jurisdiction":
            return (f"1:{d.jurisdiction}", f"{d.jurisdiction} · {n_docs[d.jurisdiction]} 份文件 documents")
        return (f"0:{d.title}:{d.id}", d.title)

    for n in order:
        if sel.home:
            out[n] = ("home", "")
            continue
        doc = _doc_of(ix, n) if n[0] != "o" else _org_home(ix, n.split(":", 1)[1], sel.nodes)
        if doc in ix.docs:
            out[n] = key_of(doc)
        else:  # a unit with nothing drawn in its jurisdiction: an island of such units
            j = ix.orgs[n.split(":", 1)[1]].jurisdiction if n[0] == "o" else "?"
            out[n] = (f"2:{j}", j)
    return out


def _islands(ix: _Index, sel: _Selection, order: list[str], group_by: str) -> list[L.Island]:
    """The islands of a layered view: each group's tree, and its units, task targets and aligned
    items as satellites standing by what they are linked to."""
    groups = _group_keys(ix, sel, order, group_by)
    partners: dict[str, list[str]] = defaultdict(list)
    for al in ix.alignments:
        a, b = _target_nid(ix, al.source_id), _target_nid(ix, al.target_id)
        partners[a].append(b)
        partners[b].append(a)
    islands: dict[str, L.Island] = {}
    for n in order:
        key, title = groups[n]
        isl = islands.setdefault(key, L.Island(key=key, title=title, roots=[], children={}, col={}))
        kind = _kind_of(ix, n)
        parent = _parent(ix, n, sel.nodes)
        if kind in ("organization", "collective"):
            isl.col[n] = UNIT_COL
            isl.links[n] = [_target_nid(ix, r.target_id) for r in ix.resp_by_org.get(n.split(":", 1)[1], [])]
            isl.satellites.append(n)
        elif sel.home and kind in ("action", "task") and _doc_of(ix, n) != sel.home:
            isl.col[n] = ALIGNED_COL
            isl.links[n] = partners[n]
            isl.satellites.append(n)
        elif kind == "target" and parent and parent.startswith("t:"):
            isl.col[n] = UNIT_COL
            isl.links[n] = [parent]
            isl.satellites.append(n)
        elif parent and groups[parent][0] == key and parent in isl.col:
            isl.col[n] = _COL[kind] if kind in _COL else isl.col[parent] + 1
            isl.children.setdefault(parent, []).append(n)
        else:
            isl.col[n] = _COL.get(kind, 0)
            isl.roots.append(n)
    for isl in islands.values():  # a plan's own targets head its column, next to its title
        for p, kids in isl.children.items():
            if p.startswith("d:"):
                kids.sort(key=lambda k: not k.startswith("g:"))
    return [islands[k] for k in sorted(islands)]


def _place(ix: _Index, sel: _Selection, dicts: list[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    """Give every node of a layered view its x and y; return the islands' frames (whole view)."""
    order = [nd["id"] for nd in dicts]
    boxes = {nd["id"]: _box(nd) for nd in dicts}
    pos, frames = L.layout(_islands(ix, sel, order, group_by), boxes, frames=not sel.home)
    for nd in dicts:
        nd["x"], nd["y"] = pos[nd["id"]]
    return frames


def _page_hints(sel: _Selection, view: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                frames: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page script needs beyond vis data: the zoom at which labels can be read, where
    to open, the islands' frames, and how many items each layer toggle hides."""
    fonts = [nd["font"]["size"] for nd in nodes]
    layers = {k: sum(1 for x in nodes if x.get("layer") == k) or sum(1 for x in edges if x.get("layer") == k)
              for k in S.LAYERS}
    focus = sorted(c for c in sel.centers if c.startswith("o:"))[:1] if view == "org" else []
    return {"minScale": math.ceil(1000 * S.LEGIBLE_PX / min(fonts)) / 1000 if fonts else 0.0,
            "anchor": "top-left" if sel.layout == "layered" else "centre",
            "focus": focus[0] if focus else None, "frames": frames,
            "layers": {k: v for k, v in layers.items() if v},
            # Across islands alignments are long lines over everything: the whole view opens without them.
            "off": ["align"] if view == "whole" and layers["align"] else []}


def build_network(graph: Graph, view: View = "whole", value: Optional[str] = None, *,
                  max_nodes: int = DEFAULT_MAX_NODES, with_aligned: bool = False,
                  group_by: GroupBy = "document") -> tuple[Network, PageInfo]:
    """The pyvis Network for a view (sorted nodes and edges, options set), with its PageInfo.

    Use it to show the view in a notebook or to restyle it; :func:`write_page` turns the same
    data into an offline page. with_aligned: a document view also draws the actions and tasks of
    other plans its own align with. group_by: the whole view's islands, "document" or
    "jurisdiction". ``net.kg_page`` holds the page script's hints (see :func:`_page_hints`).
    """
    if group_by not in GROUP_BY:
        raise ViewError(f"unknown grouping {group_by!r} — use one of: {', '.join(GROUP_BY)}")
    ix = _Index(graph)
    sel = _select(ix, view, value, max_nodes, with_aligned)
    order = sorted(sel.nodes, key=lambda n: _sort_key(ix, n))
    dicts = [_node_dict(ix, n, sel) for n in order]
    frames = _place(ix, sel, dicts, group_by) if sel.layout == "layered" else []
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line",
                  heading=sel.title)
    for nd in dicts:
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
    net.kg_counts = counts
    hints = _page_hints(sel, view, net.nodes, net.edges, frames)
    for item in net.nodes + net.edges:
        if item.get("layer") in hints["off"]:
            item["hidden"] = True
    net.kg_page = hints
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
              max_nodes: int = DEFAULT_MAX_NODES, with_aligned: bool = False,
              group_by: GroupBy = "document") -> tuple[str, PageInfo]:
    """The complete HTML of a view and its PageInfo, without touching the disk."""
    net, info = build_network(graph, view, value, max_nodes=max_nodes, with_aligned=with_aligned,
                              group_by=group_by)
    counts = net.kg_counts
    hints = net.kg_page
    data = {"nodes": net.nodes, "edges": net.edges, "options": net.options, "page": hints,
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
        S.tools_html(hints["layers"], off=hints["off"]),
        "</div>\n",
        '<div id="kg-main"><div id="kg-network"></div>', S.legend_html(), loading, "</div>\n",
        f'<script id="kg-data" type="application/json">{script_json(data)}</script>\n',
        f"<script>{vis_js}</script>\n",
        f"<script>{page_js}</script>\n",
        "</body>\n</html>\n",
    ]
    return "".join(parts), info


def write_page(graph: Graph, out_path: Union[str, Path], view: View = "whole",
               value: Optional[str] = None, *, max_nodes: int = DEFAULT_MAX_NODES,
               with_aligned: bool = False, group_by: GroupBy = "document") -> PageInfo:
    """Write one self-contained, offline HTML page for a view of `graph`; say what it shows.

    view: "whole" (value ignored), "org" (name or alias as written), "document" (id, 文号,
    file name or title substring), "sector" (Organization.sector). Raises ViewError when the
    value matches nothing (the message lists near matches). with_aligned and group_by: see
    :func:`build_network`.
    """
    page, info = page_html(graph, view, value, max_nodes=max_nodes, with_aligned=with_aligned,
                           group_by=group_by)
    path = Path(out_path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return PageInfo(view=info.view, value=info.value, title=info.title, nodes=info.nodes,
                    edges=info.edges, cut=info.cut, message=info.message, path=path)

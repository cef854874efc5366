"""The one typed graph passed from loaders to every output (store, RDF, pages).

Every element carries its provenance: the document it comes from and the
[start, end) character span in the decoded source text that states it.
IDs are derived from natural keys (see :mod:`kg.ids`), so the same input
always yields the same IDs.
"""
from __future__ import annotations

from typing import Literal, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["LEADS", "RESPONSIBLE_FOR"]
Qualifier = Literal["牵头", "负责", "配合", "指导"]
TargetKind = Literal["Action", "Task"]
OwnerKind = Literal["Document", "Action", "Task"]  # what a Target belongs to


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Provenance(_Strict):
    """Where a fact is stated: document id and [start, end) offsets in its decoded text."""

    document_id: str
    start: int
    end: int
    text: str


class Document(_Strict):
    id: str
    title: str
    doc_number: Optional[str] = None  # 文号, e.g. 临政字〔2022〕58号
    issuer: Optional[str] = None
    date: Optional[str] = None  # signing date, ISO yyyy-mm-dd
    jurisdiction: str  # e.g. 友谊县, 济南市历下区, 全国
    jurisdiction_path: list[str] = []  # e.g. [黑龙江省, 双鸭山市, 友谊县]
    level: str  # 国家 | 省 | 市 | 县 | 区 | 未知
    based_on: list[str] = []  # titles of the documents it implements, as written
    file: str  # file name as given to the loader
    sha256: str  # of the raw bytes: a changed file gets a new hash, same id
    encoding: str
    format: str
    length: int  # characters in the decoded text
    prov: Provenance


class Section(_Strict):
    id: str
    document_id: str
    ordinal: int
    title: str
    prov: Provenance


class Action(_Strict):
    id: str
    document_id: str
    section_id: Optional[str] = None
    ordinal: int  # position in the document, 1-based
    number: Optional[str] = None  # marker as written: （一）, (1) …
    title: str
    prov: Provenance


class Task(_Strict):
    id: str
    document_id: str
    action_id: str
    ordinal: int  # position within its action, 1-based
    number: Optional[str] = None  # 1. / ── / None for a heading-sentence paragraph
    title: str
    prov: Provenance


class Organization(_Strict):
    """A canonical unit. Shared across documents: the id depends on name and jurisdiction only."""

    id: str
    name: str  # canonical, jurisdiction-qualified: 临沂市教育局
    jurisdiction: str  # 临沂市, 友谊县, 全国 …
    jurisdiction_path: list[str] = []
    sector: Optional[str] = None  # 教育, 科协, 宣传 … (see loaders/data/sectors.tsv)
    collective: bool = False  # 各成员单位, 各街道办事处, 驻临高校 …
    aliases: list[str] = []  # mentions as written that resolved to it, sorted


class Responsibility(_Strict):
    """A LEADS or RESPONSIBLE_FOR edge from an organization to an action or task."""

    id: str
    role: Role
    qualifier: Qualifier
    organization_id: str
    target_id: str
    target_kind: TargetKind
    document_id: str
    mention: str  # the unit exactly as written in the clause
    deadline: Optional[str] = None
    prov: Provenance  # the role clause: span and text


class Target(_Strict):
    """A measurable commitment (培育高素质农民1.5万人次以上) of a task, an action or the whole plan."""

    id: str
    document_id: str
    owner_id: str  # the task, action or document that states it
    owner_kind: OwnerKind
    text: str  # the commitment as written
    value: float  # 15000.0 for 1.5万
    unit: Optional[str] = None  # 人次, %, 期, 处, 个 …
    comparator: str  # 以上 | 超过 | 达到 | 不少于 | 不低于 | 以下 | 以内
    period: Optional[str] = None  # 每年, 每季度 …
    deadline: Optional[str] = None  # 到2025年 …
    prov: Provenance


class Person(_Strict):
    """A person named in one document (the same name in two documents is not assumed to be one person)."""

    id: str
    name: str  # spaces of the source removed: 王  屾 → 王屾
    document_id: str
    prov: Provenance


class Membership(_Strict):
    """A person's seat in a leading group (W3C ORG Membership), with the post they hold in a unit."""

    id: str
    person_id: str
    group_id: str  # the leading group, an Organization
    role: str  # 组长 | 副组长 | 成员 …
    post: str  # as written: 县委组织部副部长
    post_title: Optional[str] = None  # 副部长
    unit_id: Optional[str] = None  # the Organization the post is in: 中共友谊县委组织部
    document_id: str
    prov: Provenance


class Citation(_Strict):
    """A document's citation of the document it implements (依据《…》), loaded or not."""

    id: str
    document_id: str  # the citing document
    title: str  # the cited title as written
    key: str  # normalised title: the same key for every spelling of one title
    cited_id: str  # stable id of the cited document's key: a placeholder until a document with that key loads
    prov: Provenance


class Alignment(_Strict):
    """A local task or action that carries out or repeats one of another loaded document."""

    id: str
    source_id: str  # the local (lower-level or later) action/task
    source_kind: TargetKind
    target_id: str
    target_kind: TargetKind
    score: float  # similarity in [0, 1]
    method: str  # e.g. title-bigram-cosine
    evidence: str  # the shared wording that supports it


def merge_aliases(known: Optional[Sequence[str]], given: Sequence[str]) -> list[str]:
    """An organization's aliases when it is named again (another graph, a stored copy): the union, sorted.
    The one place aliases are merged: Graph.union and both stores call it."""
    return sorted(set(known or ()) | set(given))


class Graph(_Strict):
    """A set of documents and everything parsed from them; merge() unions graphs."""

    documents: list[Document] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    alignments: list[Alignment] = Field(default_factory=list)

    def merge(self, other: "Graph") -> "Graph":
        """Union of two graphs; organizations with one id are merged (aliases united)."""
        return Graph.union([self, other])

    @classmethod
    def union(cls, graphs: "list[Graph]") -> "Graph":
        """Union of many graphs in one pass; organizations with one id have their aliases united."""
        out = cls()
        orgs: dict[str, Organization] = {}
        for g in graphs:
            out.documents.extend(g.documents)
            out.sections.extend(g.sections)
            out.actions.extend(g.actions)
            out.tasks.extend(g.tasks)
            out.responsibilities.extend(g.responsibilities)
            out.targets.extend(g.targets)
            out.people.extend(g.people)
            out.memberships.extend(g.memberships)
            out.citations.extend(g.citations)
            out.alignments.extend(g.alignments)
            for o in g.organizations:
                if o.id in orgs:
                    if not set(o.aliases) <= set(orgs[o.id].aliases):
                        orgs[o.id] = orgs[o.id].model_copy(update={"aliases": merge_aliases(orgs[o.id].aliases, o.aliases)})
                else:
                    orgs[o.id] = o
        out.organizations = sorted(orgs.values(), key=lambda o: o.id)
        return out

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "sections": len(self.sections),
            "actions": len(self.actions),
            "tasks": len(self.tasks),
            "organizations": len(self.organizations),
            "leads": sum(r.role == "LEADS" for r in self.responsibilities),
            "responsible_for": sum(r.role == "RESPONSIBLE_FOR" for r in self.responsibilities),
            "targets": len(self.targets),
            "people": len(self.people),
            "memberships": len(self.memberships),
            "citations": len(self.citations),
            "alignments": len(self.alignments),
        }

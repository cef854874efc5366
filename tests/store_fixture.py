"""The one hand-made graph every store backend is tested with (tests/test_store_contract.py runs the
same tests over each backend; test_store_embedded.py and test_store_neo4j.py use it for what only
one backend does), and the helpers that say what a store holds after a change.

Two documents, D1 and D2, sharing organizations (ORG-edu with other aliases in each document, ORG-gov,
the leading group ORG-group), with every kind of node and edge the model has: a section and actions
outside it, tasks (one with an empty title), LEADS and RESPONSIBLE_FOR edges on actions and on tasks
(a task with two units, so shared-task counts exist in both documents; a task with a lead only; an
action and its task with no unit), a collective unit with no jurisdiction path, targets of a document,
an action and a task, people with memberships (one with a post unit only D1 names), citations (one
every document cites under another spelling, one of its own), and text with quotes, backslashes,
newlines and backticks: every named query of the library finds rows in it.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from kg.ids import title_key
from kg.model import (Action, Alignment, Citation, Document, Graph, Membership, Organization, Person, Provenance,
                      Responsibility, Section, Target, Task)
from kg.store import counts as kc
from kg.store.base import Store


def _p(doc: str, start: int, end: int, text: str) -> Provenance:
    return Provenance(document_id=doc, start=start, end=end, text=text)


def make_document(doc: str, sha: str = "aaa", tasks_per_action: int = 2, with_section: bool = True,
                  extras: bool = True) -> Graph:
    """One hand-made document: a section, two actions (one outside the section), tasks and roles;
    with extras, also targets (of the document, an action, a task), a leading group's people and
    memberships, citations (one shared by every document, one of its own), the government leading
    the first task beside its responsible unit, a lead-only task, an action and task without units,
    and in D2 a collective unit responsible for an action."""
    d = Document(
        id=doc, title=f"{doc}科普行动方案", doc_number="临政字〔2022〕58号" if doc == "D1" else None,
        issuer="临沂市人民政府", date="2022-05-01", jurisdiction="临沂市",
        jurisdiction_path=["山东省", "临沂市"], level="市", based_on=["全民科学素质行动规划纲要（2021—2035年）"],
        file=f"{doc}.txt", sha256=sha, encoding="utf-8", format="txt", length=500,
        prov=_p(doc, 0, 500, "全文 with 'quotes', \"double\", back\\slash,\nnewline and ``ticks``"),
    )
    g = Graph(documents=[d])
    sec = Section(id=f"{doc}-s1", document_id=doc, ordinal=1, title="一、重点任务", prov=_p(doc, 10, 200, "一、重点任务"))
    if with_section:
        g.sections.append(sec)
    for ai in (1, 2):
        a = Action(
            id=f"{doc}-a{ai}", document_id=doc, section_id=sec.id if (with_section and ai == 1) else None,
            ordinal=ai, number=f"（{'一二'[ai - 1]}）" if ai == 1 else None, title=f"行动{ai}",
            prov=_p(doc, 20 * ai, 20 * ai + 15, f"（{ai}）行动{ai}"),
        )
        g.actions.append(a)
        for ti in range(1, tasks_per_action + 1):
            g.tasks.append(Task(
                id=f"{a.id}-t{ti}", document_id=doc, action_id=a.id, ordinal=ti,
                number=f"{ti}." if ti % 2 else None, title="" if ti == 2 else f"任务{ti}",
                prov=_p(doc, 100 + ti, 110 + ti, f"{ti}. 任务,\"{ti}\""),
            ))
    g.responsibilities.append(Responsibility(
        id=f"{doc}-r1", role="LEADS", qualifier="牵头", organization_id="ORG-edu", target_id=f"{doc}-a1",
        target_kind="Action", document_id=doc, mention="市教育局", prov=_p(doc, 40, 50, "（市教育局牵头）"),
    ))
    for t in g.tasks:
        g.responsibilities.append(Responsibility(
            id=f"{t.id}-r", role="RESPONSIBLE_FOR", qualifier="负责", organization_id="ORG-sci" if doc == "D1" else "ORG-edu",
            target_id=t.id, target_kind="Task", document_id=doc, mention="市科协" if doc == "D1" else "教育局",
            deadline="2022年底前" if t.ordinal == 1 else None, prov=_p(doc, t.prov.start, t.prov.end, "（市科协负责）"),
        ))
    orgs = [Organization(id="ORG-edu", name="临沂市教育局", jurisdiction="临沂市", jurisdiction_path=["山东省", "临沂市"],
                         sector="教育", aliases=["市教育局"] if doc == "D1" else ["教育局"])]
    if doc == "D1":
        orgs.append(Organization(id="ORG-sci", name="临沂市科学技术协会", jurisdiction="临沂市", sector=None,
                                 collective=False, aliases=["市科协"]))
    if extras:
        add_extras(g, doc, orgs)
    g.organizations = orgs
    return g


def add_extras(g: Graph, doc: str, orgs: list[Organization]) -> None:
    """Targets, people, memberships, citations and more roles of one document (orgs gets the ones they name)."""
    g.targets += [
        Target(id=f"{doc}-g1", document_id=doc, owner_id=doc, owner_kind="Document", text="到2025年达到15%",
               value=15.0, unit="%", comparator="达到", deadline="到2025年", prov=_p(doc, 5, 17, "到2025年达到15%")),
        Target(id=f"{doc}-g2", document_id=doc, owner_id=f"{doc}-a1", owner_kind="Action", text="培育1.5万人次以上",
               value=15000.0, unit="人次", comparator="以上", period="每年", prov=_p(doc, 25, 35, "培育1.5万人次以上")),
        Target(id=f"{doc}-g3", document_id=doc, owner_id=f"{doc}-a1-t1", owner_kind="Task", text="不少于3期",
               value=3.0, unit=None, comparator="不少于", prov=_p(doc, 102, 107, "不少于3期")),
    ]
    g.people += [
        Person(id=f"{doc}-p1", name="王屾", document_id=doc, prov=_p(doc, 400, 417, "组  长：王  屾  市政府副市长")),
        Person(id=f"{doc}-p2", name="李明", document_id=doc, prov=_p(doc, 418, 430, "成  员：李明  '局长'")),
    ]
    g.memberships += [
        Membership(id=f"{doc}-m1", person_id=f"{doc}-p1", group_id="ORG-group", role="组长", post="市政府副市长",
                   post_title="副市长", unit_id="ORG-gov", document_id=doc, prov=_p(doc, 400, 417, "组  长：王  屾  市政府副市长")),
        Membership(id=f"{doc}-m2", person_id=f"{doc}-p2", group_id="ORG-group", role="成员", post="局长",
                   post_title=None, unit_id=None, document_id=doc, prov=_p(doc, 418, 430, "成  员：李明  '局长'")),
    ]
    if doc == "D1":  # a post unit only D1 names
        g.memberships.append(Membership(
            id=f"{doc}-m3", person_id=f"{doc}-p2", group_id="ORG-group", role="成员", post="市档案馆馆长",
            post_title="馆长", unit_id="ORG-archive", document_id=doc, prov=_p(doc, 431, 440, "市档案馆馆长")))
        orgs.append(Organization(id="ORG-archive", name="临沂市档案馆", jurisdiction="临沂市", aliases=["市档案馆"]))
    orgs += [Organization(id="ORG-group", name="临沂市全民科学素质工作领导小组", jurisdiction="临沂市",
                          collective=False, aliases=["领导小组"]),
             Organization(id="ORG-gov", name="临沂市人民政府", jurisdiction="临沂市", aliases=["市政府"])]
    # the government leads the first task too: a task with two units (shared-task counts), LEADS on a task
    g.responsibilities.append(Responsibility(
        id=f"{doc}-r2", role="LEADS", qualifier="牵头", organization_id="ORG-gov", target_id=f"{doc}-a1-t1",
        target_kind="Task", document_id=doc, mention="市政府", prov=_p(doc, 111, 118, "（市政府牵头）")))
    # the last task of the second action has a lead and no responsible unit
    lead_only = next((r for r in g.responsibilities if r.target_id == f"{doc}-a2-t2"), None)
    if lead_only is not None:
        lead_only.role, lead_only.qualifier = "LEADS", "牵头"
    # an action whose task has no unit at all, on the task or on the action
    g.actions.append(Action(id=f"{doc}-a3", document_id=doc, section_id=None, ordinal=3, number=None,
                            title="组织保障", prov=_p(doc, 300, 304, "组织保障")))
    g.tasks.append(Task(id=f"{doc}-a3-t1", document_id=doc, action_id=f"{doc}-a3", ordinal=1, number=None,
                        title="加强宣传", prov=_p(doc, 305, 309, "加强宣传")))
    if doc == "D2":  # a collective unit, responsible for an action, with no jurisdiction path
        g.responsibilities.append(Responsibility(
            id=f"{doc}-r3", role="RESPONSIBLE_FOR", qualifier="配合", organization_id="ORG-members",
            target_id=f"{doc}-a2", target_kind="Action", document_id=doc, mention="各成员单位",
            prov=_p(doc, 55, 62, "各成员单位配合")))
        orgs.append(Organization(id="ORG-members", name="各成员单位", jurisdiction="临沂市", jurisdiction_path=[],
                                 collective=True, aliases=["各成员单位"]))
    shared = "全民科学素质行动规划纲要（2021—2035年）" if doc == "D1" else "《全民科学素质行动规划纲要(2021-2035年)》"
    own = f"{doc}专项规划"
    g.citations += [
        Citation(id=f"{doc}-c1", document_id=doc, title=shared, key=title_key(shared), cited_id="CITED-outline",
                 prov=_p(doc, 60, 60 + len(shared), shared)),
        Citation(id=f"{doc}-c2", document_id=doc, title=own, key=title_key(own), cited_id=f"CITED-{doc}",
                 prov=_p(doc, 90, 90 + len(own), own)),
    ]


def make_d2() -> Graph:
    """D2 as make_graph holds it (no section)."""
    return make_document("D2", sha="bbb", with_section=False)


def make_graph() -> Graph:
    """The fixture graph: two documents sharing ORG-edu (aliases differ per document), ORG-gov and ORG-group."""
    return make_document("D1").merge(make_d2())


def changed_d1() -> Graph:
    """D1 again with new bytes: fewer tasks, no section, ORG-sci no longer named anywhere; ORG-archive
    (a post unit only D1 named), D1's own citation and a target are gone too."""
    new = make_document("D1", sha="ccc", tasks_per_action=1, with_section=False)
    for r in new.responsibilities:
        if r.organization_id == "ORG-sci":
            r.organization_id = "ORG-edu"
    new.memberships = [m for m in new.memberships if m.unit_id != "ORG-archive"]
    new.citations = [c for c in new.citations if c.cited_id != "CITED-D1"]
    new.targets = new.targets[:2]
    new.organizations = [o for o in new.organizations if o.id not in ("ORG-sci", "ORG-archive")]
    return new


def alignments() -> list[Alignment]:
    """Three alignments D2 → D1 (Action→Action, Task→Task, Action→Task) and two that cannot be written."""
    def al(i: str, s: str, sk: str, t: str, tk: str, score: float) -> Alignment:
        return Alignment(id=f"AL-{i}", source_id=s, source_kind=sk, target_id=t, target_kind=tk,  # type: ignore[arg-type]
                         score=score, method="title-bigram-cosine", evidence=f"共同 '{i}'")
    return [
        al("1", "D2-a1", "Action", "D1-a1", "Action", 0.91),
        al("2", "D2-a1-t1", "Task", "D1-a1-t1", "Task", 0.5),
        al("3", "D2-a2", "Action", "D1-a1-t2", "Task", 1.0),
        al("4", "D2-a1", "Action", "NOPE", "Action", 0.7),  # missing endpoint
        al("5", "D2-a1", "Task", "D1-a1", "Action", 0.7),  # D2-a1 is an action, not a task
    ]


def clashing_d2() -> Graph:
    """D2 whose last task reuses a task id of D1: the store's key constraint fails it midway, after its
    document, actions and some tasks were written in the transaction."""
    bad = make_document("D2", sha="bbb")
    bad.tasks[-1].id = "D1-a1-t1"
    for r in bad.responsibilities:
        if r.target_id == "D2-a2-t2":
            r.target_id = "D1-a1-t1"
    return bad


def by_id(g: Graph) -> Graph:
    """The graph with every list sorted by id: the order to_graph returns."""
    return Graph(**{k: sorted(getattr(g, k), key=lambda x: x.id) for k in Graph.model_fields})


# --------------------------------------------------------------------------- stored counts vs a recount


def _rows(store: Store, cypher: str) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Rows keyed by their id column(s); counts as int (LadybugDB and Bolt servers differ in number types)."""
    res = store.run(cypher)
    keys = 2 if res.columns[:2] == ["a", "b"] or res.columns[:2] == ["o", "d"] else 1
    return {tuple(r[:keys]): tuple(int(v) if v is not None else None for v in r[keys:]) for r in res.rows}


def stored(store: Store) -> dict[str, dict]:
    """The counts the store keeps (kg/store/counts.py), by label, and its SHARES_TASKS and ACTIVE_IN links."""
    out = {label: _rows(store, kc.STORED_READ[label]) for label in kc.NODE_COUNTS}
    out["pairs"] = _rows(store, kc.STORED_PAIRS_READ)
    out["active"] = _rows(store, kc.STORED_ACTIVE_READ)
    return out


def recounted(store: Store) -> dict[str, dict]:
    """The same counts, counted anew by plain queries."""
    out = {label: _rows(store, kc.RECOUNT_READ[label]) for label in kc.NODE_COUNTS}
    out["pairs"] = _rows(store, kc.PAIRS_READ)
    out["active"] = _rows(store, kc.ACTIVE_READ)
    most: Counter[str] = Counter()  # max_shared from the pairs as counted, not as stored
    for (a, _b), (n,) in out["pairs"].items():
        most[a] = max(most[a], n)
    out["Organization"] = {k: v[:-1] + (most[k[0]],) for k, v in out["Organization"].items()}
    return out


def assert_counts_right(store: Store) -> dict[str, dict]:
    """The stored counts equal a recount, and there are some to compare (shared tasks, activity, task units,
    organizations with a deadline)."""
    got, want = stored(store), recounted(store)
    for key in want:
        wrong = sorted(k for k in set(got[key]) | set(want[key]) if got[key].get(k) != want[key].get(k))
        assert not wrong, f"{key}: {len(wrong)} stored counts differ from a recount, e.g. " + "; ".join(
            f"{k}: stored {got[key].get(k)}, counted {want[key].get(k)}" for k in wrong[:3])
    assert want["pairs"] and want["active"] and any(v[0] for v in want["Task"].values())
    deadlines = kc.NODE_COUNTS["Organization"].index("n_deadlines")
    assert any(v[deadlines] for v in want["Organization"].values())
    return got

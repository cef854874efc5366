"""The reference reading of the seeds (../shared/gold, copied to tests/gold/) as comparable sets."""
from __future__ import annotations

from pathlib import Path

from kg.model import Graph

GOLD_DIR = Path(__file__).resolve().parent / "gold"


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"))


def gold_edges(gold: dict) -> set[tuple]:
    """(action title, task title or None, unit as written, role) for every gold edge."""
    out = set()
    for a in gold["actions"]:
        for u in a["leads"]:
            out.add((a["title"], None, u, "LEADS"))
        for u in a["responsible"]:
            out.add((a["title"], None, u, "RESPONSIBLE_FOR"))
        for t in a["tasks"]:
            for u in t["leads"]:
                out.add((a["title"], t["title"], u, "LEADS"))
            for u in t["responsible"]:
                out.add((a["title"], t["title"], u, "RESPONSIBLE_FOR"))
    return out


def parsed_edges(graph: Graph) -> set[tuple]:
    actions = {a.id: a for a in graph.actions}
    tasks = {t.id: t for t in graph.tasks}
    out = set()
    for r in graph.responsibilities:
        if r.target_kind == "Task":
            t = tasks[r.target_id]
            out.add((actions[t.action_id].title, t.title, r.mention, r.role))
        else:
            out.add((actions[r.target_id].title, None, r.mention, r.role))
    return out


def gold_outline(gold: dict) -> list[tuple]:
    return [(a["section"], a["title"], tuple(t["title"] for t in a["tasks"])) for a in gold["actions"]]


def parsed_outline(graph: Graph) -> list[tuple]:
    sections = {s.id: s.title for s in graph.sections}
    out = []
    for a in sorted(graph.actions, key=lambda a: a.ordinal):
        tasks = tuple(t.title for t in sorted(graph.tasks, key=lambda t: t.ordinal) if t.action_id == a.id)
        out.append((sections.get(a.section_id), a.title, tasks))
    return out

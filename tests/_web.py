"""What the web app's tests share: a hostile plan and a store opened read-only as `kg serve` opens it."""
from __future__ import annotations

from pathlib import Path

from kg.model import Graph
from kg.store.embedded import EmbeddedStore

# a plan whose title, one unit and one clause are markup: it must stay text on every page
HOSTILE = """<script>alert(1)</script>"><img src=x onerror=alert(2)>县全民科学素质行动实施方案

一、重点任务

（一）青少年科学素质提升行动。加强科学教育。（牵头单位：县科协、"><img src=x onerror=alert(3)>局）

1.开展科普活动。每年举办活动。（责任单位：县教育局、县科协）
"""


def read_only_store(path: Path, graph: Graph) -> EmbeddedStore:
    """Load the graph into a new store at path, then reopen it read-only as `kg serve` does."""
    with EmbeddedStore(path) as s:
        s.load(graph)
        s.replace_alignments(graph.alignments)
    return EmbeddedStore(path, read_only=True)

"""Positions for layered pages: columns (document → sections → actions → tasks → units), one
island per group, islands packed in rows.

vis-network's hierarchical layout stacks every tree in one tall column, so a page of five
documents, or one document of 35 tasks, comes out too narrow to read at any zoom that shows
it whole. Here each group (a document, or a jurisdiction) is laid out as its own island: the
tree fills columns left to right, every leaf takes a row, a parent sits level with the middle
of its children, and the nodes outside the tree (units, targets of tasks, aligned items of
other plans) sit in their own columns level with what they are linked to. Islands are then
packed in rows to a landscape shape. Pure geometry: ids, sizes and links in; centres out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

GAP_X = 70.0  # between columns
GAP_Y = 8.0  # between rows
SUBTREE_GAP = 18.0  # after each child subtree of a root (a section and everything under it)
ISLAND_GAP = 140.0  # between islands
FRAME_PAD = 24.0  # inside an island's frame
TITLE_BAND = 56.0  # room for an island's title above its nodes
ASPECT = 1.7  # width / height the packed islands aim for (a landscape screen)


@dataclass(frozen=True)
class Box:
    """A node's drawn size in canvas pixels and how it sits in its column."""

    w: float
    h: float
    left: bool = False  # left-aligned in its column (boxes, ellipses), else centred


@dataclass
class Island:
    """One group: a tree (ordered roots and children) and satellites placed by their links."""

    key: str
    title: str
    roots: list[str]
    children: dict[str, list[str]]
    col: dict[str, int]
    satellites: list[str] = field(default_factory=list)  # in the order to break ties
    links: dict[str, list[str]] = field(default_factory=dict)  # satellite -> nodes it stands by


@dataclass
class Placed:
    """An island's node centres relative to its top-left corner, and its size."""

    pos: dict[str, tuple[float, float]]
    w: float
    h: float


def _tree_rows(isl: Island, boxes: dict[str, Box]) -> dict[str, float]:
    """y of every tree node: leaves take rows in order, a parent sits at its children's middle."""
    ys: dict[str, float] = {}
    cursor = 0.0

    def visit(n: str, depth: int) -> None:
        nonlocal cursor
        kids = isl.children.get(n, [])
        if not kids:
            h = boxes[n].h
            ys[n] = cursor + h / 2
            cursor += h + GAP_Y
            return
        top = cursor
        for k in kids:
            visit(k, depth + 1)
            if depth == 0:
                cursor += SUBTREE_GAP
        # A root heads its columns (the page opens at the top left); the rest sit mid-children.
        ys[n] = top + boxes[n].h / 2 if depth == 0 else (ys[kids[0]] + ys[kids[-1]]) / 2

    for r in isl.roots:
        visit(r, 0)
        cursor += SUBTREE_GAP
    return ys


def _spread(order: list[str], want: dict[str, float], boxes: dict[str, Box]) -> dict[str, float]:
    """Place one column's satellites as near their wanted y as rows allow, block centred on the wish."""
    rank = {n: i for i, n in enumerate(order)}
    ranked = sorted(order, key=lambda n: (want[n], rank[n]))
    out: dict[str, float] = {}
    bottom = -math.inf
    for n in ranked:
        h = boxes[n].h
        y = max(want[n], bottom + GAP_Y + h / 2)
        out[n] = y
        bottom = y + h / 2
    if ranked:
        shift = sum(want[n] for n in ranked) / len(ranked) - sum(out.values()) / len(ranked)
        top = min(out[n] - boxes[n].h / 2 for n in ranked)
        shift = max(shift, -top)  # never above the island's first row
        out = {n: y + shift for n, y in out.items()}
    return out


def _satellite_rows(isl: Island, boxes: dict[str, Box], ys: dict[str, float]) -> dict[str, float]:
    """y of satellites, column by column left to right (a later column may link to an earlier one)."""
    end = max((ys[n] + boxes[n].h / 2 for n in ys), default=0.0)
    by_col: dict[int, list[str]] = {}
    for n in isl.satellites:
        by_col.setdefault(isl.col[n], []).append(n)
    out = dict(ys)
    for c in sorted(by_col):
        want = {}
        for n in by_col[c]:
            linked = [out[m] for m in isl.links.get(n, []) if m in out]
            want[n] = sum(linked) / len(linked) if linked else end + boxes[n].h / 2
        out.update(_spread(by_col[c], want, boxes))
    return out


def _columns(isl: Island, boxes: dict[str, Box], ys: dict[str, float]) -> dict[str, float]:
    """x of every node: used columns side by side, as wide as their widest node."""
    used = sorted({isl.col[n] for n in ys})
    width = {c: max(boxes[n].w for n in ys if isl.col[n] == c) for c in used}
    left: dict[int, float] = {}
    x = 0.0
    for c in used:
        left[c] = x
        x += width[c] + GAP_X
    return {n: left[isl.col[n]] + (boxes[n].w / 2 if boxes[n].left else width[isl.col[n]] / 2) for n in ys}


def place_island(isl: Island, boxes: dict[str, Box], *, title_band: float = 0.0) -> Placed:
    """Centres of an island's nodes, its top-left corner at (0, 0) and `title_band` left above them."""
    ys = _satellite_rows(isl, boxes, _tree_rows(isl, boxes))
    xs = _columns(isl, boxes, ys)
    if not ys:
        return Placed(pos={}, w=0.0, h=title_band)
    x0 = min(xs[n] - boxes[n].w / 2 for n in ys)
    y0 = min(ys[n] - boxes[n].h / 2 for n in ys)
    x1 = max(xs[n] + boxes[n].w / 2 for n in ys)
    y1 = max(ys[n] + boxes[n].h / 2 for n in ys)
    pos = {n: (xs[n] - x0, ys[n] - y0 + title_band) for n in ys}
    return Placed(pos=pos, w=x1 - x0, h=y1 - y0 + title_band)


def pack(sizes: list[tuple[float, float]], aspect: float = ASPECT) -> list[tuple[float, float]]:
    """Top-left corners for rectangles filled into rows, in order, to a landscape overall shape."""
    if not sizes:
        return []
    area = sum((w + ISLAND_GAP) * (h + ISLAND_GAP) for w, h in sizes)
    row_w = max(max(w for w, _ in sizes), math.sqrt(area * aspect))
    out: list[tuple[float, float]] = []
    x = y = row_h = 0.0
    for w, h in sizes:
        if x > 0 and x + w > row_w:
            x, y, row_h = 0.0, y + row_h + ISLAND_GAP, 0.0
        out.append((x, y))
        x += w + ISLAND_GAP
        row_h = max(row_h, h)
    return out


def layout(islands: list[Island], boxes: dict[str, Box], *, frames: bool) -> tuple[
        dict[str, tuple[int, int]], list[dict[str, object]]]:
    """Integer centres of every node, and one frame {x, y, w, h, title} per island when asked."""
    band = TITLE_BAND if frames else 0.0
    pad = FRAME_PAD if frames else 0.0
    placed = [place_island(i, boxes, title_band=band) for i in islands]
    corners = pack([(p.w + 2 * pad, p.h + 2 * pad) for p in placed])
    pos: dict[str, tuple[int, int]] = {}
    out_frames: list[dict[str, object]] = []
    for isl, p, (cx, cy) in zip(islands, placed, corners):
        for n, (x, y) in p.pos.items():
            pos[n] = (round(cx + pad + x), round(cy + pad + y))
        if frames:
            out_frames.append({"x": round(cx), "y": round(cy), "w": round(p.w + 2 * pad),
                               "h": round(p.h + 2 * pad), "title": isl.title})
    return pos, out_frames


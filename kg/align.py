"""Task alignment: which local action or task carries out or repeats one of another loaded document.

Method (deterministic, offline, no model download): titles are compared as sets of character
bigrams weighted by inverse document frequency over every title in the graph, after removing
generic verbs (实施, 加强, 推进 …) that every plan uses; cosine similarity ≥ THRESHOLD links
an item to its best match in each other document. The link points from the lower-level (or, at
the same level, the later) document's item to the other's; evidence is the longest shared wording.
"""
from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from kg.ids import stable_id
from kg.model import Alignment, Graph, TargetKind

if TYPE_CHECKING:
    from kg.store.base import Store

METHOD = "title-bigram-idf-cosine"
THRESHOLD = 0.6
PER_ITEM = 5
GENERIC = re.compile(r"^(?:深入|大力|积极|全面|进一步|切实|着力|持续|不断)*(?:实施|加强|推进|推动|开展|提升|强化|建立|健全|完善|促进|发挥|构建)")
LEVEL_RANK = {"国家": 0, "省": 1, "市": 2, "县": 3, "区": 3, "未知": 4}


def _norm(title: str) -> str:
    t = unicodedata.normalize("NFKC", title)
    t = re.sub(r"[\s\W_]+", "", t)
    stripped = GENERIC.sub("", t)
    return stripped if len(stripped) >= 4 else t


def _bigrams(text: str) -> Counter:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


def _shared(a: str, b: str) -> str:
    """The longest common substring of a and b; among equally long ones, the first in a.

    Same answer as difflib's find_longest_match(autojunk=False), by binary search on the length
    over sets of substrings: titles are short, and this runs once per alignment.
    """
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        grams = {b[j:j + mid] for j in range(len(b) - mid + 1)}
        if any(a[i:i + mid] in grams for i in range(len(a) - mid + 1)):
            lo = mid
        else:
            hi = mid - 1
    if not lo:
        return ""
    grams = {b[j:j + lo] for j in range(len(b) - lo + 1)}
    return next(a[i:i + lo] for i in range(len(a) - lo + 1) if a[i:i + lo] in grams)


# (id, kind, document id, title)
Item = tuple[str, TargetKind, str, str]
# document id → (level, date)
DocMeta = dict[str, tuple[str, str]]

ITEMS_CYPHER = (
    "MATCH (a:Action) RETURN a.id, 'Action', a.document_id, a.title",
    "MATCH (t:Task) RETURN t.id, 'Task', t.document_id, t.title",
)
DOCS_CYPHER = "MATCH (d:Document) RETURN d.id, d.level, d.date"


def align(graph: Graph, threshold: float = THRESHOLD, per_item: int = PER_ITEM) -> list[Alignment]:
    """Alignments between the actions and tasks of different documents of `graph` (sorted by id)."""
    docs = {d.id: (d.level, d.date or "") for d in graph.documents}
    items: list[Item] = [(a.id, "Action", a.document_id, a.title) for a in graph.actions]
    items += [(t.id, "Task", t.document_id, t.title) for t in graph.tasks]
    return align_items(items, docs, threshold, per_item)


def align_store(store: Store, threshold: float = THRESHOLD, per_item: int = PER_ITEM) -> list[Alignment]:
    """Alignments across every document of a store, reading only the titles they need.

    Equal to align(store.to_graph()) without materialising the whole graph.
    """
    return list(iter_align_store(store, threshold, per_item))


def iter_align_store(store: Store, threshold: float = THRESHOLD, per_item: int = PER_ITEM) -> Iterator[Alignment]:
    """align_store's alignments, made as they are consumed (for writing them in batches)."""
    docs = {r[0]: (r[1], r[2] or "") for r in store.run(DOCS_CYPHER).rows}
    items = [tuple(r) for q in ITEMS_CYPHER for r in store.run(q).rows]
    return iter_alignments(items, docs, threshold, per_item)


def align_items(items: list[Item], docs: DocMeta, threshold: float = THRESHOLD,
                per_item: int = PER_ITEM) -> list[Alignment]:
    """The alignment method over plain (id, kind, document, title) items, as one sorted list."""
    return list(iter_alignments(items, docs, threshold, per_item))


def iter_alignments(items: list[Item], docs: DocMeta, threshold: float = THRESHOLD,
                    per_item: int = PER_ITEM) -> Iterator[Alignment]:
    """The alignments of `items`, sorted by (source id, target id), made one at a time as they are
    consumed: at 2,000 plans the 668k Alignment objects would take ~0.8 GB held at once.

    Each item links to at most `per_item` items of other documents: the most similar titles first,
    and among equally similar ones the higher-level documents first (the national work points, the
    province, the city …), so a local task points up to what it carries out before it points sideways.
    """
    items = sorted(items)  # item k is the k-th id: pairs of indexes sort as pairs of ids
    # the title index is freed before the alignments are made, the links once they are bucketed
    yield from _alignments(items, _chosen_links(items, docs, threshold, per_item))


def _chosen_links(items: list[Item], docs: DocMeta, threshold: float, per_item: int) -> tuple[array, array, array]:
    by_title, norm_of = _by_title(items, docs)
    similar = _similar_titles(by_title, len(items), threshold)
    return _links(items, docs, by_title, norm_of, similar, per_item)


def _by_title(items: list[Item], docs: DocMeta) -> tuple[dict[str, list[int]], dict[str, str]]:
    """The items by normalised title (each list in the order links are preferred), and each title's key."""
    def preference(k: int) -> tuple:
        d = items[k][2]
        return (LEVEL_RANK.get(docs[d][0], 4) if d in docs else 4, d if d in docs else "", items[k][0])

    by_title: dict[str, list[int]] = defaultdict(list)
    norm_of: dict[str, str] = {}
    for k, (_, _, _, title) in enumerate(items):
        key = norm_of.get(title)
        if key is None:
            key = norm_of[title] = _norm(title)
        by_title[key].append(k)
    for ks in by_title.values():
        ks.sort(key=preference)
    return by_title, norm_of


def _links(items: list[Item], docs: DocMeta, by_title: dict[str, list[int]], norm_of: dict[str, str],
           similar: dict[str, list[tuple[float, str]]], per_item: int) -> tuple[array, array, array]:
    """Every chosen link, oriented, as three flat arrays (source, target, score): a dict of tuples would
    take ~1 GB at 20,000 plans."""
    doc_rank = {d: (LEVEL_RANK.get(level, 4), date or "", d) for d, (level, date) in docs.items()}
    unknown = (4, "", "")
    srcs, dsts, scores = array("l"), array("l"), array("d")
    for k, (_, _, doc, title) in enumerate(items):
        taken: set[str] = {doc}
        rank_a = doc_rank.get(doc, unknown)
        for neg, other in similar[norm_of[title]]:
            for cand in by_title[other]:
                cdoc = items[cand][2]
                if cdoc in taken:
                    continue
                taken.add(cdoc)
                # from the lower-level (or later, or larger-id) document's item to the other's
                src, dst = (k, cand) if rank_a > doc_rank.get(cdoc, unknown) else (cand, k)
                srcs.append(src)
                dsts.append(dst)
                scores.append(-neg)
                if len(taken) > per_item:
                    break
            if len(taken) > per_item:
                break
    return srcs, dsts, scores


def _alignments(items: list[Item], links: tuple[array, array, array]) -> Iterator[Alignment]:
    """One alignment per (source, target) pair, its best score (a pair found from both ends is one), in
    (source id, target id) order."""
    by_src_dst, by_src_score, starts = _bucket(*links, len(items))
    del links
    for src in range(len(items)):
        best: dict[int, float] = {}
        for j in range(starts[src], starts[src + 1]):
            d, sc = by_src_dst[j], by_src_score[j]
            if best.get(d, 0.0) < sc:
                best[d] = sc
        sid, sk, _, st = items[src]
        for dst in sorted(best):
            tid, tk, _, tt = items[dst]
            yield Alignment(id=stable_id("alignment", sid, tid), source_id=sid, source_kind=sk, target_id=tid,
                            target_kind=tk, score=round(best[dst], 4), method=METHOD, evidence=_shared_cached(st, tt))


def _bucket(srcs: array, dsts: array, scores: array, n: int) -> tuple[array, array, array]:
    """The links grouped by source (a counting sort): the targets and scores of source k are at
    positions starts[k]:starts[k + 1] of the two arrays returned."""
    starts = array("l", [0]) * (n + 1)
    for src in srcs:
        starts[src + 1] += 1
    for k in range(n):
        starts[k + 1] += starts[k]
    at = array("l", starts)
    out_dst, out_score = array("l", [0]) * len(srcs), array("d", [0.0]) * len(srcs)
    for src, dst, sc in zip(srcs, dsts, scores):
        j = at[src]
        out_dst[j], out_score[j] = dst, sc
        at[src] = j + 1
    return out_dst, out_score, starts


_shared_cached = lru_cache(maxsize=1 << 16)(lambda a, b: _shared(a, b))  # titles repeat across documents


def _similar_titles(by_title: dict[str, list[int]], n_items: int, threshold: float) -> dict[str, list[tuple[float, str]]]:
    """For each normalised title, the titles at least `threshold` similar to it (itself included), most
    similar first, as (-similarity, title): bigram vectors weighted by idf over every item's title."""
    titles = sorted(by_title)
    vectors = {t: _bigrams(t) for t in titles}
    df: Counter = Counter()  # document frequency over items, as if every title were counted once per use
    for t, v in vectors.items():
        for g in v:
            df[g] += len(by_title[t])
    n = max(n_items, 1)
    idf = {g: math.log((1 + n) / (1 + c)) + 1 for g, c in df.items()}
    weighted = {t: {g: c * idf[g] for g, c in v.items()} for t, v in vectors.items()}
    norms = {t: math.sqrt(sum(x * x for x in w.values())) or 1.0 for t, w in weighted.items()}
    common = max(20, n // 5)  # a bigram in a fifth of all titles adds little and makes candidates quadratic
    postings: dict[str, list[str]] = defaultdict(list)
    for t, w in weighted.items():
        for g in w:
            if df[g] <= common:
                postings[g].append(t)
    similar: dict[str, list[tuple[float, str]]] = {}
    for t, w in weighted.items():
        found = []
        for other in {o for g in w for o in postings.get(g, ())}:
            wo = weighted[other]
            s = 1.0 if other == t else sum(x * wo[g] for g, x in w.items() if g in wo) / (norms[t] * norms[other])
            if s >= threshold:
                found.append((-s, other))
        if t not in {o for _, o in found}:
            found.append((-1.0, t))
        similar[t] = sorted(found)
    return similar


def with_alignments(graph: Graph, threshold: Optional[float] = None) -> Graph:
    """The graph with its alignments computed (replacing any it had)."""
    g = graph.model_copy()
    g.alignments = align(graph, THRESHOLD if threshold is None else threshold)
    return g


def evaluate(found: Iterable[tuple[str, str]], expected: Iterable[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of unordered pairs."""
    f = {frozenset(p) for p in found}
    e = {frozenset(p) for p in expected}
    tp = len(f & e)
    return (tp / len(f) if f else 1.0), (tp / len(e) if e else 1.0)

"""The link order the embedded store writes in (kc.pair_key, embedded._link_changes) is the tuple order it
replaced, and _links_after gives the links as written."""
from __future__ import annotations

import random

from kg.store import counts as kc
from kg.store.embedded import _link_changes, _links_after


def test_pair_key_orders_as_tuples() -> None:
    rnd = random.Random(3)
    ids = ["a", "ab", "a0", "b", "abc", "0", "z9", "ba", "中", "中文"]
    pairs = {(rnd.choice(ids), rnd.choice(ids)): rnd.randrange(-2, 3) for _ in range(200)}
    assert sorted(pairs, key=kc.pair_key) == sorted(pairs)
    for have in ({}, {p: 1 for p in list(pairs)[::3]}):
        assert _link_changes(pairs, have) == link_changes_as_before(pairs, have)
        create, update, drop = _link_changes(pairs, have)
        links = dict(have)
        links.update({(a, b): n for a, b, n in create})
        links.update({(r["a"], r["b"]): r["n"] for r in update})
        for r in drop:
            del links[(r["a"], r["b"])]
        assert _links_after(have, create, update, drop) == links


def link_changes_as_before(pairs: dict[tuple[str, str], int], have: dict[tuple[str, str], int]) -> tuple[list, list, list]:
    """embedded._link_changes as it was before the sort by kc.pair_key."""
    create, update, drop = [], [], []
    for (a, b), d in sorted(pairs.items()):
        n = have.get((a, b), 0) + d
        if (a, b) not in have:
            if n > 0:
                create.append((a, b, n))
        elif n > 0:
            update.append({"a": a, "b": b, "n": n})
        else:
            drop.append({"a": a, "b": b})
    return create, update, drop

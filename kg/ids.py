"""Stable IDs: the first 16 hex digits of sha256 over a kind and its natural key."""
from __future__ import annotations

import hashlib
import unicodedata


def stable_id(kind: str, *key: object) -> str:
    """Same kind and natural key, same id, on every machine and every run."""
    parts = [kind]
    for k in key:
        k = str(k)
        # ASCII is already NFKC (ids, numbers): skip the normaliser, which dominates on short keys
        parts.append(k if k.isascii() else _nfkc("NFKC", k))
    return _sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


_nfkc = unicodedata.normalize
_sha256 = hashlib.sha256


def title_key(title: str) -> str:
    """A cited or loaded document's title, normalised so that every spelling of it is one key:
    NFKC (（）→()), no whitespace, no 《》, one kind of dash (—/–/-/─ → -)."""
    import re

    t = unicodedata.normalize("NFKC", title)
    t = re.sub(r"[\s《》〈〉<>“”\"']", "", t)
    return re.sub(r"[—–─―-]+", "-", t)

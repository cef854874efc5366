"""Stable IDs: the first 16 hex digits of sha256 over a kind and its natural key."""
from __future__ import annotations

import hashlib
import unicodedata


def stable_id(kind: str, *key: object) -> str:
    """Same kind and natural key, same id, on every machine and every run."""
    text = "\x1f".join([kind, *map(str, key)])
    if not text.isascii():  # ASCII is already NFKC (ids, numbers): the normaliser dominates on short keys
        # the joined text at once: \x1f is a starter that nothing composes with, so normalisation never
        # reaches across it and this is the join of the normalised keys, in one call instead of one a key
        text = _nfkc("NFKC", text)
    return _sha256(text.encode("utf-8")).hexdigest()[:16]


def responsibility_id(role: str, organization_id: str, target_id: str) -> str:
    """stable_id("responsibility", role, organization_id, target_id) for its ASCII keys (a role and two ids),
    without the generic key handling: one is made for every edge."""
    return _sha256(f"responsibility\x1f{role}\x1f{organization_id}\x1f{target_id}".encode()).hexdigest()[:16]


def child_id(kind: str, parent_id: str, ordinal: int) -> str:
    """stable_id(kind, parent_id, ordinal) for an id and a number (sections, actions, tasks, targets: ASCII, so
    nothing to normalise), without the generic key handling: one is made for every outline item."""
    return _sha256(f"{kind}\x1f{parent_id}\x1f{ordinal}".encode()).hexdigest()[:16]


_nfkc = unicodedata.normalize
try:  # CPython's own SHA-256: the same digest without OpenSSL's per-call set-up, which dominates on short keys
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found]  # a C module typeshed has no stub for
except ImportError:  # a build without it (or 3.12+, where it is _sha2)
    _sha256 = hashlib.sha256


def title_key(title: str) -> str:
    """A cited or loaded document's title, normalised so that every spelling of it is one key:
    NFKC (（）→()), no whitespace, no 《》, one kind of dash (—/–/-/─ → -)."""
    import re

    t = unicodedata.normalize("NFKC", title)
    t = re.sub(r"[\s《》〈〉<>“”\"']", "", t)
    return re.sub(r"[—–─―-]+", "-", t)

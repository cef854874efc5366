"""A document's source text, for the document page's highlighted clauses.

The store keeps a document's metadata and the spans of its clauses, not its text. The text is read
again from the file it was loaded from: a file of the same name under one of the source folders
whose bytes have the sha256 the store recorded (so the spans still index it), decoded by the same
reader the loader used. The seed corpus is always a source folder.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from kg.errors import KgError


@dataclass(frozen=True)
class SourceText:
    """The text (None when not found) and a sentence saying where it came from or why it is missing."""

    text: Optional[str]
    note: str
    path: Optional[Path] = None


class SourceFinder:
    """Finds documents' files by name under some folders; checks each by sha256; caches the texts."""

    def __init__(self, folders: Iterable[Path], cache_size: int = 64) -> None:
        self.folders = [Path(f) for f in folders]
        self._index: Optional[dict[str, list[Path]]] = None
        self._cache: dict[str, SourceText] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def _by_name(self) -> dict[str, list[Path]]:
        if self._index is None:
            index: dict[str, list[Path]] = {}
            for folder in self.folders:
                if folder.is_file():
                    index.setdefault(folder.name, []).append(folder)
                elif folder.is_dir():
                    for p in sorted(folder.rglob("*")):
                        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts):
                            index.setdefault(p.name, []).append(p)
            self._index = index
        return self._index

    def text(self, file: str, sha256: str) -> SourceText:
        """The decoded text of the file the document was loaded from, or why it cannot be shown."""
        with self._lock:
            if sha256 in self._cache:
                return self._cache[sha256]
            found = self._find(Path(file).name, sha256)
            if len(self._cache) >= self._cache_size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[sha256] = found
            return found

    def _find(self, name: str, sha256: str) -> SourceText:
        from kg.loaders.formats import read_document

        candidates = self._by_name().get(name, [])
        where = ", ".join(str(f) for f in self.folders) or "(none)"
        for p in candidates:
            data = p.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                continue
            try:
                text = read_document(p, data).text
            except KgError as e:
                return SourceText(None, f"{p}: the file was found but could not be read again ({e})")
            return SourceText(text, f"The store keeps no document text: this text was read again from {p} "
                                    f"(same sha256 as when it was loaded), so the clause spans index it.", p)
        if candidates:
            return SourceText(None, f"The store keeps no document text, and the file {name} under the source "
                                    f"folders ({where}) has changed since it was loaded (another sha256): "
                                    f"the clause spans would not index it. Run `kg build` on it again.")
        return SourceText(None, f"The store keeps no document text, and no file named {name} is under the source "
                                f"folders ({where}): start `kg serve --source FOLDER` with the folder it was "
                                f"loaded from to see the text with its clauses highlighted.")

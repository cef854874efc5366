"""A persistent Oxigraph copy of the embedded store, so that `kg sparql`, `kg validate` and
`kg serve-sparql` do not export the whole graph again on every call (~20 s a call at 2,000 plans).

Where: beside the store folder, never inside it (a store folder holds only Ladybug's files): for
``kg.db`` the folder ``kg.db.oxigraph/`` holds

* ``v-<stamp>/`` — a complete Oxigraph store of the RDF export, with ``kg-oxigraph.json`` (the
  full stamp, statement count, build time) written inside before the folder gets its name;
* ``v-<stamp>.lock`` — held shared by every process reading that version (a server for hours),
  so that a newer build never deletes a version still in use;
* ``tmp-<pid>-<hex>/`` — a version being built (removed once its process is gone);
* ``build.lock`` — held while building: a second caller waits, then finds the version built.

When: the stamp is :meth:`kg.store.embedded.EmbeddedStore.version_stamp` (the Ladybug files' size,
inode and times: every committed write changes it, reads do not) plus the exporter's version.  It
is read before the export, so a write during a build leaves a version whose stamp is already old:
the next call rebuilds, and stale data is never served.  A version is trusted only with its marker
and only if Oxigraph opens it; otherwise it is deleted and rebuilt.  Rebuilding writes to a temp
folder and renames it (atomic), so a reader never sees half a store.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Optional

import pyoxigraph as ox

from kg.errors import Advice, KgError, StoreError
from kg.gc_pause import gc_paused

SUFFIX = ".oxigraph"
MARKER = "kg-oxigraph.json"
FORMAT = 5  # bump when the layout or the export changes in a way the stamp cannot see (3: derived counts; 4: kg:nameOrder;
# 5: kg:titleOrder, kg:searchText, kg:nAlignments)
_HELD: list[IO[Any]] = []  # shared locks on the versions this process reads (kept until exit)


class CacheUnwritable(KgError):
    """The folder beside the store cannot be written (a read-only location)."""


@dataclass
class CachedStore:
    """An open read-only copy: the store, its folder, and whether this call built it."""

    store: ox.Store
    path: Path
    built: bool
    seconds: float = 0.0
    statements: Optional[int] = None


def cache_root(db: Path) -> Path:
    """``kg.db`` → ``kg.db.oxigraph`` (beside the store folder)."""
    db = Path(db)
    return db.parent / (db.name + SUFFIX)


def export_version() -> str:
    """What else decides the export's bytes: kg's version and the exporter's source."""
    import kg
    import kg.rdf

    src = Path(kg.rdf.__file__)
    try:
        st = src.stat()
        code = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        code = "?"
    return f"{FORMAT}:{kg.__version__}:{code}"


def stamp(db: Path) -> str:
    """The version the SPARQL copy must have for the store at ``db`` ("" when there is no store)."""
    from kg.store.embedded import EmbeddedStore

    data = EmbeddedStore.version_stamp(db)
    if not data:
        return ""
    import hashlib

    return hashlib.sha256(f"{data}|{export_version()}".encode()).hexdigest()


def _version_dir(root: Path, full: str) -> Path:
    return root / f"v-{full[:16]}"


def _lock(path: Path, shared: bool, block: bool = True) -> Optional[IO[Any]]:
    """An flock on ``path`` (created if needed); None when ``block`` is False and it is taken."""
    try:
        fh = open(path, "a+")
    except OSError as e:
        raise CacheUnwritable(f"cannot write {path} ({e.strerror or e})") from None
    try:
        fcntl.flock(fh, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        fh.close()
        return None
    return fh


def _valid(version: Path, full: str) -> bool:
    try:
        marker = json.loads((version / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("stamp") == full and (version / "CURRENT").exists()


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean(root: Path, keep: Path) -> None:
    """Delete other versions no process reads, and temp folders of processes that are gone."""
    for p in root.iterdir():
        if p.name.startswith("tmp-"):
            try:
                pid = int(p.name.split("-")[1])
            except (IndexError, ValueError):
                continue
            if not _alive(pid):
                _remove(p) if p.is_dir() else p.unlink(missing_ok=True)
        elif p.name.startswith("v-") and p.is_dir() and p != keep:
            lock = _lock(root / f"{p.name}.lock", shared=False, block=False)
            if lock is None:
                continue  # someone still reads it
            try:
                _remove(p)
                (root / f"{p.name}.lock").unlink(missing_ok=True)
            finally:
                lock.close()


def _build(db: Path, root: Path, full: str, progress: Optional[Callable[[str], None]]) -> tuple[Path, int, float]:
    """Export the store into ``tmp-…``, then rename it to its version folder."""
    with gc_paused():  # millions of objects and strings, no cycle among them
        return _build_paused(db, root, full, progress)


def _build_paused(db: Path, root: Path, full: str, progress: Optional[Callable[[str], None]]) -> tuple[Path, int, float]:
    from kg.progress import steps
    from kg.store.embedded import EmbeddedStore

    t0 = time.monotonic()
    tmp = root / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    nq = root / f"{tmp.name}.nq"
    rep = steps(progress)
    try:
        rep.line(f"sparql store: reading {db} (its SPARQL copy is missing or older than the store)")
        with rep.step("sparql store: reading the embedded store"):
            store = EmbeddedStore(db, read_only=True)
            try:
                graph = store.to_graph()
            finally:
                store.close()
        ox_store = ox.Store(str(tmp))
        with rep.step("sparql store: loading the RDF export into Oxigraph", unit="statements") as step:
            n = _export_into(graph, ox_store, nq, step.update)
        del graph
        with rep.step("sparql store: compacting it for reading"):
            ox_store.optimize()  # the bulk loader leaves overlapping files: lookups are 4x slower without this
            ox_store.flush()
        del ox_store
        seconds = time.monotonic() - t0
        (tmp / MARKER).write_text(json.dumps({"stamp": full, "statements": n, "seconds": round(seconds, 1),
                                              "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "store": str(db)}),
                                  encoding="utf-8")
        final = _version_dir(root, full)
        if final.exists():  # a version left without its marker, or broken: not trusted
            _remove(final)
        os.rename(tmp, final)
        return final, n, seconds
    except BaseException:
        _remove(tmp)
        raise
    finally:
        nq.unlink(missing_ok=True)


def _export_into(graph: Any, ox_store: ox.Store, nq: Path, update: Callable[[int], None]) -> int:
    """Write the export of ``graph`` into Oxigraph's bulk loader; return the statement count.

    The export (Python, one core) streams through a pipe while the loader (Rust, the GIL released)
    parses it on the other, instead of one after the other through a file: 2,000 plans are 13.6M
    statements.  ``lenient``: the text is kg's own export, whose IRIs are made from hex ids and the
    ontology's names, so the loader's IRI checks could never fail.  Without /dev/fd, a file ``nq``.
    """
    import threading

    from kg.rdf import _chunks

    count = [0]
    failed: list[BaseException] = []

    def produce(fh: IO[bytes]) -> None:
        try:
            with fh:
                for chunk, k in _chunks(graph, quads=True):
                    fh.write(chunk)
                    count[0] += k
                    update(count[0])
        except BaseException as e:  # noqa: B036 - handed to the loading thread, raised there
            failed.append(e)

    if not Path("/dev/fd").is_dir():
        produce(open(nq, "wb"))
        if failed:
            raise failed[0]
        ox_store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS, lenient=True)
        return count[0]
    r, w = os.pipe()
    writer = threading.Thread(target=produce, args=(open(w, "wb", buffering=1 << 20),), daemon=True,
                              name="kg-rdf-export")
    writer.start()
    try:
        ox_store.bulk_load(path=f"/dev/fd/{r}", format=ox.RdfFormat.N_QUADS, lenient=True)
    finally:
        os.close(r)  # a loader that stopped early: the writer gets a broken pipe and ends
        writer.join()
    if failed:
        raise failed[0]  # the loader saw the end of a partial export: its store is removed
    return count[0]


def _open(version: Path) -> ox.Store:
    store = ox.Store.read_only(str(version))
    store.query("ASK { ?s ?p ?o }")  # reads the store's files once: a broken folder fails here
    return store


def open_cached(db: Path, progress: Optional[Callable[[str], None]] = None) -> CachedStore:
    """The read-only SPARQL copy of the embedded store at ``db``, rebuilt first if it is stale,
    missing, half written or broken.  Safe with concurrent callers (one builds, the others wait)."""
    db = Path(db)
    full, root = _cache_folder(db)
    built, broken, n, seconds = False, False, None, 0.0
    for _attempt in range(3):
        version = _version_dir(root, full)
        store, unreadable = _open_valid(root, version, full)
        if store is not None:
            return CachedStore(store, version, built, seconds, n)
        broken = broken or unreadable
        if built and broken:
            break
        guard = _lock(root / "build.lock", shared=False)
        try:
            if broken or not _valid(version, full):  # another caller may have built it meanwhile
                version, n, seconds = _build(db, root, full, progress)
                built = True
                _clean(root, keep=version)
        finally:
            if guard is not None:
                guard.close()
    raise StoreError(f"{root}: the SPARQL copy of {db} cannot be opened after rebuilding it; delete {root} and retry")


def _cache_folder(db: Path) -> tuple[str, Path]:
    """The store's version stamp and the folder of its SPARQL copies (made if missing)."""
    full = stamp(db)
    if not full:
        raise StoreError(f"no kg store at {db} (missing graph.lbug)", advice=Advice("build", (str(db),)))
    root = cache_root(db)
    try:
        root.mkdir(exist_ok=True)
    except OSError as e:
        raise CacheUnwritable(f"cannot make the SPARQL store folder {root} ({e.strerror or e})") from None
    return full, root


def _open_valid(root: Path, version: Path, full: str) -> tuple[Optional[ox.Store], bool]:
    """The copy ``version`` opened, its reader's lock held until the process ends; else None, and
    whether a complete copy was there but could not be read (it is rebuilt)."""
    reader = _lock(root / f"{version.name}.lock", shared=True)
    broken = False
    if _valid(version, full):
        try:
            store = _open(version)
        except (OSError, RuntimeError):  # RocksDB says "Corruption: …" with a RuntimeError
            broken = True
        else:
            _HELD.append(reader)  # type: ignore[arg-type]  # a blocking _lock always returns its file, never None
            return store, False
    if reader is not None:
        reader.close()
    return None, broken


__all__ = ["CacheUnwritable", "CachedStore", "cache_root", "open_cached", "stamp"]

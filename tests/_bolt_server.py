"""A real Bolt server for tests: ArcadeDB from PyPI (`arcadedb-embedded`), started on loopback.

Neo4j itself cannot be installed on these machines; ArcadeDB's Bolt plugin answers the official
`neo4j` driver. The wheel bundles a JRE and every jar, so the server is started as a plain
`java` child process (no JPype in the test process), in a temp dir, on free ports of 127.0.0.1.

If NEO4J_URI is set, that server is used instead and nothing is started.
Run `python tests/_bolt_server.py` to start one by hand: it prints the NEO4J_* settings.
Start-up: about 2 s on an idle machine (7 s seen under load), Bolt protocol 5.4, agent
"Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)".

Where ArcadeDB 26.10.2's Cypher departs from Neo4j's (measured on the seed corpus, 2026-11):
- READ access mode is not enforced: a write in a READ session/transaction commits. Neo4jStore
  therefore also refuses writing keywords itself before sending a read-only query.
- `MATCH (o)-[r:LEADS|RESPONSIBLE_FOR]->(x) MATCH (d:Document {id: r.document_id})` returns no
  rows (queries/collective_assignments.cypher: 0 rows, Ladybug 4); the same with
  `MATCH (d:Document) WHERE d.id = r.document_id`, or with `WITH o, r` between the two MATCHes,
  returns the right rows. Not every query of this shape fails (organization_responsibilities
  agrees), so prefer the WHERE form for a property of an earlier relationship.
- CREATE INDEX ... ON (n.name) also adds a property-type constraint (STRING) on that property.
- Otherwise the same as Neo4j in everything tried: OPTIONAL MATCH honours the target label
  (it is LadybugDB that ignores a label its relationship table cannot reach: `OPTIONAL MATCH
  (d)-[:HAS_SECTION]->(x:Action)` gives count(x)=17 there, 0 on ArcadeDB and Neo4j), label
  alternatives `(t:Action|Task)`, MERGE with ON CREATE/ON MATCH and on relationships, list
  properties (store, IN, size, equality, UNWIND), UNWIND of maps, SET n = map (nulls dropped),
  SET += / REMOVE, DETACH DELETE, count(DISTINCT), collect(DISTINCT), UNION / UNION ALL,
  bounded variable-length paths, ORDER BY with nulls last ascending and first descending,
  integer division, uniqueness constraints (violations raise ConstraintError, tx rolled back).
- LadybugDB differences seen on the way: sum() returns a float; `WITH ... ORDER BY` needs
  SKIP/LIMIT; no type() or split(); labels() returns a string, not a list.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

import pytest

ARCADEDB_USER = "root"
ARCADEDB_PASSWORD = "kg-test-password"  # ArcadeDB wants at least 8 characters
ARCADEDB_DATABASE = "kg"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


class BoltServerUnavailable(RuntimeError):
    """No Bolt server could be started or reached; the message says why."""


@dataclass
class BoltServer:
    """Connection settings of a running Bolt server, and the process if we started it."""

    uri: str
    user: str
    password: str
    database: Optional[str]
    kind: str  # "arcadedb" | "external"
    startup_seconds: float = 0.0
    process: Optional[subprocess.Popen] = None
    root: Optional[Path] = None
    _own_root: bool = field(default=False, repr=False)

    def settings(self) -> dict[str, Optional[str]]:
        """Keyword arguments for Neo4jStore(...)."""
        return {"uri": self.uri, "user": self.user, "password": self.password, "database": self.database}

    def __iter__(self) -> Iterator[Optional[str]]:
        # lets a test unpack: uri, user, password, database = server
        return iter((self.uri, self.user, self.password, self.database))

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's output, for failure messages."""
        if self.root is None or not (self.root / "server.log").exists():
            return ""
        return "\n".join((self.root / "server.log").read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server we started (SIGTERM, then SIGKILL) and remove its temp dir."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self._own_root and self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arcadedb_java() -> tuple[Path, str]:
    """The bundled java executable and the classpath of the installed arcadedb-embedded wheel."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise BoltServerUnavailable(
            "arcadedb-embedded is not installed (pip install arcadedb-embedded), and NEO4J_URI is not set"
        )
    pkg = Path(list(spec.submodule_search_locations)[0])
    java = pkg / "jre" / "bin" / "java"
    jars = pkg / "jars"
    if not java.exists():
        found = shutil.which("java")
        if found is None:
            raise BoltServerUnavailable(f"no bundled JRE at {java} and no java on PATH")
        java = Path(found)
    if not any(jars.glob("arcadedb-bolt-*.jar")):
        raise BoltServerUnavailable(f"no arcadedb-bolt jar in {jars}")
    return java, str(jars / "*")


def _wait_for_bolt(server: BoltServer, timeout: float) -> None:
    import neo4j

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise BoltServerUnavailable(
                f"ArcadeDB exited with code {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
                driver.verify_connectivity()
                with driver.session(database=server.database) as session:
                    session.run("RETURN 1 AS one").consume()
            return
        except Exception as exc:  # not up yet: refused, or the database is still being created
            last = exc
            time.sleep(0.25)
    raise BoltServerUnavailable(f"ArcadeDB did not answer Bolt within {timeout:.0f}s ({last}):\n{server.log_tail()}")


def start_arcadedb(root: Optional[Path] = None, timeout: float = 90.0, heap: str = "512m") -> BoltServer:
    """Start ArcadeDB with the Bolt plugin on free loopback ports; return once the driver connects."""
    java, classpath = arcadedb_java()
    own = root is None
    root = Path(tempfile.mkdtemp(prefix="kg-arcadedb-")) if root is None else Path(root)
    root.mkdir(parents=True, exist_ok=True)
    bolt, http, https = _free_port(), _free_port(), _free_port()
    props = {
        "arcadedb.server.rootPath": str(root),
        "arcadedb.server.rootPassword": ARCADEDB_PASSWORD,
        "arcadedb.server.mode": "development",
        "arcadedb.server.plugins": BOLT_PLUGIN,
        "arcadedb.server.defaultDatabases": f"{ARCADEDB_DATABASE}[{ARCADEDB_USER}]",
        "arcadedb.server.httpIncomingHost": "127.0.0.1",
        "arcadedb.server.httpIncomingPort": str(http),
        "arcadedb.server.httpsIncomingPort": str(https),
        "arcadedb.bolt.host": "127.0.0.1",
        "arcadedb.bolt.port": str(bolt),
        # every other listener (Postgres, Redis, MCP ...) stays on loopback too
        "arcadedb.postgres.host": "127.0.0.1",
        "arcadedb.redis.host": "127.0.0.1",
    }
    cmd = [str(java), f"-Xmx{heap}", "-cp", classpath, *(f"-D{k}={v}" for k, v in props.items()),
           "com.arcadedb.server.ArcadeDBServer"]
    log = open(root / "server.log", "wb")
    started = time.monotonic()
    try:
        # cwd=root: ArcadeDB writes ./log/ relative to the working directory
        proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    except OSError as exc:
        log.close()
        raise BoltServerUnavailable(f"cannot run {java}: {exc}") from exc
    log.close()
    server = BoltServer(
        uri=f"bolt://127.0.0.1:{bolt}", user=ARCADEDB_USER, password=ARCADEDB_PASSWORD,
        database=ARCADEDB_DATABASE, kind="arcadedb", process=proc, root=root, _own_root=own,
    )
    try:
        _wait_for_bolt(server, timeout)
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def external_server() -> Optional[BoltServer]:
    """The server named by NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), if set."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return BoltServer(
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE") or None,
        kind="external",
    )


@pytest.fixture(scope="session")
def bolt_server() -> Iterator[BoltServer]:
    """A Bolt server for the whole test session: NEO4J_URI's, or ArcadeDB started here; else skip."""
    ext = external_server()
    if ext is not None:
        yield ext
        return
    try:
        server = start_arcadedb()
    except BoltServerUnavailable as exc:
        pytest.skip(f"no Bolt server: {exc}")
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":  # pragma: no cover - manual use
    s = start_arcadedb()
    print(f"# ArcadeDB up in {s.startup_seconds:.1f}s, data in {s.root}; Ctrl-C stops it")
    print(f"export NEO4J_URI={s.uri} NEO4J_USER={s.user} NEO4J_PASSWORD={s.password} NEO4J_DATABASE={s.database}")
    try:
        s.process.wait()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        pass
    finally:
        s.stop()

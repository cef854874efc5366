"""Every setting kg reads from the environment, read here and nowhere else.

The library's functions take explicit values; where one is not given they ask this module for the
default, so a program importing kg sees every knob in one place (and the CLI's ``--db``, click's
``envvar``, is the one other reader). Read at call time, not import time: a test or a long-running
program may change the environment.

========================  ==========================================================
KG_DB                     the embedded store's folder (default ./kg.db)
NEO4J_URI                 a Bolt address: the Neo4j backend becomes the default
NEO4J_USER / _PASSWORD    its credentials; NEO4J_DATABASE its database
KG_PROGRESS               lines | bar | off: force the progress mode
KG_PROGRESS_INTERVAL      seconds between progress lines without a terminal
KG_ABBREVIATIONS          extra abbreviation tables (paths, os.pathsep-separated)
KG_SECTORS                extra sector tables (paths, os.pathsep-separated)
========================  ==========================================================
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

DEFAULT_DB = "kg.db"


def default_db() -> Path:
    """The embedded store's folder when none is named: $KG_DB, else ./kg.db."""
    return Path(os.environ.get("KG_DB") or DEFAULT_DB)


def default_backend() -> str:
    """neo4j when NEO4J_URI is set, else the embedded store."""
    return "neo4j" if os.environ.get("NEO4J_URI") else "embedded"


@dataclass(frozen=True)
class Neo4jSettings:
    """The Bolt connection the environment names (None: not set)."""

    uri: Optional[str]
    user: Optional[str]
    password: str
    database: Optional[str]


def neo4j_settings() -> Neo4jSettings:
    env = os.environ
    return Neo4jSettings(env.get("NEO4J_URI") or None, env.get("NEO4J_USER") or None,
                         env.get("NEO4J_PASSWORD", ""), env.get("NEO4J_DATABASE") or None)


@dataclass(frozen=True)
class ProgressSettings:
    """tty: forced bar (True) or lines (False), None to ask the stream; interval: None for the default."""

    tty: Optional[bool]
    interval: Optional[float]
    off: bool


def progress_settings() -> ProgressSettings:
    mode = os.environ.get("KG_PROGRESS", "").lower()
    interval: Optional[float] = None
    raw = os.environ.get("KG_PROGRESS_INTERVAL")
    if raw:
        try:
            interval = max(0.0, float(raw))
        except ValueError:
            pass  # a malformed value keeps the default, as an unset one
    return ProgressSettings({"lines": False, "bar": True}.get(mode), interval, mode == "off")


def table_paths(name: str) -> tuple[Path, ...]:
    """Extra table files named in the variable ``name`` (KG_ABBREVIATIONS, KG_SECTORS)."""
    return tuple(Path(p) for p in os.environ.get(name, "").split(os.pathsep) if p)

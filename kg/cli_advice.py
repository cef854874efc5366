"""An error's advice (kg.errors.Advice) in the command line's words: the library names parameters and
folders, the CLI adds its flags ("pass --param name=…", "run `kg build --db kg.db` first")."""
from __future__ import annotations

from typing import Callable, Optional

from kg.errors import Advice

_WORDS: dict[str, Callable[[tuple[str, ...]], str]] = {
    "params": lambda names: "pass " + " ".join(f"--param {n}=…" for n in names),
    "no-limit": lambda _v: "drop --limit / --all",
    "no-every-row": lambda _v: "--all is for library queries",
    "build": lambda v: f"run `kg build --db {v[0]}` first",
    "pyshacl": lambda _v: "kg validate --engine pyshacl checks it",
    "jobs": lambda v: f"pass --jobs {v[0]}",
    "another-folder": lambda _v: "pass another folder with --db (e.g. ./kg.db)",
    "open-for-writing": lambda v: f"run `kg cypher --db {v[0]} --write 'RETURN 1'` once",
    "open-neo4j-for-writing": lambda v: "run `kg cypher --backend neo4j --write 'RETURN 1'` once",
    "pick": lambda v: ("pick one with --param jurisdiction=<place>" if v == ("jurisdiction",) else
                       "pass --param name=<one of them>" + (" and --param jurisdiction=<its place> (or none)"
                                                             if "jurisdiction" in v else "")),
    "lookup": lambda v: f"kg query {v[0]} --param name=<part of a name> lists organizations by part of their name",
}


def cli_note(note: str) -> str:
    """A note on an answer (kg.library.Note) as the command line prints it: its advice as flags."""
    body, advice = getattr(note, "body", note), getattr(note, "advice", None)
    return body + cli_words(advice)


def cli_words(advice: Optional[Advice]) -> str:
    """" — <what to do>" for an error's advice, or "" when it has none (or none the CLI words)."""
    if advice is None or advice.kind not in _WORDS:
        return ""
    return " — " + _WORDS[advice.kind](advice.values)

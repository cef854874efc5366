"""The one read-only guard for SPARQL text: what passes is a single query that reads the store only.

A keyword scan is defeated by lexer tricks (a comment that Oxigraph ends at CR and a regex at LF;
``1SERVICE``), so the guard does not scan the text the engine will read — it *rewrites* it:

1. :func:`tokens` reads the text with the SPARQL 1.1 terminals (§19.8) as Oxigraph reads them
   (comments end at CR or LF; ``\\u`` escapes only inside strings and IRIs).  Anything it cannot
   read — a backslash in code, an unknown character — is refused, never guessed.
2. The engine gets a canonical text built from those tokens: comments dropped, every string
   rewritten as ``"…"`` whose body holds only letters, digits, spaces and ``\\uXXXX`` escapes (no
   quote, bracket or line break the engine could read another way), IRIs with escapes decoded,
   everything else as written.  Whatever Oxigraph's lexer does, the code it reads is made of
   the tokens checked here, and a string cannot turn into code.
3. Outside strings the canonical text must not hold the word SERVICE in any spelling (keyword,
   prefixed name, variable, IRI; NFKC, case folded): federation is the one way a query reaches
   the network.  ``IRI("…")`` writes an IRI that contains the word.
4. A real SPARQL parser (rdflib's) must read the same tokens as one query — not an update, not
   something it cannot parse — and a walk over its parse tree and algebra must find no SERVICE
   (in OPTIONAL, UNION, sub-selects, EXISTS …).  Oxigraph's LATERAL (SEP-0006), which rdflib lacks,
   is read as OPTIONAL for this check (the same shape: keyword, then a group).

Only step 2's text is run.  ``Store.query`` never runs updates; the guard names them so the user
learns why.  Results are cached by text (rdflib takes 10–250 ms on a library query).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator

from kg.errors import QueryError

MAX_QUERY_CHARS = 200_000
"""Longer texts are refused before parsing: rdflib's parser is pure Python (about 1 s per 50 KB)."""

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class SparqlError(QueryError):
    """A SPARQL query that cannot be run: syntax, an update, a federated SERVICE, bad parameters."""


class UpdateRefused(SparqlError):
    """An update (INSERT, DELETE, LOAD, CLEAR …) sent where only queries are answered."""


class ServiceRefused(SparqlError):
    """A federated query (SERVICE): it would make the engine fetch from the network."""


# --------------------------------------------------------------------------------------------
# Terminals (SPARQL 1.1 §19.8)
# --------------------------------------------------------------------------------------------

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CH = _U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf\\"']"""
_PLX = r"%[0-9A-Fa-f]{2}"
_PREFIX = f"[{_BASE}](?:[{_CH}.]*[{_CH}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CH}.:]|{_PLX})*(?:[{_CH}:]|{_PLX}))?"
_EXP = r"[eE][+-]?[0-9]+"

_TOKEN = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in (
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", f"<(?:[^<>\"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>"),
    ("long1", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("long2", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("str1", f"'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'"),
    ("str2", f'"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*"'),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("var", f"[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("bnode", f"_:[{_U}0-9](?:[{_CH}.]*[{_CH}])?"),
    ("pname", f"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("number", f"[0-9]+\\.[0-9]*{_EXP}|\\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\\.[0-9]+|[0-9]+"),
    ("name", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<|>>|\{\||\|\}|[{}()\[\];,.=<>!+\-*/|^?~]"),
)))
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')


@dataclass(frozen=True)
class Token:
    kind: str   # ws comment iri string langtag var bnode pname number name punct
    text: str   # as written (for a string or an IRI: the decoded value)
    start: int  # character offset in the text given


def _unescape(body: str, pos: int) -> str:
    def one(m: re.Match) -> str:
        hexa = m.group(1) or m.group(2)
        if hexa:
            code = int(hexa, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise SparqlError(f"SPARQL syntax error at character {pos}: \\u escape of an invalid code point {hexa}")
            return chr(code)
        return _ESCAPES[m.group(3)]
    return _ESCAPE_RE.sub(one, body)


def tokens(text: str) -> Iterator[Token]:
    """The text as SPARQL tokens (whitespace and comments included); refuses what it cannot read."""
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = (" (\\u escapes are read only inside strings and IRIs)" if ch == "\\" else "")
            raise SparqlError(f"SPARQL syntax error at character {pos}: cannot read {text[pos:pos + 12]!r}{hint}")
        kind = m.lastgroup or ""
        raw = m.group()
        if kind in ("long1", "long2"):
            yield Token("string", _unescape(raw[3:-3], pos), pos)
        elif kind in ("str1", "str2"):
            yield Token("string", _unescape(raw[1:-1], pos), pos)
        elif kind == "iri":
            value = _unescape(raw[1:-1], pos) if "\\" in raw else raw[1:-1]
            if _IRI_FORBIDDEN.search(value):
                raise SparqlError(f"SPARQL syntax error at character {pos}: an IRI spells a character IRIs cannot hold "
                                  f"with a \\u escape")
            yield Token("iri", value, pos)
        else:
            yield Token(kind, raw, pos)
        pos = m.end()


def _engine_string(value: str) -> str:
    """A string for the engine: nothing in the body but letters, digits, spaces and \\u escapes."""
    out = []
    for ch in value:
        if ch == " " or ch.isalnum():
            out.append(ch)
        elif ord(ch) > 0xFFFF:
            out.append(f"\\U{ord(ch):08X}")
        else:
            out.append(f"\\u{ord(ch):04X}")
    return '"' + "".join(out) + '"'


def _parser_string(value: str) -> str:
    """A string for rdflib: no quote, backslash or line break (rdflib expands \\u before lexing)."""
    return '"' + re.sub(r'["\\\r\n]', " ", value) + '"'


def _folded(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


# --------------------------------------------------------------------------------------------
# The guard
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuardedQuery:
    """A query that passed: ``text`` is what to run (not the text given); ``form`` SELECT/ASK/…"""

    text: str
    form: str
    projected: tuple[str, ...]


def update_keywords(text: str) -> list[str]:
    """Update keywords used as code in ``text`` (not inside strings, IRIs or comments)."""
    try:
        found = {t.text.upper() for t in tokens(text) if t.kind == "name"}
    except SparqlError:
        return []
    return sorted(found & set(UPDATE_KEYWORDS))


def _refuse_update(words: list[str]) -> UpdateRefused:
    what = f" ({', '.join(words)})" if words else ""
    return UpdateRefused(f"SPARQL updates are refused{what}: kg answers SELECT, ASK, CONSTRUCT and DESCRIBE "
                         f"queries only; rebuild the store to change it")


_SERVICE_MESSAGE = ("SERVICE (federated query) is not allowed: kg answers from its own store only, and refuses the "
                    "word SERVICE anywhere outside a string (write an IRI that contains it as IRI(\"…\"))")


def _form(toks: list[Token]) -> str:
    """The first keyword after the prologue (BASE / PREFIX / VERSION declarations)."""
    i = 0
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "name" else ""
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        elif word == "VERSION":
            i += 2
        else:
            return word or toks[i].text
    return ""


def _projection(toks: list[Token]) -> tuple[str, ...]:
    """Variables written between the first SELECT and its WHERE or ``{`` (parameters are found here)."""
    out: list[str] = []
    inside = False
    for t in toks:
        if not inside:
            inside = t.kind == "name" and t.text.upper() == "SELECT"
            continue
        if (t.kind == "name" and t.text.upper() == "WHERE") or t.text == "{":
            break
        if t.kind == "var":
            out.append(t.text[1:])
    return tuple(out)


def _walk_for_service(root: Any) -> bool:
    """Whether rdflib's parse tree or algebra holds a SERVICE node anywhere (iteratively: no depth limit)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if "service" in str(node.name).casefold():
                return True
            stack.extend(node.values())
        elif isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
        elif hasattr(node, "algebra"):
            stack.append(node.algebra)
    return False


def _rdflib_check(parser_text: str, words: list[str]) -> None:
    """rdflib must read ``parser_text`` as one query with no SERVICE in its parse tree or algebra."""
    import logging

    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import algebra
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    rdflib_log = logging.getLogger("rdflib")
    level = rdflib_log.level
    rdflib_log.setLevel(logging.ERROR)  # ill-typed literals are the engine's business, not a guard warning
    try:
        try:
            tree = parseQuery(parser_text)
        except ParseBaseException as e:
            try:
                parseUpdate(parser_text)
            except (ParseBaseException, RecursionError, ValueError):
                pass
            else:
                raise _refuse_update(words) from None
            near = e.line[max(0, e.col - 41):e.col - 1].lstrip()
            raise SparqlError(f"SPARQL syntax error (or syntax kg's guard does not read) at line {e.lineno}, "
                              f"column {e.col}, after {near!r}: {e.msg}") from None
        except RecursionError:
            raise SparqlError("the query is nested too deeply for kg's guard to read it") from None
        if _walk_for_service(tree):
            raise ServiceRefused(_SERVICE_MESSAGE)
        try:
            query = algebra.translateQuery(tree)
        except RecursionError:
            raise SparqlError("the query is nested too deeply for kg's guard to read it") from None
        except Exception as e:  # rdflib's algebra raises plain exceptions for queries it cannot translate
            raise SparqlError(f"kg's guard cannot read this query ({type(e).__name__}: {e}); "
                              f"write it in SPARQL 1.1 (LATERAL is read too)") from None
        if _walk_for_service(query.algebra) or _walk_for_service(getattr(query, "prologue", None)):
            raise ServiceRefused(_SERVICE_MESSAGE)
    finally:
        rdflib_log.setLevel(level)


@functools.lru_cache(maxsize=512)
def guard(text: str, parse: bool = True) -> GuardedQuery:
    """Check ``text`` and return the canonical query to run, or raise a :class:`SparqlError`.

    Raises :class:`UpdateRefused` for updates and :class:`ServiceRefused` for SERVICE.  ``parse=False``
    skips step 4 (rdflib: about 1 s to import, 10–250 ms a query) and is meant for kg's own library
    (queries/*.rq), whose every file the test suite passes through the whole guard; steps 1–3 still
    decide what runs.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise SparqlError(f"the query is {len(text):,} characters long; kg reads queries up to "
                          f"{MAX_QUERY_CHARS:,} (pass long value lists as parameters)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise SparqlError("the query is not valid Unicode (a lone surrogate)") from None
    toks = [t for t in tokens(text) if t.kind != "comment"]
    code = [t for t in toks if t.kind != "ws"]
    words = sorted({t.text.upper() for t in code if t.kind == "name"} & set(UPDATE_KEYWORDS))
    form = _form(code)
    if form in UPDATE_KEYWORDS:
        raise _refuse_update(words)
    if form not in QUERY_FORMS:
        raise SparqlError(f"not a SPARQL query: it starts with {form[:40]!r}, not SELECT, CONSTRUCT, DESCRIBE or ASK"
                          if form else "empty SPARQL query")
    engine, parser = [], []
    for t in toks:
        if t.kind == "string":
            engine.append(_engine_string(t.text))
            parser.append(_parser_string(t.text))
            continue
        if t.kind != "ws" and "service" in _folded(t.text):
            raise ServiceRefused(_SERVICE_MESSAGE)
        spelled = f"<{t.text}>" if t.kind == "iri" else t.text
        engine.append(spelled)
        parser.append("OPTIONAL" if t.kind == "name" and t.text.upper() == "LATERAL" else spelled)
    if parse:
        _rdflib_check("".join(parser), words)
    return GuardedQuery("".join(engine), form, _projection(code))


__all__ = ["GuardedQuery", "MAX_QUERY_CHARS", "ServiceRefused", "SparqlError", "Token", "UpdateRefused", "guard",
           "tokens", "update_keywords"]

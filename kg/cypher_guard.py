"""The read-only guard for Cypher: one for every store (embedded LadybugDB, Neo4j) and the web server.

Why not a keyword scan: a regex over the text reads it differently from the engine, and every
difference is a way past it (`LIMIT 1LOAD FROM ...`: a number, then a keyword the regex did not see;
`/* **/ ' */ COPY ... //'`: a comment LadybugDB ends later than the regex does). So the guard reads
the statement token by token as both engines' lexers do (the openCypher lexical rules, as LadybugDB's
Cypher.g4 and Neo4j implement them), refuses the few spellings the two engines read differently, and
then allows one statement made of read clauses only.

The engines add their own layer (the stores run what passes in a read-only transaction, on a
read-only database, or in a READ session): LadybugDB 0.22 does not expose its prepared statements'
isReadOnly() to Python, and it counts COPY TO, LOAD FROM and LOAD EXTENSION as reads anyway, so the
engine's verdict backs up the guard; it cannot replace it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from kg.errors import QueryError

# Clauses that write, touch files or code, or change the transaction or the database in use, in
# LadybugDB's grammar (oC_UpdatingClause, iC_CopyFrom/CopyTO, iC_LoadFrom, iC_Extension,
# iC_Transaction, iC_Attach/DetachDatabase, iC_Export/ImportDatabase, iC_Use*, iC_Drop,
# iC_AlterTable) or Neo4j's (REMOVE, FOREACH, INSERT, LOAD CSV, USE, CALL {} IN TRANSACTIONS,
# GRANT/DENY/REVOKE, TERMINATE), with why each is refused. Refused wherever they stand as a word,
# whatever the case; as a property key (n.set), label (:Set), parameter ($set) or `quoted` name
# they are data.
_WRITES = "it writes to the store"
_FILES = "it reads or writes files, or loads code"
_SESSION = "it controls transactions or the database in use"
_ADMIN = "it administers the server"
REFUSED: dict[str, str] = {
    **dict.fromkeys(("CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "FOREACH",
                     "INSERT", "DROP", "ALTER"), _WRITES),
    **dict.fromkeys(("LOAD", "COPY", "EXPORT", "IMPORT", "ATTACH", "INSTALL", "UNINSTALL"), _FILES),
    **dict.fromkeys(("CHECKPOINT", "BEGIN", "COMMIT", "ROLLBACK", "TRANSACTIONS", "USE"), _SESSION),
    **dict.fromkeys(("GRANT", "DENY", "REVOKE", "TERMINATE"), _ADMIN),
}
# A read query starts with one of these (so no statement-level command can: ANALYZE, COMMENT ON,
# SHOW, START/STOP DATABASE, EXPLAIN, CYPHER 25 ...).
STARTERS = ("MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL")
# CALL name(...): schema listings only (LadybugDB, then Neo4j). Other procedures read files
# (read_csv, apoc.load.*), write (project_graph, apoc.create.*) or run Cypher (apoc.cypher.*).
PROCEDURES = frozenset({
    "show_tables", "table_info", "show_connection",
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})
# ns.name(...): the built-in temporal, spatial and vector namespaces; apoc.*, dbms.*, db.*, gds.*
# and other plugins' functions may reach files, the network or run Cypher.
NAMESPACES = frozenset({"date", "datetime", "localdatetime", "localtime", "time", "duration", "point", "vector"})

READ_CLAUSES = "MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT and UNION"
_STARTS = "MATCH, OPTIONAL MATCH, UNWIND, WITH, RETURN or CALL"


class QueryRefused(QueryError):
    """The guard refuses the statement. `clause` names what (LOAD, CALL apoc.load.json, ';' …) and
    `position` is its character offset in the statement."""

    def __init__(self, message: str, clause: str, position: int):
        super().__init__(message)
        self.clause = clause
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # word | name (`quoted`) | string | number | param | punct
    text: str  # as written
    pos: int   # character offset
    value: str = ""  # word: upper-case ASCII spelling (empty if not ASCII); name, param: the name


def _refuse(clause: str, pos: int, why: str) -> QueryRefused:
    return QueryRefused(f"refused {clause} at char {pos}: {why}", clause, pos)


# --------------------------------------------------------------------------- the lexer

_SPACE_EXTRA = "\u180e"  # LadybugDB's WHITESPACE has it; str.isspace() does not
_ESCAPE = re.compile(r"""\\(?:[\\'"bfnrtBFNRT]|[uU][0-9A-Fa-f]{8}|[uU][0-9A-Fa-f]{4}|[xX][0-9A-Fa-f]{2})""")
_NUMBER = re.compile(r"0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|[0-9](?:_?[0-9])*(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9]+)?")


def _starts_word(c: str) -> bool:
    return c == "_" or c.isidentifier()


def _in_word(c: str) -> bool:
    """Python's XID_Continue: within LadybugDB's ID_Continue | Sc and Neo4j's identifier characters,
    so a word never runs on where an engine would split it (the other way round only refuses more)."""
    return ("_" + c).isidentifier()


def _word_end(s: str, i: int) -> int:
    while i < len(s) and _in_word(s[i]):
        i += 1
    return i


def _block_comment_end(s: str, i: int) -> int:
    """Where a /* comment opened at i ends (the index after its */). Neo4j ends it
    at the first */; LadybugDB's CypherComment ('/*' (~'*' | '*' ~'/')* '*/') reads a '*' together
    with the character after it, so `**/` does not end it there. Refused where the two differ."""
    neo4j = s.find("*/", i + 2)
    j = i + 2
    ladybug = -1
    while j < len(s):
        if s[j] == "*":
            if s.startswith("*/", j):
                ladybug = j
                break
            j += 2
        else:
            j += 1
    if neo4j < 0:
        raise _refuse("/*", i, "the comment is not closed with */")
    if neo4j != ladybug:
        raise _refuse("/*", i, f"Neo4j ends this comment at char {neo4j}, LadybugDB "
                               + (f"at char {ladybug}" if ladybug >= 0 else "not at all")
                               + " (a '*' just before the '*/'); write the comment without '**/'")
    return neo4j + 2


def _line_comment_end(s: str, i: int) -> int:
    """// runs to the end of the line. A lone \\r ends it for Neo4j; LadybugDB's rule
    ('//' ~[\\r\\n]* '\\r'? ('\\n' | EOF)) then does not see a comment at all: refused."""
    j = i + 2
    while j < len(s) and s[j] not in "\r\n":
        j += 1
    if s.startswith("\r", j) and j + 1 < len(s) and s[j + 1] != "\n":
        raise _refuse("//", i, "the comment ends with a lone carriage return (\\r); end the line with \\n")
    return j


def _string_end(s: str, i: int) -> int:
    quote = s[i]
    j = i + 1
    while j < len(s):
        c = s[j]
        if c == quote:
            return j + 1
        if c == "\\":
            m = _ESCAPE.match(s, j)
            if m is None:
                raise _refuse("string", j, f"{s[j:j + 2]!r} is not an escape both engines read "
                                           "(\\\\ \\' \\\" \\b \\f \\n \\r \\t \\uXXXX)")
            j = m.end()
        else:
            j += 1
    raise _refuse("string", i, f"the string is not closed with {quote}")


def _backtick_end(s: str, i: int) -> int:
    j = i + 1
    while True:
        k = s.find("`", j)
        if k < 0:
            raise _refuse("`", i, "the quoted name is not closed with `")
        if not s.startswith("``", k):
            return k + 1
        j = k + 2


def tokenize(cypher: str) -> Iterator[Token]:
    """The statement's tokens, comments and white space left out. Raises QueryRefused where the text
    does not lex, or lexes differently on LadybugDB and Neo4j."""
    s, i, n = cypher, 0, len(cypher)
    while i < n:
        j = _skip(s, i)
        if j == i:
            tok = _token(s, i)
            yield tok
            j = i + len(tok.text)
        i = j


def _skip(s: str, i: int) -> int:
    """Past the white space or comment at s[i] (i itself when a token starts there)."""
    if s[i].isspace() or s[i] in _SPACE_EXTRA:
        return i + 1
    if s.startswith("//", i):
        return _line_comment_end(s, i)
    if s.startswith("/*", i):
        return _block_comment_end(s, i)
    return i


def _token(s: str, i: int) -> Token:
    """The token starting at s[i]; its text is s[i:i + len(text)]."""
    c = s[i]
    if c in "'\"":
        return Token("string", s[i:_string_end(s, i)], i)
    if c == "`":
        j = _backtick_end(s, i)
        return Token("name", s[i:j], i, s[i + 1:j - 1].replace("``", "`"))
    if c in "0123456789":
        return _number(s, i)
    if c == "$" and i + 1 < len(s) and (_starts_word(s[i + 1]) or s[i + 1] in "`0123456789"):
        return _param(s, i)
    if _starts_word(c):
        word = s[i:_word_end(s, i)]
        return Token("word", word, i, word.upper() if word.isascii() else "")
    return Token("punct", "..", i) if s.startswith("..", i) else Token("punct", c, i)


def _number(s: str, i: int) -> Token:
    """The number at s[i] (a digit); refused when a word follows it without a space."""
    n = len(s)
    m = _NUMBER.match(s, i)
    j = m.end() if m else i + 1
    if j < n and _in_word(s[j]):
        raise _refuse(s[i:_word_end(s, j)], i, "a number runs straight into a word; "
                                                "put a space between them")
    return Token("number", s[i:j], i)


def _param(s: str, i: int) -> Token:
    """The parameter at s[i] ("$" followed by a word, a `quoted` name or digits)."""
    n = len(s)
    if s[i + 1] == "`":
        j = _backtick_end(s, i + 1)
        name = s[i + 2:j - 1].replace("``", "`")
    elif s[i + 1] in "0123456789":  # $1: digits only, as both engines read it; $1LOAD is $1 LOAD
        j = i + 1
        while j < n and s[j] in "0123456789":
            j += 1
        if j < n and _in_word(s[j]):
            raise _refuse(s[i:_word_end(s, j)], i, "a parameter number runs straight into a word; "
                                                   "put a space between them")
        name = s[i + 1:j]
    else:
        j = _word_end(s, i + 1)
        name = s[i + 1:j]
    return Token("param", s[i:j], i, name)


def parameters(cypher: str) -> set[str]:
    """Names of the $params a statement uses (LadybugDB rejects parameters a statement does not use)."""
    return {t.value for t in tokenize(cypher) if t.kind == "param"}


# --------------------------------------------------------------------------- the allow-list

def _ident(t: Token) -> str:
    return t.value if t.kind == "name" else t.text


def _dotted(tokens: list[Token], i: int) -> tuple[str, int]:
    """The dotted name starting at tokens[i] (apoc.load.json, `db`.labels) and the index after it."""
    parts = [_ident(tokens[i])]
    j = i + 1
    while _is_punct(tokens, j, ".") and j + 1 < len(tokens) and tokens[j + 1].kind in ("word", "name"):
        parts.append(_ident(tokens[j + 1]))
        j += 2
    return ".".join(parts), j


def _is_punct(tokens: list[Token], i: int, text: str) -> bool:
    return 0 <= i < len(tokens) and tokens[i].kind == "punct" and tokens[i].text == text


def check_read_only(cypher: str) -> list[Token]:
    """Pass one read query, or raise QueryRefused naming the clause refused. Returns its tokens."""
    tokens = _one_statement(list(tokenize(cypher)))
    called = -1  # tokens up to this index name a CALLed procedure
    for i, t in enumerate(tokens):
        if t.kind not in ("word", "name") or i <= called:
            continue
        if _is_punct(tokens, i - 1, ".") or _is_punct(tokens, i - 1, ":"):
            continue  # a property key, label, relationship type or namespace part: data
        if t.kind == "word" and t.value == "CALL":
            called = _check_call(tokens, i)
        else:
            _check_word(tokens, i)
    return tokens


def _one_statement(tokens: list[Token]) -> list[Token]:
    """The tokens of the one statement (a closing ';' dropped), which must start as a read query does."""
    semis = [i for i in range(len(tokens)) if _is_punct(tokens, i, ";")]
    if semis and semis[0] != len(tokens) - 1:
        raise _refuse("';'", tokens[semis[0]].pos, "several statements: run one statement at a time")
    if semis:
        tokens = tokens[:-1]
    if not tokens:
        raise _refuse("an empty statement", 0, "there is no query to run")
    first = tokens[0]
    if first.kind != "word" or first.value not in (*STARTERS, *REFUSED):  # REFUSED: refused below, with why
        raise _refuse(first.text, first.pos, f"a read-only query starts with {_STARTS} and is made of "
                                             f"{READ_CLAUSES} clauses")
    return tokens


def _check_word(tokens: list[Token], i: int) -> None:
    """A word or name in clause position: not a refused clause, nor a call of a function outside the
    allowed namespaces."""
    t = tokens[i]
    if t.kind == "word" and t.value in REFUSED:
        raise _refuse(t.value, t.pos, f"{REFUSED[t.value]}; a read-only query is made of {READ_CLAUSES} "
                                      "clauses only")
    name, j = _dotted(tokens, i)
    if "." in name and _is_punct(tokens, j, "(") and name.split(".")[0].lower() not in NAMESPACES:
        raise _refuse(name, t.pos, f"functions outside the {', '.join(sorted(NAMESPACES))} namespaces may "
                                   "read files, reach the network or run other queries")


def _check_call(tokens: list[Token], i: int) -> int:
    """CALL { subquery } and CALL (vars) { subquery } (their clauses are checked like the rest), or
    CALL of a schema listing; returns the index of the procedure name's last token."""
    if _is_punct(tokens, i + 1, "{") or _is_punct(tokens, i + 1, "("):
        return i
    if i + 1 < len(tokens) and tokens[i + 1].kind in ("word", "name"):
        name, j = _dotted(tokens, i + 1)
        if name.lower() in PROCEDURES and _is_punct(tokens, j, "("):
            return j - 1
        shown = f"CALL {name}"
    else:
        shown = "CALL"
    raise _refuse(shown, tokens[i].pos, f"a read-only query may call only {', '.join(sorted(PROCEDURES))} "
                                        "(with parentheses), or a { subquery }")


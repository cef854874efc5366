"""The property-graph schema derived from the model (kg/store/schema.py) is the one stores already hold:
BEFORE is what the hand-written schema declared before it was derived (captured from its ddl()), so
stores made by an older kg keep their tables, columns, order and types."""
from __future__ import annotations

from kg.neo4j_import import REL_FILES, node_header
from kg.store.embedded_schema import ddl, migrations
from kg.store.schema import NODE_TABLES, REL_TABLES

BEFORE = [
    "CREATE NODE TABLE IF NOT EXISTS Document(`id` STRING PRIMARY KEY, `title` STRING, `doc_number` STRING, `issuer` STRING, `date` STRING, `jurisdiction` STRING, `jurisdiction_path` STRING[], `level` STRING, `based_on` STRING[], `file` STRING, `sha256` STRING, `encoding` STRING, `format` STRING, `length` INT64, `start` INT64, `end` INT64, `text` STRING, `title_key` STRING, `n_edges` INT64, `n_targets` INT64, `n_actions` INT64, `n_tasks` INT64, `n_units` INT64)",
    "CREATE NODE TABLE IF NOT EXISTS Section(`id` STRING PRIMARY KEY, `document_id` STRING, `ordinal` INT64, `title` STRING, `start` INT64, `end` INT64, `text` STRING)",
    "CREATE NODE TABLE IF NOT EXISTS Action(`id` STRING PRIMARY KEY, `document_id` STRING, `section_id` STRING, `section` STRING, `ordinal` INT64, `number` STRING, `title` STRING, `start` INT64, `end` INT64, `text` STRING, `n_units` INT64, `n_units_all` INT64, `n_tasks` INT64)",
    "CREATE NODE TABLE IF NOT EXISTS Task(`id` STRING PRIMARY KEY, `document_id` STRING, `action_id` STRING, `ordinal` INT64, `number` STRING, `title` STRING, `start` INT64, `end` INT64, `text` STRING, `n_units` INT64, `n_leads` INT64, `n_responsible` INT64)",
    "CREATE NODE TABLE IF NOT EXISTS Organization(`id` STRING PRIMARY KEY, `name` STRING, `jurisdiction` STRING, `jurisdiction_path` STRING[], `sector` STRING, `collective` BOOL, `aliases` STRING[], `n_edges` INT64, `n_leads` INT64, `n_documents` INT64, `n_deadlines` INT64, `max_shared` INT64)",
    "CREATE NODE TABLE IF NOT EXISTS Target(`id` STRING PRIMARY KEY, `document_id` STRING, `owner_id` STRING, `owner_kind` STRING, `text` STRING, `value` DOUBLE, `unit` STRING, `comparator` STRING, `period` STRING, `deadline` STRING, `start` INT64, `end` INT64)",
    "CREATE NODE TABLE IF NOT EXISTS Person(`id` STRING PRIMARY KEY, `name` STRING, `document_id` STRING, `start` INT64, `end` INT64, `text` STRING)",
    "CREATE NODE TABLE IF NOT EXISTS CitedDocument(`id` STRING PRIMARY KEY, `key` STRING, `title` STRING)",
    "CREATE REL TABLE IF NOT EXISTS HAS_SECTION(FROM Document TO Section)",
    "CREATE REL TABLE IF NOT EXISTS HAS_ACTION(FROM Document TO Action, FROM Section TO Action)",
    "CREATE REL TABLE IF NOT EXISTS HAS_TASK(FROM Action TO Task)",
    "CREATE REL TABLE IF NOT EXISTS LEADS(FROM Organization TO Action, FROM Organization TO Task, `id` STRING, `qualifier` STRING, `deadline` STRING, `mention` STRING, `document_id` STRING, `start` INT64, `end` INT64, `clause` STRING)",
    "CREATE REL TABLE IF NOT EXISTS RESPONSIBLE_FOR(FROM Organization TO Action, FROM Organization TO Task, `id` STRING, `qualifier` STRING, `deadline` STRING, `mention` STRING, `document_id` STRING, `start` INT64, `end` INT64, `clause` STRING)",
    "CREATE REL TABLE IF NOT EXISTS HAS_TARGET(FROM Document TO Target, FROM Action TO Target, FROM Task TO Target)",
    "CREATE REL TABLE IF NOT EXISTS MEMBER_OF(FROM Person TO Organization, `id` STRING, `role` STRING, `post` STRING, `post_title` STRING, `unit_id` STRING, `document_id` STRING, `start` INT64, `end` INT64, `clause` STRING)",
    "CREATE REL TABLE IF NOT EXISTS POST_IN(FROM Person TO Organization, `id` STRING, `post` STRING, `post_title` STRING)",
    "CREATE REL TABLE IF NOT EXISTS CITES(FROM Document TO CitedDocument, `id` STRING, `title` STRING, `start` INT64, `end` INT64, `clause` STRING)",
    "CREATE REL TABLE IF NOT EXISTS ALIGNS_WITH(FROM Action TO Action, FROM Action TO Task, FROM Task TO Action, FROM Task TO Task, `id` STRING, `score` DOUBLE, `method` STRING, `evidence` STRING)",
    "CREATE REL TABLE IF NOT EXISTS SHARES_TASKS(FROM Organization TO Organization, `tasks` INT64)",
    "CREATE REL TABLE IF NOT EXISTS ACTIVE_IN(FROM Organization TO Document, `n_edges` INT64, `n_leads` INT64)",
]


def test_the_derived_schema_is_the_declared_one() -> None:
    """The same, and one table more: the aliases each document gives an organization (issue #15)."""
    assert ddl() == BEFORE + ["CREATE REL TABLE IF NOT EXISTS NAMED_IN(FROM Organization TO Document, `aliases` STRING[])"]


def test_keys_and_computed_columns() -> None:
    assert all(t.key == "id" and t.columns[0].name == "id" for t in NODE_TABLES.values())
    computed = {(label, c.name) for label, t in NODE_TABLES.items() for c in t.columns if c.path is None}
    assert ("Action", "section") in computed and ("Document", "title_key") in computed
    assert ("Organization", "max_shared") in computed  # a stored count (kg/store/counts.py): last in its table
    assert [c.name for c in NODE_TABLES["Target"].columns if c.path == "prov.text"] == []  # its text is prov.text
    assert REL_TABLES["LEADS"].pairs == (("Organization", "Action"), ("Organization", "Task"))
    assert node_header("Task")[0] == "id:ID(Task)" and len(REL_FILES) == sum(len(t.pairs) for t in REL_TABLES.values())


def test_an_older_store_gets_the_columns_it_lacks() -> None:
    stored = {"Task": ["id", "document_id", "action_id", "ordinal", "number", "title", "start", "end", "text"],
              "Document": [c.name for c in NODE_TABLES["Document"].columns if c.name != "title_key"]}
    assert migrations(stored) == [
        "ALTER TABLE Document ADD `title_key` STRING", "ALTER TABLE Task ADD `n_units` INT64 DEFAULT 0",
        "ALTER TABLE Task ADD `n_leads` INT64 DEFAULT 0", "ALTER TABLE Task ADD `n_responsible` INT64 DEFAULT 0"]

// question: The tasks of the documents with these ids, with every property the typed model needs.
// params: ids (list) — the documents' ids
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task)
WHERE d.id IN $ids
RETURN t.id AS id, t.document_id AS document_id, t.action_id AS action_id, t.ordinal AS ordinal,
       t.number AS number, t.title AS title, t.start AS start, t.`end` AS `end`, t.text AS text
ORDER BY id

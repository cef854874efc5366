// question: The actions of the documents with these ids, with every property the typed model needs.
// params: ids (list) — the documents' ids
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
WHERE d.id IN $ids
RETURN a.id AS id, a.document_id AS document_id, a.section_id AS section_id, a.ordinal AS ordinal,
       a.number AS number, a.title AS title, a.start AS start, a.`end` AS `end`, a.text AS text
ORDER BY id

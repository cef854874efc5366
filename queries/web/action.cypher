// question: One action by id, with its document and section.
// params: id (string) — the action's id
MATCH (d:Document)-[:HAS_ACTION]->(a:Action {id: $id})
RETURN a.id AS id, a.title AS title, a.number AS number, a.ordinal AS ordinal, a.text AS text,
       a.start AS start, a.`end` AS `end`, a.section AS section,
       d.id AS document_id, d.title AS document, d.jurisdiction AS jurisdiction

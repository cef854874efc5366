// question: One task by id, with its action and document.
// params: id (string) — the task's id
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task {id: $id})
RETURN t.id AS id, t.title AS title, t.number AS number, t.ordinal AS ordinal, t.text AS text,
       t.start AS start, t.`end` AS `end`, a.id AS action_id, a.title AS action, a.section AS section,
       d.id AS document_id, d.title AS document, d.jurisdiction AS jurisdiction

// question: The actions and tasks of other plans that carry out or repeat one action or task (by id): they align with it, usually lower-level items.
// params: id (string) — the action's or task's id
MATCH (x)-[al:ALIGNS_WITH]->(t)
WHERE t.id = $id
MATCH (d:Document {id: x.document_id})
RETURN x.id AS id, CASE WHEN x.action_id IS NULL THEN 'action' ELSE 'task' END AS kind, x.title AS title,
       d.id AS document_id, d.title AS document, d.jurisdiction AS jurisdiction, d.level AS level,
       al.score AS score, al.evidence AS evidence
ORDER BY score DESC, document, id

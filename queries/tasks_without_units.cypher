// question: Which tasks have no unit at all — no lead and no responsible unit, on the task or on its action?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
MATCH (t:Task)
WHERE NOT (t)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization)
WITH t
OPTIONAL MATCH (a:Action)-[:HAS_TASK]->(t)
WITH a, t
WHERE NOT (a)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization)
OPTIONAL MATCH (d:Document)-[:HAS_ACTION]->(a)
WITH d, a, t
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN d.title AS document, a.title AS action, t.title AS task
ORDER BY document, d.id, a.ordinal, t.ordinal
LIMIT $limit

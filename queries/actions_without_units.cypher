// question: Which actions have no unit — none on the action itself and none on any of its tasks?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
MATCH (a:Action)
WHERE NOT (a)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization)
  AND NOT (a)-[:HAS_TASK]->(:Task)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization)
WITH a
OPTIONAL MATCH (d:Document)-[:HAS_ACTION]->(a)
WITH d, a
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN d.title AS document, a.section AS section, a.title AS action
ORDER BY document, d.id, a.ordinal
LIMIT $limit

// question: Which tasks have no unit at all — no lead and no responsible unit, on the task or on its action?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// n_units is kept on each task and action by the store (kg/store/counts.py): the distinct organizations on it.
MATCH (t:Task)
WHERE t.n_units = 0
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
WHERE a.n_units = 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN d.title AS document, a.title AS action, t.title AS task
ORDER BY document, d.id, a.ordinal, t.ordinal
LIMIT $limit

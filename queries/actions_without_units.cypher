// question: Which actions have no unit — none on the action itself and none on any of its tasks?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// n_units_all is kept on each action by the store (kg/store/counts.py): the distinct organizations on it or its tasks.
MATCH (a:Action)
WHERE a.n_units_all = 0
MATCH (d:Document)-[:HAS_ACTION]->(a)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN d.title AS document, a.section AS section, a.title AS action
ORDER BY document, d.id, a.ordinal
LIMIT $limit

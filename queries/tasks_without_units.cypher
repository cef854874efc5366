// question: Which tasks have no unit at all — no lead and no responsible unit, on the task or on its action?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// n_units is kept on each task and action by the store (kg/store/counts.py): the distinct organizations on it.
// The document is joined by a.document_id (the document the action hangs from by HAS_ACTION): LadybugDB then joins
// the few tasks found with the 2,000 or so documents, where the HAS_ACTION walk builds a table of every task of
// every action without units, with its document's title (~2x slower at 2,000 plans, measured).
MATCH (a:Action)-[:HAS_TASK]->(t:Task)
WHERE a.n_units = 0 AND t.n_units = 0
MATCH (d:Document)
WHERE d.id = a.document_id AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN d.title AS document, a.title AS action, t.title AS task
ORDER BY document, d.id, a.ordinal, t.ordinal
LIMIT $limit

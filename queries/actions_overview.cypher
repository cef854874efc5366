// question: Actions with their leads and the number of tasks under them.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// Paged by document: the first $limit rows lie in the first $limit documents (in title order) that have an action.
MATCH (d:Document)
WHERE ($document = '' OR d.id = $document OR d.title CONTAINS $document) AND (d)-[:HAS_ACTION]->(:Action)
WITH d ORDER BY d.title, d.id LIMIT $limit
OPTIONAL MATCH (d)-[:HAS_ACTION]->(a:Action)
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)
WITH d, a, count(t) AS tasks
OPTIONAL MATCH (l:Organization)-[:LEADS]->(a)
WITH d, a, tasks, collect(l.name) AS leads
RETURN d.title AS document, a.section AS section, a.title AS action, leads, tasks
ORDER BY document, d.id, a.ordinal
LIMIT $limit

// question: Actions with their leads and the number of tasks under them.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// Units are listed in the order the document names them (see accountability_matrix.cypher).
// Paged by document: the first $limit rows lie in the first $limit documents (in title order) that have an action;
// the page's actions are chosen before their leads are read. n_actions and n_tasks are kept by the store
// (kg/store/counts.py).
MATCH (d:Document)
WHERE ($document = '' OR d.id = $document OR d.title CONTAINS $document) AND d.n_actions > 0
WITH d ORDER BY d.title, d.id LIMIT $limit
MATCH (d)-[:HAS_ACTION]->(a:Action)
WITH d, a ORDER BY d.title, d.id, a.ordinal LIMIT $limit
OPTIONAL MATCH (l:Organization)-[r:LEADS]->(a)
UNWIND range(0, coalesce(size(r.clause), 0)) AS k
WITH d, a, l, r, min(CASE WHEN k > 0 AND left(r.clause, k) ENDS WITH r.mention THEN k END) AS at
WITH d, a, l, r, at ORDER BY r.start, at, l.id SKIP 0
WITH d, a, collect(l.name) AS leads
RETURN d.title AS document, a.section AS section, a.title AS action, leads, a.n_tasks AS tasks
ORDER BY document, d.id, a.ordinal
LIMIT $limit

// question: Which tasks have a lead but no other unit answering for them?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// Units are listed in the order the document names them (see accountability_matrix.cypher).
// n_leads and n_responsible are kept on each task by the store (kg/store/counts.py): its LEADS and RESPONSIBLE_FOR edges.
MATCH (t:Task)
WHERE t.n_leads > 0 AND t.n_responsible = 0
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
WITH d, a, t ORDER BY d.title, d.id, a.ordinal, t.ordinal LIMIT $limit
OPTIONAL MATCH (l:Organization)-[r:LEADS]->(t)
UNWIND range(0, coalesce(size(r.clause), 0)) AS k
WITH d, a, t, l, r, min(CASE WHEN k > 0 AND left(r.clause, k) ENDS WITH r.mention THEN k END) AS at
WITH d, a, t, l, r, at ORDER BY r.start, at SKIP 0
WITH d, a, t, collect(l.name) AS leads
RETURN d.title AS document, a.title AS action, t.title AS task, leads
ORDER BY document, d.id, a.ordinal, t.ordinal

// question: Which tasks have a lead but no other unit answering for them?
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// Units are listed in the order the document names them (see accountability_matrix.cypher).
// n_leads and n_responsible are kept on each task by the store (kg/store/counts.py): its LEADS and RESPONSIBLE_FOR edges.
// Paged by document: the first $limit rows lie in the first $limit documents (in title order) with such a task.
// Those documents are picked from the tasks' document_id (the document a task hangs from, as the count form
// counts), then the page's tasks are looked up by id and their action and document checked by their edges;
// titles are read for the page's tasks lt.
MATCH (lt:Task)
WHERE lt.n_leads > 0 AND lt.n_responsible = 0
WITH lt.document_id AS did, collect(lt.id) AS tasks
MATCH (d:Document)
WHERE d.id = did AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
WITH d, tasks ORDER BY d.title, d.id LIMIT $limit
UNWIND tasks AS tid
MATCH (t:Task)
WHERE t.id = tid
OPTIONAL MATCH (a:Action)-[:HAS_TASK]->(t)
WITH d, a, t
OPTIONAL MATCH (d)-[h:HAS_ACTION]->(a)
WITH d, a, t, h
WHERE h IS NOT NULL
WITH d, a, t ORDER BY d.title, d.id, a.ordinal, t.ordinal LIMIT $limit
OPTIONAL MATCH (l:Organization)-[r:LEADS]->(t)
UNWIND range(0, coalesce(size(r.clause), 0)) AS k
WITH d, a, t, l, r, min(CASE WHEN k > 0 AND left(r.clause, k) ENDS WITH r.mention THEN k END) AS at
WITH d, a, t, l, r, at ORDER BY r.start, at, l.id SKIP 0
WITH d, a, t, collect(l.name) AS leads
RETURN d.title AS document, a.title AS action, t.title AS task, leads
ORDER BY document, d.id, a.ordinal, t.ordinal

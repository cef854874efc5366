// question: Which tasks involve more than N units (leads and responsible units together)?
// params: n (int) — the threshold, e.g. 10; limit (int, default 100) — how many tasks to list, most units first
// n_units is kept on each task by the store (kg/store/counts.py): the distinct organizations that lead or answer for it.
MATCH (t:Task)
WHERE t.n_units > $n
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
RETURN d.title AS document, a.title AS action, t.title AS task, t.n_units AS units
ORDER BY units DESC, document, d.id, task, t.id
LIMIT $limit

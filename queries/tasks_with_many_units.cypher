// question: Which tasks involve more than N units (leads and responsible units together)?
// params: n (int) — the threshold, e.g. 10; limit (int, default 100) — how many tasks to list, most units first
// Count edges per task first (cheap), then distinct units only where there can be more than n.
MATCH (c:Task)<-[:LEADS|RESPONSIBLE_FOR]-(:Organization)
WITH c, count(*) AS edges
WHERE edges > $n
MATCH (c)<-[:LEADS|RESPONSIBLE_FOR]-(o:Organization)
WITH c, count(DISTINCT o) AS units
WHERE units > $n
WITH c.id AS task_id, units
MATCH (t:Task)
WHERE t.id = task_id
OPTIONAL MATCH (a:Action)-[:HAS_TASK]->(t)
OPTIONAL MATCH (d:Document)-[:HAS_ACTION]->(a)
RETURN d.title AS document, a.title AS action, t.title AS task, units
ORDER BY units DESC, document, d.id, task, t.id
LIMIT $limit

// question: Which tasks have no unit at all — no lead and no responsible unit, on the task or on its action?
// params: (none)
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task)
OPTIONAL MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t)
WITH d, a, t, count(o) AS on_task
WHERE on_task = 0
OPTIONAL MATCH (p:Organization)-[:LEADS|RESPONSIBLE_FOR]->(a)
WITH d, a, t, count(p) AS on_action
WHERE on_action = 0
RETURN d.title AS document, a.title AS action, t.title AS task
ORDER BY document, a.ordinal, t.ordinal

// question: Which tasks involve more than N units (leads and responsible units together)?
// params: n (int) — the threshold, e.g. 10
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(o:Organization)
WITH d, a, t, count(DISTINCT o) AS units
WHERE units > $n
RETURN d.title AS document, a.title AS action, t.title AS task, units
ORDER BY units DESC, document, t.title

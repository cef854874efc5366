// question: Which tasks have a lead but no other unit answering for them?
// params: (none)
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task)<-[:LEADS]-(l:Organization)
WITH d, a, t, collect(l.name) AS leads
OPTIONAL MATCH (o:Organization)-[:RESPONSIBLE_FOR]->(t)
WITH d, a, t, leads, count(o) AS others
WHERE others = 0
RETURN d.title AS document, a.title AS action, t.title AS task, leads
ORDER BY document, a.ordinal, t.ordinal

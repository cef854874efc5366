// question: Which actions have no unit — none on the action itself and none on any of its tasks?
// params: (none)
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
OPTIONAL MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(a)
WITH d, a, count(o) AS on_action
WHERE on_action = 0
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(p:Organization)
WITH d, a, count(p) AS on_tasks
WHERE on_tasks = 0
RETURN d.title AS document, a.section AS section, a.title AS action
ORDER BY document, a.ordinal

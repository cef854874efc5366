// question: Actions with their leads and the number of tasks under them.
// params: (none)
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)
WITH d, a, count(t) AS tasks
OPTIONAL MATCH (l:Organization)-[:LEADS]->(a)
WITH d, a, tasks, collect(l.name) AS leads
RETURN d.title AS document, a.section AS section, a.title AS action, leads, tasks
ORDER BY document, a.ordinal

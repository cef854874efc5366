// question: Documents by jurisdiction, with counts of actions, tasks, organizations and edges.
// params: (none)
MATCH (d:Document)
OPTIONAL MATCH (d)-[:HAS_ACTION]->(a:Action)
WITH d, count(a) AS actions
OPTIONAL MATCH (d)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task)
WITH d, actions, count(t) AS tasks
OPTIONAL MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE r.document_id = d.id
WITH d, actions, tasks, count(DISTINCT o) AS organizations, count(r) AS edges
RETURN d.jurisdiction AS jurisdiction, d.level AS level, d.title AS document, d.date AS date,
       actions, tasks, organizations, edges
ORDER BY jurisdiction, document

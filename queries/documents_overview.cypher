// question: Documents by jurisdiction, with counts of actions, tasks, organizations and edges.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many documents, in jurisdiction and title order
// One row per document: the page is chosen first, then only its documents are counted.
MATCH (d:Document)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
WITH d ORDER BY d.jurisdiction, d.title, d.id LIMIT $limit
OPTIONAL MATCH (d)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task)
OPTIONAL MATCH (t)<-[:LEADS|RESPONSIBLE_FOR]-(ot:Organization)
WITH d, count(DISTINCT t) AS tasks, count(ot) AS task_edges, collect(DISTINCT ot.id) AS task_units
OPTIONAL MATCH (d)-[:HAS_ACTION]->(a:Action)
OPTIONAL MATCH (a)<-[:LEADS|RESPONSIBLE_FOR]-(oa:Organization)
WITH d, tasks, task_edges, task_units, count(DISTINCT a) AS actions, count(oa) AS action_edges,
     collect(DISTINCT oa.id) AS action_units
WITH d, actions, tasks, task_edges + action_edges AS edges, task_units + action_units AS units
UNWIND CASE WHEN size(units) = 0 THEN [''] ELSE units END AS unit
WITH d, actions, tasks, edges, count(DISTINCT unit) AS distinct_units
RETURN d.jurisdiction AS jurisdiction, d.level AS level, d.title AS document, d.date AS date,
       actions, tasks, CASE WHEN edges = 0 THEN 0 ELSE distinct_units END AS organizations, edges
ORDER BY jurisdiction, document, d.id

// question: The accountability matrix of one document — action → task → units by role.
// params: document (string) — the document's id, or a substring of its title, e.g. 友谊县
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
WHERE d.id = $document OR d.title CONTAINS $document
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)
OPTIONAL MATCH (al:Organization)-[:LEADS]->(a)
WITH d, a, t, collect(DISTINCT al.name) AS action_leads
OPTIONAL MATCH (tl:Organization)-[:LEADS]->(t)
WITH d, a, t, action_leads, collect(DISTINCT tl.name) AS task_leads
OPTIONAL MATCH (tr:Organization)-[:RESPONSIBLE_FOR]->(t)
WITH d, a, t, action_leads, task_leads, collect(DISTINCT tr.name) AS task_responsible
OPTIONAL MATCH (ar:Organization)-[:RESPONSIBLE_FOR]->(a)
WITH d, a, t, action_leads, task_leads, task_responsible, collect(DISTINCT ar.name) AS action_responsible
RETURN d.title AS document, a.section AS section, a.title AS action, t.title AS task,
       action_leads, action_responsible, task_leads, task_responsible
ORDER BY document, a.ordinal, t.ordinal

// question: What one organization (by id) leads and answers for: every edge with its document, action, task (null for an action's own clause), role, qualifier, deadline, mention and clause span, in document order.
// params: id (string) — the organization's id; limit (int, default 500) — how many edges to list
MATCH (o:Organization {id: $id})-[r:LEADS|RESPONSIBLE_FOR]->(x)
OPTIONAL MATCH (pa:Action)-[:HAS_TASK]->(x)
WITH o, r, x, pa
MATCH (d:Document {id: r.document_id})
RETURN d.id AS document_id, d.title AS document, d.jurisdiction AS jurisdiction,
       CASE WHEN pa IS NULL THEN x.id ELSE pa.id END AS action_id,
       CASE WHEN pa IS NULL THEN x.title ELSE pa.title END AS action,
       CASE WHEN pa IS NULL THEN NULL ELSE x.id END AS task_id,
       CASE WHEN pa IS NULL THEN NULL ELSE x.title END AS task,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       r.qualifier AS qualifier, r.deadline AS deadline, r.mention AS mention,
       r.start AS start, r.`end` AS `end`, r.clause AS clause, r.id AS edge_id
ORDER BY document, document_id, CASE WHEN pa IS NULL THEN x.ordinal ELSE pa.ordinal END,
         CASE WHEN pa IS NULL THEN 0 ELSE x.ordinal END, start, edge_id
LIMIT $limit

// question: What does one organization lead and answer for, across all documents? Found by canonical name or by the name as written in any document.
// params: name (string) — e.g. 临沂市科学技术协会 or 市科协; limit (int, default 100) — how many rows to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE o.name = $name OR $name IN o.aliases
WITH o, r, x
MATCH (d:Document {id: r.document_id})
RETURN o.name AS organization, d.title AS document,
       CASE WHEN x.action_id IS NULL THEN 'Action' ELSE 'Task' END AS level,
       x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       r.qualifier AS qualifier, r.deadline AS deadline, r.mention AS unit
ORDER BY organization, o.id, document, d.id, r.start, title, x.id, role
LIMIT $limit

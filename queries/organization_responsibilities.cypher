// question: What does one organization lead and answer for, across all documents? Found by canonical name or by the name as written in any document.
// params: name (string) — e.g. 临沂市科学技术协会 or 市科协; jurisdiction (string, default "") — only the organization of this place or of a place under it, e.g. 友谊县 or 黑龙江省, where a name such as 县科协 is used in many places (default: every place); limit (int, default 100) — how many rows to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
WITH o, r, x
MATCH (d:Document {id: r.document_id})
RETURN o.name AS organization, d.title AS document,
       CASE WHEN x.action_id IS NULL THEN 'Action' ELSE 'Task' END AS level,
       x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       r.qualifier AS qualifier, r.deadline AS deadline, r.mention AS unit
ORDER BY organization, o.id, document, d.id, r.start, title, x.id, role
LIMIT $limit

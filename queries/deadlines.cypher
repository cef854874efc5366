// question: Which tasks and actions carry a deadline (6月底完成, 2025年底前, 持续推进 …), by unit?
// params: limit (int, default 100) — how many rows to list, in organization order
// Paged by organization: the first $limit rows lie in the first $limit organizations (in name order) with a deadline.
// EXISTS { } runs on LadybugDB 0.22, Neo4j 5 and ArcadeDB (checked); it lets LadybugDB scan only the page's edges.
MATCH (f:Organization)
WHERE EXISTS { MATCH (f)-[fr:LEADS|RESPONSIBLE_FOR]->() WHERE fr.deadline IS NOT NULL }
WITH f ORDER BY f.name, f.id LIMIT $limit
OPTIONAL MATCH (f)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH f AS o, r, x
WHERE r.deadline IS NOT NULL
OPTIONAL MATCH (d:Document)
WHERE d.id = r.document_id
RETURN o.name AS organization, r.deadline AS deadline, x.title AS title, d.title AS document,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role
ORDER BY organization, o.id, deadline, document, d.id, title, x.id, role
LIMIT $limit

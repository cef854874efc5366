// question: The same sector across jurisdictions — e.g. every education bureau's actions and tasks in every plan.
// params: sector (string) — a sector from loaders/data/sectors.tsv, e.g. 教育, 科协, 宣传, 卫生健康; limit (int, default 100) — how many rows to list, in jurisdiction and organization order
// Paged by organization: the first $limit rows lie in the first $limit organizations of the sector that have an edge.
MATCH (f:Organization)
WHERE f.sector = $sector AND (f)-[:LEADS|RESPONSIBLE_FOR]->()
WITH f ORDER BY f.jurisdiction, f.name, f.id LIMIT $limit
OPTIONAL MATCH (f)-[r:LEADS|RESPONSIBLE_FOR]->(x)
OPTIONAL MATCH (d:Document)
WHERE d.id = r.document_id
RETURN f.jurisdiction AS jurisdiction, f.name AS organization, d.title AS document, x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role, r.qualifier AS qualifier
ORDER BY jurisdiction, organization, f.id, document, d.id, r.start, title, x.id, role
LIMIT $limit

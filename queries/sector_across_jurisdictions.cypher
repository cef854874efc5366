// question: The same sector across jurisdictions — e.g. every education bureau's actions and tasks in every plan.
// params: sector (string) — a sector from loaders/data/sectors.tsv, e.g. 教育, 科协, 宣传, 卫生健康
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE o.sector = $sector
WITH o, r, x
MATCH (d:Document {id: r.document_id})
RETURN o.jurisdiction AS jurisdiction, o.name AS organization, d.title AS document, x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role, r.qualifier AS qualifier
ORDER BY jurisdiction, organization, document, r.start, title

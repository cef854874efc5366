// question: Workload ranking per document — in each plan, how many actions and tasks each organization leads or answers for.
// params: (none)
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH o, r, x
MATCH (d:Document {id: r.document_id})
WITH d, o, count(CASE WHEN r.qualifier = '牵头' THEN 1 END) AS leads,
           count(CASE WHEN r.qualifier <> '牵头' THEN 1 END) AS responsible
RETURN d.title AS document, o.name AS organization, leads, responsible, leads + responsible AS total
ORDER BY document, total DESC, leads DESC, organization

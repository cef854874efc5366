// question: Which tasks and actions carry a deadline (6月底完成, 2025年底前, 持续推进 …), by unit?
// params: (none)
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE r.deadline IS NOT NULL
WITH o, r, x
MATCH (d:Document {id: r.document_id})
RETURN o.name AS organization, r.deadline AS deadline, x.title AS title, d.title AS document,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role
ORDER BY organization, deadline, document, title

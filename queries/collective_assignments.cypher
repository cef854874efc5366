// question: Collective assignments (各成员单位, 各街道办事处, 驻临高校 …) and where they occur.
// params: (none)
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WHERE o.collective = true
WITH o, r, x
MATCH (d:Document {id: r.document_id})
WITH o, d, count(x) AS assignments
RETURN o.name AS collective, o.jurisdiction AS jurisdiction, d.title AS document, assignments
ORDER BY collective, jurisdiction, document

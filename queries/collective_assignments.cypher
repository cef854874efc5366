// question: Collective assignments (各成员单位, 各街道办事处, 驻临高校 …) and where they occur.
// params: limit (int, default 100) — how many rows to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->()
WHERE o.collective = true
WITH o, r.document_id AS did, count(*) AS assignments
MATCH (d:Document)
WHERE d.id = did
RETURN o.name AS collective, o.jurisdiction AS jurisdiction, d.title AS document, assignments
ORDER BY collective, jurisdiction, document, o.id, d.id
LIMIT $limit

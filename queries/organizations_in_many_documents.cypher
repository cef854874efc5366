// question: Which organizations are named in more than one document, and in which?
// params: limit (int, default 100) — how many organizations to list, most documents first
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->()
WITH o, count(DISTINCT r.document_id) AS n
WHERE n > 1
WITH o, n ORDER BY n DESC, o.name, o.id LIMIT $limit
MATCH (o)-[r:LEADS|RESPONSIBLE_FOR]->()
WITH o, n, collect(DISTINCT r.document_id) AS ids
UNWIND ids AS did
MATCH (d:Document)
WHERE d.id = did
WITH o, n, collect(DISTINCT d.title) AS documents
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, n AS document_count, documents
ORDER BY document_count DESC, organization, o.id

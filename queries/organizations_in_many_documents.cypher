// question: Which organizations are named in more than one document, and in which?
// params: (none)
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH o, r, x
MATCH (d:Document {id: r.document_id})
WITH o, collect(DISTINCT d.title) AS documents, count(DISTINCT d) AS n
WHERE n > 1
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, n AS document_count, documents
ORDER BY document_count DESC, organization

// question: What is each document based on (the documents it cites as its basis), and which loaded document does it implement?
// params: limit (int, default 100) — how many rows to list, in document order
MATCH (d:Document)
UNWIND d.based_on AS cited
OPTIONAL MATCH (c:Document)
WHERE c.title = cited
RETURN d.title AS document, d.jurisdiction AS jurisdiction, cited, c.id AS cited_document_id
ORDER BY document, d.id, cited, cited_document_id
LIMIT $limit

// question: Which documents each plan cites as its basis (依据《…》), and which loaded document, if any, is the one it implements.
// params: limit (int, default 100) — how many rows to list, in document order
MATCH (d:Document)-[c:CITES]->(x:CitedDocument)
OPTIONAL MATCH (i:Document)
WHERE i.title_key = x.key
RETURN d.title AS document, d.jurisdiction AS jurisdiction, c.title AS cited, x.id AS cited_id,
       i.title AS loaded_document, i.jurisdiction AS loaded_jurisdiction
ORDER BY document, d.id, c.start, i.id
LIMIT $limit

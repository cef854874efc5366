// question: The documents one document (by id) cites as its basis, and which loaded document each is.
// params: id (string) — the citing document's id
MATCH (d:Document {id: $id})-[c:CITES]->(x:CitedDocument)
OPTIONAL MATCH (i:Document)
WHERE i.title_key = x.key
RETURN c.title AS cited, c.start AS start, c.`end` AS `end`, i.id AS document_id, i.title AS document,
       i.jurisdiction AS jurisdiction
ORDER BY start, cited, document_id

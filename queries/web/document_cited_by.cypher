// question: The loaded documents that cite one document (by id) as their basis.
// params: id (string) — the cited document's id
MATCH (d:Document {id: $id})
MATCH (c:Document)-[:CITES]->(x:CitedDocument)
WHERE x.key = d.title_key AND c.id <> d.id
RETURN DISTINCT c.id AS document_id, c.title AS document, c.jurisdiction AS jurisdiction, c.level AS level
ORDER BY jurisdiction, document, document_id

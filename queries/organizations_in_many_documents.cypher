// question: Which organizations are named in more than one document, and in which?
// params: limit (int, default 100) — how many organizations to list, most documents first
// n_documents (the documents its edges belong to) and its ACTIVE_IN links to them are kept by the store
// (kg/store/counts.py). Document titles are listed in title order (ordered, then collected).
MATCH (o:Organization)
WHERE o.n_documents > 1
WITH o ORDER BY o.n_documents DESC, o.name, o.id LIMIT $limit
MATCH (o)-[:ACTIVE_IN]->(d:Document)
WITH DISTINCT o, d.title AS title
WITH o, title ORDER BY title SKIP 0
WITH o, collect(title) AS documents
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, o.n_documents AS document_count, documents
ORDER BY document_count DESC, organization, o.id

// question: Workload ranking per document — in each plan, how many actions and tasks each organization leads or answers for.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows to list, in document order
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->()
WITH r.document_id AS did, o, count(*) AS total, count(CASE WHEN r.qualifier = '牵头' THEN 1 END) AS leads
MATCH (d:Document)
WHERE d.id = did AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN d.title AS document, o.name AS organization, leads, total - leads AS responsible, total
ORDER BY document, d.id, total DESC, leads DESC, organization, o.id
LIMIT $limit

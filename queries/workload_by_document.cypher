// question: Workload ranking per document — in each plan, how many actions and tasks each organization leads or answers for.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows to list, in document order
// Reads the ACTIVE_IN links the store keeps from each organization to each document its edges belong to, with the
// number of those edges and of those with qualifier 牵头 (kg/store/counts.py), instead of counting every edge.
// Paged by document: the first $limit rows lie in the first $limit documents (in title order) that have an edge.
MATCH (d:Document)
WHERE d.n_edges > 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
WITH d ORDER BY d.title, d.id LIMIT $limit
MATCH (o:Organization)-[w:ACTIVE_IN]->(d)
RETURN d.title AS document, o.name AS organization, w.n_leads AS leads, w.n_edges - w.n_leads AS responsible,
       w.n_edges AS total
ORDER BY document, d.id, total DESC, leads DESC, organization, o.id
LIMIT $limit

// question: Quantitative targets (培育高素质农民1.5万人次以上, 比例达到12.5％ …): what states each one, its value, and the units that answer for it.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many rows, in document order
// Paged by document: the first $limit targets lie in the first $limit documents (in title order) that state a target.
// The page's targets are found by their document_id (a join with those documents), then ordered and cut on ids
// and offsets only; their text and values are read for the $limit targets kept.
// Units are listed in the order the document names them (see accountability_matrix.cypher).
// n_targets is kept on each document by the store (kg/store/counts.py): its Target nodes.
MATCH (d:Document)
WHERE d.n_targets > 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
WITH d ORDER BY d.title, d.id LIMIT $limit
MATCH (t:Target)
WHERE t.document_id = d.id
WITH d, t.id AS gid, t.start AS start
WITH d, gid, start ORDER BY d.title, d.id, start, gid LIMIT $limit
MATCH (g:Target) WHERE g.id = gid
OPTIONAL MATCH (x)-[:HAS_TARGET]->(g)
OPTIONAL MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
UNWIND range(0, coalesce(size(r.clause), 0)) AS k
WITH d, x, g, o, r, min(CASE WHEN k > 0 AND left(r.clause, k) ENDS WITH r.mention THEN k END) AS at
WITH d, x, g, o.name AS name, min(r.start * 100000 + coalesce(at, 0)) AS first
WITH d, x, g, name, first ORDER BY first, name SKIP 0
WITH d, x, g, collect(name) AS units
RETURN d.title AS document, g.owner_kind AS level, x.title AS owner, g.text AS target, g.value AS value,
       g.unit AS unit, g.comparator AS comparator, g.period AS period, g.deadline AS deadline, units
ORDER BY document, d.id, g.start, g.id

// count: the rows of workload_by_document.cypher without its limit — one per organization with an edge in each
// document it keeps (d.n_units: its ACTIVE_IN links, kept by the store: kg/store/counts.py).
MATCH (d:Document)
WHERE d.n_edges > 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN coalesce(sum(d.n_units), 0) AS total

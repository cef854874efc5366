// count: the rows of targets.cypher without its limit — one per target of the documents it keeps
// (d.n_targets, kept by the store: kg/store/counts.py).
MATCH (d:Document)
WHERE d.n_targets > 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN coalesce(sum(d.n_targets), 0) AS total

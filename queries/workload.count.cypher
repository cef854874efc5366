// count: the rows of workload.cypher without its limit — one per organization with an edge (o.n_edges, kept by
// the store: kg/store/counts.py).
MATCH (o:Organization)
WHERE o.n_edges > 0
RETURN count(*) AS total

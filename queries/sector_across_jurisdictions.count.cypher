// count: the rows of sector_across_jurisdictions.cypher without its limit — one per LEADS / RESPONSIBLE_FOR
// edge of the sector's organizations (f.n_edges, kept by the store: kg/store/counts.py).
MATCH (f:Organization)
WHERE f.sector = $sector AND f.n_edges > 0
RETURN coalesce(sum(f.n_edges), 0) AS total

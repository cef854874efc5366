// count: the rows of collective_assignments.cypher without its limit — one per collective organization and
// document it has an edge in, i.e. its ACTIVE_IN links (kept by the store: kg/store/counts.py).
MATCH (o:Organization)-[:ACTIVE_IN]->(:Document)
WHERE o.collective = true
RETURN count(*) AS total

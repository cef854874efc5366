// count: the rows of organization_responsibilities.cypher without its limit — one per LEADS / RESPONSIBLE_FOR
// edge of the organizations found (o.n_edges, kept by the store: kg/store/counts.py).
MATCH (o:Organization)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
RETURN coalesce(sum(o.n_edges), 0) AS total

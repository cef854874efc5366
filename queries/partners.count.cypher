// count: the rows of partners.cypher without its limit — one per organization found and partner, i.e. its
// SHARES_TASKS links in either direction (kept by the store: kg/store/counts.py).
MATCH (o:Organization)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
MATCH (o)-[:SHARES_TASKS]-(:Organization)
RETURN count(*) AS total

// count: the rows of organization_neighbourhood.cypher without its limit — one per organization found and
// neighbour (no stored count of neighbours within two steps).
MATCH (o:Organization)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
MATCH (o)-[:LEADS|RESPONSIBLE_FOR*2..4]-(n:Organization)
WHERE n.id <> o.id
WITH DISTINCT o, n
RETURN count(*) AS total

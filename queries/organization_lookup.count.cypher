// count: the rows of organization_lookup.cypher without its limit — one per organization it finds.
MATCH (o:Organization)
WHERE $jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path
UNWIND o.aliases + [o.name] AS known
WITH o, known WHERE $name = '' OR known CONTAINS $name
RETURN count(DISTINCT o) AS total

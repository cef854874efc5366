// count: the rows of actions_without_units.cypher without its limit (no stored count per document of such actions).
MATCH (a:Action)
WHERE a.n_units_all = 0
MATCH (d:Document)-[:HAS_ACTION]->(a)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN count(*) AS total

// count: the rows of tasks_without_units.cypher without its limit — one per task without units on it or its action.
MATCH (t:Task)
WHERE t.n_units = 0
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
WHERE a.n_units = 0 AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN count(*) AS total

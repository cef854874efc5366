// count: the rows of tasks_with_many_units.cypher without its limit — one per task with more than $n units.
MATCH (t:Task)
WHERE t.n_units > $n
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
RETURN count(*) AS total

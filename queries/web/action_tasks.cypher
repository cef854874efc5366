// question: The tasks of one action (by id), in order, with how many units lead or answer for each.
// params: id (string) — the action's id
MATCH (a:Action {id: $id})-[:HAS_TASK]->(t:Task)
OPTIONAL MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t)
RETURN t.id AS id, t.number AS number, t.title AS title, count(o) AS units, t.ordinal AS ordinal
ORDER BY ordinal, id

// question: An organization's neighbourhood — the units it shares tasks with (distance 1) and the units those share tasks with (distance 2).
// params: name (string) — canonical name or as written, e.g. 县科协
MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR*2..4]-(n:Organization)
WHERE (o.name = $name OR $name IN o.aliases) AND n.id <> o.id
WITH o, n, count(*) AS paths
OPTIONAL MATCH (o)-[:LEADS|RESPONSIBLE_FOR]->(t)<-[:LEADS|RESPONSIBLE_FOR]-(n)
WITH o, n, paths, count(t) AS shared
RETURN o.name AS organization, n.name AS neighbour, CASE WHEN shared > 0 THEN 1 ELSE 2 END AS distance, shared
ORDER BY distance, shared DESC, neighbour

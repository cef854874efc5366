// question: Co-responsibility — which pairs of organizations share tasks, and how many?
// params: limit (int, default 100) — how many pairs to list
MATCH (a:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(b:Organization)
WHERE a.id < b.id
WITH DISTINCT a, b, t
WITH a, b, count(*) AS shared
RETURN a.name AS organization_a, b.name AS organization_b, shared
ORDER BY shared DESC, organization_a, organization_b, a.id, b.id
LIMIT $limit

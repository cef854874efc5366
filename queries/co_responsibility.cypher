// question: Co-responsibility — which pairs of organizations share tasks, and how many?
// params: limit (int) — how many pairs to list, e.g. 20
MATCH (a:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(b:Organization)
WHERE a.id < b.id
WITH a, b, count(DISTINCT t) AS shared
RETURN a.name AS organization_a, b.name AS organization_b, shared
ORDER BY shared DESC, organization_a, organization_b
LIMIT $limit

// question: The organizations that share the most tasks with one organization (by id), with the number shared.
// params: id (string) — the organization's id; limit (int, default 20) — how many partners to list
MATCH (o:Organization {id: $id})-[:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(p:Organization)
WHERE p.id <> o.id
WITH p, count(DISTINCT t) AS shared
RETURN p.id AS id, p.name AS name, p.jurisdiction AS jurisdiction, shared
ORDER BY shared DESC, name, id
LIMIT $limit

// question: Which organizations share the most tasks with one organization (found by canonical name or as written)?
// params: name (string) — e.g. 市科协 or 临沂市科学技术协会; limit (int, default 100) — how many rows to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(p:Organization)
WHERE (o.name = $name OR $name IN o.aliases) AND p.id <> o.id
WITH o, p, count(DISTINCT t) AS shared
RETURN o.name AS organization, p.name AS partner, shared
ORDER BY shared DESC, partner, organization, o.id, p.id
LIMIT $limit

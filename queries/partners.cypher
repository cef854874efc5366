// question: Which organizations share the most tasks with one organization (found by canonical name or as written)?
// params: name (string) — e.g. 市科协 or 临沂市科学技术协会; jurisdiction (string, default "") — only the organization of this place or of a place under it, e.g. 友谊县 or 黑龙江省, where a name such as 县科协 is used in many places (default: every place); limit (int, default 100) — how many rows to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(p:Organization)
WHERE (o.name = $name OR $name IN o.aliases) AND p.id <> o.id
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
WITH o, p, count(DISTINCT t) AS shared
RETURN o.name AS organization, p.name AS partner, shared
ORDER BY shared DESC, partner, organization, o.id, p.id
LIMIT $limit

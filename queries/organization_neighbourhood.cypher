// question: An organization's neighbourhood — the units it shares tasks with (distance 1) and the units those share tasks with (distance 2).
// params: name (string) — canonical name or as written, e.g. 县科协; jurisdiction (string, default "") — only the organization of this place or of a place under it, e.g. 友谊县 or 黑龙江省, where a name such as 县科协 is used in many places (default: every place); limit (int, default 100) — how many rows to list
// shared counts the length-2 paths o → task/action ← n, so it is read off the same traversal (no second join).
MATCH (o:Organization)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
MATCH p = (o)-[:LEADS|RESPONSIBLE_FOR*2..4]-(n:Organization)
WHERE n.id <> o.id
WITH o, n, count(CASE WHEN length(p) = 2 THEN 1 END) AS shared
RETURN o.name AS organization, n.name AS neighbour, CASE WHEN shared > 0 THEN 1 ELSE 2 END AS distance, shared
ORDER BY distance, shared DESC, neighbour, organization, o.id, n.id
LIMIT $limit

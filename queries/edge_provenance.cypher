// question: The provenance of an edge — the clause text and character span that state that a unit leads or answers for an action or task.
// params: name (string) — the unit (canonical or as written); title (string) — a substring of the action or task title; jurisdiction (string, default "") — only the organization of this place or of a place under it, e.g. 友谊县 or 黑龙江省, where a name such as 县科协 is used in many places (default: every place)
// The organizations the name picks come first (every mention as written is among its organization's
// aliases), then only their edges are read: the cost follows that unit's edges, not the store's edges or
// how many titles contain $title.
MATCH (o:Organization)
WHERE (o.name = $name OR $name IN o.aliases)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
OPTIONAL MATCH (o)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH o, r, x
WHERE (o.name = $name OR r.mention = $name) AND x.title CONTAINS $title
MATCH (d:Document {id: r.document_id})
RETURN o.name AS organization, r.mention AS unit, x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       d.title AS document, d.file AS file, r.start AS start, r.`end` AS `end`, r.clause AS clause
ORDER BY document, start

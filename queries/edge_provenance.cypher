// question: The provenance of an edge — the clause text and character span that state that a unit leads or answers for an action or task.
// params: name (string) — the unit (canonical or as written); title (string) — a substring of the action or task title; jurisdiction (string, default "") — only the organization of this place or of a place under it, e.g. 友谊县 or 黑龙江省, where a name such as 县科协 is used in many places (default: every place)
// The actions and tasks whose title contains $title are found first (one pass over titles), then only their edges
// are read: a title names few of them, while finding the edges by name or mention reads every edge. (A title as
// broad as 科普 matches half of them and is slower so.)
MATCH (x)
WHERE x.title CONTAINS $title
OPTIONAL MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH o, r, x
WHERE (o.name = $name OR r.mention = $name)
  AND ($jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path)
MATCH (d:Document {id: r.document_id})
RETURN o.name AS organization, r.mention AS unit, x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       d.title AS document, d.file AS file, r.start AS start, r.`end` AS `end`, r.clause AS clause
ORDER BY document, start

// question: Which organizations match a name — with the name inside their canonical name or inside a name documents write them by? The places and sectors they belong to, and how documents write them (kg's "did you mean" for the name lookups).
// params: name (string) — a name or part of one, e.g. 科协 or 友谊县科学技术协会; jurisdiction (string, default "") — only organizations of this place or of a place under it, e.g. 友谊县 or 黑龙江省 (default: every place); limit (int, default 100) — how many organizations to list
// written: the names as written in documents other than the canonical name (as skos:altLabel in RDF).
MATCH (o:Organization)
WHERE $jurisdiction = '' OR o.jurisdiction = $jurisdiction OR $jurisdiction IN o.jurisdiction_path
UNWIND o.aliases + [o.name] AS known
WITH o, known WHERE $name = '' OR known CONTAINS $name
WITH DISTINCT o
WITH o ORDER BY coalesce(o.jurisdiction, ''), o.name, o.id LIMIT $limit
UNWIND o.aliases + [o.name] AS alias
WITH o, collect(DISTINCT CASE WHEN alias <> o.name THEN alias END) AS written
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, o.sector AS sector, written
ORDER BY coalesce(jurisdiction, ''), organization, o.id

// question: The documents of one jurisdiction level (or of every level), in jurisdiction and title order, one page at a time.
// params: level (string, default "") — 国家, 省, 市, 县, 区 or 未知 (default: every level); skip (int, default 0) — rows to pass over; limit (int, default 50) — how many documents to list
MATCH (d:Document)
WHERE $level = '' OR d.level = $level
RETURN d.id AS id, d.title AS title, d.doc_number AS doc_number, d.issuer AS issuer, d.date AS date,
       d.jurisdiction AS jurisdiction, d.jurisdiction_path AS jurisdiction_path, d.level AS level
ORDER BY jurisdiction, title, id
SKIP $skip
LIMIT $limit

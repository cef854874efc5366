// question: Who answers for a task? Tasks whose title or text contains a substring, with every unit that leads or answers for them.
// params: text (string) — a Chinese substring of the task's title or text, e.g. 智慧助老; limit (int, default 100) — how many rows to list, in document order
// Paged by task: every task found gives at least one row, so the first $limit rows lie in the first $limit tasks (in
// document order); only their units are read. The substring search reads every task's title and text (no index
// answers CONTAINS): that scan is most of the time of a narrow search.
MATCH (t:Task)
WHERE t.title CONTAINS $text OR t.text CONTAINS $text
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
WITH d, a, t ORDER BY d.title, d.id, a.ordinal, t.ordinal LIMIT $limit
OPTIONAL MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(t)
RETURN d.title AS document, a.title AS action, t.title AS task,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' WHEN r.qualifier IS NULL THEN NULL ELSE 'RESPONSIBLE_FOR' END AS role,
       o.name AS organization, r.mention AS unit, r.qualifier AS qualifier, r.deadline AS deadline
// a task without units has one row (NULL role and unit); coalesce keeps LadybugDB's multi-key sort stable
// over those NULLs (without it the same query ordered such rows differently from run to run)
ORDER BY document, d.id, a.ordinal, t.ordinal, coalesce(role, ''), coalesce(organization, ''), coalesce(o.id, ''), coalesce(r.start, -1)
LIMIT $limit

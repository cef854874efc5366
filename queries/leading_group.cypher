// question: Leading groups (领导小组) and their members: each person's role in the group and the post they hold in which unit.
// params: limit (int, default 100) — how many members to list
MATCH (p:Person)-[m:MEMBER_OF]->(g:Organization)
WITH p, m, g
MATCH (d:Document {id: m.document_id})
OPTIONAL MATCH (p)-[:POST_IN]->(u:Organization)
RETURN g.name AS leading_group, d.title AS document, p.name AS person, m.role AS role, m.post AS post,
       u.name AS unit
ORDER BY leading_group, document, d.id, m.start
LIMIT $limit

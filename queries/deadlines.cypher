// question: Which tasks and actions carry a deadline (6月底完成, 2025年底前, 持续推进 …), by unit?
// params: limit (int, default 100) — how many rows to list, in organization order
// Paged by organization: the first $limit rows lie in the first $limit organizations (in name order) with a deadline,
// picked by n_deadlines (its edges with a deadline, kept by the store: kg/store/counts.py), not by scanning edges.
// The EXISTS { } over ACTIVE_IN after the page holds for each of its organizations (one with an edge is active
// in that edge's document); it is there for LadybugDB 0.22's plan: without a subquery there, it joins the page
// with a scan of every LEADS / RESPONSIBLE_FOR edge (~5x slower, measured); with one it reads the page's edges
// only. EXISTS { } runs on LadybugDB, Neo4j 5 and ArcadeDB.
MATCH (f:Organization)
WHERE f.n_deadlines > 0
WITH f ORDER BY f.name, f.id LIMIT $limit
WITH f
WHERE EXISTS { MATCH (f)-[:ACTIVE_IN]->(:Document) }
OPTIONAL MATCH (f)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH f AS o, r, x
WHERE r.deadline IS NOT NULL
OPTIONAL MATCH (d:Document)
WHERE d.id = r.document_id
RETURN o.name AS organization, r.deadline AS deadline, x.title AS title, d.title AS document,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role
ORDER BY organization, o.id, deadline, document, d.id, title, x.id, role
LIMIT $limit

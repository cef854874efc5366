// question: The same sector across jurisdictions — e.g. every education bureau's actions and tasks in every plan.
// params: sector (string) — a sector from loaders/data/sectors.tsv, e.g. 教育, 科协, 宣传, 卫生健康; limit (int, default 100) — how many rows to list, in jurisdiction and organization order
// Paged by organization: the first $limit rows lie in the first $limit organizations of the sector that have an edge
// (f.n_edges > 0: its LEADS and RESPONSIBLE_FOR edges, kept by the store: kg/store/counts.py).
// Each of them gives f.n_edges rows, so only those whose predecessors on that list give fewer than $limit rows
// are expanded: `before` sums the n_edges of the organizations ahead of each (a comparison with a NULL is false,
// so it never counts more than are ahead, and no organization the page needs is dropped). (UNWIND before collect:
// on LadybugDB an aggregate straight after ORDER BY … LIMIT loses the ORDER BY.)
MATCH (f:Organization)
WHERE f.sector = $sector AND f.n_edges > 0
WITH f ORDER BY f.jurisdiction, f.name, f.id LIMIT $limit
UNWIND [f.n_edges] AS e
WITH collect({j: f.jurisdiction, n: f.name, i: f.id, e: e}) AS page
UNWIND page AS x
UNWIND page AS y
WITH x, sum(CASE WHEN y.j < x.j OR (y.j = x.j AND (y.n < x.n OR (y.n = x.n AND y.i < x.i))) THEN y.e ELSE 0 END) AS before
WHERE before < $limit
MATCH (f:Organization)
WHERE f.id = x.i
WITH f
OPTIONAL MATCH (f)-[r:LEADS|RESPONSIBLE_FOR]->(x)
OPTIONAL MATCH (d:Document)
WHERE d.id = r.document_id
RETURN f.jurisdiction AS jurisdiction, f.name AS organization, d.title AS document, x.title AS title,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role, r.qualifier AS qualifier
ORDER BY jurisdiction, organization, f.id, document, d.id, r.start, title, x.id, role
LIMIT $limit

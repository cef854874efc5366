// question: Co-responsibility — which pairs of organizations share tasks, and how many?
// params: limit (int, default 100) — how many pairs to list
// The store keeps one SHARES_TASKS link per pair, from the smaller id to the larger, with the number of distinct
// tasks both lead or answer for, and on each organization max_shared, the largest of its links (kg/store/counts.py).
// cut is the $limit-th largest max_shared: at least $limit pairs share that many tasks, so every pair on the page
// does, and hangs from an organization whose max_shared reaches it. Only those organizations' links are read.
// (The cumulative count is a join of the small histogram with itself: no ORDER BY … LIMIT before an aggregate,
// which LadybugDB does not keep in order.) The links are reached by OPTIONAL MATCH from those organizations:
// LadybugDB then follows only their links, where a MATCH joins them with a scan of every link (the same rows:
// each of them has a link reaching cut).
MATCH (o:Organization)
WHERE o.max_shared > 0
WITH o.max_shared AS n, count(*) AS k
WITH collect({n: n, k: k}) AS histogram
UNWIND histogram AS x
UNWIND histogram AS y
WITH x.n AS n, sum(CASE WHEN y.n >= x.n THEN y.k ELSE 0 END) AS reaching
WHERE reaching >= $limit
WITH coalesce(max(n), 1) AS cut
MATCH (a:Organization)
WHERE a.max_shared >= cut
WITH a, cut
OPTIONAL MATCH (a)-[s:SHARES_TASKS]->(b:Organization)
WITH a, s, b, cut
WHERE s.tasks >= cut
RETURN a.name AS organization_a, b.name AS organization_b, s.tasks AS shared
ORDER BY shared DESC, organization_a, organization_b, a.id, b.id
LIMIT $limit

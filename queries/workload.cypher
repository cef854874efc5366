// question: Workload ranking — which organizations lead or answer for the most actions and tasks, across all documents?
// params: limit (int, default 100) — how many organizations to list
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->()
WITH o, count(*) AS total, count(CASE WHEN r.qualifier = '牵头' THEN 1 END) AS leads
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, leads, total - leads AS responsible, total
ORDER BY total DESC, leads DESC, organization, o.id
LIMIT $limit

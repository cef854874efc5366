// question: Workload ranking — which organizations lead or answer for the most actions and tasks, across all documents?
// params: limit (int) — how many organizations to list, e.g. 20
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(x)
WITH o, count(CASE WHEN r.qualifier = '牵头' THEN 1 END) AS leads,
        count(CASE WHEN r.qualifier <> '牵头' THEN 1 END) AS responsible
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, leads, responsible, leads + responsible AS total
ORDER BY total DESC, leads DESC, organization
LIMIT $limit

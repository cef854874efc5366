// question: Workload ranking — which organizations lead or answer for the most actions and tasks, across all documents?
// params: limit (int, default 100) — how many organizations to list
// Reads the counts the store keeps on each organization (n_edges: its LEADS and RESPONSIBLE_FOR edges, n_leads: those
// with qualifier 牵头; kg/store/counts.py): the same figures as counting its edges, without reading every edge.
MATCH (o:Organization)
WHERE o.n_edges > 0
RETURN o.name AS organization, o.jurisdiction AS jurisdiction, o.n_leads AS leads, o.n_edges - o.n_leads AS responsible,
       o.n_edges AS total
ORDER BY total DESC, leads DESC, organization, o.id
LIMIT $limit

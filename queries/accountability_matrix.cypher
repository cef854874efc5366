// question: The accountability matrix of one document — action → task → units by role.
// params: document (string) — the document's id, or a substring of its title, e.g. 友谊县
// Units are listed in the order the document names them: by clause (r.start), then by where the unit's
// name ends in the clause (`at`: the shortest prefix of the clause that ends with it; Cypher has no indexOf).
// A unit named twice is listed where it is first named (min of start and at, ties by name), and the rows are
// ordered before collect(), never deduplicated by collect(DISTINCT …): LadybugDB's DISTINCT does not keep the
// order it is given, so two stores of the same documents would list the same units in different orders.
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
WHERE d.id = $document OR d.title CONTAINS $document
OPTIONAL MATCH (ao:Organization)-[ar:LEADS|RESPONSIBLE_FOR]->(a)
UNWIND range(0, coalesce(size(ar.clause), 0)) AS k
WITH d, a, ao, ar, min(CASE WHEN k > 0 AND left(ar.clause, k) ENDS WITH ar.mention THEN k END) AS at
WITH d, a, ao.name AS name, ar.qualifier = '牵头' AS lead, min(ar.start * 100000 + coalesce(at, 0)) AS first
WITH d, a, name, lead, first ORDER BY first, name SKIP 0
WITH d, a, collect(CASE WHEN lead THEN name END) AS action_leads,
     collect(CASE WHEN NOT lead THEN name END) AS action_responsible
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)
OPTIONAL MATCH (tor:Organization)-[tr:LEADS|RESPONSIBLE_FOR]->(t)
UNWIND range(0, coalesce(size(tr.clause), 0)) AS k
WITH d, a, action_leads, action_responsible, t, tor, tr,
     min(CASE WHEN k > 0 AND left(tr.clause, k) ENDS WITH tr.mention THEN k END) AS at
WITH d, a, action_leads, action_responsible, t, tor.name AS name, tr.qualifier = '牵头' AS lead,
     min(tr.start * 100000 + coalesce(at, 0)) AS first
WITH d, a, action_leads, action_responsible, t, name, lead, first ORDER BY first, name SKIP 0
WITH d, a, action_leads, action_responsible, t,
     collect(CASE WHEN lead THEN name END) AS task_leads,
     collect(CASE WHEN NOT lead THEN name END) AS task_responsible
RETURN d.title AS document, a.section AS section, a.title AS action, t.title AS task,
       action_leads, action_responsible, task_leads, task_responsible
ORDER BY document, a.ordinal, t.ordinal

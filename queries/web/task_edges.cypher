// question: The units that lead or answer for one task (by id): role, qualifier, deadline, mention and clause span.
// params: id (string) — the task's id
MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(t:Task {id: $id})
RETURN r.id AS edge_id, o.id AS organization_id, o.name AS organization, o.jurisdiction AS jurisdiction,
       r.mention AS mention, CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       r.qualifier AS qualifier, r.deadline AS deadline, r.start AS start, r.`end` AS `end`, r.clause AS clause
ORDER BY role, start, organization, edge_id

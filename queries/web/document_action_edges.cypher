// question: The edges stated on the actions of one document (by id): unit, role, qualifier, deadline and the clause span.
// params: id (string) — the document's id
MATCH (d:Document {id: $id})-[:HAS_ACTION]->(a:Action)<-[r:LEADS|RESPONSIBLE_FOR]-(o:Organization)
RETURN r.id AS edge_id, o.id AS organization_id, o.name AS organization, r.mention AS mention,
       CASE WHEN r.qualifier = '牵头' THEN 'LEADS' ELSE 'RESPONSIBLE_FOR' END AS role,
       r.qualifier AS qualifier, r.deadline AS deadline, r.start AS start, r.`end` AS `end`, r.clause AS clause,
       a.id AS action_id, a.title AS action, a.id AS target_id, a.title AS target
ORDER BY start, edge_id

// question: Every LEADS and RESPONSIBLE_FOR edge on the actions and tasks of the documents with these ids, with every property the typed model needs.
// params: ids (list) — the documents' ids
// Found from the documents (an index look-up, then their items), not by filtering every edge on r.document_id.
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)<-[r:LEADS]-(o:Organization)
WHERE d.id IN $ids
RETURN r.id AS id, 'LEADS' AS role, r.qualifier AS qualifier, o.id AS organization_id, a.id AS target_id,
       'Action' AS target_kind, r.document_id AS document_id, r.mention AS mention, r.deadline AS deadline,
       r.start AS start, r.`end` AS `end`, r.clause AS clause
UNION ALL
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)<-[r:RESPONSIBLE_FOR]-(o:Organization)
WHERE d.id IN $ids
RETURN r.id AS id, 'RESPONSIBLE_FOR' AS role, r.qualifier AS qualifier, o.id AS organization_id, a.id AS target_id,
       'Action' AS target_kind, r.document_id AS document_id, r.mention AS mention, r.deadline AS deadline,
       r.start AS start, r.`end` AS `end`, r.clause AS clause
UNION ALL
MATCH (d:Document)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task)<-[r:LEADS]-(o:Organization)
WHERE d.id IN $ids
RETURN r.id AS id, 'LEADS' AS role, r.qualifier AS qualifier, o.id AS organization_id, t.id AS target_id,
       'Task' AS target_kind, r.document_id AS document_id, r.mention AS mention, r.deadline AS deadline,
       r.start AS start, r.`end` AS `end`, r.clause AS clause
UNION ALL
MATCH (d:Document)-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(t:Task)<-[r:RESPONSIBLE_FOR]-(o:Organization)
WHERE d.id IN $ids
RETURN r.id AS id, 'RESPONSIBLE_FOR' AS role, r.qualifier AS qualifier, o.id AS organization_id, t.id AS target_id,
       'Task' AS target_kind, r.document_id AS document_id, r.mention AS mention, r.deadline AS deadline,
       r.start AS start, r.`end` AS `end`, r.clause AS clause

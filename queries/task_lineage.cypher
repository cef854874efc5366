// question: How a task was handed down: the actions and tasks of other plans aligned with one whose title contains a text, with the units that answer for them there.
// params: text (string) — a substring of the higher-level item's title, e.g. 智慧助老 or 青少年科学素质
// Units are listed in the order the document names them (see accountability_matrix.cypher).
MATCH (s)-[al:ALIGNS_WITH]->(t)
WHERE t.title CONTAINS $text
OPTIONAL MATCH (o:Organization)-[r:LEADS|RESPONSIBLE_FOR]->(s)
UNWIND range(0, coalesce(size(r.clause), 0)) AS k
WITH t, s, al, o, r, min(CASE WHEN k > 0 AND left(r.clause, k) ENDS WITH r.mention THEN k END) AS at
WITH t, s, al, o.name AS name, min(r.start * 100000 + coalesce(at, 0)) AS first
WITH t, s, al, name, first ORDER BY first, name SKIP 0
WITH t, s, al, collect(name) AS item_units
OPTIONAL MATCH (s)-[:HAS_TASK]->(:Task)<-[pr:LEADS|RESPONSIBLE_FOR]-(p:Organization)
UNWIND range(0, coalesce(size(pr.clause), 0)) AS k
WITH t, s, al, item_units, p, pr, min(CASE WHEN k > 0 AND left(pr.clause, k) ENDS WITH pr.mention THEN k END) AS at
WITH t, s, al, item_units, p.name AS name, min(pr.start * 100000 + coalesce(at, 0)) AS first
WITH t, s, al, item_units, name, first ORDER BY first, name SKIP 0
WITH t, s, al, item_units, collect(name) AS task_units
MATCH (dt:Document {id: t.document_id})
WITH dt, t, s, al, item_units, task_units
MATCH (ds:Document {id: s.document_id})
RETURN dt.title AS from_document, t.title AS from_item, ds.jurisdiction AS jurisdiction, ds.title AS document,
       s.title AS item, al.score AS score, al.evidence AS evidence, item_units, task_units
ORDER BY from_document, from_item, jurisdiction, item, document, s.id, t.id

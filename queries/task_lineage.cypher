// question: How a task was handed down: the actions and tasks of other plans aligned with one whose title contains a text, with the units that answer for them there.
// params: text (string) — a substring of the higher-level item's title, e.g. 智慧助老 or 青少年科学素质
MATCH (s)-[al:ALIGNS_WITH]->(t)
WHERE t.title CONTAINS $text
OPTIONAL MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(s)
WITH t, s, al, collect(DISTINCT o.name) AS item_units
OPTIONAL MATCH (s)-[:HAS_TASK]->(:Task)<-[:LEADS|RESPONSIBLE_FOR]-(p:Organization)
WITH t, s, al, item_units, collect(DISTINCT p.name) AS task_units
MATCH (dt:Document {id: t.document_id})
WITH dt, t, s, al, item_units, task_units
MATCH (ds:Document {id: s.document_id})
RETURN dt.title AS from_document, t.title AS from_item, ds.jurisdiction AS jurisdiction, ds.title AS document,
       s.title AS item, al.score AS score, al.evidence AS evidence, item_units, task_units
ORDER BY from_document, from_item, jurisdiction, item

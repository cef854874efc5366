// count: the rows of tasks_lead_only.cypher without its limit — one per task with a lead and no other unit
// (no stored count of them per document).
MATCH (t:Task)
WHERE t.n_leads > 0 AND t.n_responsible = 0
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN count(*) AS total

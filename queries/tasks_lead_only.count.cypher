// count: the rows of tasks_lead_only.cypher without its limit — one per task with a lead and no other unit
// (no stored count of them per document). Counted by t.document_id, then the documents kept: a task's
// document_id is the document it hangs from (by HAS_ACTION, HAS_TASK), and this is cheaper than that walk.
MATCH (t:Task)
WHERE t.n_leads > 0 AND t.n_responsible = 0
WITH t.document_id AS did, count(*) AS tasks
MATCH (d:Document)
WHERE d.id = did AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN coalesce(sum(tasks), 0) AS total

// count: the rows of tasks_without_units.cypher without its limit — one per task without units on it or its
// action (no stored count of them per document). Counted by a.document_id, then the documents kept: an
// action's document_id is the document it hangs from (by HAS_ACTION), and this is cheaper than that walk.
MATCH (a:Action)-[:HAS_TASK]->(t:Task)
WHERE a.n_units = 0 AND t.n_units = 0
WITH a.document_id AS did, count(*) AS tasks
MATCH (d:Document)
WHERE d.id = did AND ($document = '' OR d.id = $document OR d.title CONTAINS $document)
RETURN coalesce(sum(tasks), 0) AS total

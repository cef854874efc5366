// count: the rows of task_responsibility.cypher without its limit — one per unit of each task found, or one for
// a task without units (t.n_leads + t.n_responsible: its edges, kept by the store: kg/store/counts.py). Every
// task hangs from one action of one document, so the tasks are counted without walking up to them (which
// costs more than the text search).
MATCH (t:Task)
WHERE t.title CONTAINS $text OR t.text CONTAINS $text
WITH t.n_leads + t.n_responsible AS edges
RETURN coalesce(sum(CASE WHEN edges = 0 THEN 1 ELSE edges END), 0) AS total

// question: The actions and tasks of one document (by id), in document order: each action once with task columns null, then each of its tasks.
// params: id (string) — the document's id
MATCH (d:Document {id: $id})-[:HAS_ACTION]->(a:Action)
OPTIONAL MATCH (a)-[:HAS_TASK]->(t:Task)
RETURN a.id AS action_id, a.ordinal AS action_ordinal, a.number AS action_number, a.section AS section,
       a.title AS action, a.start AS action_start, a.`end` AS action_end,
       t.id AS task_id, t.ordinal AS task_ordinal, t.number AS task_number, t.title AS task,
       t.start AS task_start, t.`end` AS task_end
ORDER BY action_ordinal, action_id, coalesce(task_ordinal, 0), coalesce(task_id, '')

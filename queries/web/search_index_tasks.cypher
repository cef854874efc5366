// question: Every task with its title, position and action: the search box's index of tasks, read once per store version.
// params: (none)
MATCH (a:Action)-[:HAS_TASK]->(t:Task)
RETURN t.id AS id, t.title AS title, t.ordinal AS ordinal, a.id AS action_id

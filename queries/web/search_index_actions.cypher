// question: Every action with its title, position and document: the search box's index of actions (and of the tasks' actions), read once per store version.
// params: (none)
MATCH (d:Document)-[:HAS_ACTION]->(a:Action)
RETURN a.id AS id, a.title AS title, a.ordinal AS ordinal, d.id AS document_id, d.title AS document,
       d.jurisdiction AS jurisdiction

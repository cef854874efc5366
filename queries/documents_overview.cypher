// question: Documents by jurisdiction, with counts of actions, tasks, organizations and edges.
// params: document (string, default "") — the document's id or a substring of its title (default: every document); limit (int, default 100) — how many documents, in jurisdiction and title order
// The counts are kept on each document by the store (kg/store/counts.py): n_actions, n_tasks, n_units (the distinct
// organizations with an edge in it) and n_edges (its LEADS and RESPONSIBLE_FOR edges).
MATCH (d:Document)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN d.jurisdiction AS jurisdiction, d.level AS level, d.title AS document, d.date AS date,
       d.n_actions AS actions, d.n_tasks AS tasks, d.n_units AS organizations, d.n_edges AS edges
ORDER BY jurisdiction, document, d.id
LIMIT $limit

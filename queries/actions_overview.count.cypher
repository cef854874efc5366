// count: the rows of actions_overview.cypher without its limit — one per action of the documents it keeps
// (d.n_actions, kept by the store: kg/store/counts.py).
MATCH (d:Document)
WHERE ($document = '' OR d.id = $document OR d.title CONTAINS $document) AND d.n_actions > 0
RETURN coalesce(sum(d.n_actions), 0) AS total

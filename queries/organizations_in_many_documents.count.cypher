// count: the rows of organizations_in_many_documents.cypher without its limit — one per organization in more
// than one document (o.n_documents, kept by the store: kg/store/counts.py).
MATCH (o:Organization)
WHERE o.n_documents > 1
RETURN count(*) AS total

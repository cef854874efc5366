// count: the rows of documents_overview.cypher without its limit — one per document it keeps.
MATCH (d:Document)
WHERE $document = '' OR d.id = $document OR d.title CONTAINS $document
RETURN count(*) AS total

// count: the rows of citations.cypher without its limit — a citation gives one row per loaded document it
// names, or one row when it names none.
MATCH (d:Document)-[c:CITES]->(x:CitedDocument)
OPTIONAL MATCH (i:Document)
WHERE i.title_key = x.key
RETURN count(*) AS total

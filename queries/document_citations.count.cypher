// count: the rows of document_citations.cypher without its limit — a cited title gives one row per loaded
// document of that title, or one row when there is none (each title looked up once).
MATCH (d:Document)
UNWIND d.based_on AS cited
WITH cited, count(*) AS citing
OPTIONAL MATCH (c:Document)
WHERE c.title = cited
WITH cited, citing, count(c) AS loaded
RETURN coalesce(sum(citing * CASE WHEN loaded = 0 THEN 1 ELSE loaded END), 0) AS total

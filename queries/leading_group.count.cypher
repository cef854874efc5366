// count: the rows of leading_group.cypher without its limit — one per membership, times the posts of its person.
MATCH (p:Person)-[m:MEMBER_OF]->(:Organization)
WITH p, m
MATCH (:Document {id: m.document_id})
OPTIONAL MATCH (p)-[:POST_IN]->(u:Organization)
RETURN count(*) AS total

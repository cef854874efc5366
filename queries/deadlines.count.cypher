// count: the rows of deadlines.cypher without its limit — one per LEADS / RESPONSIBLE_FOR edge with a deadline
// (no stored count of them). count(r.deadline) counts the edges whose deadline is not null; only organizations
// have such edges.
MATCH ()-[r:LEADS|RESPONSIBLE_FOR]->()
RETURN count(r.deadline) AS total

// count: the rows of deadlines.cypher without its limit — one per LEADS / RESPONSIBLE_FOR edge with a deadline
// (no stored count of them).
MATCH (:Organization)-[r:LEADS|RESPONSIBLE_FOR]->()
WHERE r.deadline IS NOT NULL
RETURN count(*) AS total

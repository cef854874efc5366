// count: the rows of co_responsibility.cypher without its limit — every pair that shares a task, i.e. every
// SHARES_TASKS link (kept by the store with tasks > 0: kg/store/counts.py).
MATCH (:Organization)-[s:SHARES_TASKS]->(:Organization)
RETURN count(s) AS total

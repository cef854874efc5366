// count: the rows of deadlines.cypher without its limit — one per LEADS / RESPONSIBLE_FOR edge with a deadline:
// the sum of the organizations' n_deadlines (kept by the store: kg/store/counts.py; only organizations have
// such edges).
MATCH (o:Organization)
RETURN coalesce(sum(o.n_deadlines), 0) AS total

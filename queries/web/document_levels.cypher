// question: How many documents are there at each jurisdiction level (国家, 省, 市, 县, 区, 未知)?
// params: (none)
MATCH (d:Document)
RETURN d.level AS level, count(d) AS documents
ORDER BY level

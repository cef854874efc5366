// question: Quantitative targets (培育高素质农民1.5万人次以上, 比例达到12.5％ …): what states each one, its value, and the units that answer for it.
// params: (none)
MATCH (x)-[:HAS_TARGET]->(g:Target)
WITH x, g
MATCH (d:Document {id: g.document_id})
OPTIONAL MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(x)
WITH d, x, g, collect(DISTINCT o.name) AS units
RETURN d.title AS document, g.owner_kind AS level, x.title AS owner, g.text AS target, g.value AS value,
       g.unit AS unit, g.comparator AS comparator, g.period AS period, g.deadline AS deadline, units
ORDER BY document, g.start

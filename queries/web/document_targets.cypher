// question: The measurable targets one document (by id) states, with the action, task or document that states each.
// params: id (string) — the document's id
MATCH (g:Target)
WHERE g.document_id = $id
RETURN g.id AS id, g.owner_kind AS owner_kind, g.owner_id AS owner_id, g.text AS text, g.value AS value,
       g.unit AS unit, g.comparator AS comparator, g.period AS period, g.deadline AS deadline,
       g.start AS start, g.`end` AS `end`
ORDER BY start, id

// question: The measurable targets one action or task (by id) states.
// params: id (string) — the action's or task's id
MATCH (g:Target)
WHERE g.owner_id = $id
RETURN g.id AS id, g.text AS text, g.value AS value, g.unit AS unit, g.comparator AS comparator,
       g.period AS period, g.deadline AS deadline, g.start AS start, g.`end` AS `end`
ORDER BY start, id

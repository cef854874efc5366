// question: The organizations with these ids, with every property the typed model needs.
// params: ids (list) — the organizations' ids
// One primary-key look-up per id (UNWIND): a WHERE o.id IN $ids filter would read every organization.
UNWIND $ids AS oid
MATCH (o:Organization {id: oid})
RETURN o.id AS id, o.name AS name, o.jurisdiction AS jurisdiction, o.jurisdiction_path AS jurisdiction_path,
       o.sector AS sector, o.collective AS collective, o.aliases AS aliases
ORDER BY id

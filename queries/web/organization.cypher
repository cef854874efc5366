// question: One organization by id: its canonical name, jurisdiction, sector and every mention it was written as.
// params: id (string) — the organization's id
MATCH (o:Organization {id: $id})
RETURN o.id AS id, o.name AS name, o.jurisdiction AS jurisdiction, o.jurisdiction_path AS jurisdiction_path,
       o.sector AS sector, o.collective AS collective, o.aliases AS aliases

// question: Every organization with its canonical name, jurisdiction, sector and the mentions it was written as: the search box's index of organizations (kg.web.search), read once per store version.
// params: (none)
MATCH (o:Organization)
RETURN o.id AS id, o.name AS name, o.jurisdiction AS jurisdiction, o.sector AS sector,
       o.collective AS collective, o.aliases AS aliases

// question: Every document with its title, 文号, issuer, jurisdiction, level and date: the search box's index of documents, read once per store version.
// params: (none)
MATCH (d:Document)
RETURN d.id AS id, d.title AS title, d.doc_number AS doc_number, d.issuer AS issuer,
       d.jurisdiction AS jurisdiction, d.level AS level, d.date AS date

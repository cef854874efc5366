// question: One document by id: title, 文号, issuer, date, jurisdiction, level, the documents it is based on, and its source file.
// params: id (string) — the document's id
MATCH (d:Document {id: $id})
RETURN d.id AS id, d.title AS title, d.doc_number AS doc_number, d.issuer AS issuer, d.date AS date,
       d.jurisdiction AS jurisdiction, d.jurisdiction_path AS jurisdiction_path, d.level AS level,
       d.based_on AS based_on, d.file AS file, d.sha256 AS sha256, d.encoding AS encoding, d.format AS format,
       d.length AS length, d.start AS title_start, d.`end` AS title_end

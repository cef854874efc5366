// question: The documents with these ids, with every property the typed model needs (the organization page draws its neighbourhood from them).
// params: ids (list) — the documents' ids
MATCH (d:Document)
WHERE d.id IN $ids
RETURN d.id AS id, d.title AS title, d.doc_number AS doc_number, d.issuer AS issuer, d.date AS date,
       d.jurisdiction AS jurisdiction, d.jurisdiction_path AS jurisdiction_path, d.level AS level,
       d.based_on AS based_on, d.file AS file, d.sha256 AS sha256, d.encoding AS encoding, d.format AS format,
       d.length AS length, d.start AS start, d.`end` AS `end`, d.text AS text
ORDER BY id

// question: Which documents does the store hold, and which version of each (its file's sha256)? What the web app's caches are keyed on: they are rebuilt when this changes.
// params: (none)
MATCH (d:Document)
RETURN d.id AS id, d.sha256 AS sha256

// question: The documents in which one organization (by id) leads or answers for something: the documents its neighbourhood graph is drawn from.
// params: id (string) — the organization's id
MATCH (o:Organization {id: $id})-[r:LEADS|RESPONSIBLE_FOR]->()
RETURN DISTINCT r.document_id AS id
ORDER BY id

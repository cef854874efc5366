"""kg: a responsibility graph of Chinese government policy documents.

The library in five calls — ``parse``, ``build``, ``open_store``, ``query``, ``export_rdf`` (kg.api) —
and the model classes every Graph is made of (kg.model)."""
from kg.api import build, export_rdf, parse, parse_one, query
from kg.errors import InputError, KgError, NoDocumentError, QueryError, StoreError
from kg.model import (Action, Alignment, Citation, Document, Graph, Membership, Organization, Person, Provenance,
                      Responsibility, Section, Target, Task)
from kg.store import open_store

__version__ = "0.1.0"

__all__ = [
    "Action", "Alignment", "Citation", "Document", "Graph", "InputError", "KgError", "Membership", "NoDocumentError",
    "Organization", "Person", "Provenance", "QueryError", "Responsibility", "Section", "StoreError", "Target", "Task",
    "__version__", "build", "export_rdf", "open_store", "parse", "parse_one", "query",
]

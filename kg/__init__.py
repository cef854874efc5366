"""kg: a responsibility graph of Chinese government policy documents."""
from kg.errors import InputError, KgError, QueryError, StoreError
from kg.model import Action, Document, Graph, Organization, Provenance, Responsibility, Section, Task

__version__ = "0.1.0"

__all__ = [
    "Action", "Document", "Graph", "InputError", "KgError", "Organization", "Provenance",
    "QueryError", "Responsibility", "Section", "StoreError", "Task", "__version__",
]

"""kg: a responsibility graph of Chinese government policy documents.

The library in five calls — ``parse``, ``build``, ``open_store``, ``query``, ``export_rdf`` (kg.api) —
and the model classes every Graph is made of (kg.model)."""
import sys
import types

from kg.api import build, export_rdf, parse, parse_one, query
from kg.errors import InputError, KgError, NoDocumentError, QueryError, StoreError
from kg.model import (Action, Alignment, Citation, Document, Graph, Membership, Organization, Person, Provenance,
                      Responsibility, Section, Target, Task)
from kg.store import open_store

__version__ = "0.1.0"


class _Package(types.ModuleType):
    """`kg.build` is the API function, and kg/build.py a module of the same name: importing that module (kg
    build does, lazily) would rebind the package attribute to it. The module stays in sys.modules, so
    ``from kg.build import …`` works as ever; the attribute stays the function."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "build" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "Action", "Alignment", "Citation", "Document", "Graph", "InputError", "KgError", "Membership", "NoDocumentError",
    "Organization", "Person", "Provenance", "QueryError", "Responsibility", "Section", "StoreError", "Target", "Task",
    "__version__", "build", "export_rdf", "open_store", "parse", "parse_one", "query",
]

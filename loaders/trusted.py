"""Graph elements built from values the parser made itself, without pydantic re-validating them.

A parse builds one model object per edge, task, action, target and span (tens of thousands per plan); validating
each one was a tenth of the parse. The values come from the parser's own code (strings, ints, Provenance
objects), so the check could never fail. The objects are the same as the validated ones — same fields,
same field order, same fields-set — and tests/test_parse_trusted.py re-validates parsed graphs to keep it so.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from pydantic import BaseModel

from kg.model import Action, Organization, Provenance, Responsibility, Section, Target, Task

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor for `cls` that takes every field by name, in the model's order (the keywords become the
    object's field dict as they are), and skips validation."""
    names = tuple(cls.model_fields)
    every = frozenset(names)

    def make(**values: object) -> M:
        if tuple(values) != names:
            raise TypeError(f"{cls.__name__}: trusted construction takes every field in model order: {names}")
        obj = _new(cls)
        _set(obj, "__dict__", values)
        _set(obj, "__pydantic_fields_set__", set(every))
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    make.__name__ = make.__qualname__ = f"trusted_{cls.__name__}"
    return make


new_provenance = trusted(Provenance)
new_responsibility = trusted(Responsibility)
new_task = trusted(Task)
new_action = trusted(Action)
new_section = trusted(Section)
new_organization = trusted(Organization)
new_target = trusted(Target)  # its value is always a float (loaders.targets._number)

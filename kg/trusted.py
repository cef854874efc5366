"""Model objects built from values kg made itself, without pydantic validating them again.

Validation costs about 10 µs an object; the parser makes tens of thousands per plan, and reading a
2,000-plan store back (`to_graph`) makes 1.8 million, where validation was 40 % of the read. The
values come from kg's own code or from columns kg wrote with those types, so the check could never
fail. The objects are the same as validated ones — same fields, same order, same fields-set —
and tests re-validate parsed and read-back graphs (tests/test_parse_trusted.py) to keep it so.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__
# BaseModel's slots, set through their own descriptors: object.__setattr__ looks each one up in the type first,
# and the three lookups were a quarter of the constructor
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


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
        _set_fields_set(obj, set(every))
        _set_extra(obj, None)
        _set_private(obj, None)
        return obj

    make.__name__ = make.__qualname__ = f"trusted_{cls.__name__}"
    return make

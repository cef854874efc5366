"""Graph elements built from values the parser made itself, without pydantic re-validating them.

A parse builds one model object per edge, task, action, target and span (tens of thousands per plan); validating
each one was a tenth of the parse. The values come from the parser's own code (strings, ints, Provenance
objects), so the check could never fail (kg/trusted.py says how the objects stay the same as validated ones).
"""
from __future__ import annotations

from kg.model import Action, Organization, Provenance, Responsibility, Section, Target, Task
from kg.trusted import trusted

new_provenance = trusted(Provenance)
new_responsibility = trusted(Responsibility)
new_task = trusted(Task)
new_action = trusted(Action)
new_section = trusted(Section)
new_organization = trusted(Organization)
new_target = trusted(Target)  # its value is always a float (loaders.targets._number)

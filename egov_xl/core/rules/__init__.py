"""Checks: small named units that turn a form's values (a Report) or its matched table into
findings, each rule ID an entry of a registry.

Each check reads the edition (ratio parts, bounds, sums, units, coded values) rather than
naming rows in code, so a new edition needs a YAML file, not new checks.
"""

from __future__ import annotations

from . import coincidence, hierarchy, labels, ratios, source, structure, values
from .context import Context
from .registry import Needs, Registry, Rule

CHECKS: tuple[Rule, ...] = (
    *source.RULES,
    *structure.RULES,
    *values.RULES,
    *labels.RULES,
    *ratios.RULES,
    *hierarchy.RULES,
    *coincidence.RULES,
)


__all__ = ["CHECKS", "Context", "Needs", "Registry", "Rule"]

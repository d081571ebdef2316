"""Every rule egov-xl knows, by ID: the table and value checks and the comparison with
archived reports (core/rules/)."""

from __future__ import annotations

from .rules import CHECKS, prior
from .rules.registry import Registry

REGISTRY = Registry((*CHECKS, *prior.RULES))

"""Every rule egov-xl knows, by ID: the table and value checks (core/rules/) and the
comparison with archived reports (core/prior.py)."""

from __future__ import annotations

from . import prior
from .rules import CHECKS
from .rules.registry import Registry

REGISTRY = Registry((*CHECKS, *prior.RULES))

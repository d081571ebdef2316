"""Checks: small named units that turn a located form into findings.

Each check reads the edition (ratio parts, bounds, sums, units, coded values) rather than
naming rows in code, so a new edition needs a YAML file, not new checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..findings import Finding
from ..match import LocatedForm
from ..messages import RuleBook
from . import coincidence, hierarchy, labels, ratios, source, structure, values
from .context import Context

Check = Callable[[Context], Iterable[Finding]]

CHECKS: tuple[Check, ...] = (
    source.check,
    structure.check,
    values.check,
    labels.check,
    ratios.check,
    hierarchy.check,
    coincidence.check,
)


def run_checks(form: LocatedForm, rulebook: RuleBook) -> list[Finding]:
    ctx = Context(form, rulebook)
    findings = [finding for check in CHECKS for finding in check(ctx)]
    findings.sort(key=Finding.sort_key)
    return findings

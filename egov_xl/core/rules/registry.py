"""Rules as a registry: one entry per rule ID, with its family, what it needs and its version.

A check function may serve several IDs (one decision per row that ends in one of several
findings); a run calls each function of the chosen rules once and keeps the findings of the
chosen IDs, and records which rules ran and at which version (its scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from ..findings import Finding, Severity

if TYPE_CHECKING:
    from .context import Context


class Needs(StrEnum):
    REPORT = "report"  # the values by code (a Report): cells are not needed
    TABLE = "table"  # the matched table: labels, units, row order
    PRIOR = "prior"  # the archived reports of earlier periods (the context's `prior`)


Check = Callable[["Context"], Iterable[Finding]]  # every rule: the context in, findings out


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: str
    needs: Needs
    check: Check
    version: int = 1
    severity: Severity | None = None  # the default, bound from messages/rules.yaml


def family(name: str, needs: Needs, check: Check, ids: Iterable[str], version: int = 1) -> tuple[Rule, ...]:
    """Entries for several IDs found by one check function."""
    return tuple(Rule(rule_id, name, needs, check, version) for rule_id in ids)


class RegistryError(ValueError):
    """The registered rules and the rule catalogue disagree (a programming error)."""


@dataclass(frozen=True, slots=True)
class Registry:
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        ids = [r.id for r in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise RegistryError(f"rules registered twice: {', '.join(repeated)}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def problems(self, catalogued: Iterable[str], messages: dict[str, Iterable[str]]) -> list[str]:
        """Where the registry and the catalogues disagree: rule IDs in rules.yaml not
        registered, registered IDs missing from rules.yaml or from a message catalogue."""
        catalogued, registered = set(catalogued), set(self.ids)
        found = [f"not registered: {i}" for i in sorted(catalogued - registered)]
        found += [f"not in rules.yaml: {i}" for i in sorted(registered - catalogued)]
        for lang, keys in messages.items():
            found += [f"no {lang} message: {i}" for i in sorted(registered - set(keys))]
        return found

    def bind(self, defaults: dict[str, Severity]) -> Registry:
        """The same rules with their default severities from the catalogue."""
        return Registry(tuple(replace(r, severity=defaults.get(r.id)) for r in self.rules))

    def select(self, needs: Iterable[Needs], ids: Iterable[str] | None = None) -> tuple[Rule, ...]:
        wanted = set(needs)
        chosen = set(ids) if ids is not None else None
        return tuple(r for r in self.rules if r.needs in wanted and (chosen is None or r.id in chosen))

    def run(self, ctx: Context, ids: Iterable[str] | None = None) -> tuple[list[Finding], dict[str, int]]:
        """Run the report rules (and, when the context has a table, the table rules; when it has
        archived reports to compare with, the prior-period rules), or only those named in
        `ids`. Returns the sorted findings and the scope: rule ID → version."""
        rules = self.select(needs_of(ctx), ids)
        scope = {r.id: r.version for r in rules}
        checks = dict.fromkeys(r.check for r in rules)  # each function once, in registry order
        findings = [f for check in checks for f in check(ctx) if f.rule in scope]
        findings.sort(key=Finding.sort_key)
        return findings, scope


def needs_of(ctx: Context) -> tuple[Needs, ...]:
    """What the context can give: the values always, the table and the references when present."""
    table = (Needs.TABLE,) if ctx.form is not None else ()
    prior = (Needs.PRIOR,) if ctx.prior is not None and ctx.prior.present else ()
    return (Needs.REPORT, *table, *prior)

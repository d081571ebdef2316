"""Findings: what a check found, where, and the numbers behind it. A report is data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .grid import CellRef

if TYPE_CHECKING:  # periods → spec → findings
    from .periods import Period


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one rule.

    `cell` is the cell most likely wrong; `cells` every cell the rule looked at.
    `params` fill the message templates of the catalogue (numbers already formatted).
    """

    rule: str
    severity: Severity
    code: str | None
    cell: CellRef | None
    cells: tuple[CellRef, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    expected: str | None = None
    actual: str | None = None

    def sort_key(self) -> tuple:
        where = self.cell or CellRef("", 10**9, 0)
        return (where.row, where.col, self.severity.rank, self.rule)


@dataclass(frozen=True, slots=True)
class Summary:
    """How many errors, warnings and notes: the one count every output shows ("0 lỗi")."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Summary:
        counts = {severity: 0 for severity in Severity}
        for finding in findings:
            counts[finding.severity] += 1
        return cls(counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO])

    def count(self, severity: Severity) -> int:
        return {Severity.ERROR: self.errors, Severity.WARNING: self.warnings, Severity.INFO: self.infos}[severity]

    def as_dict(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings, "infos": self.infos}


@dataclass(slots=True)
class FormReport:
    """Findings for one form table located in one sheet of one file."""

    path: str
    sheet: str | None
    form: str | None  # edition id, None when the table matched no known edition
    form_title: str | None
    findings: list[Finding]
    scope: dict[str, int] = field(default_factory=dict)  # the rules that ran: ID → version
    unit_name: str | None = None  # the reporting unit named above the table, when it is
    title_period: Period | None = None  # the reporting period named there, when it is
    title_units: tuple[str, ...] = ()  # every unit named there (a letterhead names its superior too)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings)

    def count(self, severity: Severity) -> int:
        return self.summary.count(severity)

    @property
    def has_errors(self) -> bool:
        return self.summary.errors > 0

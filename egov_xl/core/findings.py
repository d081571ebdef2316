"""Findings: what a check found, where, and the numbers behind it. A report is data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .grid import CellRef


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

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

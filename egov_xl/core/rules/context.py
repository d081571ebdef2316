"""What every check gets: the edition, the report's values, severities, helpers to build
findings, and (for the rules about the table itself) the matched table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding
from ..grid import CellRef
from ..match import LocatedForm
from ..messages import RuleBook
from ..numbers import Reading, shown
from ..report import Report
from ..spec import Edition
from ..tolerance import display


def shown_with_unit(reading: Reading) -> str:
    return shown(reading) + ("%" if reading.percent else "")


def number(value: Decimal) -> str:
    return display(value)


@dataclass(slots=True)
class Context:
    edition: Edition
    report: Report
    rulebook: RuleBook
    form: LocatedForm | None = None  # the matched table; None for values that have no table

    @classmethod
    def of(cls, form: LocatedForm, rulebook: RuleBook) -> Context:
        return cls(form.edition, form.report, rulebook, form)

    def finding(
        self,
        rule: str,
        code: str | None,
        cell: CellRef | None,
        cells: tuple[CellRef | None, ...] = (),
        expected: str | None = None,
        actual: str | None = None,
        **params: object,
    ) -> Finding:
        severity = self.rulebook.severity(rule, self.edition.severities)
        params.setdefault("code", self.shown_code(code))
        if expected is not None:
            params.setdefault("expected", expected)
        if actual is not None:
            params.setdefault("actual", actual)
        return Finding(
            rule=rule,
            severity=severity,
            code=code,
            cell=cell,
            cells=tuple(c for c in cells if c) or ((cell,) if cell else ()),
            params=params,
            expected=expected,
            actual=actual,
        )

    def reading(self, code: str | None) -> Reading:
        return self.report.reading(code)

    @property
    def typed(self) -> bool:
        """Whether the values' source can hold numbers as numbers (not a CSV or Word table);
        values with no table (archived, golden) are taken as typed."""
        return self.form is None or self.form.table.typed

    def shown_code(self, code: str | None) -> str | None:
        """The form's code, with the numbering printed in the table beside it when it differs
        ("3.1 [a)]")."""
        row = self.form.rows.get(code) if self.form is not None and code else None
        printed = row.cells.printed_code if row else None
        return f"{code} [{printed}]" if printed else code

    def ref(self, code: str | None) -> CellRef | None:
        return self.report.cell(code)

    def numeric(self, code: str | None) -> Decimal | None:
        return self.report.number(code)

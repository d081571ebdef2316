"""What every check gets: the edition, the report's values, severities, helpers to build
findings, (for the rules about the table itself) the matched table, and (for the prior-period
rules) the archived reports it is compared with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding
from ..grid import CellRef
from ..match import LocatedForm
from ..messages import RuleBook
from ..numbers import Reading, shown
from ..reference import Prior
from ..report import Report
from ..spec import Edition
from ..text import parent_code
from ..tolerance import display
from ..units import Measure, measure_of


def shown_with_unit(reading: Reading) -> str:
    return shown(reading) + ("%" if reading.percent else "")


def number(value: Decimal) -> str:
    return display(value)


@dataclass(frozen=True, slots=True)
class Child:
    """A percentage row under a parent: its code as shown in findings, value and cell."""

    code: str
    reading: Reading
    ref: CellRef | None


@dataclass(slots=True)
class Context:
    edition: Edition
    report: Report
    rulebook: RuleBook
    form: LocatedForm | None = None  # the matched table; None for values that have no table
    prior: Prior | None = None  # the archived reports it is compared with; None: none at hand

    @classmethod
    def of(cls, form: LocatedForm, rulebook: RuleBook, prior: Prior | None = None) -> Context:
        return cls(form.edition, form.report, rulebook, form, prior)

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
        ("3.1 [a)]", "3.1.2 [3.1.3]" for a row paired by label)."""
        row = self.form.rows.get(code) if self.form is not None and code else None
        printed = (row.cells.printed_code or (row.cells.code if row.cells.code != code else None)) if row else None
        return f"{code} [{printed}]" if printed else code

    def percent_children(self, code: str) -> list[Child]:
        """The percentage rows under `code`: the edition's, and, in a file, also the printed
        rows under it that are checked as no defined row (a district row an older edition
        inserted), so a rule over a parent's children sees the children the file has."""
        found = [Child(self.shown_code(c.code), self.reading(c.code), self.ref(c.code))
                 for c in self.edition.rows if parent_code(c.code) == code and c.is_percentage]
        if self.form is None:
            return found
        parent = self.form.rows.get(code)
        printed = parent.cells.code if parent else code
        found += [Child(row.printed_code or row.code, row.value, row.value_ref) for row in self.form.unpaired()
                  if parent_code(row.code) == printed
                  and (row.value.percent or measure_of(row.unit) is Measure.PERCENT)]
        return found

    def ref(self, code: str | None) -> CellRef | None:
        return self.report.cell(code)

    def numeric(self, code: str | None) -> Decimal | None:
        return self.report.number(code)

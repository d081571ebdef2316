"""What every check gets: the located form, severities, and helpers to build findings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding
from ..grid import CellRef
from ..match import FormRow, LocatedForm
from ..messages import RuleBook
from ..numbers import Reading, shown
from ..tolerance import display


def shown_with_unit(reading: Reading) -> str:
    return shown(reading) + ("%" if reading.percent else "")


def number(value: Decimal) -> str:
    return display(value)


@dataclass(slots=True)
class Context:
    form: LocatedForm
    rulebook: RuleBook

    def finding(
        self,
        rule: str,
        code: str | None,
        cell: CellRef | None,
        cells: tuple[CellRef, ...] = (),
        expected: str | None = None,
        actual: str | None = None,
        **params: object,
    ) -> Finding:
        severity = self.rulebook.severity(rule, self.form.edition.severities)
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
            cells=cells or ((cell,) if cell else ()),
            params=params,
            expected=expected,
            actual=actual,
        )

    def shown_code(self, code: str | None) -> str | None:
        """The form's code, with the numbering printed in the table beside it when it differs
        ("3.1 [a)]")."""
        row = self.row(code)
        printed = row.cells.printed_code if row else None
        return f"{code} [{printed}]" if printed else code

    def row(self, code: str | None) -> FormRow | None:
        return self.form.rows.get(code) if code else None

    def ref(self, code: str | None) -> CellRef | None:
        row = self.row(code)
        return row.cells.value_ref if row else None

    def numeric(self, code: str | None) -> Decimal | None:
        row = self.row(code)
        return row.value.number if row and row.value.number is not None else None

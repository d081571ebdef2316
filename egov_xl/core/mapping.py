"""Row correspondence between two form editions, kept as data (forms/mappings/*.yaml)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .numbers import BLANK, Entry, Reading
from .report import Report, Sum, Value
from .spec import CODE_PATTERN, Edition, Kind


class RowMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str = Field(pattern=CODE_PATTERN)
    source: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class EditionMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    source: str
    target: str
    note: str | None = None
    rows: tuple[RowMapping, ...]

    @model_validator(mode="after")
    def _unique_targets(self) -> EditionMapping:
        targets = [row.target for row in self.rows]
        if len(targets) != len(set(targets)):
            raise ValueError("a target row is mapped twice")
        return self

    def check_against(self, source: Edition, target: Edition) -> list[str]:
        """Problems with this mapping given the two editions (empty when it is sound)."""
        problems = []
        for row in self.rows:
            if row.target not in target.by_code:
                problems.append(f"{row.target} is not a row of {target.id}")
            missing = [code for code in row.source if code not in source.by_code]
            if missing:
                problems.append(f"{', '.join(missing)} not rows of {source.id}")
            elif len(row.source) > 1 and any(source.by_code[c].kind is not Kind.COUNT for c in row.source):
                problems.append(f"{row.target}: only counts may be summed")
        return problems

    def translate(self, values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
        """Source-edition values → target-edition values (a sum is blank if a part is)."""
        result: dict[str, Decimal | None] = {}
        for row in self.rows:
            parts = [values.get(code) for code in row.source]
            result[row.target] = None if any(p is None for p in parts) else sum(parts, Decimal(0))
        return result

    def translate_report(self, report: Report) -> Report:
        """A source-edition report in the target edition's codes. A row mapped from one row
        keeps its value as typed; a sum of counts is a number whose origin names its parts,
        blank if a part is."""
        values: dict[str, Value] = {}
        for row in self.rows:
            parts = [report.values.get(code) for code in row.source]
            if len(parts) == 1 and parts[0] is not None:
                values[row.target] = parts[0]
                continue
            origin = Sum(tuple(p.origin for p in parts if p is not None and p.origin is not None))
            numbers = [p.reading.number if p is not None else None for p in parts]
            if any(n is None for n in numbers):
                values[row.target] = Value(BLANK, origin)
                continue
            total = sum(numbers, Decimal(0))
            decimals = max((p.reading.decimals or 0) for p in parts)
            values[row.target] = Value(Reading(raw=total, entry=Entry.NUMBER, number=total, decimals=decimals), origin)
        return Report(self.target, values)

"""Form definitions: one edition of the annex as data (see egov_xl/forms/*.yaml).

The schema is strict (unknown fields are errors) and cross-checked: ratio parts, bounds and
sums must name rows of the same edition, so a typo in a form file is caught when it loads.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .findings import Severity
from .text import fold, fold_label, parent_code

CODE_PATTERN = r"^\d{1,2}(\.\d{1,2}){0,4}$"


class Kind(StrEnum):
    HEADER = "header"  # a heading: no value of its own
    RATIO = "ratio"  # a percentage with its numerator and denominator rows on the form
    PERCENT = "percent"  # a percentage reported without parts
    COUNT = "count"  # a whole number of procedures, dossiers, units…
    CODED = "coded"  # a status coded 0/1 or 0/1/2


class Nature(StrEnum):
    STOCK = "stock"  # a level at the cut-off date: compared with the previous report
    FLOW = "flow"  # accumulated over the reporting window


class PeriodKind(StrEnum):
    MONTH = "thang"
    Q1 = "quy-1"
    H1 = "6-thang"
    Q3 = "quy-3"
    M9 = "9-thang"
    YEAR = "nam"


PERCENT_UNIT = "%"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    """When a change from the prior value deserves a look: at least `absolute` (counts, or
    percentage points) and, unless the prior value is below `min_base`, at least `relative`."""

    absolute: Decimal = Field(ge=0)
    relative: Decimal | None = Field(default=None, ge=0)
    min_base: Decimal = Field(default=Decimal(0), ge=0)

    def exceeded(self, prior: Decimal, change: Decimal) -> bool:
        if abs(change) < self.absolute:
            return False
        if self.relative is None or abs(prior) < self.min_base or prior == 0:
            return True
        return abs(change) / abs(prior) >= self.relative


class RowSpec(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    label: str = Field(min_length=3)
    kind: Kind
    unit: str | None = None
    nature: Nature | None = None
    numerator: str | None = Field(default=None, pattern=CODE_PATTERN)
    denominator: str | None = Field(default=None, pattern=CODE_PATTERN)
    values: dict[int, str] | None = None
    required: bool | None = None
    not_above: tuple[str, ...] = ()
    equals_sum: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str | None = None
    plausibility: Threshold | None = None
    comparable_from: date | None = None  # earlier values are measured differently

    @model_validator(mode="after")
    def _kind_fields(self) -> RowSpec:
        if self.kind is Kind.HEADER:
            if self.numerator or self.denominator or self.values or self.equals_sum:
                raise ValueError("a header row has no parts, values or sums")
            return self
        if self.unit is None:
            raise ValueError(f"row {self.code}: 'unit' is required for kind {self.kind}")
        if self.nature is None:
            raise ValueError(f"row {self.code}: 'nature' (stock or flow) is required")
        if self.kind is Kind.RATIO and not (self.numerator and self.denominator):
            raise ValueError(f"row {self.code}: a ratio needs 'numerator' and 'denominator'")
        if self.kind is not Kind.RATIO and (self.numerator or self.denominator):
            raise ValueError(f"row {self.code}: only a ratio has 'numerator'/'denominator'")
        if self.kind is Kind.CODED and not self.values:
            raise ValueError(f"row {self.code}: a coded row needs 'values'")
        if self.kind in (Kind.RATIO, Kind.PERCENT) and self.unit != PERCENT_UNIT:
            raise ValueError(f"row {self.code}: a percentage row has unit '%'")
        return self

    @property
    def is_required(self) -> bool:
        return self.kind is not Kind.HEADER if self.required is None else self.required

    @property
    def is_percentage(self) -> bool:
        return self.kind in (Kind.RATIO, Kind.PERCENT)

    @cached_property
    def folded_labels(self) -> tuple[str, ...]:
        return tuple(fold_label(text) for text in (self.label, *self.aliases))

    @cached_property
    def folded_unit(self) -> str:
        return fold(self.unit or "")


class Edition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    short_title: str
    issuer: str
    vocabulary: str
    name_prefix: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    periods: tuple[PeriodKind, ...]
    valid_from: date | None = None
    valid_to: date | None = None
    source: str
    title_keywords: tuple[str, ...] = ()
    severities: dict[str, Severity] = {}
    plausibility: dict[Kind, Threshold] = {}
    rows: tuple[RowSpec, ...] = Field(min_length=1)

    @field_validator("title_keywords")
    @classmethod
    def _fold_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(fold(v) for v in value)

    @model_validator(mode="after")
    def _references(self) -> Edition:
        codes = [row.code for row in self.rows]
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                raise ValueError(f"code {code} appears twice")
            seen.add(code)
        by_code = {row.code: row for row in self.rows}
        for row in self.rows:
            parent = parent_code(row.code)
            if parent and parent not in by_code:
                raise ValueError(f"row {row.code}: its parent {parent} is not defined")
            for ref in (row.numerator, row.denominator, *row.not_above, *row.equals_sum):
                if ref is None:
                    continue
                target = by_code.get(ref)
                if target is None:
                    raise ValueError(f"row {row.code}: refers to {ref}, which is not defined")
                if target.kind is not Kind.COUNT:
                    raise ValueError(f"row {row.code}: {ref} must be a count row")
        return self

    @cached_property
    def by_code(self) -> dict[str, RowSpec]:
        return {row.code: row for row in self.rows}

    @cached_property
    def order(self) -> dict[str, int]:
        return {row.code: index for index, row in enumerate(self.rows)}

    def children(self, code: str) -> list[RowSpec]:
        return [row for row in self.rows if parent_code(row.code) == code]

    def severity(self, rule: str, default: Severity) -> Severity:
        return self.severities.get(rule, default)

    def threshold(self, row: RowSpec) -> Threshold | None:
        return row.plausibility or self.plausibility.get(row.kind)

"""The strict schema of a form file (egov_xl/forms/*.yaml), checked with pydantic.

Unknown fields are errors and references are cross-checked: ratio parts, bounds and sums must
name rows of the same edition, so a typo in a form file is caught when it loads. A checked
edition becomes the engine's plain records (`spec.Edition`) through `to_spec`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .findings import Severity
from .spec import CODE_PATTERN, PERCENT_UNIT, Edition, Kind, Nature, PeriodKind
from .text import fold, parent_code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ThresholdSchema(_Strict):
    """When a change from the prior value deserves a look: at least `absolute` (counts, or
    percentage points) and, unless the prior value is below `min_base`, at least `relative`."""

    absolute: Decimal = Field(ge=0)
    relative: Decimal | None = Field(default=None, ge=0)
    min_base: Decimal = Field(default=Decimal(0), ge=0)


class RowSchema(_Strict):
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
    plausibility: ThresholdSchema | None = None
    comparable_from: date | None = None  # earlier values are measured differently
    decimals: int | None = Field(default=None, ge=0, le=6)  # a % row's own precision (else the edition's)

    @model_validator(mode="after")
    def _kind_fields(self) -> RowSchema:
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
        if self.decimals is not None and self.kind not in (Kind.RATIO, Kind.PERCENT):
            raise ValueError(f"row {self.code}: only a percentage row has 'decimals'")
        return self


class EditionSchema(_Strict):
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
    plausibility: dict[Kind, ThresholdSchema] = {}
    decimals: int = Field(default=2, ge=0, le=6)  # percentage rows: digits after the decimal comma
    rows: tuple[RowSchema, ...] = Field(min_length=1)

    @field_validator("title_keywords")
    @classmethod
    def _fold_keywords(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(fold(v) for v in value)

    @model_validator(mode="after")
    def _references(self) -> EditionSchema:
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

    def to_spec(self) -> Edition:
        return Edition.from_data(self.model_dump(mode="json"))

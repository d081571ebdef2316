"""Form definitions: one edition of the annex as data (see egov_xl/forms/*.yaml).

These are the plain records the engine reads. A form file is checked against the strict
schema in `spec_schema` (pydantic) and becomes these records through `Edition.from_data`,
which takes the schema's checked JSON form; the built-in editions come from that JSON
prepared in advance (forms/prepared.json), so checking a workbook needs no schema library.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

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


class _Record:
    """The copy and construct calls of the schema models, for records built in code."""

    def model_copy(self, *, update: dict[str, Any] | None = None):
        return replace(self, **(update or {}))

    @classmethod
    def model_construct(cls, **values):
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value) -> date | None:
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Threshold(_Record):
    """When a change from the prior value deserves a look: at least `absolute` (counts, or
    percentage points) and, unless the prior value is below `min_base`, at least `relative`."""

    absolute: Decimal
    relative: Decimal | None = None
    min_base: Decimal = Decimal(0)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Threshold:
        return cls(_decimal(data["absolute"]), _decimal(data.get("relative")), _decimal(data.get("min_base", 0)))

    def exceeded(self, prior: Decimal, change: Decimal) -> bool:
        if abs(change) < self.absolute:
            return False
        if self.relative is None or abs(prior) < self.min_base or prior == 0:
            return True
        return abs(change) / abs(prior) >= self.relative


@dataclass(frozen=True)
class RowSpec(_Record):
    code: str
    label: str
    kind: Kind
    unit: str | None = None
    nature: Nature | None = None
    numerator: str | None = None
    denominator: str | None = None
    values: dict[int, str] | None = None
    required: bool | None = None
    not_above: tuple[str, ...] = ()
    equals_sum: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str | None = None
    plausibility: Threshold | None = None
    comparable_from: date | None = None  # earlier values are measured differently
    decimals: int = 2  # a percentage row's precision: a ratio is computed, rounded and shown to it

    @classmethod
    def from_data(cls, data: dict[str, Any], decimals: int = 2) -> RowSpec:
        values, threshold = data.get("values"), data.get("plausibility")
        return cls(
            code=data["code"], label=data["label"], kind=Kind(data["kind"]), unit=data.get("unit"),
            nature=Nature(data["nature"]) if data.get("nature") else None,
            numerator=data.get("numerator"), denominator=data.get("denominator"),
            values=None if values is None else {int(k): v for k, v in values.items()},
            required=data.get("required"), not_above=tuple(data.get("not_above", ())),
            equals_sum=tuple(data.get("equals_sum", ())), aliases=tuple(data.get("aliases", ())),
            note=data.get("note"), plausibility=None if threshold is None else Threshold.from_data(threshold),
            comparable_from=_date(data.get("comparable_from")),
            decimals=decimals if data.get("decimals") is None else data["decimals"],
        )

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


@dataclass(frozen=True)
class Edition(_Record):
    id: str
    title: str
    short_title: str
    issuer: str
    vocabulary: str
    name_prefix: str
    periods: tuple[PeriodKind, ...]
    source: str
    rows: tuple[RowSpec, ...]
    valid_from: date | None = None
    valid_to: date | None = None
    title_keywords: tuple[str, ...] = ()  # folded
    severities: dict[str, Severity] = field(default_factory=dict)
    plausibility: dict[Kind, Threshold] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Edition:
        """An edition from the schema's checked JSON form (`EditionSchema.model_dump(mode="json")`)."""
        return cls(
            id=data["id"], title=data["title"], short_title=data["short_title"], issuer=data["issuer"],
            vocabulary=data["vocabulary"], name_prefix=data["name_prefix"],
            periods=tuple(PeriodKind(p) for p in data["periods"]), source=data["source"],
            rows=tuple(RowSpec.from_data(row, data.get("decimals", 2)) for row in data["rows"]),
            valid_from=_date(data.get("valid_from")), valid_to=_date(data.get("valid_to")),
            title_keywords=tuple(data.get("title_keywords", ())),
            severities={rule: Severity(s) for rule, s in data.get("severities", {}).items()},
            plausibility={Kind(k): Threshold.from_data(t) for k, t in data.get("plausibility", {}).items()},
        )

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

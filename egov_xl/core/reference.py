"""What a report is compared with: archived reports of earlier periods, as References, and
the `Prior` a check's context carries (this report's period, the previous report and the
same period last year). Pure: the archive (through flows/references.py) supplies them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .numbers import BLANK, Entry, Reading
from .periods import Period
from .report import Report, Value

if TYPE_CHECKING:
    from .mapping import EditionMapping  # pydantic: only where a mapping file is read


@dataclass(frozen=True, slots=True, init=False)
class Reference:
    """An archived report, its values already in the current edition's codes.

    `report` keeps every value as typed (decimals included); `values` is its numbers only.
    Built with a Report (`reference_from`), or, for callers not yet switched, a dict of numbers."""

    window: Period
    edition_id: str  # the edition it was archived under
    revision: int
    report: Report
    mapping: str | None  # the edition mapping used to translate its codes

    def __init__(self, window: Period, edition_id: str, revision: int,
                 values: Report | Mapping[str, Decimal | None], mapping: str | None = None):
        if not isinstance(values, Report):
            values = Report(edition_id, {
                code: Value(BLANK if n is None else Reading(raw=n, entry=Entry.NUMBER, number=n))
                for code, n in values.items()
            })
        for name, value in (("window", window), ("edition_id", edition_id), ("revision", revision),
                            ("report", values), ("mapping", mapping)):
            object.__setattr__(self, name, value)

    @property
    def values(self) -> dict[str, Decimal | None]:
        return self.report.numbers()


def reference_from(report: Report, window: Period, revision: int, target: str,
                   mapping: EditionMapping | None = None) -> Reference | None:
    """An archived report as a comparison basis in the `target` edition's codes, through
    `mapping` when it was archived under another edition; None when it cannot be translated."""
    if report.edition_id == target:
        return Reference(window, report.edition_id, revision, report)
    if mapping is None:
        return None
    return Reference(window, report.edition_id, revision, mapping.translate_report(report), mapping.id)


@dataclass(frozen=True, slots=True)
class Prior:
    """This report's period and what it is compared with ("kỳ trước", "cùng kỳ năm trước")."""

    window: Period
    previous: Reference | None = None
    last_year: Reference | None = None

    @property
    def present(self) -> bool:
        """Whether there is anything to compare with (the prior rules run only then)."""
        return self.previous is not None or self.last_year is not None

    def basis(self, name: str) -> Reference | None:
        return self.previous if name == "previous" else self.last_year

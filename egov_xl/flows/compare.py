"""Compare a checked form with the archive: the previous report and the same period last year,
translated into the form's edition where they were archived under another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Archive, Stored
from ..core.periods import Period
from ..core.prior import Comparison, compare
from ..settings import Limits
from .check import Checked, pick_form
from .references import reference, references

__all__ = ["CompareResult", "compare_file", "compare_form", "reference"]


@dataclass(slots=True)
class CompareResult:
    checked: Checked
    comparison: Comparison
    unmapped: list[Stored]


def compare_form(archive: Archive, checked: Checked, unit: str, period: Period) -> CompareResult:
    found = references(archive, unit, period, checked.form.edition.id)
    comparison = compare(checked.form, period, found.prior.previous, found.prior.last_year, definitions.rulebook())
    return CompareResult(checked, comparison, found.unmapped)


def compare_file(archive: Archive, path: str | Path, unit: str, period: Period,
                 sheet: str | None = None, limits: Limits | None = None) -> CompareResult:
    return compare_form(archive, pick_form(path, sheet, limits=limits), unit, period)

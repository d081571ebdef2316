"""What a printed unit means: a percentage, a count of procedures or dossiers, a coded status."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from .spec import Kind, RowSpec
from .text import fold


class Measure(StrEnum):
    NONE = "none"
    PERCENT = "percent"
    PROCEDURE = "procedure"  # Thủ tục, TTHC, DVC
    DOSSIER = "dossier"  # Hồ sơ
    CODED = "coded"  # "Chưa = 0 Hoàn thành = 1"
    OTHER = "other"  # Đơn vị, Văn bản, …


_CODE_IN_UNIT = re.compile(r"=\s*(\d)")
_PROCEDURE_WORDS = ("thu tuc", "tthc", "dvctt", "dvc", "dich vu")
_DOSSIER_WORDS = ("ho so",)


@lru_cache(maxsize=4096)  # a form repeats a handful of units on every row, every check
def measure_of(unit: str | None) -> Measure:
    if not unit or not unit.strip():
        return Measure.NONE
    if _CODE_IN_UNIT.search(unit):
        return Measure.CODED
    folded = fold(unit)
    if folded in ("%", "ty le", "phan tram", "ty le %"):
        return Measure.PERCENT
    if any(folded.startswith(word) for word in _DOSSIER_WORDS):
        return Measure.DOSSIER
    if any(folded.startswith(word) for word in _PROCEDURE_WORDS):
        return Measure.PROCEDURE
    return Measure.OTHER


def coded_values(unit: str | None) -> frozenset[int]:
    """'Chưa = 0 Hoàn thành = 1' → {0, 1}."""
    return frozenset(int(m) for m in _CODE_IN_UNIT.findall(unit or ""))


def unit_agrees(spec: RowSpec, printed: str | None) -> bool:
    """Does the printed unit say what the definition says? Wording may differ, meaning not."""
    expected = measure_of(spec.unit)
    actual = measure_of(printed)
    if spec.kind is Kind.CODED:
        return actual is Measure.CODED and coded_values(printed) == frozenset(spec.values or {})
    if expected is Measure.OTHER:
        return actual is Measure.OTHER and fold(printed or "") == spec.folded_unit
    return actual is expected

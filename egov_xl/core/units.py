"""What a printed unit means: a percentage, a count of procedures or dossiers, a coded status,
and whether its values are whole numbers.

The units offices write are data (`UNITS`): each with the spellings it goes by (folded, as
`text.fold` leaves them), the measure it belongs to and whether it counts whole things
("Thủ tục", "Hồ sơ", "Xã") or measures an amount ("Ngày", "Điểm", "Tỷ đồng"). A unit not in the
table is never held to whole numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    OTHER = "other"  # Đơn vị, Văn bản, Ngày, …


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of measure as offices write it."""

    names: tuple[str, ...]  # folded spellings; a printed unit is one of them or starts with one
    measure: Measure
    whole: bool  # its values count whole things


def _units(measure: Measure, whole: bool, *names: str) -> Unit:
    return Unit(names, measure, whole)


UNITS: tuple[Unit, ...] = (
    _units(Measure.PERCENT, False, "%", "ty le", "ty le %", "phan tram"),
    _units(Measure.DOSSIER, True, "ho so", "bo ho so"),
    _units(Measure.PROCEDURE, True, "thu tuc", "tthc", "dvctt", "dvc", "dich vu"),
    _units(Measure.OTHER, True,  # counts of things
           "van ban", "don vi", "co quan", "to chuc", "doanh nghiep", "xa", "phuong", "thi tran", "huyen",
           "tinh", "dia phuong", "thon", "ap", "to dan pho", "nguoi", "can bo", "cong chuc", "vien chuc",
           "cong dan", "ho", "ho gia dinh", "luot", "luot nguoi", "lan", "giao dich", "tai khoan", "cuoc",
           "hoi nghi", "cuoc hop", "buoi", "lop", "hoc vien", "tin", "bai", "tin bai", "phan anh",
           "kien nghi", "vu", "vu viec", "cai", "chiec", "bo", "may", "thiet bi", "he thong", "phan mem",
           "ung dung", "nen tang", "co so du lieu", "csdl", "trang", "cong", "chuyen muc", "tai lieu",
           "cau hoi", "giay to", "chu ky so", "chung thu so", "diem cau"),
    _units(Measure.OTHER, False,  # amounts: time, money, scores, sizes
           "ngay", "ngay lam viec", "gio", "phut", "tuan", "thang", "nam", "diem", "diem so",
           "ty dong", "trieu dong", "nghin dong", "ngan dong", "dong", "vnd", "usd", "km", "m", "m2",
           "ha", "tan", "kg", "gb", "tb", "mb", "mbps", "gbps", "lan nam", "ho so ngay", "ho so thang"),
)

_CODE_IN_UNIT = re.compile(r"=\s*(\d)")


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Unit]:
    table: dict[str, Unit] = {}
    for unit in UNITS:
        for name in unit.names:
            table.setdefault(name, unit)
    return table


@lru_cache(maxsize=4096)  # a form repeats a handful of units on every row, every check
def unit_of(printed: str | None) -> Unit | None:
    """The known unit a printed unit names ("Hồ sơ (bộ)" → Hồ sơ), None for an unknown one."""
    folded = fold(printed or "")
    if not folded:
        return None
    table = _by_name()
    if folded in table:
        return table[folded]
    words = folded.split()
    for size in range(len(words) - 1, 0, -1):  # the longest known spelling it starts with
        unit = table.get(" ".join(words[:size]))
        if unit is not None and unit.measure is not Measure.PERCENT:
            return unit
    return None


def is_whole_unit(printed: str | None) -> bool:
    """Whether values in this unit must be whole numbers; an unknown unit never is."""
    unit = unit_of(printed)
    return unit is not None and unit.whole and not _CODE_IN_UNIT.search(printed or "")


def holds_amounts(printed: str | None) -> bool:
    """Whether the unit is a known amount (Ngày, Điểm, Tỷ đồng): its decimals are real ones."""
    unit = unit_of(printed)
    return unit is not None and not unit.whole and unit.measure is not Measure.PERCENT


@lru_cache(maxsize=4096)
def measure_of(unit: str | None) -> Measure:
    if not unit or not unit.strip():
        return Measure.NONE
    if _CODE_IN_UNIT.search(unit):
        return Measure.CODED
    known = unit_of(unit)
    return known.measure if known is not None else Measure.OTHER


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

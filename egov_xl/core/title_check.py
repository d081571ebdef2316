"""Does the file's own title name the unit and period it is being archived for?

The title rows name a unit (core/unit_name.py) and a period (core/title_period.py); the clerk
chose a unit (its code, and its name in the archive's unit list) and a period. Each answers
SAME, DIFFERENT or NOT_STATED (the title names none, or nothing to compare it with).

Names are compared folded (no diacritics, case or punctuation), abbreviations written out
(UBND = Ủy ban nhân dân, TP = thành phố, P. = phường …), the committee's words dropped ("UBND
xã A" reports for "Xã A"), the kind of unit (xã, phường, đặc khu …) required to agree only when
both say it, and a trailing place ("Sở Nội vụ tỉnh Ninh Bình" for "Sở Nội vụ") allowed. A code
matches a name written out (SNV, XA-HOAPHONG), or the template's unit cell holding the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .periods import Period
from .text import fold


class Verdict(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    NOT_STATED = "not_stated"


# data: an abbreviation (folded, one word) and what it stands for
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho", "tx": "thi xa",
    "tt": "thi tran", "p": "phuong", "x": "xa", "bhxh": "bao hiem xa hoi", "kbnn": "kho bac nha nuoc",
    "vp": "van phong", "ttphcc": "trung tam phuc vu hanh chinh cong", "cand": "cong an nhan dan",
}
COMMITTEE = ("uy ban nhan dan",)  # "UBND xã A" reports for xã A
KINDS = ("xa", "phuong", "dac khu", "thi tran", "thi xa", "thanh pho", "tinh", "huyen", "quan")


@dataclass(frozen=True, slots=True)
class TitleCheck:
    unit: Verdict
    period: Verdict
    named_unit: str | None  # as the title writes it
    named_period: Period | None

    @property
    def mismatch(self) -> bool:
        return Verdict.DIFFERENT in (self.unit, self.period)

    @property
    def stated(self) -> str:
        """What the title says, as one phrase ("UBND xã A, Quý I năm 2026")."""
        return ", ".join(p for p in (self.named_unit, self.named_period.label if self.named_period else None) if p)

    def as_dict(self) -> dict:
        return {"unit": self.unit.value, "period": self.period.value, "named_unit": self.named_unit,
                "named_period": self.named_period.key if self.named_period else None}


def check_title(named_units: tuple[str, ...], named_period: Period | None, unit_code: str, unit_name: str | None,
                period: Period) -> TitleCheck:
    """The title's units and period against the chosen ones. A letterhead names its superior
    body before the unit (ỦY BAN NHÂN DÂN TỈNH X / UBND XÃ Y): the unit is SAME when any name
    matches, DIFFERENT when one differs and none matches; the file "says" the last name."""
    verdicts = {same_unit(name, unit_code, unit_name) for name in named_units}
    unit = next((v for v in (Verdict.SAME, Verdict.DIFFERENT) if v in verdicts), Verdict.NOT_STATED)
    return TitleCheck(unit, same_period(named_period, period), named_units[-1] if named_units else None,
                      named_period)


def same_period(named: Period | None, chosen: Period) -> Verdict:
    if named is None:
        return Verdict.NOT_STATED
    return Verdict.SAME if named == chosen else Verdict.DIFFERENT


def same_unit(named: str | None, code: str, name: str | None) -> Verdict:
    """SAME when the title's name matches the code or the unit list's name; DIFFERENT when the
    unit list has a name (not just the code) and it does not match; else NOT_STATED."""
    words = _words(named or "")
    if not words:
        return Verdict.NOT_STATED
    if _matches_code(words, code):
        return Verdict.SAME
    if not name or fold(name) == fold(code):
        return Verdict.NOT_STATED  # the unit list knows only the code: nothing to compare
    return Verdict.SAME if _same_name(words, _words(name)) else Verdict.DIFFERENT


def _words(text: str) -> list[str]:
    words = " ".join(ABBREVIATIONS.get(w, w) for w in fold(text).split())
    for committee in COMMITTEE:
        if words.startswith(committee + " ") and words != committee:
            words = words[len(committee) + 1:]
    return words.split()


def _kind(words: list[str]) -> tuple[str | None, list[str]]:
    for kind in KINDS:
        parts = kind.split()
        if words[:len(parts)] == parts and len(words) > len(parts):
            return kind, words[len(parts):]
    return None, words


def _same_name(a: list[str], b: list[str]) -> bool:
    (kind_a, rest_a), (kind_b, rest_b) = _kind(a), _kind(b)
    if kind_a and kind_b and kind_a != kind_b:
        return False
    if not (kind_a and kind_b):
        a, b = rest_a, rest_b
    shorter, longer = sorted((a, b), key=len)
    return bool(shorter) and longer[:len(shorter)] == shorter


def _matches_code(words: list[str], code: str) -> bool:
    """The title writes the code itself, or the code is the name run together or its initials."""
    folded = "".join(fold(code).split())
    if not folded:
        return False
    _, rest = _kind(words)
    return folded in ("".join(words), "".join(rest), "".join(w[0] for w in words))

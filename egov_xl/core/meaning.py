"""Does a printed row mean what its code's definition means? A label that reads like the
definition but names another administrative level (cấp huyện for cấp xã) or another object
(hồ sơ for thủ tục) is a different indicator, whatever code is printed beside it (rows
renumbered by an older edition, district rows inserted)."""

from __future__ import annotations

from functools import lru_cache

from .text import fold_label

# word group → {meaning: folded phrases}; data, so a new level or object is one line
GROUPS = {
    "level": {"cấp tỉnh": ("cap tinh",), "cấp huyện": ("cap huyen",), "cấp xã": ("cap xa",),
              "cấp bộ": ("cap bo",)},
    "object": {"thủ tục": ("thu tuc", "tthc", "dvctt", "dvc"), "hồ sơ": ("ho so",)},
}


def _named(folded: str, meanings: dict[str, tuple[str, ...]]) -> set[str]:
    padded = f" {folded} "
    return {name for name, phrases in meanings.items() if any(f" {p} " in padded for p in phrases)}


@lru_cache(maxsize=16384)  # the same definitions and labels on every check of a form
def conflict(expected_labels: tuple[str, ...], printed: str) -> tuple[str, str] | None:
    """(printed meaning, expected meaning) when the printed label names a level or object
    the definition does not, and none the definition does, within one word group."""
    folded = fold_label(printed)
    for meanings in GROUPS.values():
        said = _named(folded, meanings)
        defined = set().union(*(_named(label, meanings) for label in expected_labels))
        if said and defined and not said & defined:
            return ", ".join(sorted(said)), ", ".join(sorted(defined))
    return None

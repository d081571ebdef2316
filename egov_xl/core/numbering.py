"""Row numbering other than dotted codes: Roman (I, II), arabic (1, 2, 1)), lettered (a), b),
a.) and dashes, in any mix of levels, turned into the dotted codes the forms use.

The first style met is level 1, the next new style level 2, and so on (I → 1, its 1) → 1.1,
their a) → 1.1.1), the way a reader of the printed table sees its hierarchy.
"""

from __future__ import annotations

import re

ROMAN = "roman"
ARABIC = "arabic"
LETTER = "letter"
DASH = "dash"

_ROMAN = re.compile(r"^(?=[IVXL])(X{0,3}L?X{0,3})(IX|IV|V?I{0,3})\s*[.)]?$")
_ARABIC = re.compile(r"^\d{1,2}\s*[.)]?$")
_LETTER = re.compile(r"^\(?[a-zđ]\s*[.)]$")
_DASH = re.compile(r"^[-–—+•*]$")
_STYLES = ((ROMAN, _ROMAN), (LETTER, _LETTER), (ARABIC, _ARABIC), (DASH, _DASH))
_SHOWN = {ROMAN: "I, II", ARABIC: "1, 2", LETTER: "a), b)", DASH: "-"}


def style_of(marker: object) -> str | None:
    """The numbering style of a printed marker, None when it is not one."""
    if not isinstance(marker, str):
        return ARABIC if isinstance(marker, (int, float)) and not isinstance(marker, bool) else None
    text = marker.strip()
    for style, pattern in _STYLES:
        if text and pattern.match(text):
            return style
    return None


def is_marker(marker: object) -> bool:
    """A numbering marker that is not a dotted code (Roman, lettered, a dash)."""
    return style_of(marker) in (ROMAN, LETTER, DASH)


def dotted_codes(markers: list[str]) -> list[str]:
    """Printed markers, in table order → dotted codes by level of first appearance."""
    levels: dict[str, int] = {}
    counts: list[int] = []
    codes = []
    for marker in markers:
        style = style_of(marker) or DASH
        level = min(levels.setdefault(style, len(levels) + 1), len(counts) + 1)
        while len(counts) < level - 1:
            counts.append(1)  # a level skipped: count its missing parent as the first
        del counts[level:]
        if len(counts) == level:
            counts[-1] += 1
        else:
            counts.append(1)
        codes.append(".".join(map(str, counts)))
    return codes


def styles_shown(markers: list[str]) -> str:
    seen = dict.fromkeys(style_of(m) or DASH for m in markers)
    return " / ".join(_SHOWN[s] for s in seen)

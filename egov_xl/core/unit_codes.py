"""What a unit code may be, so one unit is never two: "SỞ-A" typed precomposed and decomposed,
with a Cyrillic "О" or with a trailing zero-width space would otherwise be four units.

A unit code is 1 to 64 characters of the documented set: the capital letters A–Z, the digits
0–9, and "-", "_", "." (not first). Everything else is refused with one sentence naming the
character (its Unicode name and U+ number): a decomposed form (NFC differs), an invisible
character (zero-width, BOM, any format character), a Cyrillic or Greek look-alike, a small
letter, a Vietnamese letter, a space. Nothing is silently changed: a code the admin wrote is
either kept as written or refused. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import UserError

MAX_LENGTH = 64
CHARSET = "A–Z 0–9 - _ ."
_ALLOWED = re.compile(r"[A-Z0-9][A-Z0-9._-]*")
_LOOKALIKE_SCRIPTS = ("CYRILLIC", "GREEK")


class UnitCodeError(UserError):
    """A unit code outside the documented set; `key`/`params` name the sentence."""


def check_code(code: str) -> str:
    """`code` unchanged when it is a valid unit code; else UnitCodeError with the reason."""
    if not code or not code.strip():
        raise UnitCodeError("archive_unit_empty")
    if code != code.strip():
        raise UnitCodeError("archive_unit_spaces", unit=code)
    if len(code) > MAX_LENGTH:
        raise UnitCodeError("archive_unit_too_long", unit=code, length=len(code), max=MAX_LENGTH)
    if unicodedata.normalize("NFC", code) != code:
        raise UnitCodeError("unit_code_decomposed", unit=code, fixed=unicodedata.normalize("NFC", code))
    for position, char in enumerate(code, start=1):
        if not _ALLOWED.fullmatch(char if position == 1 else "A" + char):
            raise UnitCodeError(_reason(char), unit=_visible(code), char=_described(char), position=position,
                                charset=CHARSET)
    return code


def _reason(char: str) -> str:
    if unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Cc", "Mn"):
        return "unit_code_invisible"
    if any(unicodedata.name(char, "").startswith(script) for script in _LOOKALIKE_SCRIPTS):
        return "unit_code_lookalike"
    if char.isascii() and char.islower():
        return "unit_code_lowercase"
    return "unit_code_char"


def _described(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '?')}"


def _visible(code: str) -> str:
    """The code with its invisible characters shown as <U+200B>, so the sentence can be read."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") else c for c in code)

"""Normalising Vietnamese labels, units and indicator codes for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"<[^>]+>")
_PAREN = re.compile(r"\([^()]*\)")
_NON_WORD = re.compile(r"[^0-9a-z%]+")
_CODE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s*$")
_LEADING_CODE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(?=\D)")


def strip_tags(text: str) -> str:
    """Remove HTML-like tags (<i>, <b>) that survive copying from Word or a web page."""
    return _TAG.sub("", text)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, drop diacritics (đ → d) and tags, keep letters, digits and %."""
    text = strip_tags(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain.lower()).strip()


@lru_cache(maxsize=4096)
def fold_label(text: str) -> str:
    """Fold a label and drop parenthetical notes, which forms add and remove freely."""
    previous = None
    text = strip_tags(text)
    while previous != text:
        previous, text = text, _PAREN.sub(" ", text)
    return fold(text)


@lru_cache(maxsize=16384)
def label_similarity(a: str, b: str) -> float:
    """Similarity of two folded labels, 0 to 1."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    from difflib import SequenceMatcher  # the engine's alone: a reader tests rows with this module

    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.3:
        return matcher.real_quick_ratio()
    return matcher.ratio()


def parse_code(value: object) -> str | None:
    """'4.1.2.' or '4.1.2' → '4.1.2'; anything that is not an indicator code → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 0 < value < 100:
            return str(int(value))
        return None
    match = _CODE.match(str(value))
    return match.group(1) if match else None


def split_leading_code(text: str) -> tuple[str | None, str]:
    """'4.1.2. Số lượng …' → ('4.1.2', 'Số lượng …'), for tables without a code column."""
    match = _LEADING_CODE.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None

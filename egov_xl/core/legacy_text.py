"""Vietnamese typed in the pre-Unicode encodings, back to Unicode.

Offices still type with .VnTime fonts (TCVN3, also called ABC: one byte per accented
letter, "Thñ tôc" for "Thủ tục") or VNI-Times fonts (VNI: a letter followed by a mark
character, "Thuû tuïc"). A file saved that way holds those Latin-1 characters; this module
tells the two apart and converts. Pure functions over text (and `convert_grid`, which applies
them to a sheet before anything matches it); the tables below are data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from enum import StrEnum
from itertools import chain


class Legacy(StrEnum):
    TCVN3 = "TCVN3"
    VNI = "VNI"


FONTS = {Legacy.TCVN3: ".VnTime", Legacy.VNI: "VNI-Times"}

# TCVN3 (ABC): legacy character → Unicode letter. Upper-case toned letters are typed with the
# same codes in an upper-case font (.VnTimeH), so they read as lower case here.
TCVN3 = dict(zip(
    "¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\xadøõö÷ùýúûüþ¡¢§£¤¥¦",
    "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵĂÂĐÊÔƠƯ",
))

# VNI: a tone mark typed after its vowel, and the characters that stand for a modified vowel.
VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
VNI_CIRCUMFLEX_TONES = {"á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
VNI_BREVE_TONES = {"é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}

_VNI_SIGNS = re.compile(r"[aeiouyAEIOUY][øûïØÛÏ]|[aeoAEO][âêÂÊ]|[aA][éèúüëÉÈÚÜË]|[ôöÔÖ][ùøûõïÙØÛÕÏ]")
_UNICODE_VIETNAMESE = re.compile(r"[\u0100-\u01b0\u1ea0-\u1ef9]")


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for lower in "aeiouyơư":
        upper = lower.upper()
        base_lower = {"ơ": "ô", "ư": "ö"}.get(lower, lower)
        for mark, combining in VNI_TONES.items():
            pairs[base_lower + mark] = _compose(lower, combining)
            pairs[base_lower.upper() + mark.upper()] = _compose(upper, combining)
    for vowel in "aeo":
        pairs[vowel + "â"] = _compose(vowel, "\u0302")
        pairs[vowel.upper() + "Â"] = _compose(vowel.upper(), "\u0302")
        for mark, combining in VNI_CIRCUMFLEX_TONES.items():
            pairs[vowel + mark] = _compose(vowel, "\u0302", combining)
            pairs[vowel.upper() + mark.upper()] = _compose(vowel.upper(), "\u0302", combining)
    pairs["aê"], pairs["AÊ"] = "ă", "Ă"
    for mark, combining in VNI_BREVE_TONES.items():
        pairs["a" + mark] = _compose("a", "\u0306", combining)
        pairs["A" + mark.upper()] = _compose("A", "\u0306", combining)
    return pairs


VNI_PAIRS = _vni_pairs()
VNI_ONE = {**VNI_SINGLE, **{k.upper(): v.upper() for k, v in VNI_SINGLE.items()}}

# Signs of TCVN3: a character neither Unicode Vietnamese nor VNI uses, or a legacy vowel
# straight after a consonant where VNI would need a vowel first ("Thñ" for "Thủ").
_LATIN1_VIETNAMESE = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_VNI_CHARS = frozenset("".join(VNI_PAIRS) + "".join(VNI_ONE))
_TCVN3_ONLY = frozenset(TCVN3) - _LATIN1_VIETNAMESE - _VNI_CHARS
_TCVN3_AFTER_CONSONANT = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ][ñøûïåë÷]")


def legacy_candidate(text: str) -> bool:
    """Could this text be legacy-encoded: non-ASCII, but no Unicode-only Vietnamese letter?"""
    return not text.isascii() and not _UNICODE_VIETNAMESE.search(text)


def detect(texts) -> Legacy | None | bool:
    """The encoding the texts were typed in: a Legacy member, None for Unicode (nothing to
    convert), or False when they show signs of both encodings and cannot be decided."""
    tcvn3 = vni = 0
    distinct = Counter(text for text in texts if text.__class__ is str)  # a data sheet repeats its texts
    for text, times in distinct.items():
        if not legacy_candidate(text):
            continue
        tcvn3 += times * (any(ch in _TCVN3_ONLY for ch in text) or bool(_TCVN3_AFTER_CONSONANT.search(text)))
        vni += times * bool(_VNI_SIGNS.search(text))
    if tcvn3 and vni:
        return False if min(tcvn3, vni) * 4 > max(tcvn3, vni) else (Legacy.TCVN3 if tcvn3 > vni else Legacy.VNI)
    if tcvn3:
        return Legacy.TCVN3
    if vni:
        return Legacy.VNI
    return None


def to_unicode(text: str, encoding: Legacy) -> str:
    """Convert one text; Unicode text (with letters only Unicode has) is returned unchanged."""
    if not legacy_candidate(text):
        return text
    if encoding is Legacy.TCVN3:
        return "".join(TCVN3.get(ch, ch) for ch in text)
    out, i = [], 0
    while i < len(text):
        pair = VNI_PAIRS.get(text[i:i + 2])
        if pair:
            out.append(pair)
            i += 2
            continue
        out.append(VNI_ONE.get(text[i], text[i]))
        i += 1
    return "".join(out)


ENCODED = "source.legacy-encoding"
UNDECIDED = "source.encoding-undecided"


def convert_grid(grid) -> None:
    """A SheetGrid's text typed in TCVN3 or VNI, converted to Unicode in place with a note
    naming the encoding; undecidable text is left as it is, with one note instead of a label
    finding per row."""
    encoding = detect(chain.from_iterable(grid.values))
    if encoding is None:
        return
    if encoding is False:
        grid.notes.append((UNDECIDED, {}))
        return
    grid.values = [[to_unicode(v, encoding) if v.__class__ is str else v for v in line] for line in grid.values]
    grid.near = None  # found in the text as typed: work them out again from the converted text
    grid.caption = to_unicode(grid.caption, encoding)
    grid.notes.append((ENCODED, {"encoding": encoding.value, "fonts": FONTS[encoding]}))


def convert_workbook(workbook):
    """Every grid of a WorkbookGrid through `convert_grid`: the one call each way of building
    grids makes (a file's reader, the add-in's payload), so both read legacy text alike."""
    for grid in workbook.sheets:
        convert_grid(grid)
    return workbook

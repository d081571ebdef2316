"""The kinds of reporting unit a province's archive holds: the one definition (keys, Vietnamese
and English names) that the import, `archive units list`, the board, the unit page's peers and the
consolidation's outliers share; the reporting calendar only adds the name prefixes that guess the
kind of a unit imported without one. How an admin's file may write a kind ("Sở, ban, ngành",
"sở/ban/ngành", "so-ban-nganh" and the calendar's old key "so-nganh" are one kind: compared folded,
without case, diacritics or punctuation). Data, so a new kind is one entry. Pure: no I/O."""

from __future__ import annotations

from .text import fold

# stored key -> the Vietnamese label `archive units list` and the board show, in the board's order
KINDS = {
    "tinh": "UBND tỉnh",
    "so-ban-nganh": "Sở, ban, ngành",
    "nganh-doc": "Cơ quan ngành dọc",
    "xa-phuong-dac-khu": "Xã, phường, đặc khu",
}
ENGLISH = {
    "tinh": "Provincial People's Committee",
    "so-ban-nganh": "Provincial departments and agencies",
    "nganh-doc": "Local offices of central agencies",
    "xa-phuong-dac-khu": "Communes, wards and special zones",
}
# folded spellings -> key (the key itself and its label are added below)
_SPELLINGS = {
    "tinh": "tinh", "ubnd tinh": "tinh", "uy ban nhan dan tinh": "tinh", "thanh pho": "tinh",
    "so": "so-ban-nganh", "ban": "so-ban-nganh", "nganh": "so-ban-nganh",
    "co quan nganh doc": "nganh-doc", "nganh doc": "nganh-doc",
    "xa": "xa-phuong-dac-khu", "phuong": "xa-phuong-dac-khu", "dac khu": "xa-phuong-dac-khu",
    "xa phuong": "xa-phuong-dac-khu",
    "so nganh": "so-ban-nganh",  # the calendar's old keys "so-nganh" and "xa-phuong" (bookmarked board filters)
}
_SPELLINGS.update({fold(key): key for key in KINDS})
_SPELLINGS.update({fold(label): key for key, label in KINDS.items()})


def kind_of(text: str) -> str | None:
    """The stored key for an admin's spelling of a kind; None when it names none."""
    return _SPELLINGS.get(fold(text or ""))


def label_of(key: str | None) -> str:
    return KINDS.get(key or "", key or "")


def listed() -> str:
    """The kinds as a sentence lists them: "UBND tỉnh; Sở, ban, ngành; …"."""
    return "; ".join(KINDS.values())

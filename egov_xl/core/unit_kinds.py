"""The kinds of reporting unit a province's archive holds, and how an admin's file may write
them ("Sở, ban, ngành", "sở/ban/ngành", "so-ban-nganh" are one kind: compared folded, without
case, diacritics or punctuation). Data, so a new kind is one entry. Pure: no I/O."""

from __future__ import annotations

from .text import fold

# stored key -> the Vietnamese label `archive units list` shows
KINDS = {
    "tinh": "UBND tỉnh",
    "so-ban-nganh": "Sở, ban, ngành",
    "nganh-doc": "Cơ quan ngành dọc",
    "xa-phuong-dac-khu": "Xã, phường, đặc khu",
}
# folded spellings -> key (the key itself and its label are added below)
_SPELLINGS = {
    "tinh": "tinh", "ubnd tinh": "tinh", "uy ban nhan dan tinh": "tinh", "thanh pho": "tinh",
    "so": "so-ban-nganh", "ban": "so-ban-nganh", "nganh": "so-ban-nganh",
    "co quan nganh doc": "nganh-doc", "nganh doc": "nganh-doc",
    "xa": "xa-phuong-dac-khu", "phuong": "xa-phuong-dac-khu", "dac khu": "xa-phuong-dac-khu",
    "xa phuong": "xa-phuong-dac-khu",
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

"""The one error a reader (and the limits guard before it) raises: an input that cannot be read,
and why in the clerk's words (the reader's own English words stay for the log)."""

from __future__ import annotations

import re

from ..core.errors import UserError
from ..core.amounts import Reason


class ReadError(UserError):
    """An input that cannot be read; `key` names the catalogue text, `params` fill it."""


def existing_file(path) -> None:
    """Nothing when `path` is a file; else its sentence: a folder named where a file is wanted
    (`egov-xl validate thu-muc/`), or nothing there."""
    if not path.is_file():
        raise ReadError("file_is_folder" if path.is_dir() else "file_missing", path=str(path))


# What readers (zipfile, python-calamine, xlrd, expat/ElementTree, the chain checks) say, first
# match wins, as the catalogue word a sentence shows; anything else: "reason_other".
_RECOGNISED = (
    (re.compile(r"password|encrypt", re.I), "reason_encrypted"),
    (re.compile(r"not a zip|bad ?zip|zip file|central directory", re.I), "reason_not_zip"),
    (re.compile(r"xml|syntax error|not well-formed|unclosed token|mismatched tag|tag not closed|"
                r"no element found|junk after document", re.I), "reason_bad_xml"),
    (re.compile(r"truncat|unexpected end|end of (file|stream)|ended before|\beof\b|"
                r"error -5 while decompressing", re.I), "reason_truncated"),
    (re.compile(r"ole2?\b|cfb|compound (file|document)|not an office document|bof record", re.I), "reason_not_ole"),
)


def recognised(text: str) -> str:
    """The catalogue word for a reader's reason."""
    return next((word for pattern, word in _RECOGNISED if pattern.search(text)), "reason_other")


def reason(exc: Exception) -> Reason:
    """Why a reader failed: its first line (for the log), shown to a clerk as a short phrase."""
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0][:200]
    return Reason(text, recognised(text))


def raw_reasons(exc: UserError) -> str:
    """The readers' own words behind a sentence, for the log ("" when there are none)."""
    return "; ".join(str(value) for value in exc.params.values() if isinstance(value, Reason))

"""The one error a reader (and the limits guard before it) raises: an input that cannot be read."""

from __future__ import annotations

from ..core.errors import UserError


class ReadError(UserError):
    """An input that cannot be read; `key` names the catalogue text, `params` fill it."""


def reason(exc: Exception) -> str:
    """The first line of an exception, short enough for a clerk's sentence."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]

"""The one error a reader raises for an input it cannot use."""

from __future__ import annotations

from ..core.errors import UserError


class ReadError(UserError):
    """An input that cannot be read; `key` names the catalogue text, `params` fill it."""

"""The one error a source raises: an input that cannot be read."""

from __future__ import annotations


class ReadError(Exception):
    """An input that cannot be read; `key` names the catalogue text, `params` fill it."""

    def __init__(self, key: str, **params: str):
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}")


def reason(exc: Exception) -> str:
    """The first line of an exception, short enough for a clerk's sentence."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]

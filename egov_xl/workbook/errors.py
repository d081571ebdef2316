"""The one error a reader raises for an input it cannot use."""

from __future__ import annotations


class ReadError(Exception):
    """An input that cannot be read; `key` names the catalogue text, `params` fill it."""

    def __init__(self, key: str, **params: str):
        self.key = key
        self.params = params
        super().__init__(f"{key}: {params}")

"""Sizing rows for wrapped text. Spreadsheet programs do not grow rows that a library wrote,
so a long label or message would otherwise overlap the row below it."""

from __future__ import annotations

LINE_HEIGHT = 15  # points per line of 11-point text


def wrapped_height(*texts: tuple[str, int]) -> float:
    """Row height for (text, characters per line) pairs: the tallest wrapped cell wins."""
    lines = max([1] + [-(-len(text) // max(1, chars)) for text, chars in texts])
    return LINE_HEIGHT * lines + 3

"""What the reader observed about the table's source (a legacy text encoding, numbering
other than dotted codes), as findings."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..legacy_text import ENCODED, UNDECIDED
from ..locate import RENUMBERED
from ..amounts import Word
from .context import Context
from .registry import Needs, family


def check(ctx: Context) -> Iterator[Finding]:
    table = ctx.form.table
    first = table.rows[0].label_ref if table.rows else None
    form = ctx.edition.short_title if ctx.form.recognised else Word("form_unknown")
    for rule, params in table.notes:
        if rule == RENUMBERED and not ctx.form.recognised:
            rule = NUMBERED_UNKNOWN  # no form to match by label: say what was done instead
        yield ctx.finding(rule, None, first, **{"form": form, **params})


def undecided_text(ctx: Context) -> bool:
    """The table's text could not be decoded: label and unit findings would all be noise."""
    return any(rule == UNDECIDED for rule, _ in ctx.form.table.notes)


NUMBERED_UNKNOWN = "structure.numbered-unknown"

RULES = family("source", Needs.TABLE, check, (ENCODED, UNDECIDED, RENUMBERED, NUMBERED_UNKNOWN))

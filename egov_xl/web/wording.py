"""How the console's pages speak: one language per page (Vietnamese; English when the reader
chose it with the switch, kept in a cookie), Vietnamese number notation (1.234,5), times in
the office's clock (the calendar's UTC offset) with the offset written beside them, a ratio's
change in percentage points."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import jinja2
from fastapi import Request

from .. import definitions
from ..core.clock import local
from ..core.tolerance import display, signed

LANG_COOKIE = "egov_lang"
LANGUAGES = ("vi", "en")


def language(request: Request) -> str:
    """The reader's language: Vietnamese unless they switched to English (cookie)."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGUAGES else "vi"


def here(request: Request) -> str:
    """This page's path and query, for the language switch to come back to."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


@jinja2.pass_context
def _t(context, key: str, **params) -> str:
    return definitions.catalogue(context.get("lang", "vi")).text(key, **params)


@jinja2.pass_context
def _kept(context, entry: dict) -> str:
    """A finding kept in an archived revision's summary, as a sentence."""
    return definitions.catalogue(context.get("lang", "vi")).stored_message(entry)


@jinja2.pass_context
def _severity(context, entry: dict) -> str:
    word = str(entry.get("severity", ""))
    return definitions.catalogue(context.get("lang", "vi")).severities.get(word, word)


def number(value) -> str:
    """A number the way a Vietnamese reader writes it (1.400 ; 89,5); empty for none."""
    if value is None or value == "":
        return ""
    return display(value if isinstance(value, Decimal) else Decimal(str(value)))


def change(value, decimals: int = 1) -> str:
    """A change with its sign (+2,5 ; -16,9); empty for none."""
    if value is None:
        return ""
    return signed(value if isinstance(value, Decimal) else Decimal(str(value)), decimals)


def percent(part: int, whole: int) -> str:
    """part of whole in percent, one decimal, Vietnamese notation (86,5 %)."""
    if not whole:
        return "0 %"
    return f"{display(Decimal(100 * part) / Decimal(whole), 1)} %"


@jinja2.pass_context
def _local(context, moment, with_time: bool = True) -> str:
    return local(moment, context.get("zone") or UTC, with_time)


GLOBALS = {"t": _t, "kept": _kept, "severity": _severity, "shown": number, "percent": percent}
FILTERS = {"local": _local, "num": number, "change": change}

"""A stored moment as a reader sees it: in the office's clock (the calendar's UTC offset),
written 20/03/2025 14:05 with the offset beside it. The one place a time is formatted for a
clerk or an admin (the console's pages, its export, the CLI's listings)."""

from __future__ import annotations

from datetime import UTC, datetime, timezone


def local(moment: datetime | None, zone: timezone, with_time: bool = True) -> str:
    """A stored (UTC) moment in the office's clock, labelled with its offset: 20/03/2025 14:05 (UTC+7)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back UTC without its zone
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(zone)
    return shown.strftime("%d/%m/%Y %H:%M") + f" ({offset(zone)})" if with_time else shown.strftime("%d/%m/%Y")


def local_text(stamp: str, zone: timezone) -> str:
    """A moment stored as ISO text (the tokens file's 'created'), in the office's clock; text
    that is not a moment is shown as it is."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    return local(moment, zone)


def offset(zone: timezone) -> str:
    hours = zone.utcoffset(None).total_seconds() / 3600
    return f"UTC{hours:+g}"

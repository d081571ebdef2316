"""The reporting calendar of a receiving office: when each period's report is due, and how a
unit's name guesses its kind when the unit was imported without one (the kinds themselves, their
keys and names, are core/unit_kinds.py). Data in calendar.yaml (or the province's copy named by the
settings' calendar_file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from ..core import unit_kinds
from ..core.errors import UserError
from ..core.spec import PeriodKind
from ..core.periods import KEY_PART, Period

DEFAULT = Path(__file__).with_name("calendar.yaml")


@dataclass(frozen=True)
class UnitKind:
    key: str
    vi: str
    en: str
    prefixes: tuple[str, ...]

    @property
    def folded(self) -> tuple[str, ...]:
        return _folded(self.prefixes)


@dataclass(frozen=True)
class Calendar:
    zone: timezone
    due_days: dict[str, int]
    kinds: tuple[UnitKind, ...]  # every kind of core/unit_kinds.py, in its order (the board's groups)
    guesses: tuple[UnitKind, ...] = ()  # the kinds with name prefixes, in the calendar's order

    def due(self, period: Period) -> date:
        part = "month" if period.kind is PeriodKind.MONTH else KEY_PART[period.kind]
        return period.end + timedelta(days=self.due_days.get(part, 6))

    def deadline(self, period: Period) -> datetime:
        """The first moment that is late: midnight after the due day in the office's clock, in
        UTC (the archive's zone, so a comparison needs no conversion)."""
        return datetime.combine(self.due(period) + timedelta(days=1), time.min, tzinfo=self.zone).astimezone(UTC)

    def on_time(self, period: Period, archived_at: datetime) -> bool:
        if archived_at.tzinfo is None:  # SQLite hands back UTC without its zone
            archived_at = archived_at.replace(tzinfo=UTC)
        return archived_at < self.deadline(period)

    def kind_of(self, name: str, stored: str | None = None) -> str | None:
        """The unit's kind: the one imported with it (`stored`), else the guess from its name."""
        if stored and (key := unit_kinds.kind_of(stored)):
            return key
        folded = (name or "").strip().casefold()
        for kind in self.guesses:
            if folded.startswith(kind.folded):
                return kind.key
        return None


@lru_cache(maxsize=64)
def _folded(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(prefix.casefold() for prefix in prefixes)


def load_calendar(path: Path | None = None) -> Calendar:
    target = path or DEFAULT
    return _load(str(target), target.stat().st_mtime)


@lru_cache(maxsize=4)
def _load(path: str, _stamp: float) -> Calendar:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    prefixes = _prefixes(path, data.get("unit_kinds") or {})
    kinds = {key: UnitKind(key, vi, unit_kinds.ENGLISH[key], prefixes.get(key, ()))
             for key, vi in unit_kinds.KINDS.items()}
    return Calendar(timezone(timedelta(hours=float(data.get("utc_offset_hours", 7)))),
                    {str(k): int(v) for k, v in (data.get("due_days_after_cutoff") or {}).items()},
                    tuple(kinds.values()), tuple(kinds[key] for key in prefixes))


def _prefixes(path: str, entries: dict) -> dict[str, tuple[str, ...]]:
    """The calendar's name prefixes by kind key, in its order (a copy may still use the old keys
    "so-nganh", "xa-phuong"; its own "vi"/"en" are not read: the names are core/unit_kinds.py's)."""
    prefixes: dict[str, tuple[str, ...]] = {}
    for written, entry in entries.items():
        key = unit_kinds.kind_of(str(written))
        if key is None:
            raise UserError("calendar_kind", path=path, value=written, kinds=", ".join(unit_kinds.KINDS))
        prefixes[key] = prefixes.get(key, ()) + tuple((entry or {}).get("prefixes", []))
    return prefixes

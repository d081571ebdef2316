"""What the server remembers between calls of one clerk's workbook.

Custom functions receive their arguments and the calling cell's address, never the
workbook. When a script runs (Kiểm tra, refresh, archive, or the task pane setting the unit
and period) it records the workbook's unit and period here, keyed by user and workbook name,
so =EGOV.PRIOR("4.1.1") knows which unit and period it is about; Kiểm tra also records each
row's status for =EGOV.CHECK("4.1"). Kept in memory per server
process; a workbook whose context is unknown gets a message asking for the arguments.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

_MAX = 5000
_contexts: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
_statuses: OrderedDict[tuple[str, str], dict[str, str]] = OrderedDict()
_lock = Lock()


def remember(user_id: str | None, book: str, unit: str, period: str) -> None:
    with _lock:
        _contexts[(user_id or "", book)] = (unit, period)
        _contexts.move_to_end((user_id or "", book))
        while len(_contexts) > _MAX:
            _contexts.popitem(last=False)


def recall(user_id: str | None, book: str) -> tuple[str, str] | None:
    with _lock:
        return _contexts.get((user_id or "", book))


def remember_statuses(user_id: str | None, book: str, statuses: dict[str, str]) -> None:
    """The first error or warning per indicator code from the workbook's latest check."""
    key = (user_id or "", book)
    with _lock:
        _statuses[key] = statuses
        _statuses.move_to_end(key)
        while len(_statuses) > _MAX:
            _statuses.popitem(last=False)


def recall_statuses(user_id: str | None, book: str) -> dict[str, str] | None:
    with _lock:
        return _statuses.get((user_id or "", book))

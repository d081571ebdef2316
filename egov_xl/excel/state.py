"""What the server remembers between calls of one clerk's workbook.

Custom functions receive their arguments and the calling cell's address, never the
workbook. When a script runs (Kiểm tra, refresh, archive, or the task pane setting the unit
and period) it records the workbook's unit and period here, keyed by user and workbook name,
so =EGOV.PRIOR("4.1.1") knows which unit and period it is about. Kept in memory per server
process; a workbook whose context is unknown gets a message asking for the arguments.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

_MAX = 5000
_contexts: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
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

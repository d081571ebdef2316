"""What the server remembers between calls of one clerk's workbook: its function context.

Custom functions receive their arguments and the calling cell's address, never the
workbook. When a script runs (Kiểm tra, refresh, archive, or the task pane setting the unit
and period) it records the workbook's unit and period, so =EGOV.PRIOR("4.1.1") knows which
unit and period it is about; Kiểm tra also records each row's status for =EGOV.CHECK("4.1").

It lives in the archive database (table function_context, egov_xl/archive/function_state.py),
so every worker and every server on the same archive answers alike. The key is the owner and
the workbook's name; the owner is the signed-in user, or without authentication the Excel
client's id (egov_xl.server.session), so two clerks' "BaoCao.xlsx" stay apart. A workbook whose context is unknown gets a message
asking for the arguments.
"""

from __future__ import annotations

import json

from ..archive import function_state
from ..server import runtime, session
from . import access


def owner(user) -> str:
    """Whose context: "user:<id>" when signed in, else "client:<Excel client id>" (or "")."""
    if access.auth_enabled():
        return f"user:{getattr(user, 'id', '')}"
    client = session.current()
    return f"client:{client}" if client else ""


def _save(user, book: str, **values) -> None:
    function_state.save(runtime.current().archive(), owner(user), book, **values)


def _load(user, book: str) -> function_state.Context | None:
    return function_state.load(runtime.current().archive(), owner(user), book)


def remember(user, book: str, unit: str, period: str) -> None:
    _save(user, book, unit=unit, period=period)


def recall(user, book: str) -> tuple[str, str] | None:
    row = _load(user, book)
    return (row.unit, row.period) if row is not None and row.unit and row.period else None


def remember_statuses(user, book: str, statuses: dict[str, str]) -> None:
    """The first error or warning per indicator code from the workbook's latest check."""
    _save(user, book, statuses=json.dumps(statuses, ensure_ascii=False))


def recall_statuses(user, book: str) -> dict[str, str] | None:
    row = _load(user, book)
    return json.loads(row.statuses) if row is not None and row.statuses else None

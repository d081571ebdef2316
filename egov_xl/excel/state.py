"""What the server remembers between calls of one clerk's workbook: its function context.

Custom functions receive their arguments and the calling cell's address, never the
workbook. When a script runs (Kiểm tra, refresh, archive, or the task pane setting the unit
and period) it records the workbook's unit and period, so =EGOV.PRIOR("4.1.1") knows which
unit and period it is about; Kiểm tra also records each row's status for =EGOV.CHECK("4.1").

It lives in the archive database (table function_context, migration 0003), so every worker
and every server on the same archive answers alike. It is mutable state, kept apart from the
append-only archive tables. The key is the owner and the workbook's name; the owner is the
signed-in user, or without authentication the Excel client's id (egov_xl.server.session), so
two clerks' "BaoCao.xlsx" stay apart. A workbook whose context is unknown gets a message
asking for the arguments.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ..archive.db import translated
from ..archive.store import Prepared
from ..server import runtime, session
from . import access

metadata = MetaData()
function_context = Table(
    "function_context", metadata,
    Column("owner", String(200), primary_key=True),
    Column("workbook", String(300), primary_key=True),
    Column("unit", String(64)),
    Column("period", String(32)),
    Column("statuses", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
_c = function_context.c
LOAD = Prepared(select(_c.unit, _c.period, _c.statuses).where(_c.owner == bindparam("owner"),
                                                              _c.workbook == bindparam("workbook")))


class Context(NamedTuple):
    unit: str | None
    period: str | None
    statuses: str | None


def owner(user) -> str:
    """Whose context: "user:<id>" when signed in, else "client:<Excel client id>" (or "")."""
    if access.auth_enabled():
        return f"user:{getattr(user, 'id', '')}"
    client = session.current()
    return f"client:{client}" if client else ""


def _save(user, book: str, **values) -> None:
    """Upsert; a row that already holds these values is left alone (no write lock taken: a
    clerk's repeated Kiểm tra of an unchanged form costs one read)."""
    archive = runtime.current().archive()
    row = _load(user, book)
    if row is not None and all(getattr(row, name) == value for name, value in values.items()):
        return
    key = {"owner": owner(user)[:200], "workbook": (book or "")[:300]}
    values["updated_at"] = datetime.now(UTC)
    insert = (postgresql.insert if archive.dialect == "postgresql" else sqlite.insert)(function_context)
    statement = insert.values(**key, **values).on_conflict_do_update(index_elements=list(key), set_=values)
    with translated(archive.url), archive.engine.execution_options(egov_write=True).begin() as conn:
        conn.execute(statement)


def _load(user, book: str) -> Context | None:
    archive = runtime.current().archive()
    with translated(archive.url), archive.engine.connect() as conn:
        rows = LOAD.rows(conn, {"owner": owner(user)[:200], "workbook": (book or "")[:300]})
    return Context(*rows[0]) if rows else None


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

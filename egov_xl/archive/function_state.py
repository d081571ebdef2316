"""The add-in's function context on the archive database (table function_context, migration
0003): per owner and workbook, the unit and period the workbook reports and its latest check's
row statuses. Mutable state, kept apart from the append-only tables: a row is replaced, never
appended. Who the owner is and when a context is recorded is the add-in's (egov_xl/excel/state.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from . import models
from .db import Database
from .store import Prepared

_C = models.function_context.c
LOAD = Prepared(select(_C.unit, _C.period, _C.statuses).where(_C.owner == bindparam("owner"),
                                                              _C.workbook == bindparam("workbook")))
OWNER_MAX, WORKBOOK_MAX = _C.owner.type.length, _C.workbook.type.length


class Context(NamedTuple):
    unit: str | None
    period: str | None
    statuses: str | None


def _key(owner: str, workbook: str) -> dict[str, str]:
    return {"owner": owner[:OWNER_MAX], "workbook": (workbook or "")[:WORKBOOK_MAX]}


def load(db: Database, owner: str, workbook: str) -> Context | None:
    """The recorded context of `owner`'s workbook, None when none was recorded."""
    with db.read() as conn:
        rows = LOAD.rows(conn, _key(owner, workbook))
    return Context(*rows[0]) if rows else None


def save(db: Database, owner: str, workbook: str, **values) -> None:
    """Record `values` (unit, period, statuses) for `owner`'s workbook. A row that already holds
    them is left alone (no write lock taken: a clerk's repeated check of an unchanged form costs
    one read)."""
    row = load(db, owner, workbook)
    if row is not None and all(getattr(row, name) == value for name, value in values.items()):
        return
    key = _key(owner, workbook)
    values["updated_at"] = datetime.now(UTC)
    statement = db.insert(models.function_context).values(**key, **values) \
        .on_conflict_do_update(index_elements=list(key), set_=values)
    with db.write() as conn:
        conn.execute(statement)


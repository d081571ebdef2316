"""The archive's reporting units as a whole: list them, look codes up, and write a whole table of
units (code, name, parent, kind) in one transaction, the way `egov-xl archive units import`
needs it. Storage only: the rows arrive checked (core/unit_table.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from . import models
from .db import Database
from .store import _upserts, unit_code

_U = models.Unit


@dataclass(frozen=True, slots=True)
class UnitRecord:
    code: str
    name: str
    parent: str | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class Written:
    created: list[str]
    changed: list[str]
    unchanged: list[str]


def listed(db: Database) -> list[UnitRecord]:
    """Every unit, by code, with its parent's code and its kind."""
    parent = models.units.alias("parent")
    query = (select(_U.code, _U.name, parent.c.code, _U.kind).outerjoin(parent, _U.parent_id == parent.c.id)
             .order_by(_U.code))
    with db.read() as conn:
        return [UnitRecord(*row) for row in conn.execute(query)]


def known(db: Database, codes: Iterable[str]) -> set[str]:
    """Those of `codes` the archive holds."""
    wanted = sorted(set(codes))
    if not wanted:
        return set()
    query = select(_U.code).where(_U.code.in_(bindparam("codes", expanding=True)))
    with db.read() as conn:
        return set(conn.scalars(query, {"codes": wanted}))


def names(db: Database, codes: Iterable[str]) -> dict[str, str]:
    """Each known code's name (a unit created by a save is named by its code)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    query = select(_U.code, _U.name).where(_U.code.in_(bindparam("codes", expanding=True)))
    with db.read() as conn:
        return dict(conn.execute(query, {"codes": wanted}).all())


def plan(db: Database, rows: list[UnitRecord]) -> Written:
    """What `write(rows)` would do, without writing: created, changed and unchanged codes."""
    now = {unit.code: unit for unit in listed(db)}
    created = [r.code for r in rows if r.code not in now]
    changed = [r.code for r in rows if r.code in now and now[r.code] != r]
    unchanged = [r.code for r in rows if r.code in now and now[r.code] == r]
    return Written(created, changed, unchanged)


def write(db: Database, rows: list[UnitRecord]) -> Written:
    """Create or update every row in one transaction (all or nothing): codes first, then names,
    parents and kinds, so a parent may come after its children in the file. Rows already as
    written are not touched (re-importing a file changes nothing)."""
    done = plan(db, rows)
    unchanged = set(done.unchanged)
    todo = [r for r in rows if r.code not in unchanged]
    for row in todo:
        unit_code(row.code)
    if not todo:
        return done
    with db.write() as conn:
        conn.execute(_upserts(db.dialect).unit, [{"unit_code": r.code, "unit_name": r.name} for r in todo])
        ids = dict(conn.execute(select(_U.code, _U.id)).all())
        conn.execute(_SET_UNIT, [{"b_code": r.code, "b_name": r.name, "b_kind": r.kind,
                                  "b_parent": ids.get(r.parent) if r.parent else None} for r in todo])
    return done


_SET_UNIT = (update(models.units).where(_U.code == bindparam("b_code"))
             .values(name=bindparam("b_name"), parent_id=bindparam("b_parent"), kind=bindparam("b_kind")))

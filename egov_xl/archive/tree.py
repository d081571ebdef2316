"""Reads for the receiving office: the unit tree below a unit and the current revisions of
many units for one period, each in one round trip (recursive CTE; no ORM objects)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, func, literal, select

from . import models
from .db import Database
from ..core.periods import Period

_S, _U, _P, _V = models.Submission, models.Unit, models.Period, models.Value


@dataclass(frozen=True, slots=True)
class TreeUnit:
    """A unit in the archive's tree: its code, name, parent (None at a root) and imported kind."""

    code: str
    name: str
    parent: str | None
    depth: int = 0  # below a given root: 1 directly below it; 0 when read without a root
    kind: str | None = None  # core/unit_kinds.py's key from `archive units import`; None when never imported


@dataclass(slots=True)
class CurrentForm:
    """A unit's current revision of one period: its numbers by code and its error count."""

    unit: str
    revision: int
    edition_id: str
    errors: int
    values: dict[str, Decimal | None] = field(default_factory=dict)


def below(db: Database, root: str, max_depth: int = 8) -> list[TreeUnit]:
    """Every unit below `root`, parents before children, at most `max_depth` levels down."""
    parent = models.units.alias("parent")
    start = (select(_U.id, _U.code, _U.name, parent.c.code.label("parent"), literal(1).label("depth"), _U.kind)
             .join(parent, _U.parent_id == parent.c.id).where(parent.c.code == bindparam("root"))
             .cte("tree", recursive=True))
    child = models.units.alias("child")
    tree = start.union_all(
        select(child.c.id, child.c.code, child.c.name, start.c.code, start.c.depth + 1, child.c.kind)
        .join(start, child.c.parent_id == start.c.id).where(start.c.depth < max_depth))
    query = select(tree.c.code, tree.c.name, tree.c.parent, tree.c.depth, tree.c.kind).order_by(tree.c.depth, tree.c.code)
    with db.read() as conn:
        return [TreeUnit(*row) for row in conn.execute(query, {"root": root})]


def current_forms(db: Database, units: Sequence[str], period: Period) -> dict[str, CurrentForm]:
    """The current (latest) revision of each of `units` for `period`, with its values."""
    if not units:
        return {}
    latest = (select(_S.unit_id, func.max(_S.revision).label("revision"))
              .join(_P, _S.period_id == _P.id).join(_U, _S.unit_id == _U.id)
              .where(_P.key == bindparam("key"), _U.code.in_(bindparam("units", expanding=True)))
              .group_by(_S.unit_id).subquery())
    errors = _S.summary["errors"].as_integer()  # json_extract / ->> : not one JSON decode per value
    query = (select(_U.code, _S.revision, _S.edition_id, errors, _V.code, _V.number)
             .select_from(_S).join(latest, (latest.c.unit_id == _S.unit_id) & (latest.c.revision == _S.revision))
             .join(_P, _S.period_id == _P.id).join(_U, _S.unit_id == _U.id)
             .outerjoin(_V, _V.submission_id == _S.id)
             .where(_P.key == bindparam("key")).order_by(_U.code, _V.id))
    forms: dict[str, CurrentForm] = {}
    with db.read() as conn:
        for unit, revision, edition, error_count, code, number in conn.execute(
                query, {"key": period.key, "units": list(units)}):
            form = forms.get(unit)
            if form is None:
                form = forms[unit] = CurrentForm(unit, revision, edition, error_count or 0)
            if code is not None:
                form.values[code] = None if number is None else Decimal(number)
    return forms

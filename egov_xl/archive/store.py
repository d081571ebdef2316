"""The archive of submitted values: append-only revisions per unit and period."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Connection, Select, bindparam, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from . import integrity, models
from .db import ArchiveError, Database, no_nul
from ..core.periods import Period, parse_period
from ..core.report import ArchivedValue
from ..core.unit_codes import UnitCodeError, check_code


@dataclass(frozen=True, slots=True)
class Accepted:
    rule: str
    code: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An archived file's bytes and their SHA-256, computed once (the revision's summary names
    it, source_files keeps the bytes under it)."""

    data: bytes
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> SourceFile:
        return cls(data, hashlib.sha256(data).hexdigest())


@dataclass(slots=True)
class NewSubmission:
    unit: str
    period: Period
    edition_id: str
    edition_title: str
    values: list[ArchivedValue]
    archived_by: str
    source_name: str
    content_hash: str
    rules_version: str
    summary: dict
    accepted: list[Accepted] = field(default_factory=list)
    forced_reason: str | None = None
    create_unit: bool = True  # False: a unit the archive does not know is refused (archive_unit_unknown)
    source_file: SourceFile | None = None  # the file's own bytes (CLI, web), kept in source_files by SHA-256


@dataclass(slots=True)
class Meta:
    """Who archived a revision, when, from which file, under which rules, with what result."""

    archived_by: str
    archived_at: datetime
    source_name: str
    content_hash: str
    rules_version: str
    summary: dict
    forced_reason: str | None
    accepted: list[Accepted]


@dataclass(slots=True)
class Stored:
    """One revision as it was archived. Lookups for comparison leave `meta` out (None)."""

    unit: str
    period: Period
    edition_id: str
    revision: int
    values: dict[str, ArchivedValue]
    meta: Meta | None = None


_S, _U, _P, _V, _A = models.Submission, models.Unit, models.Period, models.Value, models.AcceptedWarning
_COLUMNS = (_S.id, _U.code, _P.key, _S.edition_id, _S.revision, _V.code, _V.number, _V.decimals, _V.typed, _V.unit)


def _with_values(submission_id) -> Select:
    """One round trip: a submission, its unit and period, and all its values."""
    return (select(*_COLUMNS).select_from(_S).join(_U, _S.unit_id == _U.id).join(_P, _S.period_id == _P.id)
            .outerjoin(_V, _V.submission_id == _S.id).where(_S.id == submission_id).order_by(_V.id))


def _latest(*conditions) -> Select:
    return (select(_S.id).join(_U, _S.unit_id == _U.id).join(_P, _S.period_id == _P.id)
            .where(*conditions).order_by(_P.end.desc(), _S.revision.desc()).limit(1))


class Prepared:
    """A read statement compiled once per dialect and run on the driver's own cursor of a pooled
    connection: none of SQLAlchemy's per-execution work (compiled-cache lookup, execution context,
    result metadata, row objects), the plain tuples the driver returns. For columns SQLAlchemy
    returns as the driver gives them (text, integers), not dates or JSON. A driver error becomes
    SQLAlchemy's DBAPIError, and a lost connection is invalidated, as Connection.execute does."""

    def __init__(self, statement: Select):
        self.statement = statement
        self._compiled: dict[str, tuple] = {}

    def _for(self, dialect) -> tuple:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            processors = [(name, process) for name, bind in compiled.binds.items()
                          if (process := bind.type.bind_processor(dialect)) is not None]
            order = tuple(compiled.positiontup) if compiled.positional else None
            found = self._compiled[dialect.name] = (str(compiled), compiled.params, processors, order)
        return found

    def rows(self, conn, params: dict) -> list[tuple]:
        dialect = conn.dialect
        sql, defaults, processors, order = self._for(dialect)
        values = {**defaults, **params}
        for name, process in processors:
            values[name] = process(values[name])
        args = values if order is None else tuple(values[name] for name in order)
        driver = conn.connection.dbapi_connection
        cursor = driver.cursor()
        try:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
            cursor.close()
            return rows
        except dialect.loaded_dbapi.Error as exc:
            lost = dialect.is_disconnect(exc, driver, cursor)
            if lost:
                conn.invalidate(exc)  # closes the driver's connection, with the cursor
            else:
                cursor.close()
            raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                      dialect=dialect) from exc


# compiled once, reused by every lookup
PREVIOUS = _with_values(_latest(_U.code == bindparam("unit"), _P.end < bindparam("end")).scalar_subquery())
LATEST = _with_values(_latest(_U.code == bindparam("unit"), _P.key == bindparam("key")).scalar_subquery())
REVISION = _with_values(_latest(_U.code == bindparam("unit"), _P.key == bindparam("key"),
                                _S.revision == bindparam("revision")).scalar_subquery())
BY_ID = _with_values(bindparam("sid"))
_READS = {statement: Prepared(statement) for statement in (PREVIOUS, LATEST, REVISION, BY_ID)}
ACCEPTED = select(_A.rule, _A.code, _A.reason).where(_A.submission_id == bindparam("sid")).order_by(_A.id)
PREVIOUS_SEAL = (select(models.RevisionSeal.record_hash).join(_S, _S.id == models.RevisionSeal.submission_id)
                 .where(_S.unit_id == bindparam("unit_id"), _S.period_id == bindparam("period_id"),
                        _S.revision == bindparam("revision")))
PUT_FUNCTION = text(
    "SELECT egov_archive_put(:unit_id, :period_id, :edition_id, :archived_by, :archived_at, :source_name, "
    ":content_hash, :rules_version, CAST(:summary AS json), :forced_reason, CAST(:values AS jsonb), "
    "CAST(:warnings AS jsonb), :values_hash, :body_hash)")
UNIT_CODE_MAX = models.units.c.code.type.length
INSERT_SUBMISSION = insert(models.submissions)
INSERT_VALUES = insert(models.indicator_values)
INSERT_WARNINGS = insert(models.accepted_warnings)
INSERT_SEAL = insert(models.revision_seals)
UNIT_ID = select(_U.id).where(_U.code == bindparam("unit_code"))
PERIOD_ID = select(_P.id).where(_P.key == bindparam("period_key"))
ACCEPTED_BEFORE = (select(_A.rule, _A.code, _A.reason).join(_S, _A.submission_id == _S.id)
                   .join(_U, _S.unit_id == _U.id).join(_P, _S.period_id == _P.id)
                   .where(_U.code == bindparam("unit"), _P.end < bindparam("end"))
                   .order_by(_P.end, _S.revision, _A.id))


@dataclass(frozen=True, slots=True)
class _Upserts:
    unit: object
    period: object
    edition: object
    next_revision: object
    source_file: object


@lru_cache(maxsize=None)
def _upserts(dialect: str) -> _Upserts:
    """The put path's INSERT … ON CONFLICT statements in the archive's dialect, built once per
    process (the PostgreSQL dialect is imported only for a PostgreSQL archive: ~20 ms)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    head = models.ReportHead
    return _Upserts(
        unit=dialect_insert(models.units).values(code=bindparam("unit_code"), name=bindparam("unit_name"))
        .on_conflict_do_nothing(index_elements=["code"]),
        period=dialect_insert(models.periods).values(
            key=bindparam("period_key"), kind=bindparam("period_kind"), year=bindparam("period_year"),
            start=bindparam("period_start"), end=bindparam("period_end")).on_conflict_do_nothing(index_elements=["key"]),
        edition=dialect_insert(models.editions).values(id=bindparam("edition_id"), title=bindparam("edition_title"))
        .on_conflict_do_nothing(index_elements=["id"]),
        next_revision=dialect_insert(models.report_heads).values(
            unit_id=bindparam("head_unit"), period_id=bindparam("head_period"), last_revision=1)
        .on_conflict_do_update(index_elements=["unit_id", "period_id"], set_={"last_revision": head.last_revision + 1})
        .returning(head.last_revision),
        source_file=dialect_insert(models.source_files).values(
            sha256=bindparam("file_sha256"), size=bindparam("file_size"), data=bindparam("file_data"),
            stored_at=bindparam("file_stored_at")).on_conflict_do_nothing(index_elements=["sha256"]),
    )


def _kept_text(new: NewSubmission) -> NewSubmission:
    return replace(new, archived_by=no_nul(new.archived_by), source_name=no_nul(new.source_name),
                   forced_reason=no_nul(new.forced_reason), summary=no_nul(new.summary),
                   values=[replace(v, typed=no_nul(v.typed), unit=no_nul(v.unit)) for v in new.values],
                   accepted=[Accepted(no_nul(a.rule), no_nul(a.code), no_nul(a.reason)) for a in new.accepted])


NUMBER_CHARS = models.indicator_values.c.number.type.length  # 40: the exact decimal text
UNIT_CHARS = models.indicator_values.c.unit.type.length  # 120: the unit printed on the form


def _fits_columns(values: list[tuple]) -> None:
    """The same refusal on both back-ends for a value wider than its column: PostgreSQL refuses
    it (in English, naming no cell), SQLite would keep it (a figure of a million digits)."""
    for code, number, _, _, unit in values:
        if number is not None and len(number) > NUMBER_CHARS:
            raise ArchiveError("archive_number_too_long", code=code, chars=len(number), limit=NUMBER_CHARS)
        if unit is not None and len(unit) > UNIT_CHARS:
            raise ArchiveError("archive_unit_text_too_long", code=code, chars=len(unit), limit=UNIT_CHARS)


def unit_code(code: str) -> str:
    """The one check of a unit code, the same on SQLite and PostgreSQL: the documented set of
    characters (core/unit_codes.py: A–Z 0–9 - _ ., NFC, nothing invisible or look-alike), at
    most UNIT_CODE_MAX characters."""
    try:
        return check_code(code)
    except UnitCodeError as exc:
        raise ArchiveError(exc.key, **exc.params) from None


META = select(_S.archived_by, _S.archived_at, _S.source_name, _S.content_hash, _S.rules_version, _S.summary,
              _S.forced_reason).where(_S.id == bindparam("sid"))


def _stored(rows: list) -> Stored | None:
    if not rows:
        return None
    first = rows[0]
    return Stored(
        unit=first[1], period=parse_period(first[2]), edition_id=first[3], revision=first[4],
        values={row[5]: ArchivedValue(row[5], None if row[6] is None else Decimal(row[6]), row[7], row[8], row[9])
                for row in rows if row[5] is not None},
    )


class Archive(Database):
    """The archive of revisions: the database handle (db.py) with the put and the lookups of
    submitted forms. The receiving office's reads across many units are repositories on the
    same handle (tree.py, overview.py, units.py)."""

    def verify(self) -> integrity.Verdict:
        """Recompute every revision's hash chain, in one snapshot of the archive."""
        with self.snapshot() as conn:
            return integrity.verify(conn)

    # writing --------------------------------------------------------------------------------

    def put(self, new: NewSubmission) -> Stored:
        """Archive one form as the next revision of its unit-period, sealed in the hash chain.
        All or nothing. On PostgreSQL the revision is written by `egov_archive_put`, the one
        function the server's role may write submissions through (migration 0002)."""
        archived_at = datetime.now(UTC)
        new = _kept_text(new)
        values = [(v.code, integrity.number_text(v.number), v.decimals, v.typed, v.unit) for v in new.values]
        _fits_columns(values)
        values_hash = integrity.values_hash(values)
        body_hash = integrity.body_hash(
            edition=new.edition_id, unit=new.unit, period=new.period.key, archived_by=new.archived_by,
            archived_at=archived_at, source_name=new.source_name, content_hash=new.content_hash,
            rules_version=new.rules_version, summary=new.summary, forced_reason=new.forced_reason,
            warnings=[(a.rule, a.code, a.reason) for a in new.accepted], values=values_hash)
        with self.write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text(f"SET LOCAL lock_timeout = {int(self.busy_ms)}"))
            unit_id = self._unit_id(conn, new.unit, create=new.create_unit)
            period_id = self._period_id(conn, new.period)
            self._edition(conn, new.edition_id, new.edition_title)
            if new.source_file is not None:
                self._keep_file(conn, new.source_file, archived_at)
            write = self._put_postgresql if self.dialect == "postgresql" else self._put_sqlite
            revision = write(conn, new, unit_id, period_id, archived_at, values, values_hash, body_hash)
        # what was just committed, as `get` would read it back (no second round trip)
        return Stored(unit=new.unit, period=new.period, edition_id=new.edition_id, revision=revision,
                      values={v.code: v for v in new.values},
                      meta=Meta(new.archived_by, archived_at, new.source_name, new.content_hash, new.rules_version,
                                new.summary, new.forced_reason, list(new.accepted)))

    def _put_postgresql(self, conn, new, unit_id, period_id, archived_at, values, values_hash, body_hash) -> int:
        columns = ("code", "number", "decimals", "typed", "unit")
        return conn.scalar(PUT_FUNCTION, {
            "unit_id": unit_id, "period_id": period_id, "edition_id": new.edition_id,
            "archived_by": new.archived_by, "archived_at": archived_at, "source_name": new.source_name,
            "content_hash": new.content_hash, "rules_version": new.rules_version,
            "summary": json.dumps(new.summary), "forced_reason": new.forced_reason,
            "values": json.dumps([dict(zip(columns, v, strict=True)) for v in values]),
            "warnings": json.dumps([{"rule": a.rule, "code": a.code, "reason": a.reason} for a in new.accepted]),
            "values_hash": values_hash, "body_hash": body_hash,
        })

    def _put_sqlite(self, conn, new, unit_id, period_id, archived_at, values, values_hash, body_hash) -> int:
        revision = self._next_revision(conn, unit_id, period_id)
        submission_id = conn.execute(INSERT_SUBMISSION, {
            "unit_id": unit_id, "period_id": period_id, "edition_id": new.edition_id, "revision": revision,
            "archived_by": new.archived_by, "archived_at": archived_at, "source_name": new.source_name,
            "content_hash": new.content_hash, "rules_version": new.rules_version, "summary": new.summary,
            "forced_reason": new.forced_reason,
        }).inserted_primary_key[0]
        conn.execute(INSERT_VALUES, [
            {"submission_id": submission_id, "code": code, "number": number, "decimals": decimals,
             "typed": typed, "unit": unit} for code, number, decimals, typed, unit in values])
        if new.accepted:
            conn.execute(INSERT_WARNINGS, [
                {"submission_id": submission_id, "rule": a.rule, "code": a.code, "reason": a.reason}
                for a in new.accepted])
        previous = conn.scalar(PREVIOUS_SEAL, {"unit_id": unit_id, "period_id": period_id,
                                               "revision": revision - 1}) or integrity.GENESIS
        seal = integrity.seal(previous, revision, values_hash, body_hash)
        conn.execute(INSERT_SEAL, {"submission_id": submission_id, **asdict(seal)})
        return revision

    def _unit_id(self, conn: Connection, code: str, create: bool = True) -> int:
        unit_code(code)
        if not create:
            unit_id = conn.scalar(UNIT_ID, {"unit_code": code})
            if unit_id is None:
                raise ArchiveError("archive_unit_unknown", unit=code)
            return unit_id
        conn.execute(_upserts(self.dialect).unit, {"unit_code": code, "unit_name": code})
        return conn.scalar(UNIT_ID, {"unit_code": code})

    def _period_id(self, conn: Connection, period: Period) -> int:
        conn.execute(_upserts(self.dialect).period, {
            "period_key": period.key, "period_kind": period.kind.value, "period_year": period.year,
            "period_start": period.start, "period_end": period.end})
        return conn.scalar(PERIOD_ID, {"period_key": period.key})

    def _edition(self, conn: Connection, edition_id: str, title: str) -> None:
        conn.execute(_upserts(self.dialect).edition, {"edition_id": edition_id, "edition_title": title})

    def _keep_file(self, conn: Connection, file: SourceFile, stored_at: datetime) -> None:
        """The file's bytes under their SHA-256, once (the same file archived again is already kept)."""
        conn.execute(_upserts(self.dialect).source_file, {
            "file_sha256": file.sha256, "file_size": len(file.data), "file_data": file.data,
            "file_stored_at": stored_at})

    def source_file(self, sha256: str) -> bytes | None:
        """The bytes of a file kept under `sha256` (source_files), or None."""
        query = select(models.source_files.c.data).where(models.source_files.c.sha256 == sha256)
        return self.fetch(lambda conn: conn.scalar(query))

    def _next_revision(self, conn: Connection, unit_id: int, period_id: int) -> int:
        """Bump the unit-period's counter; the row lock it takes orders concurrent writers."""
        return conn.scalar(_upserts(self.dialect).next_revision, {"head_unit": unit_id, "head_period": period_id})

    def set_unit(self, code: str, name: str, parent: str | None = None) -> None:
        with self.write() as conn:
            unit_id = self._unit_id(conn, code)
            parent_id = self._unit_id(conn, parent) if parent else None
            conn.execute(update(models.units).where(models.Unit.id == unit_id).values(name=name, parent_id=parent_id))

    # reading --------------------------------------------------------------------------------

    def _fetch(self, statement: Select, with_meta: bool = True, **params) -> Stored | None:
        return self.fetch(lambda conn: self._fetch_once(conn, statement, with_meta, params))

    @staticmethod
    def _fetch_once(conn: Connection, statement: Select, with_meta: bool, params: dict) -> Stored | None:
        rows = _READS[statement].rows(conn, params)
        stored = _stored(rows)
        if stored is not None and with_meta:
            sid = rows[0][0]
            accepted = [Accepted(*row) for row in conn.execute(ACCEPTED, {"sid": sid})]
            stored.meta = Meta(*conn.execute(META, {"sid": sid}).one(), accepted=accepted)
        return stored

    def get(self, unit: str, period: Period, revision: int | None = None, with_meta: bool = True) -> Stored | None:
        """One revision (the latest, the current one, unless `revision` is given)."""
        if revision is None:
            return self._fetch(LATEST, with_meta=with_meta, unit=unit, key=period.key)
        return self._fetch(REVISION, with_meta=with_meta, unit=unit, key=period.key, revision=revision)

    def previous(self, unit: str, period: Period) -> Stored | None:
        """"Kỳ trước": the current revision of the unit's latest report before this one."""
        return self._fetch(PREVIOUS, with_meta=False, unit=unit, end=period.end)

    def same_period_last_year(self, unit: str, period: Period) -> Stored | None:
        """"Cùng kỳ năm trước": the same kind of report a year earlier."""
        return self.get(unit, period.same_period_last_year(), with_meta=False)

    def history(self, unit: str) -> list[Stored]:
        query = (select(_S.id).join(_U, _S.unit_id == _U.id).join(_P, _S.period_id == _P.id)
                 .where(_U.code == unit).order_by(_P.end, _S.revision))
        with self.read() as conn:
            ids = list(conn.scalars(query))
        return [self._fetch(BY_ID, sid=sid) for sid in ids]

    def accepted_before(self, unit: str, period: Period) -> dict[tuple[str, str | None], str]:
        """The latest reason given for each accepted (rule, code) in the unit's earlier reports."""
        with self.read() as conn:
            return {(rule, code): reason for rule, code, reason in conn.execute(
                ACCEPTED_BEFORE, {"unit": unit, "end": period.end})}

    def children(self, unit: str) -> list[str]:
        """The units directly below `unit` (a province's departments and communes)."""
        parent = models.units.alias("parent")
        query = (select(models.Unit.code).join(parent, models.Unit.parent_id == parent.c.id)
                 .where(parent.c.code == unit).order_by(models.Unit.code))
        with self.read() as conn:
            return list(conn.scalars(query))

    def count_submissions(self) -> int:
        with self.read() as conn:
            return conn.scalar(select(func.count()).select_from(models.submissions))

    def export_rows(self) -> list[dict]:
        """Every archived value of every revision, with a flag for the current revision."""
        s, v, u, p = models.Submission, models.Value, models.Unit, models.Period
        latest = (select(s.unit_id, s.period_id, func.max(s.revision).label("latest"))
                  .group_by(s.unit_id, s.period_id).subquery())
        query = (select(u.code, u.name, p.key, p.kind, p.year, s.edition_id, s.revision,
                        (s.revision == latest.c.latest).label("current"), s.archived_by, s.archived_at,
                        s.source_name, s.content_hash, v.code.label("indicator"), v.number, v.decimals,
                        v.typed, v.unit.label("unit_printed"))
                 .join(u, s.unit_id == u.id).join(p, s.period_id == p.id).join(v, v.submission_id == s.id)
                 .join(latest, (latest.c.unit_id == s.unit_id) & (latest.c.period_id == s.period_id))
                 .order_by(u.code, p.end, s.revision, v.id))
        columns = ["unit", "unit_name", "period", "period_kind", "year", "form", "revision", "current",
                   "archived_by", "archived_at", "source_name", "content_hash", "code", "number", "decimals",
                   "typed", "unit_printed"]
        with self.read() as conn:
            return [dict(zip(columns, row, strict=True)) for row in conn.execute(query)]

"""The archive's tables (SQLAlchemy 2 typed mappings).

Submissions and their values are append-only: archiving a period again adds a revision, and
database triggers (see the migration) refuse UPDATE and DELETE on them, so nothing the
application does can overwrite or remove what a unit once sent. Each revision is sealed by a
row of `revision_seals`: hashes of its content chained to the previous revision of the same
unit and period (egov_xl/archive/integrity.py), which `egov-xl archive verify` recomputes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A reporting unit: a province, a department, a commune, an agency."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class Edition(Base):
    __tablename__ = "editions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))


class Period(Base):
    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)  # "2025-Q1"
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date, index=True)  # the cut-off date


class ReportHead(Base):
    """The last revision number of one unit-period: the one row writers lock to number
    revisions without gaps. A counter, not a submission: it is the only row ever updated."""

    __tablename__ = "report_heads"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), primary_key=True)
    last_revision: Mapped[int] = mapped_column(Integer)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("unit_id", "period_id", "revision", name="uq_submission_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    edition_id: Mapped[str] = mapped_column(ForeignKey("editions.id"))
    revision: Mapped[int] = mapped_column(Integer)
    archived_by: Mapped[str] = mapped_column(String(200))
    archived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_name: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict] = mapped_column(JSON)
    forced_reason: Mapped[str | None] = mapped_column(Text)


class Value(Base):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("submission_id", "code", name="uq_value_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    code: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(40))  # exact decimal text: "98.64"
    decimals: Mapped[int | None] = mapped_column(Integer)
    typed: Mapped[str | None] = mapped_column(Text)  # as the clerk typed it: "=98,64%"
    unit: Mapped[str | None] = mapped_column(String(120))  # as printed on the form


class AcceptedWarning(Base):
    __tablename__ = "accepted_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    rule: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)


class RevisionSeal(Base):
    """The hashes of one revision: its values, its whole content (`body_hash`, which holds
    `values_hash`), the previous revision's `record_hash` and its own link in the chain."""

    __tablename__ = "revision_seals"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    values_hash: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class Review(Base):
    """The receiving office's word on one revision: accepted, or returned for correction with a
    reason. Append-only: a later review supersedes an earlier one, nothing is edited."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # "accepted" | "returned"
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


APPEND_ONLY_TABLES = ("submissions", "indicator_values", "accepted_warnings", "revision_seals", "reviews")

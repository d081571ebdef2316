"""The archive's tables, as SQLAlchemy Core `Table`s on one MetaData (no ORM: `archive put`
imports sqlalchemy's core only). Every table of the archive database is declared here, and only
here; the migrations build the schema, and tests/test_archive_schema.py checks that these
declarations match what they build, on SQLite and PostgreSQL.

Submissions and their values are append-only: archiving a period again adds a revision, and
database triggers (see the migration) refuse UPDATE and DELETE on them, so nothing the
application does can overwrite or remove what a unit once sent. Each revision is sealed by a
row of `revision_seals`: hashes of its content chained to the previous revision of the same
unit and period (egov_xl/archive/integrity.py), which `egov-xl archive verify` recomputes.

The mutable state of the server (function_context, auth_failures, ended_sessions) lives in the
same database, apart from the append-only tables and their chain.

Each table also has a thin alias named as the former mapped class (`Submission`, `Unit`, …):
its columns as attributes (`Submission.unit_id`), usable wherever a table is (`select_from`,
`join`, `insert`), and the table itself as `__table__`.
"""

from __future__ import annotations

from sqlalchemy import (JSON, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table,
                        Text, UniqueConstraint)

metadata = MetaData()


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


units = Table(  # a reporting unit: a province, a department, a commune, an agency
    "units", metadata,
    _id(),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("parent_id", Integer, ForeignKey("units.id")),
    Column("kind", String(32)),  # core/unit_kinds.py; None when never imported (migration 0006)
)

editions = Table(
    "editions", metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
)

periods = Table(
    "periods", metadata,
    _id(),
    Column("key", String(16), nullable=False, unique=True),  # "2025-Q1"
    Column("kind", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False, index=True),  # the cut-off date
)

# The last revision number of one unit-period: the one row writers lock to number revisions
# without gaps. A counter, not a submission: it is the only row ever updated.
report_heads = Table(
    "report_heads", metadata,
    Column("unit_id", Integer, ForeignKey("units.id"), primary_key=True),
    Column("period_id", Integer, ForeignKey("periods.id"), primary_key=True),
    Column("last_revision", Integer, nullable=False),
)

submissions = Table(
    "submissions", metadata,
    _id(),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    Column("period_id", Integer, ForeignKey("periods.id"), nullable=False),
    Column("edition_id", String(64), ForeignKey("editions.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("archived_by", String(200), nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False),
    Column("source_name", String(500), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("forced_reason", Text),
    UniqueConstraint("unit_id", "period_id", "revision", name="uq_submission_revision"),
)

indicator_values = Table(
    "indicator_values", metadata,
    _id(),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("code", String(16), nullable=False),
    Column("number", String(40)),  # exact decimal text: "98.64"
    Column("decimals", Integer),
    Column("typed", Text),  # as the clerk typed it: "=98,64%"
    Column("unit", String(120)),  # as printed on the form
    UniqueConstraint("submission_id", "code", name="uq_value_code"),
)

accepted_warnings = Table(
    "accepted_warnings", metadata,
    _id(),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("code", String(16)),
    Column("reason", Text, nullable=False),
)

# The hashes of one revision: its values, its whole content (`body_hash`, which holds
# `values_hash`), the previous revision's `record_hash` and its own link in the chain.
revision_seals = Table(
    "revision_seals", metadata,
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("previous_hash", String(64), nullable=False),
    Column("values_hash", String(64), nullable=False),
    Column("body_hash", String(64), nullable=False),
    Column("record_hash", String(64), nullable=False),
)

# The bytes of a file a revision was archived from (CLI, web upload), keyed by their SHA-256,
# which the revision's summary names under "file" (sealed with it). Append-only (migration 0007);
# the same file archived twice is kept once. The add-in sends values, not a file: none kept.
source_files = Table(
    "source_files", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

# The receiving office's word on one revision: accepted, or returned for correction with a
# reason. Append-only: a later review supersedes an earlier one, nothing is edited.
reviews = Table(
    "reviews", metadata,
    _id(),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("decision", String(16), nullable=False),  # "accepted" | "returned"
    Column("reason", Text),
    Column("reviewed_by", String(200), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
)

# Mutable state, outside the append-only tables and their chain: rows are replaced or pruned.

# The add-in's function context per clerk and workbook (migration 0003; function_state.py).
function_context = Table(
    "function_context", metadata,
    Column("owner", String(200), primary_key=True),
    Column("workbook", String(300), primary_key=True),
    Column("unit", String(64)),
    Column("period", String(32)),
    Column("statuses", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Wrong tokens per client address and token, pruned past the window (migration 0005; auth_state.py).
auth_failures = Table(
    "auth_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_auth_failures_client_at", "client", "at"),
    Index("ix_auth_failures_at", "at"),
)

# Web console sessions ended by a logout, until their cookies expire (migration 0005; auth_state.py).
ended_sessions = Table(
    "ended_sessions", metadata,
    Column("session_id", String(64), primary_key=True),
    Column("until", Float, nullable=False),
    Index("ix_ended_sessions_until", "until"),
)


class Columns:
    """A table's columns as attributes; stands for the table in `select_from`, `join` and
    `insert` (through `__clause_element__`)."""

    def __init__(self, table: Table) -> None:
        self.__table__ = table
        for column in table.c:
            setattr(self, column.key, column)

    def __clause_element__(self) -> Table:
        return self.__table__


Unit = Columns(units)
Edition = Columns(editions)
Period = Columns(periods)
ReportHead = Columns(report_heads)
Submission = Columns(submissions)
Value = Columns(indicator_values)
AcceptedWarning = Columns(accepted_warnings)
RevisionSeal = Columns(revision_seals)
Review = Columns(reviews)

APPEND_ONLY_TABLES = ("submissions", "indicator_values", "accepted_warnings", "revision_seals", "reviews",
                      "source_files")

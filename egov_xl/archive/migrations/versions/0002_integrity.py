"""Integrity: a hash chain sealing every revision, guards on units, periods, editions and the
revision counters, and on PostgreSQL the one function the server's role writes through.

- `revision_seals`: one row per revision (egov_xl/archive/integrity.py); revisions stored
  before this migration are sealed here, in chain order, so `archive verify` passes.
- Triggers: seals are append-only; a unit's code and id never change; periods and editions
  are never changed or deleted; a counter only ever moves to the next number.
- PostgreSQL: `egov_archive_put(...)`, SECURITY DEFINER (it runs as the owner that ran this
  migration): numbers the revision, inserts the submission, its values, its accepted warnings
  and its seal in one call. The server's role (`archive init --app-role`) has EXECUTE on it and
  no INSERT on those tables, so it cannot add a value to a revision already stored, skip a
  number or rewrite anything; it is not the owner, so it cannot drop or disable a trigger.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from egov_xl.archive.integrity import seal_unsealed

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "egov-xl archive is append-only"

# (table, action, condition): the trigger refuses the action when the condition holds (always
# when None). `{ne}` is the null-safe "differs" of the dialect.
GUARDS = (
    ("revision_seals", "UPDATE", None),
    ("revision_seals", "DELETE", None),
    ("units", "UPDATE", "NEW.code {ne} OLD.code OR NEW.id {ne} OLD.id"),
    ("units", "DELETE", None),
    ("periods", "UPDATE", None),
    ("periods", "DELETE", None),
    ("editions", "UPDATE", None),
    ("editions", "DELETE", None),
    ("report_heads", "UPDATE", "NEW.last_revision {ne} OLD.last_revision + 1 "
                               "OR NEW.unit_id {ne} OLD.unit_id OR NEW.period_id {ne} OLD.period_id"),
    ("report_heads", "DELETE", None),
)

PUT_FUNCTION = """
CREATE FUNCTION egov_archive_put(
    p_unit_id integer, p_period_id integer, p_edition_id text, p_archived_by text,
    p_archived_at timestamptz, p_source_name text, p_content_hash text, p_rules_version text,
    p_summary json, p_forced_reason text, p_values jsonb, p_warnings jsonb,
    p_values_hash text, p_body_hash text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    v_revision integer;
    v_previous text;
    v_id integer;
BEGIN
    INSERT INTO report_heads AS h (unit_id, period_id, last_revision) VALUES (p_unit_id, p_period_id, 1)
        ON CONFLICT (unit_id, period_id) DO UPDATE SET last_revision = h.last_revision + 1
        RETURNING h.last_revision INTO v_revision;
    SELECT s.record_hash INTO v_previous FROM revision_seals s JOIN submissions b ON b.id = s.submission_id
        WHERE b.unit_id = p_unit_id AND b.period_id = p_period_id AND b.revision = v_revision - 1;
    v_previous := coalesce(v_previous, repeat('0', 64));
    INSERT INTO submissions (unit_id, period_id, edition_id, revision, archived_by, archived_at, source_name,
                             content_hash, rules_version, summary, forced_reason)
        VALUES (p_unit_id, p_period_id, p_edition_id, v_revision, p_archived_by, p_archived_at, p_source_name,
                p_content_hash, p_rules_version, p_summary, p_forced_reason)
        RETURNING id INTO v_id;
    INSERT INTO indicator_values (submission_id, code, number, decimals, typed, unit)
        SELECT v_id, e.item->>'code', e.item->>'number', (e.item->>'decimals')::integer, e.item->>'typed',
               e.item->>'unit'
        FROM jsonb_array_elements(p_values) WITH ORDINALITY AS e(item, n) ORDER BY e.n;
    INSERT INTO accepted_warnings (submission_id, rule, code, reason)
        SELECT v_id, e.item->>'rule', e.item->>'code', e.item->>'reason'
        FROM jsonb_array_elements(p_warnings) WITH ORDINALITY AS e(item, n) ORDER BY e.n;
    INSERT INTO revision_seals (submission_id, previous_hash, values_hash, body_hash, record_hash)
        VALUES (v_id, v_previous, p_values_hash, p_body_hash,
                encode(sha256(convert_to(v_previous || ':' || v_revision || ':' || p_body_hash, 'UTF8')), 'hex'));
    RETURN v_revision;
END $$
"""


def upgrade() -> None:
    import sqlalchemy as sa

    op.create_table(
        "revision_seals",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("values_hash", sa.String(64), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
    )
    bind = op.get_bind()
    seal_unsealed(bind)
    dialect = bind.dialect.name
    for table, action, condition in GUARDS:
        _guard(dialect, table, action, condition)
    if dialect == "postgresql":
        schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
        op.execute(PUT_FUNCTION.format(schema=bind.dialect.identifier_preparer.quote(schema)))
        op.execute("REVOKE ALL ON FUNCTION egov_archive_put FROM PUBLIC")


def _guard(dialect: str, table: str, action: str, condition: str | None) -> None:
    name = f"{table}_guard_{action.lower()}"
    if dialect == "postgresql":
        when = f"WHEN ({condition.format(ne='IS DISTINCT FROM')}) " if condition else ""
        op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} FOR EACH ROW {when}"
                   "EXECUTE FUNCTION egov_append_only()")
    elif dialect == "sqlite":
        when = f"WHEN {condition.format(ne='IS NOT')} " if condition else ""
        op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} FOR EACH ROW {when}"
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    raise RuntimeError("the archive is append-only and has no downgrade")

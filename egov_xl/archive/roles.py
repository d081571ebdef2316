"""PostgreSQL roles of a shared archive: the owner migrates, the server's role reads and adds.

The owner (the role in the URL of `egov-xl archive init`) owns the tables, the triggers and
`egov_archive_put`. The server's role gets SELECT on every table, INSERT on the lookup tables
below, UPDATE of a unit's name and parent only, and EXECUTE on `egov_archive_put`, which writes
a revision with its values, accepted warnings and seal in one call. It owns nothing, so it
cannot TRUNCATE, ALTER, DROP or disable a trigger; it has no UPDATE or DELETE on anything it
could use to rewrite history and no INSERT on submissions, values, warnings, seals or counters.
It may DELETE only from the two mutable tables of authentication state (auth_failures,
ended_sessions), which hold no history.
"""

from __future__ import annotations

from sqlalchemy import text

from .db import ArchiveError, Database

# what the server's role may write besides calling APP_FUNCTIONS (SELECT on every table is given)
APP_WRITES = {
    "units": "INSERT, UPDATE (name, parent_id)",
    "periods": "INSERT",
    "editions": "INSERT",
    "reviews": "INSERT",  # the receiving office's accept / return (web console)
    "source_files": "INSERT",  # the bytes of an archived file, keyed by SHA-256 (append-only, migration 0007)
    "function_context": "SELECT, INSERT, UPDATE",  # mutable: a workbook's unit, period, last check
    "auth_failures": "SELECT, INSERT, DELETE",  # mutable: wrong tokens per client, pruned past the window
    "ended_sessions": "SELECT, INSERT, DELETE",  # mutable: web sessions ended by logout, pruned once expired
}
APP_SEQUENCES = ("units", "periods", "reviews", "auth_failures")  # tables whose `id` sequence APP_WRITES' INSERT uses
APP_FUNCTIONS = ("egov_archive_put",)

# may the connected role create roles and set their passwords (a superuser may anything)
CAN_CREATE_ROLES = text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")

UNSAFE = text("""
    SELECT r.rolsuper OR r.rolname = current_user OR pg_has_role(r.rolname, current_user, 'MEMBER')
           OR pg_has_role(r.rolname, t.tableowner, 'MEMBER')
    FROM pg_roles r, pg_tables t
    WHERE r.rolname = :role AND t.schemaname = current_schema() AND t.tablename = 'submissions'
""")


def grant_app_role(db: Database, role: str, password: str | None = None) -> None:
    """Create (or re-grant) the server's role; run as the owner after the schema is upgraded.
    Creating the role or setting its password needs an owner with CREATEROLE (said in a
    sentence before anything is changed); re-granting an existing role does not."""
    if db.dialect != "postgresql":
        raise ArchiveError("archive_roles_sqlite", url=db.url)
    with db.write() as conn:
        from psycopg import sql

        raw = conn.connection.driver_connection
        name = sql.Identifier(role)

        def run(statement: str, *args) -> None:
            conn.exec_driver_sql(sql.SQL(statement).format(*args).as_string(raw))

        exists = conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :role"), {"role": role})
        if (not exists or password is not None) and not conn.scalar(CAN_CREATE_ROLES):
            owner = conn.scalar(text("SELECT current_user"))
            raise ArchiveError("archive_role_needs_createrole", owner=owner, role=role)
        if not exists:
            run("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS", name)
        if conn.scalar(UNSAFE, {"role": role}):
            raise ArchiveError("archive_role_unsafe", role=role)
        if password is not None:  # only libpq's verifier (as psql's \password): never the clear text in a
            # statement the server may log (log_statement, errors) or show in pg_stat_activity
            verifier = raw.pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"))
            run("ALTER ROLE {} PASSWORD {}", name, sql.Literal(verifier.decode("ascii")))
        schema = sql.Identifier(conn.scalar(text("SELECT current_schema()")))
        database = sql.Identifier(conn.scalar(text("SELECT current_database()")))
        for kind in ("TABLES", "SEQUENCES", "FUNCTIONS"):
            run(f"REVOKE ALL ON ALL {kind} IN SCHEMA {{}} FROM {{}}", schema, name)
        run("GRANT CONNECT ON DATABASE {} TO {}", database, name)
        run("GRANT USAGE ON SCHEMA {} TO {}", schema, name)
        run("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}", schema, name)
        for table, privileges in APP_WRITES.items():
            run(f"GRANT {privileges} ON {{}} TO {{}}", sql.Identifier(table), name)
        for table in APP_SEQUENCES:
            sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table})
            run("GRANT USAGE ON SEQUENCE {} TO {}", sql.SQL(sequence), name)
        for function in APP_FUNCTIONS:
            run("GRANT EXECUTE ON FUNCTION {} TO {}", sql.Identifier(function), name)

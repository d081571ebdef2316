"""`archive init --app-role` set the app role's password with `ALTER ROLE … PASSWORD 'clear
text'`: the statement, password included, goes to the PostgreSQL server log wherever statements
are logged (log_statement = 'ddl' or 'all', common where database changes are audited, and on
any error with the default log_min_error_statement) and shows in pg_stat_activity. The password
is now sent only as the verifier libpq computes (as psql's \\password does)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

import psycopg
from sqlalchemy.engine import make_url

from tests.test_ops_roles import _owner_database, egov

PASSWORD = "mật-khẩu-ứng-dụng-8472"


def test_app_password_never_reaches_the_server_log(pg_cluster):
    owner_url = _owner_database(pg_cluster, "egov_owner_log", createrole=True)
    database = make_url(owner_url).database
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {database} SET log_statement = 'ddl'")  # an audited database
    done = egov("archive", "init", "--url", owner_url, "--app-role", "egov_app_log", EGOV_APP_PASSWORD=PASSWORD)
    assert done.exit_code == 0, done.output
    log = pg_cluster.log.read_text(encoding="utf-8", errors="replace")
    assert "egov_app_log" in log  # statements were logged (CREATE ROLE, GRANT …)
    assert PASSWORD not in log
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres") as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'egov_app_log'").fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and PASSWORD not in stored
    assert _scram_matches(stored, PASSWORD)  # the clerk's server signs in with that password


def _scram_matches(verifier: str, password: str) -> bool:
    """RFC 5802/7677: the StoredKey of `password` with the verifier's salt and iterations."""
    head, keys = verifier.split("$", 1)[1].split("$")
    iterations, salt = head.split(":")
    stored_key = keys.split(":")[0]
    prepared = unicodedata.normalize("NFKC", password).encode("utf-8")  # SASLprep, for this password
    salted = hashlib.pbkdf2_hmac("sha256", prepared, base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key

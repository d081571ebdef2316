"""`archive init --app-role` as a province's admin meets it: the app role's password never on the
command line (EGOV_APP_PASSWORD or a prompt), and an owner without CREATEROLE told so in a sentence."""

from __future__ import annotations

import os
import sys

import psycopg
from typer.testing import CliRunner

from egov_xl.cli import app
from tests.terminal import terminal

runner = CliRunner()


def egov(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400", **env})


def _owner_database(cluster, owner: str, createrole: bool) -> str:
    with psycopg.connect(host=str(cluster.base), port=cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} LOGIN {'CREATEROLE' if createrole else 'NOCREATEROLE'}")
        name = cluster.new_database()
        conn.execute(f"ALTER DATABASE {name} OWNER TO {owner}")
    return cluster.url(name).replace("postgres@", f"{owner}@")


def _role(cluster, role: str):
    with psycopg.connect(host=str(cluster.base), port=cluster.port, user="postgres", dbname="postgres") as conn:
        return conn.execute("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s", (role,)).fetchone()


def test_app_password_on_the_command_line_is_refused_with_where_to_put_it(tmp_path):
    done = egov("archive", "init", "--url", f"sqlite:///{tmp_path / 'a.sqlite3'}", "--app-role", "egov_app",
                "--app-password", "s3cret")
    assert done.exit_code == 2
    assert "EGOV_APP_PASSWORD" in done.output and "dòng lệnh" in done.output
    assert "s3cret" not in done.output
    assert not (tmp_path / "a.sqlite3").exists()  # refused before anything was done


def test_app_password_from_the_environment(pg_cluster):
    owner_url = _owner_database(pg_cluster, "egov_owner_env", createrole=True)
    done = egov("archive", "init", "--url", owner_url, "--app-role", "egov_app_env", EGOV_APP_PASSWORD="pw-từ-env")
    assert done.exit_code == 0, done.output
    assert _role(pg_cluster, "egov_app_env") == (True,)


def test_owner_without_createrole_gets_a_sentence_naming_it(pg_cluster):
    owner_url = _owner_database(pg_cluster, "egov_owner_nocr", createrole=False)
    done = egov("archive", "init", "--url", owner_url, "--app-role", "egov_app_nocr")
    assert done.exit_code == 2
    assert "CREATEROLE" in done.output and "ALTER ROLE egov_owner_nocr CREATEROLE" in done.output
    assert "Unexpected" not in done.output and "Traceback" not in done.output
    assert _role(pg_cluster, "egov_app_nocr") is None  # nothing created
    # once the PostgreSQL administrator made the role, the owner re-grants it without CREATEROLE
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute("CREATE ROLE egov_app_nocr LOGIN")
    done = egov("archive", "init", "--url", owner_url, "--app-role", "egov_app_nocr")
    assert done.exit_code == 0, done.output


def test_app_password_is_asked_for_in_a_terminal_and_set(pg_cluster):
    """No EGOV_APP_PASSWORD, a terminal: the password is asked for (and confirmed), not echoed."""
    owner_url = _owner_database(pg_cluster, "egov_owner_tty", createrole=True)
    env = {k: v for k, v in os.environ.items() if k != "EGOV_APP_PASSWORD"}
    with terminal([sys.executable, "-m", "egov_xl", "archive", "init", "--url", owner_url,
                   "--app-role", "egov_app_tty"], env) as console:
        console.answer("Mật khẩu cho vai trò egov_app_tty", "mat-khau-tty")
        console.answer("Repeat for confirmation", "mat-khau-tty")
        assert console.process.wait(timeout=60) == 0, console.text()
    assert "mat-khau-tty" not in console.text()
    assert _role(pg_cluster, "egov_app_tty") == (True,)

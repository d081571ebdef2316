"""Backing up the archive, and telling a good copy from an incomplete one.

SQLite: `sqlite_backup` copies a running archive with SQLite's online backup API
(sqlite3.Connection.backup: one consistent snapshot, whatever is still in the -wal file
included), into a single self-contained file (journal mode DELETE) that carries a record of
itself in the table `egov_backup`: when it was taken, its revisions and its fingerprint.

A plain file copy of a running archive (`cp archive.sqlite3 …`) lacks what is still in the
-wal file; what it has is an intact, shorter archive, so its own hash chains cannot tell (every
chain ends cleanly at an earlier revision). `compare` tells, against the live archive: a copy
must be a prefix of it, and a copy without the backup record that lacks revisions the live
archive has is reported incomplete (one made by `archive backup` lacks only what was saved
after it was taken).

PostgreSQL: `pg_dump --format=custom` (the roles are not in it: they belong to the cluster;
docs/admin/backup.md says how to restore with them).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from . import integrity, models
from .db import ArchiveError, safe_url, sqlite_files

RECORD_TABLE = "egov_backup"


@dataclass(frozen=True)
class Record:
    """What `archive backup` wrote into its copy about itself."""

    taken_at: datetime
    revisions: int
    fingerprint: str


@dataclass(frozen=True)
class Comparison:
    """A copy against the live archive: its first revision that differs (unit, period key,
    revision) or None; the live revisions it lacks and the newest of their times."""

    diverged: tuple[str, str, int] | None
    missing: int
    newest_missing: datetime | None


def _reserve(out: Path, url: str) -> None:
    """Claim the name `out` (an empty file, owner only) or refuse: a backup never overwrites,
    two backups started at once cannot take the same name, and none takes the name of one of
    the archive's own files (a copy named as its journal would lock the live archive)."""
    from ..paths import same_file

    if any(same_file(Path(own), out) for own in sqlite_files(url)):
        raise ArchiveError("archive_backup_onto_archive", url=safe_url(url), path=out)
    try:
        os.close(os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise ArchiveError("archive_backup_exists", path=out) from None
    except FileNotFoundError:
        raise ArchiveError("archive_backup_no_folder", folder=out.parent) from None
    except OSError as exc:
        raise ArchiveError("archive_backup_failed", url=safe_url(url), path=out, reason=exc.strerror or str(exc)) from None


@contextmanager
def _writing(out: Path, url: str) -> Iterator[Path]:
    """A temporary file beside `out` to write the copy into; renamed onto the reserved `out`
    once complete (a rename, so it works where hard links do not, e.g. a FAT backup disk).
    On failure neither is left behind."""
    _reserve(out, url)
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(handle)  # a new file of our own, never a name someone else could have put a link at
    partial = Path(name)
    done = False
    try:
        yield partial
        partial.chmod(0o600)
        os.replace(partial, out)
        done = True
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
        if not done:
            out.unlink(missing_ok=True)


def sqlite_backup(archive, out: Path) -> integrity.Verdict:
    """Copy the running SQLite `archive` into the new file `out` (refused if it exists) with the
    online backup API; verify the copy and record itself in it. Returns the copy's verdict."""
    from .store import Archive

    files = sqlite_files(archive.url)
    if not files or not files[0].is_file():
        raise ArchiveError("archive_not_initialised", url=safe_url(archive.url))
    taken_at = datetime.now(UTC)
    with _writing(out, archive.url) as partial:
        try:
            with closing(sqlite3.connect(files[0])) as src, closing(sqlite3.connect(partial)) as dst:
                src.backup(dst)
        except (sqlite3.Error, OSError) as exc:
            raise ArchiveError("archive_backup_failed", url=safe_url(archive.url), path=out, reason=str(exc)) from None
        copy = Archive(f"sqlite:///{partial}")
        verdict = copy.verify()
        copy.engine.dispose()
        with closing(sqlite3.connect(partial, isolation_level=None)) as dst:
            dst.execute(f"CREATE TABLE {RECORD_TABLE} (taken_at TEXT NOT NULL, revisions INTEGER NOT NULL, "
                        "fingerprint TEXT NOT NULL)")
            dst.execute(f"INSERT INTO {RECORD_TABLE} VALUES (?, ?, ?)",
                        (integrity.time_text(taken_at), verdict.revisions, verdict.fingerprint))
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    return verdict


def record(archive) -> Record | None:
    """The backup record a copy made by `archive backup` carries; None for any other archive."""
    with archive.read() as conn:
        if not inspect(conn).has_table(RECORD_TABLE):
            return None
        row = conn.execute(text(f"SELECT taken_at, revisions, fingerprint FROM {RECORD_TABLE}")).first()
    if row is None:
        return None
    return Record(datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC), row[1], row[2])


_S, _U, _P, _R = models.submissions.c, models.units.c, models.periods.c, models.revision_seals.c


def _chains(archive) -> dict[tuple[str, str, int], tuple[str | None, datetime]]:
    """(unit code, period key, revision) → (record hash, archived at), for every revision."""
    query = (select(_U.code, _P.key, _S.revision, _R.record_hash, _S.archived_at)
             .select_from(models.submissions.join(models.units, _U.id == _S.unit_id)
                          .join(models.periods, _P.id == _S.period_id)
                          .outerjoin(models.revision_seals, _R.submission_id == _S.id)))
    with archive.read() as conn:
        return {(u, p, r): (h, at) for u, p, r, h, at in conn.execute(query)}


def compare(copy, live) -> Comparison:
    """The copy against the live archive: each of the copy's revisions must be the live one."""
    mine, theirs = _chains(copy), _chains(live)
    diverged = next((key for key in sorted(mine) if theirs.get(key, (None,))[0] != mine[key][0]), None)
    lacking = [at for key, (_, at) in theirs.items() if key not in mine]
    newest = max(lacking, key=integrity.time_text) if lacking else None
    return Comparison(diverged, len(lacking), newest)


# PostgreSQL ------------------------------------------------------------------------------------

def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program: on the PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def libpq_url(url: str) -> tuple[str, str | None]:
    """The archive URL as libpq reads it (no SQLAlchemy driver, no password) and the password
    (passed through PGPASSWORD, never on a command line another user can list)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), \
        parsed.password


def pg_dump_command(url: str, out: Path, tool: str = "pg_dump") -> list[str]:
    return [tool, "--format=custom", "--no-password", f"--file={out}", f"--dbname={libpq_url(url)[0]}"]


def pg_backup(url: str, out: Path) -> list[str]:
    """Run pg_dump of the archive at `url` into the new file `out`; returns the command run."""
    tool = pg_tool("pg_dump")
    if tool is None:
        raise ArchiveError("archive_backup_no_tool", tool="pg_dump", command=" ".join(pg_dump_command(url, out)))
    env = {**os.environ, **({"PGPASSWORD": p} if (p := libpq_url(url)[1]) else {})}
    with _writing(out, url) as partial:
        done = subprocess.run(pg_dump_command(url, partial, tool), env=env, capture_output=True, text=True)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1][:300]
            raise ArchiveError("archive_backup_failed", url=safe_url(url), path=out, reason=reason)
    return pg_dump_command(url, out, "pg_dump")

"""`archive backup OUT` with hostile or mistaken paths:

- OUT named as one of the live archive's own files (its rollback journal, which a WAL archive
  never has): the copy becomes a "hot journal" and the live archive answers "database is
  locked" to every process until someone finds and deletes it;
- the temporary file the copy is written into has a predictable name beside OUT
  (`.OUT.partial-PID`): a symbolic link planted there by another user of a shared backup
  folder made the copy be written through the link, wherever it pointed.
"""

from __future__ import annotations

import os
from pathlib import Path

from egov_xl.archive.store import Archive
from tests.test_ops_backup import egov, submission


def _archive(folder: Path) -> tuple[Archive, Path]:
    path = folder / "archive.sqlite3"
    archive = Archive(f"sqlite:///{path}")
    archive.init()
    archive.put(submission("HCM"))
    archive.engine.dispose()
    return archive, path


def test_backup_onto_the_archives_own_journal_is_refused(tmp_path):
    archive, path = _archive(tmp_path)
    fingerprint = archive.verify().fingerprint
    archive.engine.dispose()
    journal = Path(f"{path}-journal")
    done = egov("archive", "backup", journal, "--url", archive.url)
    assert done.exit_code != 0, done.output
    assert "kho" in done.output and str(journal) in done.output.replace("\n", "")
    assert "Traceback" not in done.output
    assert not journal.exists()
    live = Archive(archive.url)  # another process opening the live archive afterwards
    assert live.verify().fingerprint == fingerprint and live.count_submissions() == 1
    live.engine.dispose()


def test_backup_onto_the_archive_through_another_spelling_is_refused(tmp_path):
    archive, path = _archive(tmp_path)
    (tmp_path / "alias").symlink_to(tmp_path)
    other = tmp_path / "alias" / f"{path.name}-journal"
    done = egov("archive", "backup", other, "--url", archive.url)
    assert done.exit_code != 0, done.output
    assert not Path(f"{path}-journal").exists()


def test_backup_is_not_written_through_a_planted_link(tmp_path):
    (tmp_path / "live").mkdir()
    archive, _ = _archive(tmp_path / "live")
    shared = tmp_path / "shared"
    shared.mkdir()
    elsewhere = tmp_path / "attacker" / "stolen.sqlite3"
    elsewhere.parent.mkdir()
    out = shared / "archive-2025.sqlite3"
    (shared / f".{out.name}.partial-{os.getpid()}").symlink_to(elsewhere)  # CliRunner: this process
    done = egov("archive", "backup", out, "--url", archive.url)
    assert done.exit_code == 0, done.output
    assert not elsewhere.exists()  # nothing written where the link pointed
    assert out.is_file() and not out.is_symlink()
    copy = Archive(f"sqlite:///{out}")
    assert copy.count_submissions() == 1
    copy.engine.dispose()

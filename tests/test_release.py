"""The release: one version (egov_xl.__version__, read by pyproject, printed by `egov-xl
--version`) named by the newest CHANGELOG entry with its upgrade steps, and every `egov-xl`
command the admin guides show exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from egov_xl import __version__
from egov_xl.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_version_is_the_newest_changelog_entry_with_upgrade_steps():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+)", changelog, flags=re.M)
    assert versions[0] == __version__ and versions[0] != versions[-1]
    newest = changelog.split(f"## {versions[0]}", 1)[1].split(f"## {versions[1]}", 1)[0]
    assert f"Upgrading from {versions[1]}" in newest
    done = runner.invoke(app, ["--version"])
    assert done.exit_code == 0 and done.output.strip() == f"egov-xl {__version__}"
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _commands() -> set[tuple[str, ...]]:
    found = set()
    for page in [ROOT / "CHANGELOG.md", *(ROOT / "docs" / "admin").glob("*.md")]:
        for block in re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            for line in block.replace("\\\n", " ").splitlines():
                for part in line.split("&&"):
                    words = shlex.split(part.split("#")[0]) if "egov-xl" in part else []
                    if words and words[0].endswith("egov-xl"):
                        found.add(tuple(w for w in words[1:3] if not w.startswith("-") and "/" not in w))
    return found


def test_every_command_in_the_admin_guides_exists():
    commands = _commands()
    assert ("archive", "backup") in commands and ("archive", "verify") in commands
    for words in commands:
        done = runner.invoke(app, [*words, "--help"])
        assert done.exit_code == 0, (words, done.output)

"""Every `egov-xl …` command in the shell blocks of the admin guide (docs/admin/*.md) and the
guides of the clerk and the office parses against the CLI as it is: the subcommand exists and
every option and argument is accepted (nothing is run). An admin copies these lines as written;
a renamed option would otherwise fail only on the province's server."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
import typer.main
from typer._click.exceptions import UsageError  # typer 0.29 carries its own click

from egov_xl.cli.commands import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs" / "admin").glob("*.md")) + [ROOT / "docs" / "huong-dan" / "can-bo.md",
                                                         ROOT / "docs" / "office-guide.md"]
BLOCK = re.compile(r"^```(?:sh|bash|console)\n(.*?)^```", re.M | re.S)


def _lines(text: str) -> list[str]:
    """The block's lines, a backslash continuation joined to its line."""
    return text.replace("\\\n", " ").splitlines()


def _invocations(line: str) -> list[list[str]]:
    """The egov-xl invocations of one shell line (after `&&`, `;` or `|`), without the comment."""
    words = shlex.split(line, comments=True)
    found, current, previous = [], None, None
    for word in words:
        if word in ("&&", "||", ";", "|"):
            current = None
        elif current is not None:
            current.append(word)
        elif _program(word, previous):
            current = []
            found.append(current)
        previous = word
    return found


def _program(word: str, previous: str | None) -> bool:
    """`egov-xl` where a command begins (not the account in `sudo -u egov-xl`, the package in
    `pip install … egov-xl` or the service in `systemctl status egov-xl`), a path to it, or the
    admin wrapper deploy/egov-xl-admin."""
    if word.endswith(("/bin/egov-xl", "/egov-xl-admin")):  # the admin wrapper passes its arguments on
        return True
    return word == "egov-xl" and (previous is None or previous in ("&&", "||", ";", "|", "sudo", "exec", "env")
                                  or re.fullmatch(r"[A-Z_]+=.*", previous) is not None)


def _commands() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            for line in _lines(block):
                found += [(f"{page.relative_to(ROOT)}: {line.strip()}", args) for args in _invocations(line)]
    return found


def _parse(args: list[str]) -> None:
    """Resolves the subcommand path and lets click parse the rest, as `egov-xl` would, without
    invoking anything (an eager option such as --version or --help ends the parse cleanly)."""
    command = typer.main.get_command(app)
    name = "egov-xl"
    while getattr(command, "commands", None) and args and not args[0].startswith("-"):
        sub = command.commands.get(args[0])
        assert sub is not None, f"no command {name} {args[0]}"
        name, command, args = f"{name} {args[0]}", sub, args[1:]
    try:
        command.make_context(name, list(args), resilient_parsing=False)
    except typer.Exit as done:
        assert done.exit_code == 0
    except UsageError as refused:
        raise AssertionError(f"{name}: {refused.format_message()}") from None


COMMANDS = _commands()


def test_the_guides_hold_commands():
    pages = {where.split(":")[0] for where, _ in COMMANDS}
    assert {"docs/admin/units.md", "docs/admin/backup.md", "docs/admin/install.md", "docs/admin/upgrade.md"} <= pages
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize("args", [args for _, args in COMMANDS], ids=[where for where, _ in COMMANDS])
def test_each_documented_command_parses(args):
    _parse(args)

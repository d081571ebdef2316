"""A process builds only the command it runs (egov_xl/cli/commands.py `build`): its options,
help, errors and exit codes are those of the whole application."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from egov_xl.cli import app
from egov_xl.cli.commands import COMMANDS, build
from tests.fixtures import renditions


def _same(args: list[str]) -> None:
    whole = CliRunner().invoke(app, args)
    alone = CliRunner().invoke(build(args[0]), args)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert whole.output


@pytest.mark.parametrize("args", [[name, *rest] for name in COMMANDS
                                  for rest in (["--help"], ["--no-such-option"], [])
                                  if rest or name != "serve"])  # serve without arguments serves
def test_a_command_built_alone_answers_as_in_the_whole_application(args):
    _same(args)


@pytest.mark.parametrize("args", [
    ["--format", "xml"], ["--lang", "fr"], ["--form"], ["--format=json", "--help"],
])
def test_validates_refusals_are_the_same_alone(args, tmp_path):
    form = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_seed())
    _same(["validate", *args, str(form)])


def test_validate_built_alone_checks_as_the_whole_application(tmp_path):
    form = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_seed())
    _same(["validate", "--format", "json", str(form), str(tmp_path / "thieu.xlsx")])


def test_only_the_command_that_runs_is_built():
    built = build("validate")
    assert [command.name for command in built.registered_commands] == ["validate"]
    assert not built.registered_groups
    assert [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups] != ["validate"]

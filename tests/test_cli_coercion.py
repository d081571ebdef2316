"""The CLI's option values without pydantic (egov_xl/cli/coercion.py) are the values typer's own
pydantic path gives, and its refusals are the same refusals, for every parameter of every
command; a command run does not import pydantic."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter

from egov_xl.cli import app, coercion

SAMPLES = ("", "abc", "Xã Đông", "text", "json", "JSON", "csv", "vi", "en", "EN", "xml", "12", "-1", " 7 ",
           "true", "no", "/", "/tmp", "/nonexistent/x.xlsx", "-", "a\x1bb", "Q1/2025")


def _parameters():
    root = typer.main.get_command(app)
    stack = [(root, "egov-xl")]
    while stack:
        command, name = stack.pop()
        for param in command.params:
            if hasattr(param, "type_descriptor"):
                yield command, f"{name} {param.name}", param
        stack.extend((sub, f"{name} {sub_name}") for sub_name, sub in getattr(command, "commands", {}).items())


def _outcome(runtime, value, param, ctx):
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "refused", exc.message


PARAMETERS = list(_parameters())


def test_every_command_parameter_is_covered():
    assert len(PARAMETERS) > 80
    kinds = {type(coercion.light(param.type_descriptor)).__name__ for _, _, param in PARAMETERS}
    assert kinds == {"LightRuntimeParam"}


@pytest.mark.parametrize(("command", "name", "param"), PARAMETERS, ids=[name for _, name, _ in PARAMETERS])
def test_same_values_and_refusals_as_typer(command, name, param):
    ctx = Context(command, info_name=name)
    descriptor = param.type_descriptor
    light, typer_own = coercion.light(descriptor), coercion._typer_builder(descriptor)
    multi = param.multiple or param.nargs == -1
    values = [None, *([[s] for s in SAMPLES] + [list(SAMPLES[:4])] if multi else SAMPLES)]
    if param.default is not None:
        values.append(param.default)
    for value in values:
        assert _outcome(light, value, param, ctx) == _outcome(typer_own, value, param, ctx), (name, value)


def test_a_command_run_imports_no_pydantic(tmp_path):
    code = ("import sys\nfrom egov_xl.cli import main\nsys.argv = ['egov-xl', 'forms', 'list', '--lang', 'en']\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"

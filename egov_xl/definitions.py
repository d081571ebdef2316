"""Loads what ships as data: form editions (forms/*.yaml), rules and message catalogues.

A broken form file raises FormFileError naming the file, the line and the field. Form files
are checked with the pydantic schema (core/spec_schema.py); the built-in editions are read
from forms/prepared.json, that schema's output for the shipped files (`python -m
egov_xl.prepare` writes it), whenever its digest matches them. YAML is read with libyaml.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.findings import Severity
from .core.messages import Catalogue, RuleBook

from .core.spec import Edition

if TYPE_CHECKING:
    from .core.golden import Case, Outcome
    from .core.mapping import EditionMapping
    from .core.rules.registry import Registry

PREPARED = "prepared.json"  # in forms/ (the editions) and in messages/ (the catalogues)

LANGUAGES = ("vi", "en")


class FormFileError(ValueError):
    """A form definition file that does not pass the schema."""

    def __init__(self, file: str, problems: list[tuple[int | None, str, str]]):
        self.file = file
        self.problems = problems
        super().__init__("; ".join(f"{file}:{line}: {field}: {msg}" for line, field, msg in problems))

    def render(self, catalogue: Catalogue) -> list[str]:
        return [
            catalogue.text("form_file_error", file=self.file, line=line or "?", field=field, error=msg)
            for line, field, msg in self.problems
        ]


def _package_dir(name: str) -> Path:
    return Path(__file__).resolve().parent / name


def _loader():
    """libyaml's safe loader where it is built, else PyYAML's (yaml is imported when read)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int | None:
    """Walk a composed YAML node along a pydantic error location to the line it names."""
    import yaml

    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


_ROW_IN_MESSAGE = re.compile(r"row (\d[\d.]*):")


def _row_location(data: dict[str, Any], message: str) -> tuple[Any, ...]:
    """Edition-wide checks name the row in their message: point at that row."""
    match = _ROW_IN_MESSAGE.search(message)
    rows = data.get("rows") or []
    for index, row in enumerate(rows):
        if match and isinstance(row, dict) and str(row.get("code")) == match.group(1):
            return ("rows", index)
    return ()


def load_yaml(path: Path) -> Any:
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())  # noqa: S506 - a safe loader


def parse_edition(text: str, file: str) -> Edition:
    return check_edition(text, file).to_spec()


def check_edition(text: str, file: str):
    """The file's edition as the schema checked it (an `EditionSchema`), or FormFileError."""
    import yaml
    from pydantic import ValidationError

    from .core.spec_schema import EditionSchema

    try:
        node = yaml.compose(text, Loader=_loader())
        data = yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormFileError(file, [(mark.line + 1 if mark else None, "-", str(exc))]) from None
    if not isinstance(data, dict) or node is None:
        raise FormFileError(file, [(1, "-", "the file must hold a mapping with id, title and rows")])
    try:
        return EditionSchema.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"]) or _row_location(data, error["msg"])
            field = ".".join(str(p) for p in loc) or "-"
            problems.append((_line_of(node, loc), field, error["msg"]))
        raise FormFileError(file, problems) from None


def load_edition_file(path: Path) -> Edition:
    return parse_edition(path.read_text(encoding="utf-8"), str(path))


def edition_files() -> list[Path]:
    return sorted(_package_dir("forms").glob("*.yaml"))


def forms_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepared_editions() -> dict[str, Any]:
    """The built-in editions as the schema checked them, with the digest of their files."""
    files = edition_files()
    return {"digest": forms_digest(files),
            "editions": [check_edition(path.read_text(encoding="utf-8"), str(path)).model_dump(mode="json")
                         for path in files]}


@lru_cache(maxsize=1)
def editions() -> tuple[Edition, ...]:
    """Every edition shipped in egov_xl/forms, newest vocabulary first: from the prepared JSON
    when it was made from these very files, else checked afresh with the schema."""
    files = edition_files()
    prepared = _prepared("forms", files)
    if prepared is not None:
        return tuple(Edition.from_data(data) for data in prepared["editions"])
    return tuple(load_edition_file(path) for path in files)


def _prepared(folder: str, files: list[Path]) -> dict[str, Any] | None:
    """`folder`'s prepared JSON (`python -m egov_xl.prepare`) when it was made from these very
    files, else None (the sources are read instead)."""
    try:
        prepared = json.loads((_package_dir(folder) / PREPARED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return prepared if prepared.get("digest") == forms_digest(files) else None


def edition(form_id: str) -> Edition | None:
    return next((e for e in editions() if e.id == form_id), None)


def message_files() -> list[Path]:
    return sorted(_package_dir("messages").glob("*.yaml"))


def prepared_messages() -> dict[str, Any]:
    """The catalogues and the rules' severities (messages/*.yaml) as their YAML reads, by file
    stem, with the digest of their files: messages/prepared.json (`python -m egov_xl.prepare`)."""
    files = message_files()
    return {"digest": forms_digest(files), "files": {path.stem: load_yaml(path) for path in files}}


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    """messages/*.yaml by file stem: from the prepared JSON when it was made from these very
    files (no YAML parser at start), else read from the YAML."""
    files = message_files()
    prepared = _prepared("messages", files)
    if prepared is not None:
        return prepared["files"]
    return {path.stem: load_yaml(path) for path in files}


@lru_cache(maxsize=None)
def catalogue(lang: str = "vi") -> Catalogue:
    if lang not in LANGUAGES:
        lang = "vi"
    return Catalogue.from_data(lang, _messages()[lang])


@lru_cache(maxsize=1)
def rulebook() -> RuleBook:
    """Default severities from messages/rules.yaml, checked against the registered rules
    (the message catalogues are checked by `egov-xl rules test` and the tests)."""
    from .core.registry import REGISTRY
    from .core.rules.registry import RegistryError

    data = _messages()["rules"]
    problems = REGISTRY.problems(data, {})
    if problems:
        raise RegistryError("rules.yaml and the registered rules disagree: " + "; ".join(problems))
    return RuleBook({rule: Severity(meta["severity"]) for rule, meta in data.items()})


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Every registered rule with its default severity from the catalogue."""
    from .core.registry import REGISTRY

    return REGISTRY.bind(rulebook().defaults)


@lru_cache(maxsize=1)
def mappings() -> tuple[EditionMapping, ...]:
    """Row correspondences between editions (forms/mappings/*.yaml), checked against both."""
    from pydantic import ValidationError

    from .core.mapping import EditionMapping

    by_id = {e.id: e for e in editions()}
    loaded = []
    for path in sorted((_package_dir("forms") / "mappings").glob("*.yaml")):
        try:
            mapping = EditionMapping.model_validate(load_yaml(path))
        except ValidationError as exc:
            raise FormFileError(str(path), [(None, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()])
        source, target = by_id.get(mapping.source), by_id.get(mapping.target)
        problems = mapping.check_against(source, target) if source and target else ["unknown edition"]
        if problems:
            raise FormFileError(str(path), [(None, "rows", p) for p in problems])
        loaded.append(mapping)
    return tuple(loaded)


def mapping_between(source: str, target: str) -> EditionMapping | None:
    return next((m for m in mappings() if m.source == source and m.target == target), None)


@lru_cache(maxsize=1)
def rules_version() -> str:
    """The package version and a digest of every rule and form file: which rules judged a form."""
    from . import __version__

    digest = hashlib.sha256()
    for folder in ("messages", "forms", "forms/mappings"):
        for path in sorted(_package_dir(folder).glob("*.yaml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def golden_files() -> list[Path]:
    """The golden cases of the rules (rules_golden/*.yaml)."""
    return sorted(_package_dir("rules_golden").glob("*.yaml"))


def golden_cases(files: list[Path] | None = None) -> list[Case]:
    from .core.golden import parse_cases

    cases = []
    for path in files or golden_files():
        cases.extend(parse_cases(load_yaml(path), path.name))
    return cases


def run_golden(cases: list[Case], extra: tuple[Edition, ...] = ()) -> list[Outcome]:
    """Run golden cases against the shipped editions, `extra` (an edited form file) replacing
    the shipped edition of the same id."""
    from .core.golden import run_case
    from .core.registry import REGISTRY

    by_id = {e.id: e for e in editions()} | {e.id: e for e in extra}
    return [run_case(case, by_id, REGISTRY, rulebook(), mappings()) for case in cases]

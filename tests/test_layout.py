"""The folders say how data flows: docs/developer/architecture.md lists each package with its first docstring line,
and the archive is storage only (it imports no flow, no workbook reading, no rule running)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbook", "sources", "core", "flows", "output", "archive", "template", "cli", "excel", "web", "server")


def first_line(package: str) -> str:
    source = (ROOT / "egov_xl" / package / "__init__.py").read_text("utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"egov_xl/{package}/__init__.py has no docstring"
    return doc.splitlines()[0]


def test_architecture_page_shows_each_package_with_its_first_docstring_line():
    built = (ROOT / "docs" / "developer" / "architecture.md").read_text("utf-8")
    for package in PACKAGES:
        assert f"egov_xl/{package}/".ljust(20) + first_line(package) in built, package


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.update(base if node.module else base + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_archive_is_storage_only():
    forbidden = ("..flows", "..validate", "..workbook", "..definitions", "..core.rules", "..core.engine",
                 "..output", "..excel", "..web", "..cli")
    for path in sorted((ROOT / "egov_xl" / "archive").glob("*.py")):
        wrong = [name for name in imported(path) if name.startswith(forbidden)]
        assert wrong == [], f"{path.name} imports {wrong}"
    assert not (ROOT / "egov_xl" / "archive" / "service.py").exists()
    assert not (ROOT / "egov_xl" / "archive" / "periods.py").exists()


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def resolved(path: Path, name: str) -> str:
    """An import as written in `path` (relative or absolute) → the module's dotted name."""
    if not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    package = module_of(path).split(".")
    base = package[: len(package) - dots + (1 if path.name == "__init__.py" else 0)]
    rest = name.lstrip(".")
    return ".".join([*base, rest] if rest else base)


def _written(path: Path) -> set[str]:
    """Every import in `path` as written, with `from X import name` also as X.name (a submodule)."""
    names = set(imported(path))
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{'.' * node.level}{node.module}.{alias.name}" for alias in node.names)
    return names


def module_imports() -> dict[str, set[str]]:
    """Every module of egov_xl → the egov_xl modules it imports (at the top or inside a function)."""
    paths = sorted((ROOT / "egov_xl").rglob("*.py"))
    known = {module_of(path) for path in paths}
    return {module_of(path): {n for n in (resolved(path, name) for name in _written(path)) if n in known}
            for path in paths}


def imports(graph: dict[str, set[str]], module: str, other: str) -> bool:
    return any(name == other or name.rpartition(".")[0] == other for name in graph[module])


def test_no_import_cycle_between_matching_and_rereading_or_consolidation_and_its_output():
    graph = module_imports()
    for a, b in (("egov_xl.core.match", "egov_xl.core.reread"),
                 ("egov_xl.flows.consolidate", "egov_xl.output.consolidation"),
                 ("egov_xl.core.prior", "egov_xl.core.registry")):
        assert not (imports(graph, a, b) and imports(graph, b, a)), (a, b)
    assert not imports(graph, "egov_xl.core.reread", "egov_xl.core.match")
    assert not imports(graph, "egov_xl.flows.consolidate", "egov_xl.output.consolidation")


def test_adapters_run_the_engine_only_through_flows():
    """excel/, web/ and cli/ check forms through flows (flows/check.py, flows/references.py), never
    by calling core.engine themselves, so every entry point gets the same rules."""
    graph = module_imports()
    wrong = sorted(module for module, names in graph.items()
                   if module.split(".")[1:2] in (["excel"], ["web"], ["cli"]) and imports(graph, module, "egov_xl.core.engine"))
    assert wrong == []


ARCHIVE_HANDLE = {"egov_xl.archive", "egov_xl.archive.store", "egov_xl.archive.db", "egov_xl.archive.calendar",
                  "egov_xl.archive.roles",  # opening it, its errors, the calendar file, `archive init`
                  "egov_xl.archive.backup",  # `archive backup` and `archive verify --against`
                  "egov_xl.archive.function_state"}  # the add-in's own state kept in the database


def test_adapters_reach_the_archive_through_flows():
    """Adapters hold the archive's handle and pass it to flows: archiving, comparing, reviews
    (flows.review), prior values (flows.references.prior_value), the unit tree, revisions and
    reviews the office reads (flows.board) and the units (flows.units) go through flows. Beyond
    the handle and what comes with it (ARCHIVE_HANDLE: opening it and its errors, the calendar
    file, roles, backups, the add-in's own state), no adapter imports any part of the archive."""
    graph = module_imports()
    for module, names in sorted(graph.items()):
        if module.split(".")[1:2] not in (["excel"], ["web"], ["cli"]):
            continue
        direct = {n for n in names if n.startswith("egov_xl.archive")} - ARCHIVE_HANDLE
        assert direct == set(), (module, direct)
    for path in [*(ROOT / "egov_xl" / "web").glob("*.py"), *(ROOT / "egov_xl" / "excel").glob("*.py")]:
        assert "add_review" not in path.read_text("utf-8"), path.name  # reviews are written by flows.review


def _class_privates(path: Path, names: tuple[str, ...]) -> set[str]:
    """The private members (methods and `self._x` attributes, not dunders) of the classes `names`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ClassDef) and node.name in names:
            for inner in ast.walk(node):
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.add(inner.name)
                elif isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id == "self":
                    found.add(inner.attr)
    return {name for name in found if name.startswith("_") and not name.startswith("__")}


def test_nothing_uses_a_private_member_of_the_archive():
    """The archive's handle (archive/db.py's Database, archive/store.py's Archive on it) is used
    through its public read/write API only: tree, overview, units, function and auth state are
    repositories on it, and nothing else, in the package or the tests, reaches its insides."""
    archive = ROOT / "egov_xl" / "archive"
    private = _class_privates(archive / "db.py", ("Database",)) | _class_privates(archive / "store.py", ("Archive",))
    assert {"_reader", "_writer", "_ready", "_fetch"} <= private
    owners = {archive / "db.py", archive / "store.py"}
    wrong = []
    for path in sorted([*(ROOT / "egov_xl").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]):
        if path in owners:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in private
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert wrong == []


def test_every_table_is_declared_in_the_archive_models():
    """One place for the schema in code (archive/models.py, checked against the migrations by
    tests/test_archive_schema.py): no other module declares a Table or a MetaData of its own."""
    models = ROOT / "egov_xl" / "archive" / "models.py"
    wrong = []
    for path in sorted((ROOT / "egov_xl").rglob("*.py")):
        if path == models:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        names, modules = _sqlalchemy_bindings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id in names) or (
                    isinstance(func, ast.Attribute) and func.attr in SCHEMA_MAKERS
                    and isinstance(func.value, ast.Name) and func.value.id in modules):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


SCHEMA_MAKERS = ("Table", "MetaData")


def _sqlalchemy_bindings(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The local names of sqlalchemy's Table and MetaData, and of sqlalchemy itself, in a module
    (rich's Table and the like are other things)."""
    names, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            names.update(alias.asname or alias.name for alias in node.names if alias.name in SCHEMA_MAKERS)
        elif isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name for alias in node.names if alias.name == "sqlalchemy")
    return names, modules


def test_database_failures_are_translated_in_one_place():
    """Connections come from the Database handle (read, write, snapshot, fetch), which turns a
    database failure into an ArchiveError sentence; no other module wraps its own."""
    wrong = []
    for path in sorted((ROOT / "egov_xl").rglob("*.py")):
        if path == ROOT / "egov_xl" / "archive" / "db.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "translated":
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []

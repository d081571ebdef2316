"""The reporting units: listed, looked up by code (known, named), created when an admin asks;
and an administrator's bulk work: the province's units from one table into the archive, and one
token per clerk from another, each idempotent (importing the same file again changes nothing),
each all or nothing (one bad row and nothing is written), each with a dry run."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import units as archive_units
from ..archive.units import UnitRecord
from ..archive.store import Archive
from ..core.errors import UserError
from ..core.unit_table import ClerkRow, RowProblem, clerk_rows, unit_rows
from ..server import tokens
from ..settings import Limits
from ..sources.admin_table import read_table

UNIT_SHEETS = ("don vi", "cac don vi", "units")  # a workbook's sheet for each table, else its first sheet
CLERK_SHEETS = ("can bo", "ma truy cap", "clerks", "tokens")
OUT_HEADER = ("Mã số", "Họ tên", "Đơn vị", "Tổng hợp", "Mã truy cập")


@dataclass(slots=True)
class UnitsImport:
    rows: int
    written: archive_units.Written | None = None
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(slots=True)
class ClerksImport:
    rows: int
    issued: list[tuple[str, tokens.Entry]] = field(default_factory=list)
    to_issue: int = 0
    kept: list[tokens.Entry] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


listed = archive_units.listed  # every unit, by code, with its parent's code and its kind
known = archive_units.known  # those of the codes the archive holds
names = archive_units.names  # each known code's name


def create_missing(archive: Archive, codes: Iterable[str]) -> list[str]:
    """Create each of `codes` the archive does not hold, named by its code and without a parent
    (`--create-unit`); the codes created, sorted."""
    wanted = set(codes)
    missing = sorted(wanted - known(archive, wanted))
    if missing:
        archive_units.write(archive, [UnitRecord(code, code, None, None) for code in missing])
    return missing


def _naming(path: Path, read, *args):
    """`read(*args)`, its refusal of the whole table (no header) naming the file."""
    try:
        return read(*args)
    except UserError as refused:
        if refused.key == "import_header_missing":
            raise UserError(refused.key, path=str(path), **refused.params) from None
        raise


def import_units(archive: Archive, path: Path, dry_run: bool = False, limits: Limits | None = None) -> UnitsImport:
    """Create or update every unit of the table; nothing written if a row is bad or on a dry run."""
    rows = read_table(path, limits, UNIT_SHEETS)
    records = {unit.code for unit in listed(archive)}
    found, problems = _naming(path, unit_rows, rows, records)
    result = UnitsImport(len(found), problems=problems)
    if problems:
        return result
    wanted = [UnitRecord(r.code, r.name, r.parent, r.kind) for r in found]
    result.written = archive_units.plan(archive, wanted) if dry_run else archive_units.write(archive, wanted)
    return result


def import_clerks(archive: Archive, tokens_file: Path, path: Path, out: Path | None, dry_run: bool = False,
                  create_units: bool = False, limits: Limits | None = None) -> ClerksImport:
    """One token per clerk of the table not yet holding one (same name, units, consolidation),
    written once into `out` (created 0600, never over an existing file); the tokens file keeps
    only hashes. Units the archive does not know are refused unless `create_units`."""
    rows = read_table(path, limits, CLERK_SHEETS)
    found, problems = _naming(path, clerk_rows, rows)
    held = known(archive, {u for row in found for u in row.units})
    if not create_units:
        problems += [RowProblem(row.row, UserError("tokens_row_unit_unknown", name=row.name, unit=unit))
                     for row in found for unit in row.units if unit not in held]
        problems = _one_per_row(problems)
    result = ClerksImport(len(found), problems=problems)
    if problems:
        return result
    grants = [_grant(row) for row in found]
    matched = tokens.already_issued(tokens_file, grants)
    result.kept = [entry for entry in matched if entry is not None]
    new = [grant for grant, entry in zip(grants, matched, strict=True) if entry is None]
    result.to_issue = len(new)
    missing = sorted({u for row in found for u in row.units} - held)
    if dry_run or not new:
        result.created_units = missing if create_units else []
        return result
    if out is None:
        raise UserError("tokens_out_needed")
    handle = _exclusive(out)  # before any token exists: an existing file stops everything
    try:
        if create_units and missing:
            result.created_units = create_missing(archive, missing)
        result.issued = tokens.issue_many(tokens_file, new)
    except BaseException:
        os.close(handle)
        out.unlink(missing_ok=True)
        raise
    _write_out(handle, result.issued)
    return result


def _one_per_row(problems: list[RowProblem]) -> list[RowProblem]:
    seen, kept = set(), []
    for problem in sorted(problems, key=lambda p: p.row):
        if problem.row not in seen:
            seen.add(problem.row)
            kept.append(problem)
    return kept


def _grant(row: ClerkRow) -> tokens.Grant:
    return tokens.Grant(row.name, frozenset(row.units), row.consolidates)


def _exclusive(out: Path) -> int:
    try:
        return os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserError("tokens_out_exists", out=str(out)) from None
    except OSError as exc:
        raise UserError("write_failed", out=str(out), reason=exc.strerror or exc) from None


def _write_out(handle: int, issued: list[tuple[str, tokens.Entry]]) -> None:
    """The tokens, once, as Excel opens a CSV (UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OUT_HEADER)
    for token, entry in issued:
        writer.writerow([entry.id, entry.grant.name, ", ".join(sorted(entry.grant.units)),
                         "có" if entry.grant.consolidates else "", token])
    with os.fdopen(handle, "wb") as stream:
        stream.write(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
        stream.flush()
        os.fsync(stream.fileno())

"""Check a file or a workbook: open → locate → match → check → reports; pick the one form to
archive or compare.

`open_source` is the one way in for every entry point (CLI, web upload, archiving, compare,
templates, stamps): a file is read by its reader in a reader process, with the limits of the
settings (egov_xl/workbook/isolated.py), and grids already read (from Excel) are taken as they
are."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UserError
from ..core.grid import SheetGrid, WorkbookGrid
from ..settings import Limits
from ..workbook import ReadError, load_details, start_reading
from ..workbook.read import collect, stream_sheets, take_near

if TYPE_CHECKING:
    from ..core.findings import FormReport
    from ..core.locate import Region
    from ..core.match import LocatedForm

# The definitions, the engine and the recalculation are imported where they are used: a file's
# read starts first, and they are imported while its reader process reads (open_source).


@lru_cache(maxsize=1)
def report_sheets() -> frozenset[str]:
    """Sheets egov-xl writes itself (the findings list of an annotated copy) are never forms."""
    from .. import definitions

    return frozenset(definitions.catalogue(lang).text("report_sheet") for lang in definitions.LANGUAGES)


@dataclass(slots=True)
class Checked:
    form: LocatedForm
    report: FormReport
    compared: bool = False  # checked against the archive (flows/references.py), even with nothing found there


@dataclass(slots=True)
class Source:
    """An input ready to check: its grids, and (for a file) how to fill the number formats,
    formulas and formula results of the rows where forms were located."""

    workbook: WorkbookGrid
    load: Callable[[list[Region]], None] | None = None


def open_source(source: str | Path | WorkbookGrid, limits: Limits) -> Source:
    """A file (read in a reader process: an abort, a panic, a timeout or too much memory is the
    file's ReadError) or grids already read. Formulas of the form rows saved without results
    are recalculated when loaded (flows/recalculated.py)."""
    if isinstance(source, WorkbookGrid):
        return Source(source)
    path = Path(source)
    reading = start_reading(path, limits)
    try:
        _prepare()  # while the reader process reads
    finally:
        workbook, near = reading()

    def load(regions: list[Region]) -> None:
        from .recalculated import fill_results

        load_details(path, workbook, regions, limits, near)
        fill_results(path, workbook, regions, limits)

    return Source(workbook, load)


def _prepare() -> None:
    """What every check needs: the engine's modules, the forms and the rules."""
    from .. import definitions
    from ..core import engine  # noqa: F401

    definitions.editions(), definitions.rulebook(), report_sheets()


def check_file(path: str | Path, form_id: str | None = None, limits: Limits | None = None) -> list[Checked]:
    """Validate every form table in the file. Raises ReadError for an unusable input."""
    return check_source(path, limits or Limits(), form_id)


def check_source(source: str | Path | WorkbookGrid, limits: Limits, form_id: str | None = None) -> list[Checked]:
    """Validate every form table of a file or of grids already read (from Excel), both opened
    by `open_source`. Raises ReadError for an unusable input."""
    _known(form_id)
    if isinstance(source, WorkbookGrid):
        return check_workbook(source, form_id)
    return _check_file(Path(source), limits, form_id)


def _check_file(path: Path, limits: Limits, form_id: str | None) -> list[Checked]:
    """`check_workbook` of a file whose reader sends each sheet as soon as it has read it:
    each sheet's forms are located, matched and checked (`_Ahead`) while the reader reads the
    next; the whole file's decisions then redo a form only where they change what it read."""
    parts = stream_sheets(path, limits)
    try:
        _prepare()  # while the reader process reads
    except BaseException:
        _drain(path, parts)  # as open_source does: the reader's answer is taken, its worker freed
        raise
    ahead = _Ahead(str(path), form_id)
    workbook, near = collect(path, ahead.follow(parts))

    def load(regions: list[Region]) -> None:
        from .recalculated import fill_results

        load_details(path, workbook, regions, limits, near)
        fill_results(path, workbook, regions, limits)

    return check_workbook(workbook, form_id, load, ahead)


def _drain(path: Path, parts) -> None:
    try:
        collect(path, parts)
    except ReadError:
        pass


class _Ahead:
    """Forms checked while the file is still being read, sheet by sheet, with what that sheet
    alone gives: its regions (core.locate.find_regions needs no other sheet), the details of
    its rows when the reader's trip holds them, and the decimal separator the tables read so
    far show (the whole file's usually agrees); when a sheet changes that reading, the forms
    already checked whose values it reads otherwise are checked again at once, while the
    reader reads on. `check_workbook` takes a form's check from here only when the whole file's decisions
    (one reading of "." and ",", results LibreOffice computes) leave its input as it was."""

    def __init__(self, path: str, form_id: str | None) -> None:
        self.path, self.form_id = path, form_id
        self.regions: dict[int, list[Region]] = {}  # by id() of a grid of this file
        # (grid, region) by id() → (grid, region, the decimal its reading depended on, its check,
        # the grid's decimal it was read with)
        self.checked: dict[tuple[int, int], tuple[SheetGrid, Region, str | None, Checked, str | None]] = {}
        self.evidence = (0, 0)  # core.locate.separator_evidence of the tables read so far

    def follow(self, parts):
        """The reader's parts, passed on; each sheet is checked once it has been passed."""
        for part in parts:
            yield part
            self.sheet(*part[1:])

    def sheet(self, grid: SheetGrid, rows, details) -> None:
        if grid.name in report_sheets():
            return
        try:
            self._check(grid, rows, details)
        except Exception:  # noqa: BLE001 - check_workbook does it again and says what is wrong
            self.regions.pop(id(grid), None)

    def _check(self, grid: SheetGrid, rows, details) -> None:
        from ..core.locate import find_regions, separator_evidence
        from ..core.numbers import decimal_of_evidence

        # a sheet in which the reader's pass found no row that may head a table (rows, not
        # None: set()) has no region find_regions could find (it looks only at such rows)
        regions = self.regions[id(grid)] = [] if rows is not None and not rows else find_regions(grid)
        before = decimal_of_evidence(*self.evidence)
        point, comma = separator_evidence([(grid, region) for region in regions])
        self.evidence = (self.evidence[0] + point, self.evidence[1] + comma)
        near = None if rows is None else ({grid.name: rows}, {grid.name: details} if details is not None else {})
        if regions and take_near(WorkbookGrid(self.path, [grid]), regions, near) and not grid.uncomputed:
            for region in regions:
                self._form(grid, region)
        if decimal_of_evidence(*self.evidence) != before:  # the forms read under the earlier reading
            for key, (earlier, region, decimal, checked, _) in list(self.checked.items()):
                now, read_with = self._reading(earlier, region)
                if now != decimal:
                    self._form(earlier, region)
                else:  # read alike under the new reading
                    self.checked[key] = earlier, region, decimal, checked, read_with

    def _reading(self, grid: SheetGrid, region: Region) -> tuple[str | None, str | None]:
        """The decimal separator a table's reading depends on, as decide_separators will
        decide if the sheets still to come agree with those read so far, and the grid's
        decimal it is read with then."""
        from ..core.locate import reading_decimal

        with self._guessed(grid):
            return reading_decimal(grid, region), grid.decimal

    def _form(self, grid: SheetGrid, region: Region) -> None:
        from .. import definitions
        from ..core.engine import check_form, locate_form

        with self._guessed(grid):
            form = locate_form(grid, region, definitions.editions(), self.form_id, self.path)
            checked = Checked(form, check_form(form, definitions.rulebook(), self.path))
            self.checked[id(grid), id(region)] = grid, region, form.table.decimal, checked, grid.decimal

    @contextmanager
    def _guessed(self, grid: SheetGrid):
        """The grid read, for a while, with the file's reading of "." and "," so far when its
        source declares none."""
        from ..core.numbers import decimal_of_evidence

        declared = grid.decimal
        if declared is None:
            grid.decimal = decimal_of_evidence(*self.evidence)
        try:
            yield
        finally:
            grid.decimal = declared

    def found(self, grid: SheetGrid) -> list[Region] | None:
        return self.regions.get(id(grid))

    def take(self, grid: SheetGrid, region: Region) -> Checked | None:
        """The form's check made ahead, if the file's decisions left its input unchanged."""
        from ..core.locate import reading_decimal

        made = self.checked.get((id(grid), id(region)))
        if made is None or grid.uncomputed or grid.recalculated:
            return None
        _, _, decimal, checked, read_with = made
        if grid.decimal != read_with and reading_decimal(grid, region) != decimal:  # else read alike
            return None
        return checked


def check_workbook(workbook: WorkbookGrid, form_id: str | None = None, load=None,
                   ahead: _Ahead | None = None) -> list[Checked]:
    """Validate every form table of grids already read (from a file, or from Excel).

    `load(regions)`, when given, fills number formats and formulas of the located rows;
    `ahead` holds what was located and checked while the file was read (`_check_file`)."""
    from .. import definitions
    from ..core.engine import check_form, locate_form
    from ..core.locate import decide_separators, find_regions, find_regions_by_codes

    _known(form_id)
    sheets = [grid for grid in workbook.sheets if grid.name not in report_sheets()]
    located, every_ahead = [], ahead is not None
    for grid in sheets:
        regions = ahead.found(grid) if ahead is not None else None
        every_ahead = every_ahead and regions is not None
        located.extend((grid, region) for region in (find_regions(grid) if regions is None else regions))
    # what `ahead` added up is the evidence of every table when it located every table
    evidence = ahead.evidence if every_ahead and located else None
    if not located:  # no header anywhere: look for a column of indicator codes
        located = [(grid, region) for grid in sheets for region in find_regions_by_codes(grid)]
    if not located:
        raise ReadError("no_table", path=workbook.path)
    decide_separators(located, evidence)  # one reading of "." and "," for the whole file
    if load is not None:
        load([region for _, region in located])
    editions, rulebook = definitions.editions(), definitions.rulebook()
    results = []
    for grid, region in located:
        checked = ahead.take(grid, region) if ahead is not None else None
        if checked is None:
            form = locate_form(grid, region, editions, form_id, workbook.path)
            checked = Checked(form, check_form(form, rulebook, workbook.path))
        results.append(checked)
    return results


def _known(form_id: str | None) -> None:
    if form_id is None:
        return
    from .. import definitions

    if definitions.edition(form_id) is None:
        known = ", ".join(e.id for e in definitions.editions())
        raise ReadError("unknown_form_id", form=form_id, known=known)


def validate_file(path: str | Path, form_id: str | None = None, limits: Limits | None = None) -> list[FormReport]:
    return [checked.report for checked in check_file(path, form_id, limits)]


def validate_each(paths: list[Path], form_id: str | None, limits: Limits):
    """One answer per file of a batch: (path, reports, None) or (path, [], ReadError). A failure
    nobody foresaw in one file becomes that file's error; the other files are still checked."""
    for path in paths:
        try:
            yield path, validate_file(path, form_id, limits), None
        except ReadError as exc:
            yield path, [], exc
        except Exception as exc:  # noqa: BLE001 - one file, one answer (the reader's own failures are ReadErrors)
            yield path, [], ReadError("file_failed", path=str(path), reason=f"{type(exc).__name__}: {exc}"[:200])


def pick_form(path: str | Path, sheet: str | None = None, form_id: str | None = None,
              limits: Limits | None = None) -> Checked:
    """The one form of a file (or of its sheet `sheet`) to archive, compare or fill a template
    with. A file holding several forms, none chosen, is a UserError "archive_many_forms"."""
    return pick(check_file(path, form_id, limits), str(path), sheet)


def pick(checked: list[Checked], where: str, sheet: str | None = None) -> Checked:
    """The one form among those checked in `where` (a file, or a workbook sent by Excel): the
    form of sheet `sheet` when given; a workbook holding several forms, none chosen, is the
    UserError "archive_many_forms" naming their sheets (each adapter says how to choose). The
    one answer of every entry point (CLI, web upload, add-in)."""
    if sheet is not None:
        checked = [c for c in checked if c.form.sheet == sheet]
        if not checked:
            raise ReadError("no_table", path=f"{where} [{sheet}]")
    if len(checked) > 1:
        sheets = [c.form.sheet for c in checked]
        raise UserError("archive_many_forms", path=where, count=len(sheets), sheets=", ".join(sheets))
    return checked[0]


def check_range(grid: SheetGrid) -> FormReport | None:
    """The first form table in one sheet's grid (a range given to a worksheet function),
    checked; None when it holds no table header."""
    from .. import definitions
    from ..core.engine import check_form, locate_form
    from ..core.locate import find_regions

    regions = find_regions(grid)
    if not regions:
        return None
    form = locate_form(grid, regions[0], definitions.editions())
    return check_form(form, definitions.rulebook(), "")

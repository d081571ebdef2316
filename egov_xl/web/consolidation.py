"""Tổng hợp on the page: a consolidating unit's form for one period (flows.consolidate), each
total with the units behind it, the units missing or with errors, the findings on totals
drilled down to units, the outliers with the distribution of their indicator, and the filled
template as an .xlsx made in memory for the answer (nothing stored)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from ..core.periods import Period
from ..archive.store import Archive
from ..core.consolidate import Contribution, Method
from ..core.messages import Catalogue
from ..core.spec import Kind
from ..flows import board as reads
from ..flows.board import TreeUnit
from ..flows.consolidate import ConsolidatedForm, shown_value
from ..output.consolidation import explained, filled_book, note, statuses

MAX_CHARTS = 6  # one distribution per indicator with an outlier, at most this many


def consolidating_units(tree: dict[str, TreeUnit], units: frozenset[str] | None, consolidates: bool) -> list[str]:
    """The units a visitor may consolidate: their own units that have units below them when
    their token consolidates; every such unit on one PC without authentication (`units` None)."""
    parents = {info.parent for info in tree.values() if info.parent}
    if units is None:
        return sorted(parents)
    return sorted(code for code in units if code in parents) if consolidates else []


def periods_below(archive: Archive, tree: dict[str, TreeUnit], root: str) -> list[Period]:
    """The periods any unit below `root` reported, newest first (metadata only, one query)."""
    found = {r.period for r in reads.revisions(archive, reads.below(tree, root))}
    return sorted(found, key=lambda p: (p.end, p.key), reverse=True)


@dataclass(frozen=True)
class LeaveOut:
    """What the office chose to keep out of the totals (the CLI's --skip-errors, and returns)."""

    errors: bool = False  # reports whose current revision has errors
    returned: bool = False  # reports returned for correction

    @property
    def query(self) -> str:
        """The choice as query parameters to carry on the page's links ("" when none)."""
        return "".join(f"&{name}=1" for name, on in (("bo_loi", self.errors), ("bo_tra_lai", self.returned)) if on)


@dataclass(frozen=True)
class TotalRow:
    code: str
    label: str
    value: Decimal | int | None
    exact: bool
    reported: int
    note_vi: str
    note_en: str
    ratio: bool  # a ratio or a percentage: its spread across units is charted


@dataclass(frozen=True)
class Share:
    """One unit's part in a total: its value and the status of the revision it comes from."""

    unit: str
    name: str
    revision: int
    value: Decimal | None
    status_vi: str
    status_en: str


def total_rows(result: ConsolidatedForm, vi: Catalogue, en: Catalogue) -> list[TotalRow]:
    rows = []
    for row in result.edition.rows:
        total = result.consolidation.totals[row.code]
        if row.kind is Kind.HEADER or total.method is Method.NONE:
            continue
        rows.append(TotalRow(row.code, row.label, shown_value(total, row), total.exact, total.reported,
                             note(total, vi, row), note(total, en, row), row.kind in (Kind.RATIO, Kind.PERCENT)))
    return rows


def shares(result: ConsolidatedForm, code: str, vi: Catalogue, en: Catalogue) -> list[Share] | None:
    """The contributions to the total of `code`; None for a code the form does not have."""
    total = result.consolidation.totals.get(code)
    if total is None or total.method is Method.NONE:
        return None
    said_vi, said_en = statuses(result, vi), statuses(result, en)
    return [_share(c, result, said_vi, said_en) for c in total.contributions]


def _share(item: Contribution, result: ConsolidatedForm, said_vi: dict, said_en: dict) -> Share:
    return Share(item.unit, result.names.get(item.unit, ""), item.revision, item.value,
                 said_vi.get(item.unit, ""), said_en.get(item.unit, ""))


def outlier_rows(result: ConsolidatedForm, vi: Catalogue, en: Catalogue) -> list[tuple]:
    """The short list of outliers, each with its explanation in both languages."""
    return [(item, explained(result, item, vi), explained(result, item, en)) for item in result.outliers]


def distributions(result: ConsolidatedForm, chosen: str | None = None,
                  readable: Callable[[str], bool] = lambda unit: True) -> list[tuple[str, dict[str, Decimal], set]]:
    """For each ratio or percentage with an outlier on its value (and the chosen one): the
    value of every included unit the reader may read (`readable`) and the units marked as
    outliers among them (the chart draws at most charts.MAX_DOTS of the others)."""
    kinds = {row.code: row.kind for row in result.edition.rows}
    marked: dict[str, set[str]] = {}
    for item in result.outliers:
        if item.what == "value" and kinds.get(item.code) in (Kind.RATIO, Kind.PERCENT):
            marked.setdefault(item.code, set()).add(item.unit)
    if chosen and kinds.get(chosen) in (Kind.RATIO, Kind.PERCENT):
        marked.setdefault(chosen, set())
    found = []
    for code in [row.code for row in result.edition.rows if row.code in marked][:MAX_CHARTS]:
        values = {f.unit: f.values[code] for f in result.consolidation.included
                  if f.values.get(code) is not None and readable(f.unit)}
        if values:
            found.append((code, values, marked[code] & values.keys()))
    return found


def filled_xlsx(result: ConsolidatedForm, catalogue: Catalogue, office: str = "") -> bytes:
    """The filled template, each sheet ready to print: A4 fitted to the page width, a print area
    over what is filled, the header row repeated, the office's name and the period in the page
    header, page numbers in the footer."""
    book = filled_book(result, catalogue)
    for sheet in book.worksheets:
        _print_setup(sheet, office, result.period.label)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _print_setup(sheet, office: str, period: str) -> None:
    sheet.print_area = sheet.dimensions
    wide = sheet.max_column > 6
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.freeze_panes == "A2":  # a table with its header on row 1: repeated on every page
        sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = f"{office} — {period}".replace("&", "&&") if office else period
    sheet.oddFooter.center.text = "&P / &N"

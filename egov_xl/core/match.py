"""Matching a located table to a form edition: by code and by normalised label.

The edition is chosen automatically (or named by the caller); a table that matches no
edition well enough is checked against a definition inferred from its own codes and units.
Matching gives the form's values as a Report, re-read by what each row means (core.reread;
the value rules read only that), and keeps the table as read for the rules about the table
itself (structure, labels, units).

Rows are paired by code. Two cases pair them by label instead:
- a printed code whose label names another level or object (3.1.2 "cấp huyện" in a file
  renumbered by an older edition): the defined row is looked for among the rows left over
  (3.1.3 "cấp xã"), and checked and stored under its defined code;
- a table whose numbering differs from every edition (scored low by code) but whose labels
  read like one: the edition is recognised by labels and every row paired by label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .infer import infer_edition
from .locate import Table, TableRow
from .meaning import conflict
from .numbers import BLANK, Reading
from .report import Report, from_table
from .reread import reread
from .spec import Edition, RowSpec
from .text import fold_label, label_similarity

LABEL_MATCH = 0.55  # a printed label this close to the definition counts as the same row
LABEL_DRIFT = 0.80  # below this the label is reported as drifted
_MIN_SHARE = 0.5


@dataclass(slots=True)
class FormRow:
    spec: RowSpec
    cells: TableRow

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def value(self) -> Reading:
        return self.cells.value


@dataclass(slots=True)
class LocatedForm:
    table: Table
    edition: Edition
    recognised: bool
    rows: dict[str, FormRow] = field(default_factory=dict)
    extra: list[TableRow] = field(default_factory=list)
    duplicates: dict[str, list[TableRow]] = field(default_factory=dict)
    mismatched: list[tuple[TableRow, RowSpec, tuple[str, str]]] = field(default_factory=list)  # other meaning
    by_label: bool = False  # the numbering differs from the edition's: every row paired by label
    report: Report | None = None  # the matched rows' values, as re-read by their meaning; set by match()

    @property
    def sheet(self) -> str:
        return self.table.sheet

    def value(self, code: str) -> Reading:
        row = self.rows.get(code)
        return row.value if row else BLANK

    def repaired(self) -> list[FormRow]:
        """Rows paired with a defined row whose code is not the one printed beside them."""
        return [row for row in self.rows.values() if row.cells.code != row.spec.code]

    def unpaired(self) -> list[TableRow]:
        """Printed rows checked as no defined row: extra, or of another meaning."""
        return [*self.extra, *(row for row, _, _ in self.mismatched)]

    def missing(self) -> list[RowSpec]:
        told = {spec.code for _, spec, _ in self.mismatched}
        return [spec for spec in self.edition.rows if spec.code not in self.rows and spec.code not in told]


def label_score(spec: RowSpec, printed: str) -> float:
    folded = fold_label(printed)
    return max(label_similarity(folded, expected) for expected in spec.folded_labels)


def edition_score(edition: Edition, table: Table) -> float:
    """Share of the table's rows that match the edition by code and label, plus title hints."""
    if not table.rows:
        return 0.0
    matched = sum(
        1
        for row in table.rows
        if (spec := edition.by_code.get(row.code)) and label_score(spec, row.label) >= LABEL_MATCH
    )
    share = matched / max(len(table.rows), len(edition.rows) * 0.6)
    title_hits = sum(1 for word in edition.title_keywords if word in table.region.title)
    return share + 0.05 * title_hits


def choose_edition(table: Table, editions: tuple[Edition, ...]) -> Edition | None:
    scored = sorted(((edition_score(e, table), e.id, e) for e in editions), reverse=True)
    if scored and scored[0][0] >= _MIN_SHARE:
        return scored[0][2]
    return None


def label_pairs(edition: Edition, rows: list[TableRow], specs=None,
                least: float = LABEL_DRIFT) -> list[tuple[TableRow, RowSpec]]:
    """Rows paired one to one with the edition's rows (or `specs`) by label: best scores first,
    a pair only when the label reads like the definition (at least `least`: nearly the same
    unless the candidates are few and known) and names no other level or object."""
    candidates = []
    for index, row in enumerate(rows):
        for spec in edition.rows if specs is None else specs:
            score = label_score(spec, row.label)
            if score >= least and conflict(spec.folded_labels, row.label) is None:
                candidates.append((-score, index, spec.code, row, spec))
    candidates.sort(key=lambda c: c[:3])
    taken_rows, taken_specs, pairs = set(), set(), []
    for _, index, code, row, spec in candidates:
        if index not in taken_rows and code not in taken_specs:
            taken_rows.add(index)
            taken_specs.add(code)
            pairs.append((row, spec))
    return pairs


def label_share(edition: Edition, table: Table) -> float:
    """edition_score's share, with rows paired by label whatever their codes."""
    if not table.rows or len(table.rows) > 2 * len(edition.rows):
        return 0.0  # no pairing could reach half the table: not worth scoring
    return len(label_pairs(edition, table.rows)) / max(len(table.rows), len(edition.rows) * 0.6)


def choose_by_labels(table: Table, editions: tuple[Edition, ...]) -> Edition | None:
    scored = sorted(((label_share(e, table), e.id, e) for e in editions), reverse=True)
    if scored and scored[0][0] >= _MIN_SHARE:
        return scored[0][2]
    return None


def match(table: Table, editions: tuple[Edition, ...], form_id: str | None = None,
          file: str | None = None) -> LocatedForm:
    """Match `table` to the named edition, or the best one, or an inferred definition.

    `file` names the workbook the table was read from, for the values' origins."""
    edition = next((e for e in editions if e.id == form_id), None) if form_id else None
    by_label = False
    if edition is None and form_id is None:
        edition = choose_edition(table, editions)
        if edition is None:
            edition = choose_by_labels(table, editions)
            by_label = edition is not None
    elif edition is not None and edition_score(edition, table) < _MIN_SHARE:
        by_label = label_share(edition, table) >= _MIN_SHARE
    recognised = edition is not None
    if edition is None:
        edition = infer_edition(table)
    form = LocatedForm(table=table, edition=edition, recognised=recognised, by_label=by_label)
    if by_label:
        _pair_by_label(form)
    else:
        _pair_by_code(form)
        _repair(form)
    form.report = reread(from_table(edition.id, ((code, row.cells) for code, row in form.rows.items()), file), edition)
    return form


def _pair_by_label(form: LocatedForm) -> None:
    pairs = {id(row): spec for row, spec in label_pairs(form.edition, form.table.rows)}
    for row in form.table.rows:
        spec = pairs.get(id(row))
        if spec is None:
            form.extra.append(row)
        else:
            form.rows[spec.code] = FormRow(spec, row)


def _pair_by_code(form: LocatedForm) -> None:
    edition, recognised = form.edition, form.recognised
    for row in form.table.rows:
        spec = edition.by_code.get(row.code)
        if spec is None:
            form.extra.append(row)
        elif recognised and (other := _other_meaning(spec, row)):
            form.mismatched.append((row, spec, other))
        elif row.code in form.rows:
            form.duplicates.setdefault(row.code, [form.rows[row.code].cells]).append(row)
        else:
            form.rows[row.code] = FormRow(spec, row)


def _repair(form: LocatedForm) -> None:
    """A defined row whose code is printed beside another meaning (3.1.2 "cấp huyện"): the
    row left over that reads like it (3.1.3 "cấp xã") is checked and stored as it."""
    wanted = [spec for _, spec, _ in form.mismatched if spec.code not in form.rows]
    if not wanted:
        return
    for row, spec in label_pairs(form.edition, form.extra, wanted, LABEL_MATCH):
        form.extra.remove(row)
        form.rows[spec.code] = FormRow(spec, row)
    order = {id(row): index for index, row in enumerate(form.table.rows)}
    form.rows = dict(sorted(form.rows.items(), key=lambda item: order[id(item[1].cells)]))


def _other_meaning(spec: RowSpec, row: TableRow) -> tuple[str, str] | None:
    """A row that reads like its definition but names another level or object."""
    if label_score(spec, row.label) < LABEL_MATCH:
        return None  # a label unlike the definition is drift, reported as such
    return conflict(spec.folded_labels, row.label)

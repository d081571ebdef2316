"""Matching a located table to a form edition: by code and by normalised label.

The edition is chosen automatically (or named by the caller); a table that matches no
edition well enough is checked against a definition inferred from its own codes and units.
Matching gives the form's values as a Report (the value rules read only that) and keeps the
table for the rules about the table itself (structure, labels, units).
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
    report: Report | None = None  # the matched rows' values, as re-read by their meaning; set by match()

    @property
    def sheet(self) -> str:
        return self.table.sheet

    def value(self, code: str) -> Reading:
        row = self.rows.get(code)
        return row.value if row else BLANK

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


def match(table: Table, editions: tuple[Edition, ...], form_id: str | None = None,
          file: str | None = None) -> LocatedForm:
    """Match `table` to the named edition, or the best one, or an inferred definition.

    `file` names the workbook the table was read from, for the values' origins."""
    edition = next((e for e in editions if e.id == form_id), None) if form_id else None
    if edition is None and form_id is None:
        edition = choose_edition(table, editions)
    recognised = edition is not None
    if edition is None:
        edition = infer_edition(table)
    form = LocatedForm(table=table, edition=edition, recognised=recognised)
    for row in table.rows:
        spec = edition.by_code.get(row.code)
        if spec is None:
            form.extra.append(row)
        elif recognised and (other := _other_meaning(spec, row)):
            form.mismatched.append((row, spec, other))
        elif row.code in form.rows:
            form.duplicates.setdefault(row.code, [form.rows[row.code].cells]).append(row)
        else:
            form.rows[row.code] = FormRow(spec, row)
    reread(form)
    form.report = from_table(edition.id, (row.cells for row in form.rows.values()), file)
    return form


def _other_meaning(spec: RowSpec, row: TableRow) -> tuple[str, str] | None:
    """A row that reads like its definition but names another level or object."""
    if label_score(spec, row.label) < LABEL_MATCH:
        return None  # a label unlike the definition is drift, reported as such
    return conflict(spec.folded_labels, row.label)

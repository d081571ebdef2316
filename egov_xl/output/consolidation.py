"""The consolidated form as a clerk sends it up: the edition's template filled with the totals
(ratios computed by the template's own formulas), a sheet "Chi tiết tổng hợp" with one row per
unit and indicator, and a sheet "Thiếu và lỗi" with missing units, units with errors, the
findings on totals drilled down to units, and outliers. Also its JSON shape (the check is
flows.consolidate.check_total, on a Report of the totals)."""

from __future__ import annotations

import math
from decimal import Decimal

from openpyxl import Workbook

from ..core.consolidate import Method, shown_value
from ..core.messages import Catalogue
from ..core.spec import Kind, RowSpec
from ..core.tolerance import display, round_half_up, signed
from ..template.build import NOTE, PERIOD_CHOICES, PERIOD_NAME, UNIT_NAME, VALUE, YEAR_NAME, build_template, row_of
from .safe_text import set_text

DETAIL_SHEET, GAPS_SHEET = "Chi tiết tổng hợp", "Thiếu và lỗi"


def _number(value: Decimal | int | None):
    """A total as a cell's number; none for one beyond any cell of Excel (a figure of a million
    digits archived with a reason), which no writer could put in a file."""
    if value is None or not math.isfinite(float(value)):
        return None
    if isinstance(value, int) or value == value.to_integral_value():
        return int(value)
    return float(value)


def filled_book(result, catalogue: Catalogue, formulas: bool = True) -> Workbook:
    """The template filled with the totals. With `formulas` the ratio rows keep the template's
    formulas and the detail sheets follow (the file sent up); without, the ratio rows hold the
    computed totals and there is only the form."""
    edition = result.edition
    book = build_template(edition)
    sheet = book.active
    _context(book, result)
    rows = row_of(edition)
    for row, value, text in form_values(result, catalogue):
        if row.kind is Kind.RATIO and formulas:
            continue
        sheet.cell(rows[row.code], VALUE, value)
        if text:
            set_text(sheet.cell(rows[row.code], NOTE), text)
    if formulas:
        _detail_sheet(book.create_sheet(DETAIL_SHEET), result, catalogue)
        _gaps_sheet(book.create_sheet(GAPS_SHEET), result, catalogue)
    return book


def form_values(result, catalogue: Catalogue) -> list[tuple[RowSpec, int | float | None, str]]:
    """(row, the number for its value cell, its Ghi chú text) for every row that carries a value:
    the choices every writer of the consolidated form makes (this file, the add-in's Tổng hợp)."""
    found = []
    for row in result.edition.rows:
        if row.kind is Kind.HEADER:
            continue
        total = result.consolidation.totals[row.code]
        found.append((row, _number(shown_value(total, row)), note(total, catalogue, row)))
    return found


def _context(book: Workbook, result) -> None:
    names = book.defined_names
    values = {UNIT_NAME: result.consolidation.unit,
              PERIOD_NAME: PERIOD_CHOICES.get(result.period.kind, result.period.label), YEAR_NAME: result.period.year}
    for name, value in values.items():
        for title, coordinate in names[name].destinations:
            set_text(book[title][coordinate.replace("$", "")], value)


def note(total, catalogue: Catalogue, row: RowSpec | None = None) -> str:
    """Why a value is not an exact total: the spread of a percentage without parts, or how many
    units reported each status of a coded row ("14/20 đơn vị: Hoàn thành (1)")."""
    if total.method is Method.SPREAD and total.spread is not None:
        return catalogue.text("consolidate_note_spread", n=total.reported, low=display(total.spread.low),
                              high=display(total.spread.high))
    if total.method is Method.CODES and total.codes:
        labels = (row.values or {}) if row is not None else {}
        counts = "; ".join(f"{count}/{total.reported}: {labels.get(code, code)} ({code})" if code in labels
                           else f"{count}/{total.reported}: {code}"
                           for code, count in sorted(total.codes.items(), key=lambda item: -item[1]))
        return catalogue.text("consolidate_note_codes", n=total.reported, counts=counts)
    return ""


def detail_rows(result, catalogue: Catalogue) -> list[list]:
    """The sheet "Chi tiết tổng hợp": a header, then one row per unit and indicator (unit code,
    name, revision, code, value, status). Columns 1, 2, 4 and 6 are text from the archive."""
    header = [catalogue.text(key) for key in ("consolidate_col_unit", "consolidate_col_name",
                                               "consolidate_col_revision", "consolidate_col_code",
                                               "consolidate_col_value", "consolidate_col_status")]
    status_of = statuses(result, catalogue)
    codes = [row.code for row in result.edition.rows if row.kind is not Kind.HEADER]
    rows: list[list] = [header]
    for form in result.consolidation.included:
        for code in codes:
            rows.append([form.unit, result.names.get(form.unit, ""), form.revision, code,
                         _number(form.values.get(code)), status_of[form.unit]])
    return rows


def _detail_sheet(sheet, result, catalogue: Catalogue) -> None:
    for line, values in enumerate(detail_rows(result, catalogue), start=1):
        for col, value in enumerate(values, start=1):
            set_text(sheet.cell(line, col), value)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (14, 40, 8, 9, 12, 48), strict=True):
        sheet.column_dimensions[letter].width = width


def statuses(result, catalogue: Catalogue) -> dict[str, str]:
    """Each included unit's status in words: clean or its errors, carried over, standing in."""
    found = {}
    for form in result.consolidation.included:
        parts = [catalogue.text("consolidate_status_errors", n=form.errors) if form.errors
                 else catalogue.text("consolidate_status_clean")]
        if form.unit in result.mapped:
            parts.append(catalogue.text("consolidate_status_mapped", edition=result.mapped[form.unit]))
        if form.unit in result.stand_ins:
            parts.append(catalogue.text("consolidate_status_stand_in", unit=result.stand_ins[form.unit]))
        found[form.unit] = "; ".join(parts)
    return found


def _gaps_sheet(sheet, result, catalogue: Catalogue) -> None:
    for row, line in enumerate(gap_lines(result, catalogue), start=1):
        set_text(sheet.cell(row, 1), line)
    sheet.column_dimensions["A"].width = 120


def gap_lines(result, catalogue: Catalogue) -> list[str]:
    """The sentences a receiving office reads before sending the total up."""
    total = result.consolidation
    lines = [catalogue.text("consolidate_counted", n=len(total.included), of=len(total.expected))]
    lines += [catalogue.text("consolidate_missing", unit=u, name=result.names.get(u, "")) for u in total.missing]
    lines += [catalogue.text("consolidate_with_errors", unit=u) for u in total.with_errors]
    for drill in result.drills:
        units = ", ".join(f"{b.unit} ({signed(b.gap)})" for b in drill.units) or catalogue.word("blank")
        key = "consolidate_drill_change" if drill.rule == "prior.change" else "consolidate_drill"
        lines.append(catalogue.text(key, rule=drill.rule, code=drill.code, against=drill.against or "", units=units))
    for item in result.outliers:
        lines.append(catalogue.text("consolidate_outlier", unit=item.unit, name=result.names.get(item.unit, ""),
                                    code=item.code, why=explained(result, item, catalogue), score=display(item.score)))
    return lines


def explained(result, item, catalogue: Catalogue) -> str:
    """An outlier in words: "4,92 % trong khi trung vị của 37 đơn vị cùng loại (xã, phường,
    đặc khu) là 64,5 %"; a count far from its peers says how many times their median it is."""
    percent = result.edition.by_code[item.code].kind in (Kind.RATIO, Kind.PERCENT)
    kind = result.kinds.get(item.group, {}).get(catalogue.lang) if item.group else None
    peers = (catalogue.text("outlier_peers_kind", kind=kind[:1].lower() + kind[1:]) if kind
             else catalogue.text("outlier_peers_same"))
    if item.what == "change":
        return catalogue.text("outlier_said_change", value=_points(signed(_short(item.value)), catalogue),
                              n=item.peers, peers=peers, median=_points(signed(_short(item.peer_median)), catalogue))
    shown = (lambda v: catalogue.text("outlier_percent", x=display(_short(v)))) if percent else (lambda v: display(_short(v)))
    return catalogue.text("outlier_said_value", value=shown(item.value), n=item.peers, peers=peers,
                          median=shown(item.peer_median), times="" if percent else _times(item, catalogue))


def _short(value: Decimal) -> Decimal:
    return round_half_up(Decimal(value), 2)


def _points(text: str, catalogue: Catalogue) -> str:
    return catalogue.text("outlier_points", x=text)


def _times(item, catalogue: Catalogue) -> str:
    """" (gấp 10 lần)" for a count at least twice its peers' median, "" otherwise."""
    if item.peer_median <= 0 or item.value < 2 * item.peer_median:
        return ""
    return catalogue.text("outlier_times", times=display(round_half_up(item.value / item.peer_median, 1)))


def as_dict(result) -> dict:
    total = result.consolidation
    return {
        "unit": total.unit, "period": result.period.key, "form": result.edition.id,
        "counted": len(total.included), "expected": len(total.expected), "partial": total.partial,
        "missing": list(total.missing), "with_errors": list(total.with_errors),
        "stand_ins": result.stand_ins, "mapped": result.mapped,
        "totals": [{"code": t.code, "method": t.method.value, "value": _json(t.value), "exact": t.exact,
                    "reported": t.reported,
                    "spread": None if t.spread is None else [_json(t.spread.low), _json(t.spread.middle),
                                                              _json(t.spread.high)],
                    "codes": {str(k): v for k, v in t.codes.items()},
                    "contributions": [{"unit": c.unit, "revision": c.revision, "value": _json(c.value)}
                                      for c in t.contributions]}
                   for t in total.totals.values() if t.method is not Method.NONE],
        "findings": [] if result.report is None else [
            {"rule": f.rule, "severity": f.severity.value, "code": f.code} for f in result.report.findings],
        "drills": [{"rule": d.rule, "code": d.code, "against": d.against,
                    "units": [{"unit": b.unit, "revision": b.revision, "gap": _json(b.gap)} for b in d.units]}
                   for d in result.drills],
        "outliers": [{"unit": o.unit, "code": o.code, "value": _json(o.value), "peer_median": _json(o.peer_median),
                      "score": _json(o.score), "what": o.what,
                      "peers": o.peers, "kind": o.group} for o in result.outliers],
    }


def _json(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")

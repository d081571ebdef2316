"""Consolidate: a receiving office's own form from the current revisions of its units.

Which units: the units directly below the consolidating unit. A unit below it that has not
submitted a form of its own but has units below it is stood in for by those units (DHIS2's
aggregation up the tree), and the result says so. Units on an older edition are carried into
the consolidated edition through the edition mapping. The consolidated form is then checked
like any other form (the same rules, on a Report of the totals), each finding on
a total is drilled down to the units that cause it, and units far from their peers are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .. import definitions
from ..core.periods import Period
from ..archive import overview
from ..archive.calendar import Calendar, load_calendar
from ..archive.overview import Revision
from ..archive.store import Archive
from ..archive.tree import CurrentForm, TreeUnit, below, current_forms
from ..core.consolidate import (Blame, Consolidation, UnitForm, consolidate, drill_change, drill_not_above,
                                drill_sum, shown_value, total_report)
from ..core.engine import check_report
from ..core.findings import FormReport
from ..core.outliers import Outlier, factor_weight, outliers, points_weight, short_list, weighed
from ..core.spec import Edition, Kind
from ..workbook import ReadError

__all__ = ["ConsolidatedForm", "Drill", "check_total", "consolidate_unit", "drill_changes", "drill_findings",
           "shown_value"]

OUTLIER_MIN_BASE = Decimal(10)  # a ratio over fewer than 10 procedures or dossiers is not judged


@dataclass(slots=True)
class Drill:
    """A finding on a total and the units behind it."""

    rule: str
    code: str
    against: str | None
    units: list[Blame]


@dataclass(slots=True)
class ConsolidatedForm:
    consolidation: Consolidation
    period: Period
    names: dict[str, str]  # unit code → name
    stand_ins: dict[str, str]  # a unit counted in place of the unit above it that has no form
    mapped: dict[str, str]  # unit → the edition it reported on, when not the consolidated one
    report: FormReport | None = None
    drills: list[Drill] = field(default_factory=list)
    outliers: list[Outlier] = field(default_factory=list)
    returned: tuple[str, ...] = ()  # units whose current revision was returned for correction
    left_out: tuple[str, ...] = ()  # units whose form was read but kept out of the totals
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)  # kind of unit → {"vi": name, "en": name}

    @property
    def edition(self) -> Edition:
        return self.consolidation.edition


def consolidate_unit(archive: Archive, unit: str, period: Period, form_id: str | None = None,
                     skip_errors: bool = False, check: bool = True, skip_returned: bool = False,
                     calendar: Calendar | None = None) -> ConsolidatedForm:
    """With `skip_errors` the reports with errors, with `skip_returned` those returned for
    correction, are left out of the totals (and listed either way). The calendar's kinds of
    unit (the default calendar when not given) make the outliers' peers: the same kind only."""
    tree = below(archive, unit)
    if not tree:
        raise ReadError("consolidate_no_units", unit=unit)
    forms = current_forms(archive, [u.code for u in tree], period)
    expected, stand_ins = _units_counted(tree, forms)
    chosen = [forms[code] for code in expected if code in forms]
    edition = _edition(form_id, chosen)
    unit_forms, mapped = _in_edition(chosen, edition)
    returned = returned_units(archive, [f.unit for f in unit_forms], period)
    total = consolidate(edition, unit, expected, unit_forms, skip_errors, returned if skip_returned else ())
    result = ConsolidatedForm(total, period, {u.code: u.name for u in tree}, stand_ins, mapped,
                              returned=returned)
    counted = {f.unit for f in total.included}
    result.left_out = tuple(f.unit for f in unit_forms if f.unit not in counted)
    parents = {u.code: u.parent for u in tree}
    prior = _prior(archive, expected, period, edition)
    calendar = calendar or load_calendar()
    result.kinds = {kind.key: {"vi": kind.vi, "en": kind.en} for kind in calendar.kinds}
    result.outliers = _outliers(total, prior, parents, {u.code: calendar.kind_of(u.name, u.kind) for u in tree})
    if check:
        result.report = check_total(result)
        result.drills = drill_findings(total, result.report) + drill_changes(total, prior)
    return result


def returned_units(archive: Archive, units: list[str], period: Period) -> tuple[str, ...]:
    """The units whose current revision of `period` has a return for correction in force."""
    current: dict[str, Revision] = {}
    for revision in overview.revisions(archive, units, findings=False):
        if revision.period == period:
            current[revision.unit] = revision  # oldest first: the last one is current
    in_force = overview.reviews_in_force(archive, list(current))
    return tuple(sorted(unit for unit, revision in current.items()
                        if (review := in_force.get(revision.id)) is not None and review.decision == "returned"))


def check_total(result: ConsolidatedForm) -> FormReport:
    """The consolidated form checked with the same rules as any unit's form: the totals as a
    Report (their origins the units' revisions), no workbook in between."""
    report = total_report(result.consolidation, result.period.key)
    return check_report(result.edition, report, definitions.rulebook(),
                        f"{result.consolidation.unit} {result.period.label}")


def _units_counted(tree: list[TreeUnit], forms: dict[str, CurrentForm]) -> tuple[list[str], dict[str, str]]:
    """The direct children; one without a form of its own is replaced by the units below it."""
    children: dict[str | None, list[str]] = {}
    for item in tree:
        children.setdefault(item.parent, []).append(item.code)
    root = next(item.parent for item in tree if item.depth == 1)
    counted: list[str] = []
    stand_ins: dict[str, str] = {}

    def visit(code: str, standing_for: str | None) -> None:
        if code in forms or not children.get(code):
            counted.append(code)
            if standing_for is not None:
                stand_ins[code] = standing_for
            return
        for child in children[code]:
            visit(child, standing_for or code)

    for child in children.get(root, []):
        visit(child, None)
    return counted, stand_ins


def _edition(form_id: str | None, forms: list[CurrentForm]) -> Edition:
    if form_id:
        edition = definitions.edition(form_id)
        if edition is None:
            raise ReadError("unknown_form_id", form=form_id, known=", ".join(e.id for e in definitions.editions()))
        return edition
    counts = Counter(f.edition_id for f in forms)
    known = [e for e in definitions.editions() if e.id in counts] or list(definitions.editions())
    # the edition most units reported on; on a tie the newer one
    return max(known, key=lambda e: (counts.get(e.id, 0), e.valid_from or date.min))


def _in_edition(forms: list[CurrentForm], edition: Edition) -> tuple[list[UnitForm], dict[str, str]]:
    carried, mapped = [], {}
    for form in forms:
        values = form.values
        if form.edition_id != edition.id:
            mapping = definitions.mapping_between(form.edition_id, edition.id)
            if mapping is None:
                continue  # no way to carry it over: it stays out, and is listed as missing
            values = mapping.translate(values)
            mapped[form.unit] = form.edition_id
        carried.append(UnitForm(form.unit, form.revision, edition.id, values, form.errors,
                                mapped.get(form.unit)))
    return carried, mapped


def _prior(archive: Archive, units: list[str], period: Period, edition: Edition) -> dict[str, dict]:
    earlier = current_forms(archive, units, period.same_period_last_year())
    forms, _ = _in_edition(list(earlier.values()), edition)
    return {form.unit: form.values for form in forms}


def _outliers(total: Consolidation, prior: dict[str, dict], parents: dict[str, str | None],
              kinds: dict[str, str | None]) -> list[Outlier]:
    """Peers are the units with the same parent and of the same kind (a province's communes
    among communes, its departments among departments); the short list of material ones."""
    groups: dict[tuple[str | None, str | None], list[UnitForm]] = {}
    for form in total.included:
        groups.setdefault((parents.get(form.unit), kinds.get(form.unit)), []).append(form)
    found: list[Outlier] = []
    for (_, kind), peers in groups.items():
        found += _outliers_among(total.edition, peers, prior, kind)
    return short_list(found)


def _outliers_among(edition: Edition, peers: list[UnitForm], prior: dict[str, dict], kind: str | None) -> list[Outlier]:
    """Values far from the peers' (percentages in points, counts as a factor), and changes of a
    percentage since last year far from the peers' changes (a count's change is the totals'
    drill, drill_changes)."""
    found: list[Outlier] = []
    for row in edition.rows:
        if row.kind not in (Kind.RATIO, Kind.PERCENT, Kind.COUNT):
            continue
        weight = factor_weight if row.kind is Kind.COUNT else points_weight
        values = {f.unit: f.values[row.code] for f in peers if f.values.get(row.code) is not None}
        found += weighed(outliers(row.code, values, _bases(peers, row), OUTLIER_MIN_BASE), weight, kind)
        if row.kind is Kind.COUNT:
            continue
        changes = {unit: value - prior[unit][row.code] for unit, value in values.items()
                   if prior.get(unit, {}).get(row.code) is not None}
        found += weighed(outliers(row.code, changes, None, OUTLIER_MIN_BASE, what="change"), points_weight, kind)
    return found


def _bases(peers: list[UnitForm], row) -> dict[str, Decimal] | None:
    if row.kind is Kind.RATIO:
        return {f.unit: f.values.get(row.denominator) for f in peers}
    if row.kind is Kind.COUNT:
        return {f.unit: f.values.get(row.code) for f in peers}
    return None


def drill_findings(total: Consolidation, report: FormReport) -> list[Drill]:
    """The units behind each hierarchy finding of the consolidated form."""
    drills = []
    edition = total.edition
    for finding in report.findings:
        if finding.code is None:
            continue
        if finding.rule == "hierarchy.exceeds":
            for whole in _limits_of(edition, finding.code):
                drills.append(Drill(finding.rule, finding.code, whole, drill_not_above(total, finding.code, whole)))
        elif finding.rule == "hierarchy.sum":
            parts = edition.by_code[finding.code].equals_sum
            drills.append(Drill(finding.rule, finding.code, None, drill_sum(total, finding.code, parts)))
    return drills


def drill_changes(total: Consolidation, prior: dict[str, dict]) -> list[Drill]:
    """Summed counts whose total moved beyond the edition's plausibility threshold since the
    same period last year (the same units), with the units that account for the change."""
    drills = []
    units = [form.unit for form in total.included if form.unit in prior]
    for row in total.edition.rows:
        threshold = total.edition.threshold(row)
        if row.kind is not Kind.COUNT or threshold is None or not units:
            continue
        now = [f.values.get(row.code) for f in total.included if f.unit in prior]
        before = [prior[unit].get(row.code) for unit in units]
        if any(v is None for v in now) or any(v is None for v in before):
            continue
        was, change = sum(before, Decimal(0)), sum(now, Decimal(0)) - sum(before, Decimal(0))
        if threshold.exceeded(was, change):
            blames = drill_change(total, row.code, {u: prior[u].get(row.code) for u in units})
            drills.append(Drill("prior.change", row.code, None, blames[:10]))
    return drills


def _limits_of(edition: Edition, part: str) -> list[str]:
    limits = [row.denominator for row in edition.rows if row.kind is Kind.RATIO and row.numerator == part]
    return limits + list(edition.by_code[part].not_above)

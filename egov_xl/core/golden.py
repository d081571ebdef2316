"""Golden cases: values in, findings out, for every rule, with no workbook.

A case (egov_xl/rules_golden/*.yaml) names the rule it is about, an edition, the values as a
clerk would type them (a Report) or, for the rules about the table, a minimal table, and the
findings the rule must give: `[rule, code, severity]` each (an empty list: the rule stays
silent). Prior-period cases add `period` and a `previous` and/or `last_year` report.
A case runs only its own rule (or the IDs under `rules:`, `all` for every rule but the prior
ones), so a minimal table needs no other rows. Pure: the caller loads the YAML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .grid import SheetGrid
from .legacy_text import convert_grid
from .locate import Columns, Region, Table, read_table
from .mapping import EditionMapping
from .match import match
from .messages import RuleBook
from .numbers import Reading, read_value, share_as_percent
from .periods import parse_period
from .reference import Prior, Reference
from .report import Report, Value
from .rules.context import Context
from .rules.registry import Needs, Registry
from .spec import Edition
from .text import parse_code

Expected = tuple[str, str | None, str]  # rule ID, indicator code, severity


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    rule: str
    rules: tuple[str, ...]  # the IDs the case runs; () with `all_rules` for every non-prior rule
    edition: str | None  # None: a table that matches no edition (the inferred definition)
    expect: tuple[Expected, ...]
    data: Mapping[str, Any] = field(repr=False, default_factory=dict)
    seed: str | None = None  # the seed form whose defect this case is
    source: str = ""  # the file it came from

    @property
    def fires(self) -> bool:
        return any(rule == self.rule for rule, _, _ in self.expect)


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    found: tuple[Expected, ...]
    error: str | None = None  # the case itself could not be run

    @property
    def passed(self) -> bool:
        return self.error is None and Counter(self.found) == Counter(self.case.expect)


class CaseError(ValueError):
    """A golden case that is malformed (a missing field, an unknown edition or rule)."""


def parse_cases(data: object, source: str = "") -> list[Case]:
    """The cases of one golden file (a YAML list of mappings)."""
    if not isinstance(data, list):
        raise CaseError(f"{source}: a golden file holds a list of cases")
    cases = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or "rule" not in item or "expect" not in item:
            raise CaseError(f"{source}: case {index + 1} needs at least 'rule' and 'expect'")
        rules = item.get("rules", [item["rule"]])
        cases.append(Case(
            name=str(item.get("name", f"{item['rule']} #{index + 1}")), rule=item["rule"],
            rules=() if rules == "all" else tuple(rules), edition=item.get("edition"),
            expect=tuple((str(r), None if c is None else str(c), str(s)) for r, c, s in item["expect"] or ()),
            data=item, seed=item.get("seed"), source=source,
        ))
    return cases


def typed(raw: object) -> Reading:
    """A value as a clerk types it: a number, a text ("8.334", "=98,64%"), or a mapping with
    the cell's number format and formula ({value: 1, format: "0%"})."""
    if isinstance(raw, dict):
        return read_value(raw.get("value"), raw.get("format", "General"), raw.get("formula"),
                          raw.get("computed", True), recalculated=raw.get("recalculated", False))
    return read_value(raw)


def report_of(edition_id: str, values: Mapping[str, object] | None) -> Report:
    return Report(edition_id, {str(code): Value(typed(raw)) for code, raw in (values or {}).items()})


def table_of(name: str, rows: Iterable, values: Mapping[str, object], hidden: Iterable[str] = (),
             decimal: str | None = None) -> Table:
    """A minimal table read the way a sheet is: rows of [code, label, unit] or [code, label,
    unit, value as typed] in a grid (legacy text converted, numbering turned into codes, the
    decimal separator decided, or `decimal` as a file's format declares it: "," for a CSV
    separated by ";"), the rows whose printed code is in `hidden` hidden."""
    grid = SheetGrid(name[:31], [], decimal=decimal)
    hidden = {str(code) for code in hidden}
    for index, row in enumerate(rows):
        printed = str(row[0])
        raw = row[3] if len(row) > 3 else values.get(parse_code(printed) or printed)
        if isinstance(raw, dict):
            grid.formats[(index, 3)] = raw.get("format", "General")
            if raw.get("formula"):
                grid.formulas[(index, 3)] = raw["formula"]
            if not raw.get("computed", True):
                grid.uncomputed.add((index, 3))
            if raw.get("recalculated"):
                grid.recalculated.add((index, 3))
            raw = raw.get("value")
        grid.values.append([printed, str(row[1]), str(row[2] or ""), raw])
        if printed in hidden:
            grid.hidden_rows.add(index)
    convert_grid(grid)
    return read_table(grid, Region(grid.name, None, Columns(0, 1, 2, 3, None), tuple(range(grid.height)), ""))


def edition_table(edition: Edition, spec: Mapping[str, Any]) -> list[list]:
    """`table: {edition: true, drop: [...], units: {...}, labels: {...}, append: [...]}`: the
    edition's own rows (label and unit as defined), with changes."""
    drop = {str(c) for c in spec.get("drop", ())}
    units, labels = spec.get("units", {}), spec.get("labels", {})
    rows = [[r.code, labels.get(r.code, r.label), units.get(r.code, r.unit or "")]
            for r in edition.rows if r.code not in drop]
    return rows + [list(r) for r in spec.get("append", ())]


def run_case(case: Case, editions: Mapping[str, Edition], registry: Registry, rulebook: RuleBook,
             mappings: Iterable[EditionMapping] = ()) -> Outcome:
    try:
        return Outcome(case, tuple(_found(case, editions, registry, rulebook, tuple(mappings))))
    except (CaseError, KeyError, ValueError, TypeError, IndexError) as exc:
        return Outcome(case, (), f"{type(exc).__name__}: {exc}")


def _found(case, editions, registry, rulebook, mappings) -> Iterable[Expected]:
    unknown = [r for r in (*case.rules, case.rule) if registry.get(r) is None]
    if unknown:
        raise CaseError(f"unknown rule {', '.join(unknown)}")
    edition = _edition(case, editions)
    data = case.data
    ids = case.rules or None
    if registry.get(case.rule).needs is Needs.PRIOR:
        prior_ids = ids or tuple(rule.id for rule in registry.select((Needs.PRIOR,)))
        findings, _ = registry.run(_prior(case, edition, rulebook, mappings), prior_ids)
        return [(f.rule, f.code, f.severity.value) for f in findings]
    values = data.get("values") or {}
    if "table" in data:
        rows = data["table"]
        if isinstance(rows, dict):
            rows = edition_table(edition, rows)
        chosen = (edition,) if edition else ()
        table = table_of(case.name, rows, values, data.get("hidden", ()), data.get("decimal"))
        form = match(table, chosen, edition.id if edition else None)
        ctx = Context.of(form, rulebook)
    else:
        ctx = Context(edition, _shares_as_percent(edition, report_of(edition.id, values)), rulebook)
    findings, _ = registry.run(ctx, ids)
    return [(f.rule, f.code, f.severity.value) for f in findings]


def _shares_as_percent(edition: Edition, report: Report) -> Report:
    """"x/y" typed on a percentage row stands for x/y × 100, as a table reads it."""
    percent = {spec.code for spec in edition.rows if spec.is_percentage}
    return Report(report.edition_id, {
        code: replace(value, reading=share_as_percent(value.reading)) if code in percent else value
        for code, value in report.values.items()
    })


def _edition(case: Case, editions: Mapping[str, Edition]) -> Edition | None:
    if case.edition is None:
        if "table" not in case.data:
            raise CaseError("a case without an edition needs a table")
        return None
    if case.edition not in editions:
        raise CaseError(f"unknown edition {case.edition}")
    return editions[case.edition]


def _prior(case, edition, rulebook, mappings) -> Context:
    """The context of a prior-period case: this period's values and the references it names."""
    data = case.data
    current = report_of(edition.id, data.get("values"))
    refs = {}
    for basis in ("previous", "last_year"):
        given = data.get(basis)
        if not given:
            refs[basis] = None
            continue
        source = given.get("edition", edition.id)
        report = report_of(source, given.get("values"))
        mapping = None
        if source != edition.id:
            mapping = next((m for m in mappings if m.source == source and m.target == edition.id), None)
            if mapping is None:
                raise CaseError(f"no mapping {source} → {edition.id}")
            report = mapping.translate_report(report)
        refs[basis] = Reference(parse_period(str(given["period"])), source, 1, report,
                                mapping.id if mapping else None)
    window = parse_period(str(data["period"]))
    return Context(edition, current, rulebook, prior=Prior(window, refs["previous"], refs["last_year"]))


def coverage(cases: Iterable[Case], registry: Registry) -> list[str]:
    """Rules without a case where they fire, or without one where they stay silent."""
    cases = list(cases)
    gaps = []
    for rule in registry.ids:
        mine = [c for c in cases if c.rule == rule]
        if not any(c.fires for c in mine):
            gaps.append(f"{rule}: no case where it fires")
        if not any(not c.fires for c in mine):
            gaps.append(f"{rule}: no case where it stays silent")
    return gaps

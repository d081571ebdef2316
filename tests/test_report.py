"""The Report waist: a matched table's values with their cells, the archive's rows and back,
the comparison keeping decimals, the registry against the catalogue, one user-error type."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from egov_xl import definitions
from egov_xl.archive.db import ArchiveError
from egov_xl.flows.archive import values_of
from egov_xl.core.errors import UserError
from egov_xl.core.numbers import Entry
from egov_xl.core.periods import PeriodError, parse_period
from egov_xl.core.prior import reference_from
from egov_xl.core.registry import REGISTRY
from egov_xl.core.spec import Kind
from egov_xl.core.report import Cell, Revision, Sum, archive_rows, from_values, report_from_archive
from egov_xl.flows.check import check_file
from egov_xl.workbook import ReadError


def test_matched_table_gives_a_report_with_cells(samples):
    checked = check_file(samples["phu-luc-vii-seed.xlsx"])[0]
    report = checked.form.report
    assert report.edition_id == "pl7-2022"
    assert report.number("6.4.1") == Decimal(8334) and report.reading("6.4.1").entry is Entry.TEXT_NUMBER
    origin = report.values["6.5"].origin
    assert isinstance(origin, Cell) and str(origin.ref) == "Phụ lục VII!D32"
    assert origin.file == str(samples["phu-luc-vii-seed.xlsx"])
    assert set(checked.report.scope) == set(REGISTRY.ids) - {r.id for r in REGISTRY.rules if r.needs == "prior"}


def test_archive_rows_are_what_the_archive_stores_today_and_read_back(samples):
    checked = check_file(samples["bieu-mau-7-seed.xlsx"])[0]
    rows = archive_rows(checked.form.report, checked.form.edition)
    stored_before = [(row.code, row.value.number, row.value.decimals,  # what the archive stored before
                      None if row.value.raw is None else str(row.value.raw), row.cells.unit or None)
                     for row in checked.form.rows.values() if row.spec.kind is not Kind.HEADER]
    assert [(r.code, r.number, r.decimals, r.typed, r.unit) for r in rows] == stored_before
    assert values_of(checked) == rows  # put stores exactly these
    back = report_from_archive("bm7-2025", rows, "HCM", "2025-Q1", 3)
    for row in rows:
        read, typed = back.reading(row.code), checked.form.report.reading(row.code)
        assert (read.entry, read.number, read.decimals, read.percent, read.bound, read.raw) == \
            (typed.entry, typed.number, typed.decimals, typed.percent, typed.bound,
             None if typed.raw is None else str(typed.raw)), row.code
    assert back.values["4.2"].origin == Revision("HCM", "2025-Q1", 3, "bm7-2025", "4.2")


def test_rows_without_entry_read_back_as_typed():
    stored = archive_rows(from_values("bm7-2025", {"4.2": "=98,64%", "3.2.1": "trên 84%", "4.1.1": 177}),
                          definitions.edition("bm7-2025"))
    legacy = [type("ValueIn", (), {"code": r.code, "number": r.number, "decimals": r.decimals, "typed": r.typed,
                                   "unit": r.unit})() for r in stored]
    back = report_from_archive("bm7-2025", legacy)
    assert [back.reading(c).entry for c in ("4.2", "3.2.1", "4.1.1")] == \
        [Entry.FORMULA_TEXT, Entry.BOUND, Entry.NUMBER]
    assert back.reading("4.2").decimals == 2 and back.reading("4.2").percent


def test_comparison_keeps_decimals_and_sums_name_their_parts():
    prior = from_values("pl7-2022", {"6.2": "98,60", "6.1.3": 4, "6.2.3": 9})
    ref = reference_from(prior, parse_period("Năm 2024"), 2, "bm7-2025",
                         definitions.mapping_between("pl7-2022", "bm7-2025"))
    assert ref.mapping and ref.edition_id == "pl7-2022" and ref.revision == 2
    assert ref.report.reading("4.1").decimals == 2 and ref.values["4.1"] == Decimal("98.60")
    assert ref.report.number("4.2.2") == 13 and isinstance(ref.report.values["4.2.2"].origin, Sum)
    assert reference_from(prior, parse_period("Năm 2024"), 2, "bm7-2025") is None


def test_registry_and_catalogue_agree_both_ways():
    catalogued = yaml.safe_load(definitions._package_dir("messages").joinpath("rules.yaml").read_text("utf-8"))
    messages = {lang: definitions.catalogue(lang).rules for lang in definitions.LANGUAGES}
    assert REGISTRY.problems(catalogued, messages) == []
    assert set(catalogued) == set(REGISTRY.ids)
    assert REGISTRY.problems({**catalogued, "new.rule": {}}, messages) == ["not registered: new.rule"]
    bound = definitions.registry()
    assert all(rule.severity is not None for rule in bound.rules)


def test_user_errors_share_one_type_and_render_through_the_catalogue():
    vi = definitions.catalogue("vi")
    for error in (ReadError("file_missing", path="a.xlsx"), ArchiveError("archive_not_initialised", url="x"),
                  PeriodError("Quý V")):
        assert isinstance(error, UserError)
        assert error.render(vi) == vi.text(error.key, **error.params)
    with pytest.raises(PeriodError) as caught:
        parse_period("Quý V năm 2025")
    assert caught.value.key == "period_invalid" and isinstance(caught.value, ValueError)

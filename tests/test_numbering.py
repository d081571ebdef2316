"""Tables numbered I, II / 1, 2 / a), b) build the same hierarchy as dotted codes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from egov_xl.core.numbering import dotted_codes
from egov_xl.definitions import catalogue
from egov_xl.flows.check import validate_file
from tests.conftest import findings_of
from tests.fixtures.renditions import Layout, bm7_seed, write_form
from tests.test_seeds import BM7_SEED_FINDINGS

ROMAN = ["I", "II", "III", "IV", "V"]


def test_levels_by_first_appearance():
    markers = ["I", "1", "2", "a)", "b)", "II", "1", "-", "III"]
    assert dotted_codes(markers) == ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1", "2.1.1", "3"]


def _printed(code: str, style: str) -> str:
    """BM7's dotted code as an office numbers it: Roman / arabic / lettered / dash."""
    parts = [int(p) for p in code.rstrip(".").split(".")]
    if style == "roman-arabic-letter":
        marks = [ROMAN[parts[0] - 1], f"{parts[-1]}", f"{'abcdefgh'[parts[-1] - 1]})"]
    else:
        marks = [f"{parts[0]}.", f"{'abcdefgh'[parts[-1] - 1]})", "-"]
    return marks[len(parts) - 1]


@pytest.mark.parametrize("style", ["roman-arabic-letter", "arabic-letter-dash"])
def test_renumbered_seed_gives_the_seed_findings(tmp_path, style):
    seed = bm7_seed()
    seed = replace(seed, rows=[replace(r, code=_printed(r.code, style)) if r.code else r for r in seed.rows])
    path = write_form(tmp_path / f"{style}.xlsx", seed, Layout(sheet="Biểu mẫu 7"))
    found = findings_of(path)
    assert {f for f in found if f[0] != "structure.renumbered"} == BM7_SEED_FINDINGS
    report = validate_file(path)[0]
    assert report.form == "bm7-2025"
    truncated = next(f for f in report.findings if f.rule == "ratio.truncated" and f.code == "4.2")
    printed = _printed("4.2", style)
    assert catalogue("vi").message(truncated).startswith(f"Chỉ tiêu 4.2 [{printed}]:")

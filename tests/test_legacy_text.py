"""Labels and units typed with .VnTime (TCVN3) or VNI-Times fonts read as Unicode."""

from __future__ import annotations

from dataclasses import replace

import pytest

from egov_xl.core.legacy_text import TCVN3, VNI_ONE, VNI_PAIRS, Legacy, detect, to_unicode
from egov_xl.definitions import catalogue
from egov_xl.flows.check import validate_file
from tests.conftest import findings_of
from tests.fixtures.renditions import Layout, Seed, bm7_seed, write_form
from tests.test_seeds import BM7_SEED_FINDINGS

_FROM_UNICODE = {
    Legacy.TCVN3: {u: legacy for legacy, u in TCVN3.items()},
    Legacy.VNI: {u: legacy for legacy, u in {**VNI_ONE, **VNI_PAIRS}.items()},
}


def encode(text: str, encoding: Legacy) -> str:
    """Unicode → what a legacy font's keyboard driver stores (the inverse tables)."""
    table = _FROM_UNICODE[encoding]
    return "".join(table.get(ch, ch) for ch in text)


def legacy_seed(seed: Seed, encoding: Legacy, rows: slice = slice(None)) -> Seed:
    chosen = set(range(len(seed.rows))[rows])
    return Seed([encode(t, encoding) for t in seed.title],
                [replace(r, label=encode(r.label, encoding), unit=encode(r.unit, encoding)) if i in chosen else r
                 for i, r in enumerate(seed.rows)])


@pytest.mark.parametrize("encoding, sample", [(Legacy.TCVN3, "Thñ tôc"), (Legacy.VNI, "Thuû tuïc")])
def test_round_trip_and_detection(encoding, sample):
    assert encode("Thủ tục", encoding) == sample
    assert to_unicode(sample, encoding) == "Thủ tục"
    assert detect(["Tỷ lệ hồ sơ", sample]) is encoding
    assert to_unicode("Tỷ lệ hồ sơ", encoding) == "Tỷ lệ hồ sơ"  # Unicode text is left alone


@pytest.mark.parametrize("encoding", [Legacy.TCVN3, Legacy.VNI])
def test_legacy_form_gives_the_seed_findings_and_one_note(tmp_path, encoding):
    path = write_form(tmp_path / "vntime.xlsx", legacy_seed(bm7_seed(), encoding), Layout(sheet="Biểu mẫu 7"))
    found = findings_of(path)
    notes = [f for f in found if f[0] == "source.legacy-encoding"]
    assert len(notes) == 1
    assert found - set(notes) == BM7_SEED_FINDINGS
    report = validate_file(path)[0]
    note = next(f for f in report.findings if f.rule == "source.legacy-encoding")
    assert encoding.value in catalogue("vi").message(note)


def test_undecidable_text_is_one_sentence_not_label_findings(tmp_path):
    seed = bm7_seed()
    half = len(seed.rows) // 2
    mixed = legacy_seed(legacy_seed(seed, Legacy.TCVN3, slice(0, half)), Legacy.VNI, slice(half, None))
    path = write_form(tmp_path / "lan-lon.xlsx", mixed, Layout(sheet="Biểu mẫu 7"))
    rules = [f[0] for f in findings_of(path)]
    assert rules.count("source.encoding-undecided") == 1
    assert not {"label.drift", "unit.mismatch", "label.count-as-percent"} & set(rules)


def test_each_text_counts_as_often_as_it_is_typed():
    """detect looks at each distinct text once (a data sheet repeats its own) and counts it as
    often as it occurs: ten cells in TCVN3 against one in VNI are TCVN3; three against one, or
    one against one, cannot be decided."""
    tcvn3, vni = "Thñ tôc", "Thuû tuïc"
    assert detect([tcvn3] * 10 + [vni, 5.0, None]) is Legacy.TCVN3
    assert detect([tcvn3] * 3 + [vni]) is False
    assert detect([tcvn3, vni]) is False

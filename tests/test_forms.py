"""Form definitions load, cross-check, and a broken file is named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_xl import definitions
from egov_xl.core.spec import Kind
from egov_xl.definitions import FormFileError, parse_edition

FORMS = Path(definitions.__file__).parent / "forms"


def test_both_editions_ship():
    ids = {e.id for e in definitions.editions()}
    assert ids == {"bm7-2025", "pl7-2022"}


def test_ratio_parts_are_counts_of_the_same_edition():
    for edition in definitions.editions():
        for row in edition.rows:
            if row.kind is Kind.RATIO:
                assert edition.by_code[row.numerator].kind is Kind.COUNT
                assert edition.by_code[row.denominator].kind is Kind.COUNT


def test_every_rule_has_both_messages_with_the_same_placeholders():
    import re

    rules = set(definitions.rulebook().defaults)
    vi, en = definitions.catalogue("vi"), definitions.catalogue("en")
    assert set(vi.rules) == rules == set(en.rules)
    assert set(vi.texts) == set(en.texts) and set(vi.words) == set(en.words)
    holes = re.compile(r"{(\w+)}")
    for rule in rules:
        assert set(holes.findall(vi.rules[rule])) == set(holes.findall(en.rules[rule])), rule


def _broken(old: str, new: str) -> str:
    text = (FORMS / "bm7-2025.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_bad_field_value_names_line_and_field():
    text = _broken("    kind: percent\n", "    kind: percentage\n")
    with pytest.raises(FormFileError) as caught:
        parse_edition(text, "bm7.yaml")
    (line, field, _), = caught.value.problems
    assert field == "rows.1.kind"
    assert line == _line_of(text, "kind: percentage")
    rendered = caught.value.render(definitions.catalogue("vi"))[0]
    assert rendered.startswith(f"Tệp định nghĩa biểu mẫu bm7.yaml, dòng {line}, trường rows.1.kind:")


def test_unknown_reference_names_the_row():
    text = _broken('numerator: "4.1.2"', 'numerator: "4.1.9"')
    with pytest.raises(FormFileError) as caught:
        parse_edition(text, "bm7.yaml")
    (line, field, message), = caught.value.problems
    assert "4.1.9" in message and field == "rows.10"
    assert line == _line_of(text, '- code: "4.1"')


def test_unknown_field_is_an_error():
    text = _broken("    nature: stock\n", "    nature: stock\n    colour: red\n")
    with pytest.raises(FormFileError) as caught:
        parse_edition(text, "bm7.yaml")
    assert caught.value.problems[0][1].endswith("colour")


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(FormFileError) as caught:
        parse_edition("id: x\nrows: [\n", "x.yaml")
    assert caught.value.problems[0][0] is not None

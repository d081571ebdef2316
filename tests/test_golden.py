"""Golden cases: every rule, values in and findings out, with no workbook written."""

from __future__ import annotations

import pytest

from egov_xl.core.golden import coverage
from egov_xl.core.registry import REGISTRY
from egov_xl.definitions import golden_cases, run_golden
from tests.test_seeds import BM7_SEED_FINDINGS, PL7_SEED_FINDINGS

CASES = golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.source}:{c.name}" for c in CASES])
def test_golden_case(case):
    outcome = run_golden([case])[0]
    assert outcome.error is None
    assert sorted(outcome.found, key=str) == sorted(case.expect, key=str)


def test_every_rule_fires_and_stays_silent_in_some_case():
    assert coverage(CASES, REGISTRY) == []


def test_seed_defects_are_among_the_cases():
    seeded = {(c.seed, rule, code) for c in CASES if c.seed for rule, code, _ in c.expect}
    assert ("pl7", "ratio.zero-denominator", "6.5") in seeded
    assert ("pl7", "hierarchy.exceeds", "6.5.2") in seeded
    assert ("bm7", "ratio.truncated", "4.2") in seeded
    assert ("bm7", "unit.mismatch", "4.3.1") in seeded


def test_seed_cases_give_exactly_the_seed_findings():
    seeds = {"bm7": {(r, c) for r, c, _ in BM7_SEED_FINDINGS}, "pl7": {(r, c) for r, c, _ in PL7_SEED_FINDINGS}}
    whole = [c for c in CASES if c.seed and not c.rules]
    assert {tag: {(r, c) for r, c, _ in run_golden([case])[0].found} for case in whole for tag in [case.seed]} \
        == seeds
    for case in CASES:
        if case.seed:
            assert {(r, c) for r, c, _ in case.expect} <= seeds[case.seed], case.name


def test_a_wrong_expectation_fails():
    case = next(c for c in CASES if c.rule == "ratio.truncated" and c.fires)
    wrong = type(case)(**{**{f: getattr(case, f) for f in case.__slots__}, "expect": ()})
    assert not run_golden([wrong])[0].passed

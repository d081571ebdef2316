"""The archive flows the adapters share: a review of a revision (web console) and one
indicator's prior value (EGOV.PRIOR / EGOV.CHANGE in the add-in)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.flows.references import prior_value
from egov_xl.flows.review import review, valid
from egov_xl.flows.review_status import standing

Q1, H1 = parse_period("Q1/2025"), parse_period("6T/2025")


@pytest.fixture
def archive(archive_url, samples):
    store = Archive(archive_url)
    store.init()
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", Q1, "clerk")
    return store


def test_a_review_is_recorded_on_the_named_revision_and_a_return_needs_a_reason(archive):
    assert not valid("returned", "  ") and not valid("maybe", "x") and valid("accepted", "")
    with pytest.raises(ValueError):
        review(archive, "SO-A", Q1, 1, "returned", "", "office")
    assert review(archive, "SO-A", Q1, 2, "accepted", "", "office") is False  # no revision 2
    assert review(archive, "SO-A", H1, 1, "accepted", "", "office") is False  # nothing for 6 tháng
    assert standing(archive, "SO-A", Q1).state == "pending"
    assert review(archive, "SO-A", Q1, 1, "returned", " 4.3.1 chưa khớp ", "office") is True
    found = standing(archive, "SO-A", Q1)
    assert (found.state, found.review.reason, found.review.reviewed_by) == ("returned", "4.3.1 chưa khớp", "office")


def test_prior_value_is_the_previous_report_or_the_same_period_last_year(archive):
    assert prior_value(archive, "SO-A", H1, "4.3.1") == Decimal(412)
    assert prior_value(archive, "SO-A", H1, "4.3.1", last_year=True) is None
    assert prior_value(archive, "SO-A", Q1, "4.3.1") is None  # nothing before Quý I
    assert prior_value(archive, "SO-A", H1, "9.9") is None

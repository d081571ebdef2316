"""Quantities in sentences (limits, counts of cells, sizes) are written the reader's way: a
clerk reads 20.000.000 ô and 16,5 MiB, an English reader 20,000,000 cells and 16.5 MiB; the
parameter is made once where the limit is checked (in a reader process too) and written when
the sentence is."""

from __future__ import annotations

import pickle

from egov_xl import definitions
from egov_xl.core.amounts import Amount, mib
from egov_xl.sources.budget import CellBudget
from egov_xl.sources.errors import ReadError
from egov_xl.settings import Limits


def _refusal() -> ReadError:
    try:
        CellBudget("bao-cao.xlsx", Limits(max_sheet_cells=20_000_000)).take("Dữ liệu", 1_048_576, 16_384)
    except ReadError as exc:
        return exc
    raise AssertionError("the budget let 17 billion cells through")


def test_a_limit_is_written_with_the_readers_grouping():
    refused = pickle.loads(pickle.dumps(_refusal()))  # as it comes back from a reader process
    vi = definitions.catalogue("vi").text(refused.key, **refused.params)
    en = definitions.catalogue("en").text(refused.key, **refused.params)
    assert "1.048.576 dòng × 16.384 cột, vượt giới hạn 20.000.000 ô" in vi
    assert "1,048,576 rows × 16,384 columns, over the limit of 20,000,000 cells" in en


def test_sizes_and_fractions():
    assert mib(16 * 1024 * 1024 + 512 * 1024).written("vi") == "16,5 MiB"
    assert mib(16 * 1024 * 1024 + 512 * 1024).written("en") == "16.5 MiB"
    assert mib(1024 ** 3).written("vi") == "1.024 MiB" and mib(1024 ** 3).written("en") == "1,024 MiB"
    assert Amount(30).written("vi") == "30" and Amount(5000).written("en") == "5,000"

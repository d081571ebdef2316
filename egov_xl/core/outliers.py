"""Outliers among peers: a unit whose value lies far from its peers' (robust z-score on the
median and the median absolute deviation, after Iglewicz and Hoaglin), or whose change from
its own prior period is extreme among its peers' changes.

A small base is guarded: a ratio whose denominator is below `min_base`, or a count below it,
is not judged, so 1 of 2 procedures is never "far from the province".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

Z_LIMIT = 3.5  # Iglewicz-Hoaglin: |modified z| above 3.5 is a likely outlier
_SCALE = 0.6745  # makes the MAD comparable to a standard deviation
_MEAN_AD_SCALE = 1.253314  # the same for the mean absolute deviation (MAD = 0)
MIN_PEERS = 5  # fewer values than this say nothing about "far from the others"


@dataclass(frozen=True, slots=True)
class Outlier:
    unit: str
    code: str
    value: Decimal
    peer_median: Decimal
    score: Decimal  # the modified z-score, rounded to 0.1
    what: str  # "value" or "change"


def robust_scores(values: Mapping[str, Decimal]) -> dict[str, float]:
    """Modified z-score per key; empty when all values are equal or there are too few. When
    more than half the values are equal (MAD = 0), the mean absolute deviation stands in.
    Scores are statistics, not reported figures: computed in floating point."""
    if len(values) < MIN_PEERS:
        return {}
    numbers = {key: float(value) for key, value in values.items()}
    middle = median(numbers.values())
    deviations = [abs(v - middle) for v in numbers.values()]
    mad = median(deviations)
    if mad:
        return {key: _SCALE * (value - middle) / mad for key, value in numbers.items()}
    mean_ad = sum(deviations) / len(deviations)
    if not mean_ad:
        return {}
    return {key: (value - middle) / (_MEAN_AD_SCALE * mean_ad) for key, value in numbers.items()}


def outliers(code: str, values: Mapping[str, Decimal], bases: Mapping[str, Decimal] | None = None,
             min_base: Decimal = Decimal(10), what: str = "value") -> list[Outlier]:
    """Units whose value of `code` is far from their peers'; `bases` (a ratio's denominator,
    or the value itself for a count) below `min_base` are left out before judging."""
    judged = {unit: value for unit, value in values.items()
              if bases is None or (bases.get(unit) is not None and bases[unit] >= min_base)}
    scores = robust_scores(judged)
    if not scores:
        return []
    middle = Decimal(median(judged.values()))
    found = [Outlier(unit, code, judged[unit], middle, Decimal(f"{score:.1f}"), what)
             for unit, score in scores.items() if abs(score) > Z_LIMIT]
    return sorted(found, key=lambda item: (-abs(item.score), item.unit))

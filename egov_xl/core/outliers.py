"""Outliers among peers: a unit whose value lies far from its peers' (robust z-score on the
median and the median absolute deviation, after Iglewicz and Hoaglin), or whose change from
its own prior period is extreme among its peers' changes.

A small base is guarded: a ratio whose denominator is below `min_base`, or a count below it,
is not judged, so 1 of 2 procedures is never "far from the province".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from math import log10
from statistics import median

Z_LIMIT = 3.5  # Iglewicz-Hoaglin: |modified z| above 3.5 is a likely outlier
_SCALE = 0.6745  # makes the MAD comparable to a standard deviation
_MEAN_AD_SCALE = 1.253314  # the same for the mean absolute deviation (MAD = 0)
MIN_PEERS = 5  # fewer values than this say nothing about "far from the others"
MATERIAL_POINTS = Decimal(20)  # a percentage 20 points from its peers' median matters (85 % among 100 % does not)
MATERIAL_FACTOR = 3.0  # a count three times (or a third of) its peers' median matters
SHORT_LIST = 15  # the outliers an office reads: the most material first


@dataclass(frozen=True, slots=True)
class Outlier:
    unit: str
    code: str
    value: Decimal
    peer_median: Decimal
    score: Decimal  # the modified z-score, rounded to 0.1
    what: str  # "value" or "change"
    peers: int = 0  # how many units it was judged among (itself included)
    group: str | None = None  # the peers' kind of unit (the calendar's kinds), None when unknown
    weight: float = 0.0  # how far in the figure's own terms: 1 = material (see `weighed`)


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
    found = [Outlier(unit, code, judged[unit], middle, Decimal(f"{score:.1f}"), what, len(judged))
             for unit, score in scores.items() if abs(score) > Z_LIMIT]
    return sorted(found, key=lambda item: (-abs(item.score), item.unit))


def points_weight(value: Decimal, middle: Decimal) -> float:
    """A percentage's distance from the median in units of MATERIAL_POINTS (4,92 % among
    peers at 64,5 % weighs 2,98)."""
    return float(abs(value - middle) / MATERIAL_POINTS)


def factor_weight(value: Decimal, middle: Decimal) -> float:
    """A count's distance from the median as a factor, in units of MATERIAL_FACTOR (a 10×
    typo weighs 2,1); a zero against a non-zero median counts as far."""
    if value == middle:
        return 0.0
    if value <= 0 or middle <= 0:
        return float("inf") if max(value, middle) > 0 else 0.0
    return abs(log10(float(value / middle))) / log10(MATERIAL_FACTOR)


def weighed(found: Iterable[Outlier], weight, group: str | None = None) -> list[Outlier]:
    """The outliers with their weight (`weight(value, median)`) and their peers' kind."""
    return [replace(item, group=group, weight=weight(item.value, item.peer_median)) for item in found]


def short_list(found: Iterable[Outlier], limit: int = SHORT_LIST) -> list[Outlier]:
    """The material outliers (weight 1 or more), the farthest first, at most `limit`."""
    material = [item for item in found if item.weight >= 1]
    return sorted(material, key=lambda item: (-item.weight, -abs(item.score), item.unit, item.code))[:limit]

"""Charts as server-rendered SVG (pygal), shown as images: no script runs, nothing is fetched,
and black, grey and dash patterns keep the lines apart when printed in black and white."""

from __future__ import annotations

import math
from decimal import Decimal
from statistics import median

import pygal
from pygal.style import Style

from .board import Rate
from .unit import Series

STYLE = Style(background="white", plot_background="white", foreground="#000", foreground_strong="#000",
              foreground_subtle="#555", colors=("#000000", "#444444", "#888888", "#888888"),
              font_family="sans-serif", opacity="1", opacity_hover="1")
DASHES = (None, "8,4", "2,4", "2,4")
# the spread of one indicator: ordinary units small grey dots, outliers large black labelled dots
SPREAD_STYLE = Style(**{**STYLE.__dict__, "colors": ("#777777", "#000000", "#000000"),
                         "value_colors": ("#000000",) * 3, "value_label_font_size": 14,
                         "guide_stroke_color": "#dddddd", "guide_stroke_dasharray": "1,0",
                         "major_guide_stroke_color": "#dddddd", "major_guide_stroke_dasharray": "1,0"})


def _config(**extra):
    return dict(style=STYLE, js=[], width=720, height=320, dots_size=3,
                legend_at_bottom=True, truncate_legend=-1, x_label_rotation=20) | extra


def _number(value: Decimal | None) -> float | None:
    """A point of a chart; none for a figure beyond any float (a million digits archived with a
    reason): pygal cannot place it, and the page must still show."""
    number = None if value is None else float(value)
    return number if number is not None and math.isfinite(number) else None


def indicator_chart(item: Series, names: tuple[str, str, str, str], title: str | None = None) -> str:
    """The unit's value over periods against its peers' median, lowest and highest; titled
    with the indicator's code and name when given."""
    chart = pygal.Line(title=title or item.code, allow_interruptions=True, **_config())
    chart.x_labels = [p.label for p in item.periods]
    for name, values, dash in zip(names, (item.own, item.median, item.low, item.high), DASHES, strict=True):
        if dash and all(v is None for v in values):
            continue  # peers not shown (web/unit.peer_view): no empty line in the legend
        style = {"width": 3 if dash is None else 2}
        if dash:
            style["dasharray"] = dash
        chart.add(name, [_number(v) for v in values], stroke_style=style)
    return chart.render_data_uri()


def rate_chart(rates: list[Rate], title: str, names: tuple[str, str]) -> str:
    """Share of units that reported (and reported on time) for each period, in percent."""
    chart = pygal.Bar(title=title, range=(0, 100), **_config())
    chart.x_labels = [r.period.label for r in rates]
    chart.add(names[0], [round(r.percent, 1) for r in rates])
    chart.add(names[1], [round(100 * r.on_time / r.total, 1) if r.total else 0 for r in rates])
    return chart.render_data_uri()


MAX_DOTS = 101  # the other units of a distribution: drawn one by one up to this many, else as quantiles


def drawn(values: dict[str, Decimal], marked: set[str], limit: int = MAX_DOTS) -> tuple[list, list]:
    """What a distribution's dot chart draws: (rank, value) of the ordinary units, lowest to
    highest, every one up to `limit`, else `limit` of them evenly spaced by rank (the lowest,
    the highest and the quantiles between: the shape, not 3,400 dots); (rank, value, unit) of
    every marked unit. Ranks are over all the units, so the drawing keeps its shape."""
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    ranked = [(i, v, unit) for i, (unit, v) in enumerate(ordered, 1)]
    ordinary = [(i, v) for i, v, unit in ranked if unit not in marked]
    if len(ordinary) > limit:
        picks = sorted({round(k * (len(ordinary) - 1) / (limit - 1)) for k in range(limit)})
        ordinary = [ordinary[k] for k in picks]
    return ordinary, [item for item in ranked if item[2] in marked]


def distribution_chart(values: dict[str, Decimal], marked: set[str], title: str,
                       names: tuple[str, str, str], limit: int | None = MAX_DOTS) -> str:
    """One indicator across units as a dot chart, lowest to highest: ordinary units as small
    grey dots (at most `limit` of them, quantiles beyond: `drawn`), the units marked as outliers
    as large black dots labelled with their code, the median of all as a dashed line. Shape,
    size and labels carry the meaning without colour."""
    values = {unit: v for unit, v in values.items() if _number(v) is not None}
    ordinary, outliers = drawn(values, marked, limit or len(values) or 1)
    chart = pygal.XY(title=title, stroke=False, print_labels=True, show_x_labels=False, show_x_guides=False,
                     include_x_axis=True,
                     **_config(style=SPREAD_STYLE, x_title=names[0], x_label_rotation=0))
    chart.add(names[0], [(i, float(v)) for i, v in ordinary], dots_size=3)
    chart.add(names[1], [{"value": (i, float(v)), "label": unit} for i, v, unit in outliers], dots_size=7)
    middle = float(median(values.values()))
    chart.add(names[2], [(1, middle), (len(values), middle)], stroke=True, show_dots=False,
              stroke_style={"width": 2, "dasharray": "8,4"})
    return chart.render_data_uri()

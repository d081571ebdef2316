"""Charts as server-rendered SVG (pygal), shown as images: no script runs, nothing is fetched,
and black, grey and dash patterns keep the lines apart when printed in black and white."""

from __future__ import annotations

from decimal import Decimal

import pygal
from pygal.style import Style

from .board import Rate
from .unit import Series

STYLE = Style(background="white", plot_background="white", foreground="#000", foreground_strong="#000",
              foreground_subtle="#555", colors=("#000000", "#444444", "#888888", "#888888"),
              font_family="sans-serif", opacity="1", opacity_hover="1")
DASHES = (None, "8,4", "2,4", "2,4")


def _config(**extra):
    return dict(style=STYLE, js=[], width=720, height=320, dots_size=3,
                legend_at_bottom=True, truncate_legend=-1, x_label_rotation=20, **extra)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_chart(item: Series, names: tuple[str, str, str, str]) -> str:
    """The unit's value over periods against its peers' median, lowest and highest."""
    chart = pygal.Line(title=item.code, allow_interruptions=True, **_config())
    chart.x_labels = [p.label for p in item.periods]
    for name, values, dash in zip(names, (item.own, item.median, item.low, item.high), DASHES, strict=True):
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

"""The transparency page's charts: SVG drawn by pygal, shown as images beside their data tables.

The page's Content-Security-Policy allows no inline styles or scripts, and pygal's SVG carries
its own stylesheet; as an image (a data: URI, which the policy admits for images) the SVG is
drawn with its styles and can run nothing. pygal's tooltips need JavaScript from a CDN, so none
is linked (`js=[]`): the numbers are in the table next to each chart, and the image's text
alternative says where. Drawing takes some milliseconds, so a chart is drawn once for the same
numbers and words (a small cache: the figures change a few times a day at most).
"""

from __future__ import annotations

import base64
from functools import lru_cache

import pygal
from pygal.style import Style

# High-contrast colours that stay apart for colour-blind readers (Okabe–Ito), on white.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"),
    font_family="'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
)
_COMMON = {
    "style": STYLE,
    "js": [],
    "width": 800,
    "height": 420,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 2,
    "x_label_rotation": 0,
    "truncate_legend": -1,
    "truncate_label": -1,
    "print_values": False,
}


def stacked_bars(title: str, labels: tuple, series: tuple[tuple[str, tuple], ...]) -> str:
    """A stacked bar chart as a data: URI; `series` are (name, values) pairs."""
    return _draw("bars", title, labels, series)


def lines(title: str, labels: tuple, series: tuple[tuple[str, tuple], ...]) -> str:
    """A line chart of percentages (0–100) as a data: URI; None leaves a gap."""
    return _draw("lines", title, labels, series)


@lru_cache(maxsize=64)
def _draw(shape: str, title: str, labels: tuple, series: tuple) -> str:
    if shape == "bars":
        chart = pygal.StackedBar(title=title, **_COMMON)
    else:
        chart = pygal.Line(title=title, range=(0, 100), allow_interruptions=True, **_COMMON)
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, list(values))
    svg = chart.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

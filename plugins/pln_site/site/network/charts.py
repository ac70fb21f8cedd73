"""Bar charts laid out at build time; a template draws them as inline SVG (whose labels hold
nothing XML cannot carry: pln_site.xmltext).

The charts have no viewBox: a viewBox scales everything in it, text too, so a chart drawn for a
wide screen showed its labels at half their size on a phone. Here the SVG is as wide as its
column and one user unit is one CSS pixel: text keeps its size at every width, heights are in
pixels, and what runs across the width (bars, columns) is given in percent of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from pln_site.site.network.stats import Row
from pln_site.xmltext import xml_text

FONT_SIZE = 13  # px, the size the labels are drawn at
LABEL_HEIGHT = 17  # a label's line, above its bar
BAR_HEIGHT = 18
GAP = 10  # between one bar and the next label
MAX_LABEL_CHARS = 28
BAR_ROOM = 85  # percent of the width the longest bar takes: the rest is room for its number


@dataclass(frozen=True)
class Bar:
    label: str  # as shown, maybe shortened
    full_label: str
    count: int
    label_y: float  # the label's baseline
    y: float  # the bar's top
    width: float  # percent of the chart's width
    text_y: float  # the number's baseline, beside the bar


@dataclass(frozen=True)
class BarChart:
    height: int
    bar_height: int
    bars: list[Bar]


def bar_chart(rows: Sequence[Row]) -> BarChart:
    """One bar per row under its label, scaled to the largest count; long labels shortened
    with an ellipsis."""
    widths = scaled_to_largest([row.count for row in rows], BAR_ROOM)
    row_height = LABEL_HEIGHT + BAR_HEIGHT + GAP
    bars = []
    for index, (row, width) in enumerate(zip(rows, widths, strict=True)):
        full_label = xml_text(row.label)
        row_top = index * row_height
        bar_top = row_top + LABEL_HEIGHT
        bars.append(
            Bar(
                label=_shorten(full_label),
                full_label=full_label,
                count=row.count,
                label_y=row_top + FONT_SIZE,
                y=bar_top,
                width=width,
                text_y=round(bar_top + BAR_HEIGHT / 2 + FONT_SIZE * 0.35, 1),
            )
        )
    height = max(len(rows) * row_height - GAP, row_height)
    return BarChart(height=height, bar_height=BAR_HEIGHT, bars=bars)


def scaled_to_largest(values: Sequence[int], room: float) -> list[float]:
    """Each value as a length of `room` (to a tenth), the largest value taking all of it: both
    charts' bars and columns (all zero when every value is)."""
    top = max(values, default=0) or 1
    return [round(room * value / top, 1) for value in values]


def _shorten(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


GROWTH_PLOT_HEIGHT = 160
GROWTH_TOP = 22  # room above the tallest column for its number
GROWTH_BOTTOM = 24  # room below the columns for the years
MAX_YEAR_LABELS = 8  # a phone's column has room for about this many years side by side
GROWTH_SIDE = 6  # percent of the width kept free at each side, for half of the outer years


@dataclass(frozen=True)
class Column:
    label: str  # the year
    total: int  # members by the end of that year
    added: int  # members who joined that year
    x: float  # percent of the chart's width
    y: float
    width: float  # percent of the chart's width
    height: float
    show_label: bool  # long ranges label every other (third...) year, the last one always

    @property
    def middle(self) -> float:
        """The column's middle, in percent of the chart's width."""
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class GrowthChart:
    height: int
    baseline: float
    columns: list[Column]


def growth_chart(rows: Sequence[Row]) -> GrowthChart:
    """Columns of the running total of members, one per year (rows: members joined per year)."""
    totals = list(accumulate(row.count for row in rows))
    heights = scaled_to_largest(totals, GROWTH_PLOT_HEIGHT)
    slot = (100 - 2 * GROWTH_SIDE) / max(len(rows), 1)
    step = max(math.ceil(len(rows) / MAX_YEAR_LABELS), 1)
    baseline = GROWTH_TOP + GROWTH_PLOT_HEIGHT
    columns = []
    for index, (row, total, height) in enumerate(zip(rows, totals, heights, strict=True)):
        columns.append(
            Column(
                label=xml_text(row.label),
                total=total,
                added=row.count,
                x=round(GROWTH_SIDE + index * slot + slot * 0.15, 2),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 2),
                height=height,
                show_label=(len(rows) - 1 - index) % step == 0,
            )
        )
    return GrowthChart(height=int(baseline + GROWTH_BOTTOM), baseline=baseline, columns=columns)

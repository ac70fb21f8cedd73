"""Horizontal bar charts laid out at build time; a template draws them as inline SVG (whose
labels hold nothing XML cannot carry: pln_site.xmltext)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pln_site.site.network.stats import Row
from pln_site.xmltext import xml_text

BAR_HEIGHT = 22
GAP = 6
CHAR_WIDTH = 7.5  # average width of one character at the chart's font size
MAX_LABEL_CHARS = 28
COUNT_ROOM = 40  # room right of the longest bar for its number
WIDTH = 640


@dataclass(frozen=True)
class Bar:
    label: str  # as shown, maybe shortened
    full_label: str
    count: int
    y: float
    width: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: float  # the bars start here
    bars: list[Bar]


def bar_chart(rows: Sequence[Row]) -> BarChart:
    """Bars scaled to the largest count; long labels shortened with an ellipsis."""
    full_labels = [xml_text(row.label) for row in rows]
    labels = [_shorten(label) for label in full_labels]
    label_width = round(max((len(label) for label in labels), default=0) * CHAR_WIDTH + 12)
    room = WIDTH - label_width - COUNT_ROOM
    top = max((row.count for row in rows), default=0) or 1
    bars = []
    for index, (row, label, full_label) in enumerate(zip(rows, labels, full_labels, strict=True)):
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=label,
                full_label=full_label,
                count=row.count,
                y=y,
                width=round(room * row.count / top, 1),
                text_y=round(y + BAR_HEIGHT * 0.7, 1),
            )
        )
    height = max(len(rows) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return BarChart(width=WIDTH, height=height, label_width=label_width, bars=bars)


def _shorten(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


GROWTH_WIDTH = 640
GROWTH_PLOT_HEIGHT = 160
GROWTH_TOP = 22  # room above the tallest column for its number
GROWTH_BOTTOM = 24  # room below the columns for the years


@dataclass(frozen=True)
class Column:
    label: str  # the year
    total: int  # members by the end of that year
    added: int  # members who joined that year
    x: float
    y: float
    width: float
    height: float
    show_label: bool  # long ranges label every other year


@dataclass(frozen=True)
class GrowthChart:
    width: int
    height: int
    baseline: float
    columns: list[Column]


def growth_chart(rows: Sequence[Row]) -> GrowthChart:
    """Columns of the running total of members, one per year (rows: members joined per year)."""
    totals, running = [], 0
    for row in rows:
        running += row.count
        totals.append(running)
    top = max(totals, default=0) or 1
    slot = GROWTH_WIDTH / max(len(rows), 1)
    step = 1 if len(rows) <= 12 else 2
    baseline = GROWTH_TOP + GROWTH_PLOT_HEIGHT
    columns = []
    for index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        height = round(GROWTH_PLOT_HEIGHT * total / top, 1)
        columns.append(
            Column(
                label=xml_text(row.label),
                total=total,
                added=row.count,
                x=round(index * slot + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                show_label=(len(rows) - 1 - index) % step == 0,
            )
        )
    return GrowthChart(
        width=GROWTH_WIDTH,
        height=int(baseline + GROWTH_BOTTOM),
        baseline=baseline,
        columns=columns,
    )

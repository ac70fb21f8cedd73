"""Horizontal bar charts laid out at build time; a template draws them as inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .stats import Row

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
    labels = [_shorten(row.label) for row in rows]
    label_width = round(max((len(label) for label in labels), default=0) * CHAR_WIDTH + 12)
    room = WIDTH - label_width - COUNT_ROOM
    top = max((row.count for row in rows), default=0) or 1
    bars = []
    for index, (row, label) in enumerate(zip(rows, labels, strict=True)):
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            Bar(
                label=label,
                full_label=row.label,
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

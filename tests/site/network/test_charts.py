"""The stats page's charts laid out at build time: lengths scaled to the largest value."""

from __future__ import annotations

from pln_site.site.network.charts import BAR_ROOM, bar_chart, growth_chart, scaled_to_largest
from pln_site.site.network.stats import Row


def test_the_largest_value_takes_all_the_room_and_the_others_their_share():
    assert scaled_to_largest([2, 8, 3], 85) == [21.2, 85.0, 31.9]
    assert scaled_to_largest([0, 0], 160) == [0.0, 0.0]
    assert scaled_to_largest([], 160) == []


def test_the_bars_are_scaled_to_the_largest_count():
    chart = bar_chart([Row("a", 4), Row("b", 1), Row("c", 0)])
    assert [bar.width for bar in chart.bars] == [BAR_ROOM, 21.2, 0.0]


def test_the_columns_are_scaled_to_the_largest_running_total():
    chart = growth_chart([Row("2019", 1), Row("2020", 3)])
    assert [(c.total, c.height) for c in chart.columns] == [(1, 40.0), (4, 160.0)]

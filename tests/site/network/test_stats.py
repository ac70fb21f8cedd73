"""The stats page: per dimension an inline SVG bar chart, a table with the counts, and gaps."""

from __future__ import annotations

from collections import Counter

import pytest

DIMENSIONS = ["topic", "country", "language", "platform", "tie", "role", "year"]
CHOICES = {
    "tie": ["strong", "weak"],
    "role": ["mentor", "collaborator", "expert", "curator", "provocateur", "peer"],
}


def expected_counts(listed: dict) -> dict[str, Counter]:
    members = list(listed.values())
    return {
        "topic": Counter(t for m in members for t in m["topics"]),
        "country": Counter(m["country"] for m in members if "country" in m),
        "language": Counter(code for m in members for code in m.get("languages", [])),
        "platform": Counter(p["platform"] for m in members for p in m.get("profiles", [])),
        "tie": Counter(m["tie"] for m in members if "tie" in m),
        "role": Counter(m["role"] for m in members if "role" in m),
        "year": Counter(str(m["since"])[:4] for m in members),
    }


def table_counts(section) -> dict[str, int]:
    rows = section.find("table").find("tbody").find_all("tr")
    return {row.th.get_text(): int(row.td.get_text()) for row in rows}


@pytest.fixture(scope="module")
def stats(site):
    soup = site.soup("network/stats/")
    return {s["data-dimension"]: s for s in soup.select("section[data-dimension]")}


def test_every_dimension_has_a_chart_and_a_table(stats):
    assert list(stats) == DIMENSIONS
    for key, section in stats.items():
        svg = section.find("svg")
        assert svg is not None, key
        table = section.find("table")
        assert table.find("caption").get_text().strip(), key
        # One bar per table row, labelled with the same count.
        bars = svg.find_all("g")
        assert len(bars) == len(table.find("tbody").find_all("tr")), key
        for bar, row in zip(bars, table.find("tbody").find_all("tr"), strict=True):
            assert bar.find("title").get_text() == f"{row.th.get_text()}: {row.td.get_text()}"


@pytest.mark.parametrize("key", DIMENSIONS)
def test_table_counts_match_the_member_files(stats, listed, key):
    expected = expected_counts(listed)[key]
    shown = table_counts(stats[key])
    if key == "year":
        # Every year from the first to the last, the empty ones included.
        years = [int(y) for y in expected]
        assert list(shown) == [str(y) for y in range(min(years), max(years) + 1)]
        shown = {year: n for year, n in shown.items() if n}
    elif key in ("role", "tie"):
        # Every choice has a row, so that an empty one shows as a gap.
        assert list(shown) == CHOICES[key]
        shown = {label: n for label, n in shown.items() if n}
    assert shown == dict(expected)


def bar_width(bar) -> float:
    """A bar's width, in percent of its chart's."""
    width = bar.find("rect")["width"]
    assert width.endswith("%"), width  # bars run across the chart's width, whatever it is
    return float(width.removesuffix("%"))


def test_bars_are_scaled_to_their_counts(stats):
    widths = {}
    for bar in stats["country"].find("svg").find_all("g"):
        widths[bar.find("title").get_text()] = bar_width(bar)
    assert len(set(widths.values())) == 1  # every country has one member in the fixture
    topic_bars = stats["topic"].find("svg").find_all("g")
    by_count = {
        int(b.find("title").get_text().rsplit(": ", 1)[1]): bar_width(b) for b in topic_bars
    }
    assert by_count[2] == pytest.approx(2 * by_count[1])


def test_gaps_are_named(stats):
    assert stats["country"].select_one(".network-gap").get_text() == (
        "No members from North America and Oceania."
    )
    assert stats["role"].select_one(".network-gap").get_text() == "No provocateurs or peers."
    years = stats["year"].select_one(".network-gap").get_text()
    assert years == "Nobody joined in 2021."


def test_the_page_runs_no_script_to_draw_charts(site):
    soup = site.soup("network/stats/")
    assert soup.find_all("script") == []
    assert soup.find("svg").get("aria-hidden") == "true"  # the table speaks for it

"""How a moment is shown to a reader: in the site's zone, the zone named, English month names."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pln_site.datetext import moment_text, site_timezone

LATE_EVENING_UTC = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/Berlin", "2 Dec 2026, 00:30 CET"),  # already the next day there
        ("America/New_York", "1 Dec 2026, 18:30 EST"),
        ("UTC", "1 Dec 2026, 23:30 UTC"),
        # Zones without a letter abbreviation are named by their offset.
        ("Asia/Kolkata", "2 Dec 2026, 05:00 IST"),
        ("America/Sao_Paulo", "1 Dec 2026, 20:30 UTC-03:00"),
    ],
)
def test_a_moment_is_shown_in_the_sites_zone_with_the_zone_named(zone, shown):
    assert moment_text(LATE_EVENING_UTC, ZoneInfo(zone)) == shown


def test_summer_time_is_named_as_such():
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert moment_text(summer, site_timezone("Europe/Berlin")) == "1 Jul 2026, 14:00 CEST"


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus_Mons"])
def test_no_or_an_unknown_timezone_means_utc(name):
    assert site_timezone(name) is dt.UTC

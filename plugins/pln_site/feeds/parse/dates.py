"""Feed dates as aware UTC datetimes, or None when a feed gives none worth believing."""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import time

# Outside these years a date is a placeholder (0001-01-01, 9999-12-31) or garbage; the store
# then falls back to when the entry was first seen.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2100


def from_struct_time(value: time.struct_time | None) -> dt.datetime | None:
    """feedparser's `*_parsed` (a UTC struct_time) as an aware UTC datetime."""
    if value is None:
        return None
    if not EARLIEST_YEAR <= value.tm_year <= LATEST_YEAR:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_date(text: str | None) -> dt.datetime | None:
    """An RFC 3339 / ISO 8601 date (JSON Feed), or an RFC 822 one (seen in the wild), in UTC.

    Dates without a time zone are taken as UTC.
    """
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return sane_utc(parsed)


def sane_utc(value: dt.datetime | None) -> dt.datetime | None:
    """`value` in UTC (naive means UTC), or None when its year is absurd."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return None
    return value

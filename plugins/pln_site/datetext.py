"""Dates, one rule: a moment is shown to a reader in the site's time zone, with the zone named.

Every page that shows when an entry was posted (the river, topic rivers, member pages, directory
cards, the home page) and the share drafts write it with `moment_text`, so that one post is on
the same day wherever it is shown: a card that wrote the UTC date put an evening post in Berlin
on the next day while the river put it on its own. Machine-readable values (`<time datetime>`)
keep the full ISO 8601 instant. Month names are English whatever the machine's locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

MONTHS_SHORT = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@functools.lru_cache(maxsize=8)
def site_timezone(name: str | None) -> dt.tzinfo:
    """The zone Pelican's TIMEZONE setting names; UTC when it names none or an unknown one
    (said once per name: pages ask for every date they show)."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown TIMEZONE %r: dates are shown in UTC", name)
        return dt.UTC


def zone_name(local: dt.datetime) -> str:
    """The zone of an aware `local` moment as a reader knows it: its abbreviation (CET, CEST,
    UTC), else its offset from UTC ("UTC+05:30") where the zone has no abbreviation."""
    name = local.tzname()
    if name and name[0] not in "+-" and name.isascii():
        return name
    offset = local.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}" if minutes else "UTC"


def moment_text(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """An aware `moment` as "2 Dec 2026, 14:05 CET", in the zone `tz`."""
    local = moment.astimezone(tz)
    return (
        f"{local.day} {MONTHS_SHORT[local.month - 1]} {local.year}, "
        f"{local:%H:%M} {zone_name(local)}"
    )

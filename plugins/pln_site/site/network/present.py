"""Small helpers the templates call: dates in words, "quiet" members, XFN rel values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pln_site.members.model import Member

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def partial_date(text: str) -> str:
    """ "2019" -> "2019", "2019-04" -> "April 2019", "2019-04-12" -> "12 April 2019"."""
    parts = text.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def xfn_rel(member: Member, publish: bool) -> str | None:
    """The XFN rel value for a member's url link, or None when relations stay private.

    Never "me": that value claims the member's site is the owner's own.
    """
    if not publish:
        return None
    values = [str(value) for value in member.relation if str(value) != "me"]
    return " ".join(values) or None


def is_quiet(date: dt.datetime | None, quiet_days: int, now: dt.datetime) -> bool:
    """Whether a member whose last post is from `date` has gone quiet: more than `quiet_days`
    days (UTC dates, not hours) before `now`, so that the pages change with the date alone."""
    if date is None:
        return False
    return (now.astimezone(dt.UTC).date() - date.astimezone(dt.UTC).date()).days > quiet_days


def facets(members: Iterable[Member]) -> dict[str, list[tuple[str, str, int]]]:
    """The directory's filters: per facet, (value, label, how many members) sorted by label.

    Values are what the cards carry in their data-* attributes (platforms in lower case).
    """
    counters: dict[str, dict[str, tuple[str, int]]] = {
        "country": {},
        "platform": {},
        "role": {},
        "status": {},
    }

    def count(facet: str, value: str, label: str) -> None:
        first_label, seen = counters[facet].get(value, (label, 0))
        counters[facet][value] = (first_label, seen + 1)

    for member in members:
        if member.country:
            count("country", member.country, member.country)
        platforms: dict[str, str] = {}
        for profile in member.profiles:
            platforms.setdefault(profile.platform.lower(), profile.platform)
        for value, label in platforms.items():
            count("platform", value, label)
        if member.role:
            count("role", str(member.role), str(member.role))
        count("status", str(member.status), str(member.status))
    return {
        facet: sorted(
            ((value, label, n) for value, (label, n) in found.items()),
            key=lambda item: item[1].casefold(),
        )
        for facet, found in counters.items()
    }


def sort_members(members: Iterable[Member], order: str) -> list[Member]:
    """Members by name ("name"), by since, newest first ("newest") or oldest first ("oldest")."""
    by_name = sorted(members, key=lambda m: (m.name.casefold(), m.id))
    if order == "name":
        return by_name
    if order == "newest":
        return sorted(by_name, key=lambda m: m.since, reverse=True)
    if order == "oldest":
        return sorted(by_name, key=lambda m: m.since)
    raise ValueError(f"unknown order {order!r}")

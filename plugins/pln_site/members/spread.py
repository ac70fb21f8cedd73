"""The spread of the network: how many members have each topic, country, language and
platform. One rule for the stats page (site/network/stats.py shows it) and for `invoke
suggest` (which names what a candidate would add): a member counts once per value, and values
that differ only in case (or, for topics, share a slug) are one value."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pln_site.members.model import Member

Key = Callable[[str], str]


@dataclass(frozen=True)
class Tally:
    """Members per value of one dimension, by the value's key; `spellings` shows each key as
    the members first wrote it, `unknown` counts the members who gave none."""

    counts: Mapping[str, int]
    spellings: Mapping[str, str]
    key: Key
    unknown: int = 0

    def members_with(self, value: str) -> int:
        return self.counts.get(self.key(value), 0)

    def by_spelling(self) -> Counter[str]:
        return Counter({self.spellings[key]: count for key, count in self.counts.items()})


def tally(
    members: Iterable[Member], values: Callable[[Member], Iterable[str]], key: Key = str.casefold
) -> Tally:
    """Count each member once per distinct value (by `key`)."""
    spellings: dict[str, str] = {}
    counts: Counter[str] = Counter()
    unknown = 0
    for member in members:
        seen = set()
        for value in values(member):
            spellings.setdefault(key(value), value)
            seen.add(key(value))
        counts.update(seen)
        unknown += not seen
    return Tally(counts, spellings, key, unknown)


def countries(member: Member) -> list[str]:
    return [member.country] if member.country else []


def languages(member: Member) -> list[str]:
    return list(member.languages)


def platforms(member: Member) -> list[str]:
    return [profile.platform for profile in member.profiles]


@dataclass(frozen=True)
class Spread:
    """The four dimensions a newcomer can widen."""

    topic: Tally
    country: Tally
    language: Tally
    platform: Tally


def network_spread(members: Sequence[Member], topics: Tally) -> Spread:
    """The spread of `members`; `topics` is counted by the site's topic grouping (the slugs of
    the topic pages, which the engine cannot compute: they are Pelican's)."""
    return Spread(
        topic=topics,
        country=tally(members, countries, key=str.upper),
        language=tally(members, languages),
        platform=tally(members, platforms),
    )

"""The spread of the network in numbers: members by topic, country, language, platform, tie,
role and year joined, with the gaps named in words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pln_site.members import spread
from pln_site.members.model import Member, Role, Tie
from pln_site.site.network.regions import INHABITED_CONTINENTS, continent_of
from pln_site.site.topics import Topic


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass
class Dimension:
    """One way of counting the members, e.g. by country."""

    key: str  # stable, used for HTML ids: "country"
    title: str  # "Country"
    rows: list[Row]
    unknown: int = 0  # members who did not say (no country, no role...)
    gaps: list[str] = field(default_factory=list)  # sentences: "No members from Africa."
    note: str = ""  # what a count means when members can count more than once


def network_stats(members: Sequence[Member], topics: Sequence[Topic]) -> list[Dimension]:
    """Every dimension, in the order the stats page shows them."""
    return [
        _topics(topics),
        _countries(members),
        _multi(members, "language", "Language", spread.languages),
        _multi(members, "platform", "Platform", spread.platforms),
        _enum(members, "tie", "Tie", [t.value for t in Tie], lambda m: m.tie),
        _enum(members, "role", "Role", [r.value for r in Role], lambda m: m.role),
        _years(members),
    ]


def _by_count(counter: Counter[str]) -> list[Row]:
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))
    return [Row(label, n) for label, n in ordered]


def _topics(topics: Sequence[Topic]) -> Dimension:
    counter = Counter({topic.name: topic.count for topic in topics})
    return Dimension(
        "topic", "Topic", _by_count(counter), note="A member can work on several topics."
    )


def _countries(members: Sequence[Member]) -> Dimension:
    counted = spread.tally(members, spread.countries, key=str.upper)
    counter = counted.by_spelling()
    reached = {continent_of(code) for code in counter}
    missing = [name for name in INHABITED_CONTINENTS if name not in reached]
    gaps = [f"No members from {_join(missing)}."] if missing and counter else []
    return Dimension("country", "Country", _by_count(counter), unknown=counted.unknown, gaps=gaps)


def _multi(
    members: Sequence[Member], key: str, title: str, values: Callable[[Member], Iterable[str]]
) -> Dimension:
    """Count each member once per distinct value; spellings differing in case count as one
    (pln_site.members.spread, the rule `invoke suggest` weighs newcomers by)."""
    counted = spread.tally(members, values)
    counter = counted.by_spelling()
    unknown = counted.unknown
    plural = {"language": "languages", "platform": "platforms"}.get(key, key + "s")
    # "Only one member on Mastodon": a platform that hangs on one person is a gap too.
    lonely = sorted((v for v, n in counter.items() if n == 1), key=str.casefold)
    gaps = []
    if key == "platform" and lonely and len(members) > 1:
        gaps.append(f"Only one member on {_join(lonely)}.")
    return Dimension(
        key,
        title,
        _by_count(counter),
        unknown=unknown,
        gaps=gaps,
        note=f"A member can count under several {plural}.",
    )


def _enum(
    members: Sequence[Member],
    key: str,
    title: str,
    choices: list[str],
    value: Callable[[Member], object],
) -> Dimension:
    """Every choice gets a row, zero included: an empty row is a gap worth seeing."""
    counter = Counter(str(value(m)) for m in members if value(m) is not None)
    rows = [Row(choice, counter[choice]) for choice in choices]
    missing = [choice for choice in choices if not counter[choice]]
    gaps = [f"No {_plural(key, missing)}."] if missing and counter else []
    return Dimension(
        key, title, rows, unknown=sum(1 for m in members if value(m) is None), gaps=gaps
    )


def _plural(key: str, missing: list[str]) -> str:
    if key == "tie":
        return _join(missing, "or") + " ties"
    return _join([word + "s" for word in missing], "or")


def _years(members: Sequence[Member]) -> Dimension:
    """Members by the year they joined, every year from the first to the last."""
    counter = Counter(m.since_year for m in members)
    if not counter:
        return Dimension("year", "Year joined", [])
    years = range(min(counter), max(counter) + 1)
    rows = [Row(str(year), counter[year]) for year in years]
    empty = [str(year) for year in years if not counter[year]]
    gaps = [f"Nobody joined in {_join(empty)}."] if empty else []
    return Dimension("year", "Year joined", rows, gaps=gaps)


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"

"""Who the network lacks: people the members' blogrolls recommend, ranked, with the reasons in
words. Pure: the blogrolls are read (discover.blogrolls) and the candidates looked up
(discover.people) before; nothing here is published.

The score is a sum of points (docs/suggest.md explains them with an example):

- RECOMMENDED for each member who recommends them: the network vouches for them;
- per dimension (topic, country, language, platform), the best of what they bring:
  NEW_VALUE for a value no member has, ONE_MEMBER for a value that hangs on one member (the
  stats page's own counts, pln_site.members.spread), nothing for a value several have;
- WROTE_RECENTLY when their latest post is at most RECENT_DAYS old, WROTE_THIS_YEAR when it is
  at most a year old: a blog that stopped adds little to the reading feed.

A dimension counts once however many new values it brings, so a long list of tags cannot
outweigh the members' word: two recommendations and a new language (3 + 3 + 4 = 10) beat three
recommendations and nothing new (9), and one recommendation with a new country, language and
platform (3 + 12 = 15) beats four recommendations (12).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pycountry

from pln_site.members.spread import Spread, Tally

RECOMMENDED = 3.0
NEW_VALUE = 4.0
ONE_MEMBER = 2.0
WROTE_RECENTLY = 2.0
WROTE_THIS_YEAR = 1.0
RECENT_DAYS = 30
YEAR_DAYS = 365


@dataclass(frozen=True)
class PersonFacts:
    """What a candidate's homepage (h-card, rel=me) and feed say about them."""

    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    languages: tuple[str, ...] = ()  # BCP 47, most used first
    platforms: tuple[str, ...] = ()  # as add-member names them
    topics: tuple[str, ...] = ()
    feed_url: str | None = None
    latest_post: dt.datetime | None = None
    median_gap_days: float | None = None  # between their recent posts; None: too few dated


@dataclass(frozen=True)
class Candidate:
    """A person no member file names, with who recommends them."""

    url: str  # their homepage, else their feed
    recommended_by: tuple[str, ...]  # member names, sorted
    names: tuple[str, ...] = ()  # what the blogrolls call them, most common first
    topics: tuple[str, ...] = ()  # what the blogrolls file them under
    feed_url: str | None = None
    homepage: str | None = None
    facts: PersonFacts | None = None  # None: not looked up (over the cap, or it failed)
    lookup_problem: str | None = None


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.candidate.url


def rank(candidates: Sequence[Candidate], spread: Spread, now: dt.datetime) -> list[Suggestion]:
    """The candidates, best first (ties: more recommendations, then by name)."""
    suggestions = [suggest(candidate, spread, now) for candidate in candidates]
    return sorted(
        suggestions,
        key=lambda s: (
            -s.score,
            -len(s.candidate.recommended_by),
            s.name.casefold(),
            s.url,
        ),
    )


def suggest(candidate: Candidate, spread: Spread, now: dt.datetime) -> Suggestion:
    facts = candidate.facts or PersonFacts()
    score = RECOMMENDED * len(candidate.recommended_by)
    reasons = [f"recommended by {join_words(list(candidate.recommended_by))}"]
    topics = tuple(dict.fromkeys((*facts.topics, *candidate.topics)))
    country = (facts.country,) if facts.country else ()
    for tally, values, words in (
        (spread.topic, topics, _topic_words),
        (spread.country, country, _country_words),
        (spread.language, facts.languages, _language_words),
        (spread.platform, facts.platforms, _platform_words),
    ):
        points, reason = _best_addition(tally, values, words)
        score += points
        if reason:
            reasons.append(reason)
    points, reason = _writing(candidate, facts, now)
    score += points
    if reason:
        reasons.append(reason)
    name = facts.name or next(iter(candidate.names), None) or candidate.url
    return Suggestion(candidate, name, score, reasons)


Words = Callable[[str, int], str]


def _best_addition(tally: Tally, values: Sequence[str], words: Words) -> tuple[float, str]:
    """The points and words of the value that widens the network most (first one on a tie)."""
    best: tuple[float, str] = (0.0, "")
    for value in values:
        held = tally.members_with(value)
        points = NEW_VALUE if held == 0 else ONE_MEMBER if held == 1 else 0.0
        if points > best[0]:
            best = (points, words(value, held))
    return best


def _members(held: int) -> str:
    return "no member" if held == 0 else "one member"


def _topic_words(topic: str, held: int) -> str:
    return f"writes on {topic}, which {_members(held)} does"


def _country_words(code: str, held: int) -> str:
    return f"lives in {country_name(code)}, where {_members(held)} does"


def _language_words(tag: str, held: int) -> str:
    return f"writes in {language_name(tag)}, which {_members(held)} does"


def _platform_words(platform: str, held: int) -> str:
    return f"is on {platform}, where {_members(held)} is"


def _writing(candidate: Candidate, facts: PersonFacts, now: dt.datetime) -> tuple[float, str]:
    if candidate.facts is None:
        return 0.0, f"not looked up ({candidate.lookup_problem or 'over the cap of this run'})"
    if facts.feed_url is None:
        return 0.0, "no feed found"
    if facts.latest_post is None:
        return 0.0, "their feed gives no dates"
    age = (now - facts.latest_post).days
    points = WROTE_RECENTLY if age <= RECENT_DAYS else WROTE_THIS_YEAR if age <= YEAR_DAYS else 0
    latest = f"latest post {age_words(age)}"
    cadence = cadence_words(facts.median_gap_days)
    return points, f"{cadence}, {latest}" if cadence else latest


def cadence_words(median_gap_days: float | None) -> str:
    """How often someone posts, as people say it, from the median gap between posts."""
    if median_gap_days is None:
        return ""
    for most, words in ((2, "posts daily"), (10, "posts weekly"), (45, "posts monthly")):
        if median_gap_days <= most:
            return words
    return "posts every few months" if median_gap_days <= 120 else "posts rarely"


def median_gap_days(dates: Sequence[dt.datetime]) -> float | None:
    """The median number of days between consecutive posts; None with fewer than three."""
    ordered = sorted(dates)
    if len(ordered) < 3:
        return None
    gaps = [(b - a).total_seconds() / 86400 for a, b in zip(ordered, ordered[1:], strict=False)]
    return statistics.median(gaps)


def age_words(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 2 * YEAR_DAYS:
        return f"{days // 30} months ago"
    return f"{days // YEAR_DAYS} years ago"


def language_name(tag: str) -> str:
    """ "pt-BR" as "Portuguese (pt-BR)"; a tag pycountry does not know, as it is."""
    primary = tag.split("-")[0].lower()
    found = pycountry.languages.get(**{"alpha_2" if len(primary) == 2 else "alpha_3": primary})
    if found is None:
        return tag
    name = found.name.removesuffix(" (macrolanguage)")  # ISO 639-3's word, not a reader's
    return name if tag.lower() == primary else f"{name} ({tag})"


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code.upper())
    return getattr(found, "common_name", None) or found.name if found is not None else code


def join_words(words: list[str]) -> str:
    """["Amara", "Kenji", "Li"] as "Amara, Kenji and Li"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"

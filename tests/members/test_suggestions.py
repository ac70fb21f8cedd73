"""The ranking's weights, case by case, as docs/suggest.md states them."""

from __future__ import annotations

import datetime as dt

from pln_site.members.model import Member, Profile
from pln_site.members.spread import network_spread, tally
from pln_site.members.suggestions import Candidate, PersonFacts, rank

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _member(member_id: str, country: str, languages: list[str], platforms: list[str]) -> Member:
    return Member(
        id=member_id,
        name=member_id.title(),
        url=f"https://{member_id}.example/",
        why="Good writing.",
        since="2020",
        topics=["maps"],
        country=country,
        languages=languages,
        profiles=[
            Profile(platform=p, url=f"https://{p.lower()}.example/@{member_id}") for p in platforms
        ],
    )


MEMBERS = [
    _member("ana", "BR", ["pt", "en"], ["Mastodon"]),
    _member("ben", "GB", ["en"], ["Mastodon", "GitHub"]),
]
SPREAD = network_spread(MEMBERS, tally(MEMBERS, lambda m: m.topics))


def _candidate(url: str, by: int, **facts: object) -> Candidate:
    people = ("Ana", "Ben", "Cy", "Di")[:by]
    return Candidate(url=url, recommended_by=people, facts=PersonFacts(**facts))  # type: ignore[arg-type]


def test_one_recommendation_that_widens_three_dimensions_beats_four_that_widen_none() -> None:
    wide = _candidate(
        "https://wide.example/", 1, country="KE", languages=("sw",), platforms=("Bluesky",)
    )
    vouched = _candidate("https://vouched.example/", 4, languages=("en",), platforms=("Mastodon",))
    first, second = rank([vouched, wide], SPREAD, NOW)
    assert (first.url, first.score) == ("https://wide.example/", 3 + 4 * 3)
    assert (second.url, second.score) == ("https://vouched.example/", 4 * 3)
    assert first.reasons[1:4] == [
        "lives in Kenya, where no member does",
        "writes in Swahili, which no member does",
        "is on Bluesky, where no member is",
    ]


def test_a_value_one_member_has_counts_half_and_a_dimension_counts_once() -> None:
    [suggestion] = rank(
        [_candidate("https://x.example/", 1, languages=("pt", "de", "fr"), platforms=("GitHub",))],
        SPREAD,
        NOW,
    )
    # Languages: de and fr are new, but the dimension counts once (4); GitHub: one member (2).
    assert suggestion.score == 3 + 4 + 2
    assert "is on GitHub, where one member is" in suggestion.reasons


def test_recent_writing_counts_and_an_old_blog_does_not() -> None:
    recent = _candidate(
        "https://r.example/",
        1,
        feed_url="https://r.example/f",
        latest_post=NOW - dt.timedelta(days=5),
        median_gap_days=30,
    )
    year = _candidate(
        "https://y.example/",
        1,
        feed_url="https://y.example/f",
        latest_post=NOW - dt.timedelta(days=200),
    )
    old = _candidate(
        "https://o.example/",
        1,
        feed_url="https://o.example/f",
        latest_post=NOW - dt.timedelta(days=800),
    )
    scores = {s.url: (s.score, s.reasons[-1]) for s in rank([old, year, recent], SPREAD, NOW)}
    assert scores == {
        "https://r.example/": (5, "posts monthly, latest post 5 days ago"),
        "https://y.example/": (4, "latest post 6 months ago"),
        "https://o.example/": (3, "latest post 2 years ago"),
    }

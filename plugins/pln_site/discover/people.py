"""What a recommended person's own pages say about them, for `invoke suggest`: their homepage's
h-card (name, country) and rel="me" profiles (platforms), and their feed (the languages they
write in, their latest post, how often they post). Two rounds of fetches, whatever the number
of people: every homepage at once, then every feed at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pln_site.discover.homepage import HomePage, read_homepage
from pln_site.discover.pages import FEED_ACCEPT, HTML_ACCEPT, FetchResult, PageFetcher
from pln_site.entries import FeedParseError
from pln_site.feeds.parse.feed import decode_document, parse_feed
from pln_site.members.suggestions import PersonFacts, median_gap_days

MAX_LANGUAGES = 3


@dataclass(frozen=True)
class Person:
    url: str | None  # their homepage
    feed_url: str | None  # the feed a blogroll gave for them


@dataclass(frozen=True)
class LookedUp:
    facts: PersonFacts | None
    problem: str | None = None  # why nothing could be learned


def look_up(people: Sequence[Person], fetcher: PageFetcher) -> list[LookedUp]:
    """The facts of each of `people`, in their order."""
    homes = [person.url for person in people if person.url]
    answers = dict(zip(homes, fetcher.get_all(homes, HTML_ACCEPT), strict=True))
    pages: list[HomePage | None] = []
    problems: list[str | None] = []
    for person in people:
        answer = answers.get(person.url or "")
        page, problem = _page(answer) if answer is not None else (None, None)
        pages.append(page)
        problems.append(problem)
    feeds = [_feed_url(person, page) for person, page in zip(people, pages, strict=True)]
    wanted = [url for url in feeds if url]
    feed_answers = dict(zip(wanted, fetcher.get_all(wanted, FEED_ACCEPT), strict=True))
    found = []
    for page, problem, feed in zip(pages, problems, feeds, strict=True):
        if page is None and feed is None:
            found.append(LookedUp(None, problem or "no homepage and no feed to read"))
            continue
        found.append(LookedUp(_facts(page, feed, feed_answers.get(feed or ""))))
    return found


def _page(answer: FetchResult) -> tuple[HomePage | None, str | None]:
    if answer.error or answer.body is None:
        return None, f"their homepage: {answer.error or f'HTTP {answer.status}'}"
    text = decode_document(answer.body, answer.content_type)
    return read_homepage(text, answer.final_url), None


def _feed_url(person: Person, page: HomePage | None) -> str | None:
    if person.feed_url:
        return person.feed_url
    return page.feeds[0].url if page is not None and page.feeds else None


def _facts(page: HomePage | None, feed_url: str | None, answer: FetchResult | None) -> PersonFacts:
    facts = PersonFacts(
        name=page.name if page else None,
        country=page.country if page else None,
        platforms=tuple(dict.fromkeys(platform for platform, _ in page.profiles)) if page else (),
    )
    if feed_url is None or answer is None or answer.error or answer.body is None:
        return facts
    try:
        parsed = parse_feed(answer.body, url=answer.final_url, content_type=answer.content_type)
    except FeedParseError:
        return facts
    dates = [entry.published or entry.updated for entry in parsed.entries]
    dated = [moment for moment in dates if moment is not None]
    languages = Counter(entry.language for entry in parsed.entries if entry.language)
    return PersonFacts(
        name=facts.name,
        country=facts.country,
        platforms=facts.platforms,
        languages=tuple(tag for tag, _ in languages.most_common(MAX_LANGUAGES)),
        feed_url=answer.moved_to or feed_url,
        latest_post=max(dated, default=None),
        median_gap_days=median_gap_days(dated),
    )

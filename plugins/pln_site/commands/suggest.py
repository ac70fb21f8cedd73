"""`invoke suggest`: people the network lacks, found in the blogrolls its members publish.

Every listed member's blogrolls are read (discover.blogrolls), conditionally on what the store
kept from the last run, which it keeps again. The people they recommend who are in no member
file (of any status: an archived member left the network on purpose, a draft is being added)
and are not the owner's own site become candidates. The NETWORK_SUGGEST_LOOKUPS most
recommended are looked up on their own pages (discover.people); all are then ranked by
members.suggestions, whose weights docs/suggest.md explains. Nothing is written but the store:
suggestions are the owner's private notes, never published.

Exit codes: 0 (a blogroll that cannot be read is reported, not fatal), 1 the store cannot be
used, 2 the settings or the member files are broken.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from pln_site.commands.opml_people import home_of_feed
from pln_site.commands.report import Column, Report, print_report, shown
from pln_site.commands.settings import checked_inputs
from pln_site.discover.blogrolls import MemberSite, read_blogrolls
from pln_site.discover.pages import PageFetcher
from pln_site.discover.people import Person, look_up
from pln_site.members import memberfile
from pln_site.members.model import Member
from pln_site.members.problems import MemberFilesInvalid
from pln_site.members.spread import Tally, network_spread
from pln_site.members.suggestions import Candidate, Suggestion, rank
from pln_site.messages import terminal_text
from pln_site.recommended import BlogrollState, Recommendation
from pln_site.settings import SettingsInvalid, store_path
from pln_site.site.topics import group_topics, topic_slug
from pln_site.store import Store, StoreUnavailable
from pln_site.urls import same_url_key, site_host

COLUMNS = (
    Column("#", justify="right"),
    Column("Name"),
    Column("URL", wraps=True),
    Column("Score", justify="right"),
    Column("Why", wraps=True),
)


def run_suggest(
    settings: dict[str, Any],
    *,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> int:
    """Read the members' blogrolls, rank the people they recommend, print the ranking."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        settings, every_member = checked_inputs(settings)
    except (SettingsInvalid, MemberFilesInvalid) as refused:
        print(terminal_text(refused.report(), lines=True), file=err)
        return 2
    members = [member for member in every_member if member.is_listed]
    moment = (now or _now)()
    fetcher = PageFetcher(settings)
    try:
        with Store(store_path(settings)) as store:
            reading = read_blogrolls(
                [MemberSite(m.id, m.url) for m in members], fetcher, store.blogrolls(), moment
            )
            store.save_blogrolls(reading.states)
    except StoreUnavailable as trouble:
        print(terminal_text(f"No suggestions: {trouble}", lines=True), file=err)
        return 1
    known = memberfile.read_roster(memberfile.network_dir(settings))
    candidates = gather(reading.states, members, known.owner_of, settings.get("SITEURL"))
    candidates = _looked_up(candidates, fetcher, int(settings["NETWORK_SUGGEST_LOOKUPS"]))
    subs = list(settings.get("SLUG_REGEX_SUBSTITUTIONS") or [])
    spread = network_spread(members, topic_tally(members, subs))
    ranked = rank(candidates, spread, moment)
    failures = [
        {"member": member, "url": url, "error": why} for member, url, why in reading.failures
    ]
    if as_json:
        records = [suggestion_record(n, s) for n, s in enumerate(ranked, start=1)]
        print(json.dumps({"suggestions": records, "unreadable": failures}, indent=2), file=out)
    else:
        print_suggestions(ranked, failures, len(members), Console(file=out))
    return 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def gather(
    states: Sequence[BlogrollState],
    members: Sequence[Member],
    in_network: Callable[..., str | None],
    site_url: str | None,
) -> list[Candidate]:
    """One candidate per person the blogrolls name (their homepage or feed: the one rule of
    pln_site.urls), with the names of the members who recommend them."""
    names = {member.id: member.name for member in members}
    own_host = site_host(site_url) if site_url else None
    groups: list[list[tuple[str, Recommendation]]] = []
    by_key: dict[str, int] = {}
    for state in states:
        for named in state.people:
            # A feed alone (an OPML outline without htmlUrl): its homepage, as import-opml
            # guesses it, is who they are.
            guess = home_of_feed(named.feed_url) if named.feed_url and not named.url else None
            person = dataclasses.replace(named, url=guess) if guess else named
            if in_network(person.url, person.feed_url) or state.member_id not in names:
                continue
            if own_host and own_host == site_host(person.url or person.feed_url):
                continue
            keys = [same_url_key(u) for u in (person.url, person.feed_url) if u]
            index = next((by_key[k] for k in keys if k in by_key), None)
            if index is None:
                index = len(groups)
                groups.append([])
            groups[index].append((state.member_id, person))
            by_key.update(dict.fromkeys(keys, index))
    return [_candidate(group, names) for group in groups]


def _candidate(group: list[tuple[str, Recommendation]], names: dict[str, str]) -> Candidate:
    people = [person for _, person in group]
    home = next((p.url for p in people if p.url), None)
    feed = next((p.feed_url for p in people if p.feed_url), None)
    called = Counter(p.name for p in people if p.name)
    topics = dict.fromkeys(topic for p in people for topic in p.topics)
    by = sorted({names[member] for member, _ in group}, key=str.casefold)
    return Candidate(
        url=home or feed or "",
        recommended_by=tuple(by),
        names=tuple(name for name, _ in called.most_common()),
        topics=tuple(topics),
        feed_url=feed,
        homepage=home,
    )


def _looked_up(candidates: list[Candidate], fetcher: PageFetcher, cap: int) -> list[Candidate]:
    """The `cap` most recommended candidates with what their own pages say."""
    chosen = sorted(candidates, key=lambda c: (-len(c.recommended_by), c.url))[:cap]
    found = look_up([Person(c.homepage, c.feed_url) for c in chosen], fetcher)
    facts = {c.url: result for c, result in zip(chosen, found, strict=True)}
    return [
        dataclasses.replace(c, facts=facts[c.url].facts, lookup_problem=facts[c.url].problem)
        if c.url in facts
        else c
        for c in candidates
    ]


def topic_tally(members: Sequence[Member], slug_substitutions: list[tuple[str, str]]) -> Tally:
    """The members per topic as the topic pages and the stats page count them (one per slug)."""
    topics = group_topics(members, slug_substitutions)
    return Tally(
        counts={topic.slug: topic.count for topic in topics},
        spellings={topic.slug: topic.name for topic in topics},
        key=lambda name: topic_slug(name, slug_substitutions),
    )


# --- output ---------------------------------------------------------------------------------


def add_command(suggestion: Suggestion) -> str:
    return f"invoke add-member {suggestion.url}"


def suggestion_record(number: int, suggestion: Suggestion) -> dict[str, Any]:
    candidate = suggestion.candidate
    facts = candidate.facts
    return {
        "rank": number,
        "name": suggestion.name,
        "url": suggestion.url,
        "feed_url": (facts.feed_url if facts else None) or candidate.feed_url,
        "score": suggestion.score,
        "reasons": suggestion.reasons,
        "recommended_by": list(candidate.recommended_by),
        "looked_up": facts is not None,
        "country": facts.country if facts else None,
        "languages": list(facts.languages) if facts else [],
        "platforms": list(facts.platforms) if facts else [],
        "latest_post": facts.latest_post.isoformat() if facts and facts.latest_post else None,
        "add": add_command(suggestion),
    }


def print_suggestions(
    ranked: Sequence[Suggestion], failures: list[dict[str, str]], members: int, console: Console
) -> None:
    def say(text: str) -> None:
        console.print(terminal_text(text, lines=True), highlight=False, markup=False)

    if ranked:
        rows = [
            (
                Text(str(number)),
                shown(s.name),
                shown(s.url),
                Text(f"{s.score:g}"),
                shown("; ".join(s.reasons)),
            )
            for number, s in enumerate(ranked, start=1)
        ]
        print_report(Report("People your network recommends", COLUMNS, rows), console)
        say("\nTo add one, copy its line:")
        for suggestion in ranked:
            say(f"  {add_command(suggestion)}")
    else:
        say(f"No blogroll of your {members} listed members names anyone outside the network.")
    if failures:
        say("\nBlogrolls that could not be read (what they named last time still counts):")
        for failure in failures:
            say(f"  {failure['member']}: {failure['url']}: {failure['error']}")

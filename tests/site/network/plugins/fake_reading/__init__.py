"""A stand-in for the reading feed: puts `reading_latest` and `reading_by_member` in the context.

Tests use it to check how the network pages show members' posts without fetching anything.
"""

from __future__ import annotations

import datetime as dt

from pelican import signals
from pelican.generators import Generator

from pln_site.feeds.entry import StoredEntry

NOW = dt.datetime.now(dt.UTC)


def entry(member_id: str, title: str, days_ago: int) -> StoredEntry:
    date = NOW - dt.timedelta(days=days_ago)
    return StoredEntry(
        key=f"{member_id}-{days_ago}",
        feed_url=f"https://{member_id}.example/feed.xml",
        member_id=member_id,
        link=f"https://{member_id}.example/posts/{days_ago}",
        title=title,
        author=None,
        content_html="<p>text</p>",
        summary_html="",
        date=date,
        first_seen=date,
    )


BY_MEMBER = {
    "amara-okafor": [
        entry("amara-okafor", "Open <textbooks> & me", 3),
        entry("amara-okafor", "An older note", 40),
    ],
    "dana-kowalska": [entry("dana-kowalska", "A post from long ago", 400)],
}


class FakeReadingGenerator(Generator):
    def generate_context(self) -> None:
        self.context["reading_by_member"] = BY_MEMBER
        self.context["reading_latest"] = {k: v[0] for k, v in BY_MEMBER.items()}


def get_generators(_pelican):
    return FakeReadingGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)

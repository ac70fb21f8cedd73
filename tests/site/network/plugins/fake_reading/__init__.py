"""A stand-in for the reading feed: puts a ReadingData (pln_site.site.shared) in the context, as
the reading plugin does.

Tests use it to check how the network pages show members' posts without fetching anything.
"""

from __future__ import annotations

import datetime as dt

from pelican import signals
from pelican.generators import Generator

from pln_site.entries import StoredEntry
from pln_site.site.shared import READING_KEY, ReadingData

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


def topic_page_url(topic) -> str:
    return f"fake-reading/{topic.slug}/"


class FakeReadingGenerator(Generator):
    def generate_context(self) -> None:
        self.context[READING_KEY] = ReadingData(
            posts_by_member=BY_MEMBER, topic_page_url=topic_page_url
        )


def get_generators(_pelican):
    return FakeReadingGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)

"""StoredEntry records as a build reads them from the store, for the tests of what the reading
pages make of entries without a store (notes, cross-posts)."""

from __future__ import annotations

import datetime as dt

from pln_site.entries import StoredEntry


def stored_entry(
    *,
    feed: str,
    link: str | None,
    html: str,
    when: dt.datetime,
    member: str = "ada",
    title: str = "",
) -> StoredEntry:
    """An entry of `member`'s `feed`, first seen when it is dated; keyed by its link."""
    return StoredEntry(
        key=link or f"{feed}#{when.isoformat()}",
        feed_url=feed,
        member_id=member,
        link=link,
        title=title,
        author=None,
        content_html=html,
        summary_html="",
        date=when,
        first_seen=when,
    )

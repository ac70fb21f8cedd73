"""The ids of the output feeds' entries: no two entries share one, a member keeps their own,
and an id copied from another member's site or forged from another entry's is never kept."""

from __future__ import annotations

import datetime as dt

from pln_site.entries import StoredEntry
from pln_site.site.reading.feedids import output_ids
from pln_site.store import Sites

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SITES = Sites.of(
    {"alice": ["https://alice.example/"], "mallory": ["https://mallory.example/"], "bob": []}
)


def entry(member_id: str, key: str, *, seen_minutes: int = 0) -> StoredEntry:
    seen = NOW + dt.timedelta(minutes=seen_minutes)
    return StoredEntry(
        key=key,
        feed_url=f"https://{member_id}.example/feed.xml",
        member_id=member_id,
        link=None,
        title=key,
        author=None,
        content_html="",
        summary_html="",
        date=seen,
        first_seen=seen,
    )


def ids_of(*entries: StoredEntry) -> list[str]:
    found = output_ids(entries, SITES)
    return [found[e.feed_url, e.key] for e in entries]


def test_an_entry_alone_keeps_its_own_absolute_id():
    assert ids_of(
        entry("alice", "https://alice.example/p/1"), entry("bob", "tag:b.example,2024:1")
    ) == [
        "https://alice.example/p/1",
        "tag:b.example,2024:1",
    ]


def test_an_id_on_a_members_site_stays_theirs_even_when_a_copy_was_seen_first():
    copy = entry("mallory", "https://alice.example/p/1", seen_minutes=-5)
    own = entry("alice", "https://alice.example/p/1")
    copy_id, own_id = ids_of(copy, own)
    assert own_id == "https://alice.example/p/1"
    assert copy_id.startswith("urn:uuid:") and copy_id != own_id


def test_an_id_on_another_members_site_is_not_kept_even_alone():
    (copied,) = ids_of(entry("mallory", "tag:alice.example,2024:1"))
    assert copied.startswith("urn:uuid:")


def test_of_two_entries_claiming_an_id_on_nobodys_site_the_first_seen_keeps_it():
    first, later = entry("bob", "urn:x:1", seen_minutes=-1), entry("mallory", "urn:x:1")
    assert ids_of(later, first)[1] == "urn:x:1"
    assert ids_of(later, first)[0] != "urn:x:1"


def test_an_id_forged_to_match_another_entrys_derived_id_is_not_kept():
    plain = entry("alice", "not-an-iri")
    (derived,) = ids_of(plain)
    forged = entry("mallory", derived, seen_minutes=-60)
    plain_id, forged_id = ids_of(plain, forged)
    assert plain_id == derived and forged_id not in (derived, plain_id)


def test_ids_are_unique_and_the_same_whatever_the_order():
    entries = [
        entry("alice", "https://alice.example/p/1"),
        entry("mallory", "https://alice.example/p/1", seen_minutes=-1),
        entry("bob", "https://alice.example/p/1", seen_minutes=-2),
        entry("bob", "urn:x:1"),
        entry("mallory", "urn:x:1", seen_minutes=1),
    ]
    ids = ids_of(*entries)
    assert len(set(ids)) == len(ids)
    assert ids_of(*reversed(entries)) == list(reversed(ids))

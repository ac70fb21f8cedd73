"""Which copy of a shared link the store's entries show, knowing whose site is whose (`Sites`),
and the cap on the categories one entry carries. Written to a real SQLite store, read back."""

from __future__ import annotations

import datetime as dt

import pytest

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.store import FeedChanged, Retention, Sites, Store
from pln_site.store.records import MAX_CATEGORIES, MAX_CATEGORY_CHARS

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
KEEP_ALL = Retention(max_entries=50, max_age_days=0)
ALICE = FeedSource("alice", "https://alice.example/feed.xml")
ALICE_NOTES = FeedSource("alice", "https://notes.alice.example/feed.xml")
MALLORY = FeedSource("mallory", "https://mallory.example/feed.xml")
BOB = FeedSource("bob", "https://bob.example/feed.xml")
SITES = Sites.of(
    {
        "alice": ["https://alice.example/", ALICE.url, ALICE_NOTES.url],
        "mallory": ["https://mallory.example/", MALLORY.url],
        "bob": ["https://bob.example/", BOB.url],
    }
)
ALICE_POST = "https://alice.example/2024/on-gardens"


def entry(key: str, link: str | None, title: str, **fields) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        link=link,
        title=title,
        author=None,
        content_html="<p>Words.</p>",
        summary_html="",
        published=NOW - dt.timedelta(hours=1),
        updated=None,
        **fields,
    )


def save(store: Store, source: FeedSource, *entries: ParsedEntry, at: dt.datetime) -> None:
    store.save(
        FeedChanged(
            source=source,
            at=at,
            status=200,
            etag=None,
            last_modified=None,
            body_hash=f"{source.url}-{at}",
            title=None,
            html_url=None,
            entries=entries,
        ),
        KEEP_ALL,
    )


def shown(store: Store, sites: Sites | None = SITES) -> list[tuple[str, str]]:
    return [(e.member_id, e.title) for e in store.entries(sites=sites)]


def test_a_copy_of_a_members_link_seen_first_never_hides_the_members_own_post(store):
    # Mallory's server answered first: her copy of Alice's link is the first seen.
    save(store, MALLORY, entry("m1", ALICE_POST, "On gardens (Mallory's words)"), at=NOW)
    save(store, ALICE, entry("a1", ALICE_POST, "On gardens"), at=NOW + dt.timedelta(seconds=1))
    assert shown(store) == [("alice", "On gardens")]
    assert [e.title for e in store.entries(member_ids=["alice"], sites=SITES)] == ["On gardens"]


def test_a_copy_of_a_members_link_shows_as_the_copiers_own_while_the_member_has_no_such_post(
    store,
):
    save(store, MALLORY, entry("m1", ALICE_POST, "Read Alice on gardens"), at=NOW)
    assert shown(store) == [("mallory", "Read Alice on gardens")]


def test_a_members_own_cross_post_in_two_of_their_feeds_shows_once(store):
    save(store, ALICE, entry("a1", ALICE_POST, "On gardens"), at=NOW)
    save(
        store, ALICE_NOTES, entry("n1", ALICE_POST, "On gardens (again)"),
        at=NOW + dt.timedelta(seconds=1),
    )  # fmt: skip
    assert shown(store) == [("alice", "On gardens")]


@pytest.mark.parametrize("sites", [SITES, None])
def test_one_post_under_links_spelled_differently_shows_once(store, sites):
    # The same page by urls.same_url_key: http or https, "www.", a trailing slash, a fragment.
    save(store, ALICE, entry("a1", ALICE_POST, "On gardens"), at=NOW)
    respelled = "http://www.alice.example/2024/on-gardens/#top"
    later = NOW + dt.timedelta(seconds=1)
    save(store, ALICE_NOTES, entry("n1", respelled, "On gardens (notes)"), at=later)
    # Re-posted in the first feed under a new guid.
    save(store, ALICE, entry("a2", ALICE_POST + "/", "On gardens (new id)"), at=later)
    assert shown(store, sites) == [("alice", "On gardens")]


def test_a_link_on_nobodys_site_shows_once_for_each_member_who_posted_it(store):
    article = "https://news.example/story"
    save(store, MALLORY, entry("m1", article, "Mallory on the story"), at=NOW)
    save(store, BOB, entry("b1", article, "Bob on the story"), at=NOW + dt.timedelta(seconds=1))
    assert sorted(shown(store)) == [
        ("bob", "Bob on the story"),
        ("mallory", "Mallory on the story"),
    ]


def test_members_sharing_a_host_each_keep_their_own_post_of_a_link_on_it(store):
    shared = Sites.of(
        {"alice": ["https://blogs.example/alice"], "bob": ["https://blogs.example/bob"]}
    )
    post = "https://blogs.example/alice/post"
    save(store, BOB, entry("b1", post, "Bob's copy"), at=NOW)
    save(store, ALICE, entry("a1", post, "Alice's post"), at=NOW + dt.timedelta(seconds=1))
    assert sorted(shown(store, shared)) == [("alice", "Alice's post"), ("bob", "Bob's copy")]


def test_an_entry_keeps_at_most_its_first_categories_each_cut_short(store):
    many = [f"tag {number}" for number in range(5000)]
    long = "x" * 10_000
    save(store, ALICE, entry("a1", ALICE_POST, "Tagged", categories=[long, *many]), at=NOW)
    (stored,) = store.entries()
    assert len(stored.categories) == MAX_CATEGORIES
    assert stored.categories[0] == "x" * MAX_CATEGORY_CHARS
    assert stored.categories[1:] == many[: MAX_CATEGORIES - 1]

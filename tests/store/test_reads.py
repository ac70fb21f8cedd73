"""Reading the store alone: a feed's state, and a read-only Store beside a writer."""

from __future__ import annotations

import datetime as dt

from pln_site.devserver import Route
from pln_site.store import FeedState, Store
from tests.support.fetching import simple_feed


def test_a_feeds_state_is_what_the_last_fetch_left(server, fetch, store):
    assert store.feed_state(server.url("/feed.xml")) is None
    server.route("/feed.xml", Route.feed(simple_feed(1)))
    fetch(server.url("/feed.xml"))
    state = store.feed_state(server.url("/feed.xml"))
    assert isinstance(state, FeedState)
    assert state.url == server.url("/feed.xml") and state.etag and state.last_modified
    assert len(state.body_hash) == 64 and not state.gone and state.consecutive_failures == 0
    assert (state.retry_after, state.moved_to) == (None, None)


def test_a_read_only_store_sees_what_a_writer_stored_and_changes_nothing(server, fetch, store):
    server.route("/feed.xml", Route.feed(simple_feed(2)))
    fetch(server.url("/feed.xml"))
    before = store.path.stat().st_mtime_ns, store.path.read_bytes()
    with Store(store.path, read_only=True) as reader:
        assert [e.title for e in reader.entries()] == ["Post 0", "Post 1"]
        (health,) = reader.feed_health()
        assert health.entry_count == 2 and health.last_success <= dt.datetime.now(dt.UTC)
    assert (store.path.stat().st_mtime_ns, store.path.read_bytes()) == before

"""Each entry's revision (schema 7): moved on by every write of the entry, whoever writes it,
so that a build can tell the entries it shaped before from new and changed ones."""

from __future__ import annotations

import sqlite3

from pln_site.devserver import Route
from pln_site.store import Store
from pln_site.store.schema import MIGRATIONS
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.old_stores import store_of_schema

YESTERDAY, BEFORE = days_ago(1), days_ago(2)


def feed(second_title: str) -> str:
    return atom_feed(
        atom_entry("https://ada.example/one", "One", YESTERDAY, link="https://ada.example/1"),
        atom_entry("https://ada.example/two", second_title, BEFORE, link="https://ada.example/2"),
    )


def revisions(store: Store) -> dict[str, int]:
    """Each shown entry's revision, by the last part of its id."""
    return {head.key.rsplit("/", 1)[-1]: head.revision for head in store.shown_heads()}


def test_a_changed_entry_gets_a_new_revision_and_the_others_keep_theirs(server, fetch, store):
    server.route("/feed.xml", Route(body=feed("Two")))
    fetch(server.url("/feed.xml"))
    first = revisions(store)
    assert len(first) == 2 and len(set(first.values())) == 2  # one counter for every entry
    server.route("/feed.xml", Route(body=feed("Two, with its typo fixed")))
    fetch(server.url("/feed.xml"))
    second = revisions(store)
    assert second["one"] == first["one"]  # stored again as it was
    assert second["two"] > max(first.values())
    assert [head.key for head in store.shown_heads()] == [e.key for e in store.entries()]


def test_a_write_by_hand_moves_the_revision_on_too(tmp_path, server, fetch, store):
    server.route("/feed.xml", Route(body=feed("Two")))
    fetch(server.url("/feed.xml"))
    before = revisions(store)
    with sqlite3.connect(store.path) as db:  # another program, or a feed moved (its URL)
        db.execute("UPDATE entries SET title = 'Edited' WHERE key LIKE '%/two'")
    after = revisions(store)
    assert after["one"] == before["one"] and after["two"] != before["two"]


def test_a_store_of_schema_6_is_migrated_with_its_triggers(tmp_path):
    path = store_of_schema(tmp_path / "planet.sqlite3", 6)
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert revisions(store) == {"k": 0}  # written before revisions were counted
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET title = 'Changed' WHERE key = 'k'")
    with Store(path, read_only=True) as store:
        assert revisions(store) == {"k": 1}

"""The shaped entries kept between builds (site/reading/shapedcache.py): read back as they were
written, only under their key, never trusted when damaged; and a build that takes them writes
what a build that shapes every entry afresh writes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time

from markupsafe import Markup

from pln_site.feeds.images import KeptImage
from pln_site.site.reading import shapedcache
from pln_site.site.reading.pictures import Picture
from pln_site.site.reading.river import EntryText
from tests.support.edited_site import PINNED, Site
from tests.support.stored_entries import stored_entry

WHEN = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)
FEED = "https://ada.example/feed.xml"


def shaped() -> shapedcache.Shaped:
    entry = stored_entry(feed=FEED, link="https://ada.example/1", html="", when=WHEN, title="One")
    entry.categories = ["notes", "ما"]
    entry.language = "ar"
    text = EntryText(
        title="One",
        has_title=True,
        body_html=Markup("<p>Words &amp; more</p>"),
        is_full=False,
        is_cut=True,
        picture=Picture("reading/images/ab.jpg", 800, 600, "a lake"),
    )
    copy = stored_entry(
        feed="https://social.example/@ada.rss", link="https://social.example/@ada/9", html="",
        when=WHEN + dt.timedelta(minutes=3), title="One",
    )  # fmt: skip
    return shapedcache.Shaped(
        entries=[entry],
        texts={(FEED, entry.key): text},
        copies={(FEED, entry.key): [copy]},
        ids={(FEED, entry.key): "tag:ada.example,2025:1", (copy.feed_url, copy.key): "urn:x"},
        pictures={"ab.jpg": KeptImage("ab.jpg", 800, 600)},
    )


def test_what_is_kept_reads_back_as_it_was_and_only_under_its_key(tmp_path):
    path = tmp_path / "planet-shaped.json"
    kept = shaped()
    shapedcache.save(path, "key-1", kept)
    assert shapedcache.load(path, "key-1") == kept
    loaded = shapedcache.load(path, "key-1")
    assert loaded is not None and isinstance(next(iter(loaded.texts.values())).body_html, Markup)
    assert shapedcache.load(path, "key-2") is None  # something it came from changed


def test_a_damaged_or_foreign_file_is_not_trusted(tmp_path):
    path = tmp_path / "planet-shaped.json"
    for text in ("{", "[]", '{"key": "key-1"}', '{"key": "key-1", "entries": [{"x": 1}]}'):
        path.write_text(text, encoding="utf-8")
        assert shapedcache.load(path, "key-1") is None
    assert shapedcache.load(tmp_path / "none.json", "key-1") is None


def test_a_build_from_kept_entries_writes_what_a_fresh_one_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    site.add_entry(1)
    site.step = 1
    site.add_entry(2)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)  # the first reader of the store makes its write-ahead log
    # A store written a while ago: one changed within the clock's last tick is never trusted.
    an_hour_ago = time.time() - 3600
    for written in site.store.parent.glob(f"{site.store.name}*"):
        os.utime(written, (an_hour_ago, an_hour_ago))
    fresh = site.build(output, cache)  # shaped afresh (the store looks changed), and kept
    kept = shapedcache.cache_file({"PLANET_STORE_PATH": str(site.store)})
    written_at = kept.stat().st_mtime_ns
    shutil.rmtree(output)
    shutil.rmtree(cache / "buildcache")  # every page rendered again, from the kept entries
    again = site.build(output, cache)
    assert kept.stat().st_mtime_ns == written_at  # taken as it was, not shaped again
    assert again == fresh
    river = [text for name, text in fresh.items() if name.startswith("reading/")]
    assert any(b"Entry of step" in text for text in river)

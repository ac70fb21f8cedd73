"""The shaped entries kept between builds (site/reading/shapedcache.py): read back as they were
written, only under their key, never trusted when damaged; and a build that takes them writes
what a build that shapes every entry afresh writes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time

import pytest
from markupsafe import Markup

from pln_site.errors import SiteError
from pln_site.feeds.imagefolder import KeptImage
from pln_site.site.reading import shapedcache, shaping
from pln_site.site.reading.pictures import Picture
from pln_site.site.reading.river import EntryText
from pln_site.site.reading.shaping import ShapedRiver
from tests.support.edited_site import PINNED, Site
from tests.support.stored_entries import stored_entry

WHEN = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)
FEED = "https://ada.example/feed.xml"


def shaped() -> shapedcache.MemberShaped:
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
    return shapedcache.MemberShaped(
        entries=[entry],
        texts={(FEED, entry.key): text},
        copies={(FEED, entry.key): [copy]},
        asked={"https://ada.example/ab.jpg": KeptImage("ab.jpg", 800, 600), "https://x/": None},
    )


def cache_in(folder) -> shapedcache.ShapedCache:
    return shapedcache.ShapedCache({"PLANET_STORE_PATH": str(folder / "planet.sqlite3")})


def test_what_is_kept_reads_back_as_it_was_and_only_under_its_signature(tmp_path):
    cache, kept = cache_in(tmp_path), shaped()
    cache.save_member("ada", "signature-1", kept)
    assert cache.load_member("ada", "signature-1") == kept
    loaded = cache.load_member("ada", "signature-1")
    assert loaded is not None and isinstance(next(iter(loaded.texts.values())).body_html, Markup)
    assert cache.load_member("ada", "signature-2") is None  # something it came from changed
    assert cache.load_member("grace", "signature-1") is None
    kept_file = shapedcache.KeptMember("signature-1", kept.token, kept.asked, (1, 2, 3))
    newest = {"ada": shapedcache.NewestPost(kept.entries[0], "Ada's newest")}
    index = shapedcache.ShapedIndex(
        {"ada": kept_file}, [(FEED, "1", "ada")], {(FEED, "1"): "urn:x"}, newest
    )
    older = tmp_path / "planet-shaped.json"  # where older code kept every member's at once
    older.write_text("{}", encoding="utf-8")
    cache.save_index("key-1", index)
    assert not older.exists()
    assert cache.load_index("key-1") == index
    assert cache.load_index("key-2") is None
    # A process that builds again (`invoke dev`) reads the file once while it is as it was.
    again = cache_in(tmp_path).load_index("key-1")
    assert again is cache_in(tmp_path).load_index("key-1") and again == index
    cache.save_index("key-1", shapedcache.ShapedIndex({}, [], {}))  # a new file
    assert cache_in(tmp_path).load_index("key-1") == shapedcache.ShapedIndex({}, [], {})


def test_a_damaged_or_foreign_file_is_not_trusted(tmp_path):
    cache = cache_in(tmp_path)
    cache.save_member("ada", "signature-1", shaped())
    [path] = (cache.folder / "members").glob("*.json")
    damaged = ("{", "[]", '{"member": "ada", "signature": "signature-1"}',
               '{"member": "ada", "signature": "signature-1", "entries": [{"x": 1}], '
               '"texts": [], "copies": [], "asked": []}')  # fmt: skip
    for text in damaged:
        path.write_text(text, encoding="utf-8")
        assert cache.load_member("ada", "signature-1") is None
    (cache.folder / "index.json").write_text('{"key": "key-1", "members": []}', encoding="utf-8")
    assert cache.load_index("key-1") is None


def test_a_process_that_builds_again_decodes_only_the_files_that_changed(tmp_path, monkeypatch):
    """`invoke dev` builds again and again in one process: a member's file as it was last time
    gives the objects it gave then; one written since, here or by another process, is read."""
    decoded = []
    decode = shapedcache.ShapedCache._decode
    monkeypatch.setattr(
        shapedcache.ShapedCache, "_decode",
        lambda self, member_id, *rest: decoded.append(member_id) or decode(self, member_id, *rest),
    )  # fmt: skip
    cache_in(tmp_path).save_member("ada", "signature-1", shaped())
    cache_in(tmp_path).save_member("grace", "signature-1", shaped())
    first = cache_in(tmp_path).load_member("ada", "signature-1")
    again = cache_in(tmp_path).load_member("ada", "signature-1")  # the next build's cache
    assert first is not None and again is first
    assert cache_in(tmp_path).load_member("ada", "signature-2") is None  # still under its key
    assert decoded == ["ada"]
    changed = shaped()
    changed.entries[0].title = "One, retitled"
    cache_in(tmp_path).save_member("ada", "signature-1", changed)
    assert cache_in(tmp_path).load_member("ada", "signature-1") == changed
    assert decoded == ["ada", "ada"]
    elsewhere = tmp_path / "another-site"  # one site's files at a time are kept
    cache_in(elsewhere).save_member("ada", "signature-1", shaped())
    assert cache_in(elsewhere).load_member("ada", "signature-1") == shaped()
    assert cache_in(tmp_path).load_member("ada", "signature-1") == changed
    assert decoded == ["ada", "ada", "ada", "ada"]


def test_a_file_as_it_was_on_disk_is_not_even_read_again(tmp_path, monkeypatch):
    """Of 500 members' files, a post edit in `invoke dev` reads none: each is known by its size,
    times and inode. A file written since is read, here by a process that keeps the text."""
    read, decoded = [], []
    read_text, decode = shapedcache._read_text, shapedcache.ShapedCache._decode
    monkeypatch.setattr(
        shapedcache, "_read_text", lambda path: read.append(path) or read_text(path)
    )
    monkeypatch.setattr(
        shapedcache.ShapedCache, "_decode",
        lambda self, member_id, *rest: decoded.append(member_id) or decode(self, member_id, *rest),
    )  # fmt: skip
    cache_in(tmp_path).save_member("ada", "signature-1", shaped())
    [path] = (cache_in(tmp_path).folder / "members").glob("*.json")

    def age(seconds_ago: float) -> None:  # a file written within a tick of the clock is reread
        when = time.time() - seconds_ago
        os.utime(path, (when, when))

    age(60)
    first = cache_in(tmp_path).load_member("ada", "signature-1")
    again = cache_in(tmp_path).load_member("ada", "signature-1")
    assert first == shaped() and again is first
    assert (len(read), decoded) == (1, ["ada"])
    text = path.read_text(encoding="utf-8")
    path.unlink()
    path.write_text(text, encoding="utf-8")  # the same text, a new file: read, not decoded
    age(30)
    assert cache_in(tmp_path).load_member("ada", "signature-1") is first
    assert (len(read), decoded) == (2, ["ada"])
    assert cache_in(tmp_path).load_member("ada", "signature-1") is first
    assert len(read) == 2
    path.unlink()  # gone: nothing is kept, whatever was decoded before
    assert cache_in(tmp_path).load_member("ada", "signature-1") is None


def test_a_picture_kept_or_dropped_since_makes_the_shaped_entries_stale():
    asked = shaped().asked
    as_then = {"https://ada.example/ab.jpg": KeptImage("ab.jpg", 800, 600)}
    assert shapedcache.pictures_unchanged(asked, as_then.get)
    assert not shapedcache.pictures_unchanged(asked, {}.get)  # the picture's file went
    assert not shapedcache.pictures_unchanged(
        asked, {**as_then, "https://x/": KeptImage("x.png", 1, 1)}.get
    )  # a picture the fetch brought home since


def member_files(site: Site) -> dict[str, int]:
    folder = shapedcache.ShapedCache({"PLANET_STORE_PATH": str(site.store)}).folder / "members"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.json")}


def test_one_member_edited_or_fetched_is_shaped_again_alone(tmp_path, monkeypatch):
    """The others' shaped entries are taken as they were; the pages are a clean build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    for step, pick in enumerate((0, 1, 2, 3), start=1):
        site.step = step
        site.add_entry(pick)  # entries of both members who have feeds
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    before = member_files(site)
    assert len(before) == 2
    site.step = 10
    site.edit_entry(1)  # one of Amara's entries, retitled where it is stored
    after_fetch = site.build(output, cache)
    changed = {name for name, mtime in member_files(site).items() if before[name] != mtime}
    assert len(changed) == 1
    shown = [text for name, text in after_fetch.items() if name.startswith("reading/")]
    assert any(b"Retitled at step 10" in text for text in shown)
    clean = Site(tmp_path / "clean")
    clean.entries, clean.store = site.entries, site.store
    assert clean.build(tmp_path / "clean-output", tmp_path / "clean-cache") == after_fetch


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
    kept = shapedcache.ShapedCache({"PLANET_STORE_PATH": str(site.store)}).folder / "index.json"
    written_at = kept.stat().st_mtime_ns
    shutil.rmtree(output)
    shutil.rmtree(cache / "buildcache")  # every page rendered again, from the kept entries
    again = site.build(output, cache)
    assert kept.stat().st_mtime_ns == written_at  # taken as it was, not shaped again
    assert again == fresh
    river = [text for name, text in fresh.items() if name.startswith("reading/")]
    assert any(b"Entry of step" in text for text in river)


def test_remembered_answers_come_from_the_last_build_and_only_new_ones_are_computed():
    computed = []

    def shout(text: str) -> str:
        computed.append(text)
        return text.upper()

    remembered = shapedcache.Remembered(shout, {"a": "kept A"})
    assert [remembered("a"), remembered("b"), remembered("b")] == ["kept A", "B", "B"]
    assert computed == ["b"]  # asked twice, computed once; "a" never
    assert remembered.new == 1
    assert remembered.asked == {"a": "kept A", "b": "B"}


def test_the_remembered_answers_are_kept_only_for_the_same_code_and_settings(tmp_path):
    cache = cache_in(tmp_path)
    computes = {"upper": str.upper, "length": len}
    first = cache.load_remembered(computes)
    assert first["upper"]("ada") == "ADA" and first["length"]("ada") == 3
    cache.save_remembered(first)
    again = cache.load_remembered(computes)
    assert again["upper"].known == {"ada": "ADA"} and again["length"].known == {"ada": 3}
    kept = cache.folder / "urls.json"
    written_at = kept.stat().st_mtime_ns
    again["upper"]("ada")
    cache.save_remembered(again)  # nothing new: the file stays as it is
    assert kept.stat().st_mtime_ns == written_at
    other_settings = shapedcache.ShapedCache({**cache.settings, "PLANET_EXCERPT_LENGTH": 10})
    assert other_settings.load_remembered(computes)["upper"].known == {}
    kept.write_text("[", encoding="utf-8")
    assert cache_in(tmp_path).load_remembered(computes)["upper"].known == {}


def test_the_river_reads_a_members_entries_only_when_a_page_asks_for_one(tmp_path):
    """A post edit needs which entries the river shows and what each member's are made from,
    not the entries: only the members whose entries are asked for are read."""
    base = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)

    def entries_of(member: str, hours: list[int]) -> list:
        return [
            stored_entry(feed=f"https://{member}.example/feed.xml", member=member,
                         link=f"https://{member}.example/{h}", html="", when=base - dt.timedelta(hours=h))
            for h in hours
        ]  # fmt: skip

    kept = {
        "ada": shapedcache.MemberShaped(entries_of("ada", list(range(12))), {}, {}, {}),
        "bea": shapedcache.MemberShaped(entries_of("bea", [5]), {}, {}, {}),
    }
    river_order = sorted(
        (e for found in kept.values() for e in found.entries), key=lambda e: e.date, reverse=True
    )
    read: list[str] = []

    def shaped_of(member_id: str) -> shapedcache.MemberShaped:
        read.append(member_id)
        return kept[member_id]

    places = [(e.feed_url, e.key, e.member_id) for e in river_order]
    river = ShapedRiver(places, {}, {"ada": "made-of-ada"}, shaped_of)
    latest = river.latest()  # ten at most
    assert [key for _, key in latest["ada"]] == [f"https://ada.example/{h}" for h in range(10)]
    assert [key for _, key in latest["bea"]] == ["https://bea.example/5"]
    assert read == []  # known without reading anybody's entries
    assert [e.key for e in river.newest(3)] == [e.key for e in river_order[:3]]
    assert read == ["ada"]  # Ada wrote the three newest
    assert [e.key for e in river.posts_of("bea")] == ["https://bea.example/5"]
    assert river.entries == river_order
    assert read == ["ada", "bea"]  # each read once
    assert river.entry((FEED, "nowhere")) is None


def test_a_kept_file_that_changes_during_the_build_stops_it_with_what_to_do(tmp_path):
    """The index says which files hold the members' entries; one read later that is gone or
    under another signature (another build of the site at the same time) stops the build with
    a clear message, and the next build shapes afresh."""
    cache = cache_in(tmp_path)
    cache.save_member("ada", "signature-1", shaped())
    kept = shapedcache.KeptMember("signature-1", "token", {}, None)
    index = shapedcache.ShapedIndex({"ada": kept}, [(FEED, "1", "ada")], {})
    cache.save_index("key-1", index)
    assert shaping._kept_shaped(cache, index, "ada") == shaped()
    cache.save_member("ada", "signature-2", shaped())  # written by another build meanwhile
    with pytest.raises(SiteError) as stopped:
        shaping._kept_shaped(cache, index, "ada")
    assert "'ada'" in stopped.value.message and "build again" in (stopped.value.hint or "")
    assert cache.load_index("key-1") is None

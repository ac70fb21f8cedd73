"""Incremental builds are exact: after any sequence of edits, a build that reuses the pages of
the last one writes, byte for byte, what a clean build of the same site writes.

Each example is a random sequence of the edits an owner makes (a post's text, title or tags, a
new or deleted post; a member's name, why or topics, a new or archived member; a template; a
setting; new and changed entries in the feed store). After every edit the same site is built
twice: into its own output folder with its build cache (the incremental build), and into a new
folder with an empty cache (the clean build). Every file of the two must be the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pln_site.site.network import generator as network_generator
from pln_site.site.reading import generator as reading_generator
from pln_site.site.reading import shapedcache, shaping
from tests.support.edited_site import EDITS, PINNED, Site


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(min_value=0, max_value=50)),
        min_size=4,
        max_size=6,
    ),
    # A store written a while ago (known by its size and time) or just now (walked).
    settled=st.booleans(),
)
def test_after_any_edits_the_incremental_build_is_the_clean_build(
    tmp_path_factory, monkeypatch, edits, settled
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path_factory.mktemp("site"), settled=settled)
    incremental = site.root / "output"
    site.build(incremental, site.root / "cache")
    reused = 0
    for site.step, (edit, pick) in enumerate(edits, start=1):
        getattr(site, edit)(pick)
        built = site.build(incremental, site.root / "cache")
        reused += len(built) - len(rendered_pages(site.root / "cache"))
        clean = site.build(site.root / f"clean-{site.step}", site.root / f"cache-{site.step}")
        assert built.keys() == clean.keys(), f"after {edits[: site.step]}"
        changed = [name for name in clean if built[name] != clean[name]]
        assert changed == [], f"after {edits[: site.step]}"
    # Not a build that renders everything each time: most edits leave most pages as they were.
    assert reused > 0


def sizes_given(monkeypatch, owner, name: str, argument: int = 0) -> list[int]:
    """The length of the argument at `argument` (a method's self is 0) of each call of
    `owner.name` from now on."""
    calls: list[int] = []
    function = getattr(owner, name)

    @functools.wraps(function)
    def counted(*args, **kwargs):
        calls.append(len(args[argument]))
        return function(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def build_record(cache: Path) -> dict:
    [record] = (cache / "buildcache").glob("pages-*.json")
    return json.loads(record.read_text(encoding="utf-8"))


def rendered_pages(cache: Path) -> set[str]:
    """The pages the last build rendered from their templates (not taken from the one before),
    as its record in the cache says."""
    return set(build_record(cache)["rendered"])


@pytest.mark.parametrize(
    ("edit", "pick", "expected", "untouched"),
    [
        # A post: its page and the lists it is in; no member or river page.
        ("edit_post_text", 0, {"posts/hello-network/index.html", "index.html"}, ("network/", "reading/")),
        # A member whom no post names and who has no entries: their page and the directory's
        # lists (and their topics' pages); no other member's page, no post, tag or category
        # page, not the river.
        ("edit_member_why", 1, {"network/bruno-lima/index.html", "network/index.html"},
         ("network/amara-okafor/", "posts/", "tag/", "category/", "reading/index.html")),
        # A new entry of Amara's: the river and her page; no other member's page, no post.
        ("add_entry", 1, {"reading/index.html", "network/amara-okafor/index.html"},
         ("network/bruno-lima/", "posts/", "tag/", "category/", "archives")),
    ],
)  # fmt: skip
def test_an_edit_renders_again_only_the_pages_made_from_what_changed(
    tmp_path, monkeypatch, edit, pick, expected, untouched
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    site.step = 1
    getattr(site, edit)(pick)
    after = site.build(output, cache)
    rendered = rendered_pages(cache)
    assert expected <= rendered
    assert not {name for name in rendered if name.startswith(untouched)}
    # What was rendered again is what changed (and a page that changed was rendered again).
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed <= rendered | {name for name in after if not name.endswith(".html")}
    # Every page's making could be traced (an untraced one is rendered every build).
    assert {name for name in after if name.endswith(".html")} <= set(build_record(cache)["pages"])


def test_a_member_archived_takes_their_avatar_copy_with_them(tmp_path, monkeypatch):
    """What the roster writes beside the pages (the avatars' small copies) is on the build's
    list of outputs too: a member who left leaves no picture online (a case the random edits
    above found)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    site.step = 1
    site.archive_member(0)  # amara-okafor, who has an avatar
    after = site.build(output, cache)
    clean = site.build(tmp_path / "clean", tmp_path / "clean-cache")
    small_copy = "images/avatars/amara-okafor-128.png"  # the original is content: it stays
    assert small_copy in before and small_copy not in after
    assert after == clean


def test_a_page_taken_from_the_last_build_is_left_as_it_is_on_disk(tmp_path, monkeypatch):
    """Its file keeps its time of change: a deployment that sends what changed sends the post
    and its lists, not every page."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    times = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    site.step = 1
    site.edit_post_text(0)
    site.build(output, cache)
    touched = {path.relative_to(output).as_posix() for path in times
               if path.stat().st_mtime_ns != times[path]}  # fmt: skip
    rendered = rendered_pages(cache)
    assert "posts/hello-network/index.html" in touched
    assert touched == {name for name in rendered if name.endswith(".html")}
    assert len(touched) < len(times) / 2


def test_a_feed_or_blogroll_made_from_what_it_was_made_from_is_not_made_again(
    tmp_path, monkeypatch
):
    """Feeds and blogrolls are not pages: they are made (serialized) only when what they are
    made from changed, and then they say what changed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    made: list[str] = []

    def counted(module, name: str) -> None:
        make = getattr(module, name)

        @functools.wraps(make)
        def making(*args, **kwargs):
            made.append(name)
            return make(*args, **kwargs)

        monkeypatch.setattr(module, name, making)

    for name in ("atom_feed", "rss_feed", "json_feed"):
        counted(reading_generator, name)
    counted(network_generator, "blogroll_opml")
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    assert {"atom_feed", "rss_feed", "json_feed", "blogroll_opml"} <= set(made)
    made.clear()
    site.step = 1
    site.edit_post_text(0)
    after_post = site.build(output, cache)
    assert made == []
    site.step = 2
    site.add_entry(1)  # a new entry of Amara's: the feeds that carry her entries change
    after_fetch = site.build(output, cache)
    assert "atom_feed" in made and "blogroll_opml" not in made
    titles = [title.text for title in ElementTree.fromstring(after_fetch["reading/atom.xml"])
              .iter("{http://www.w3.org/2005/Atom}title")]  # fmt: skip
    assert "Entry of step 2" in titles
    assert after_fetch["reading/atom.xml"] != after_post["reading/atom.xml"]
    clean = site.build(tmp_path / "clean", tmp_path / "clean-cache")
    assert after_fetch == clean


def test_a_note_rewritten_in_place_is_renamed_on_every_page_that_lists_it(tmp_path, monkeypatch):
    """A titleless post is named by the start of its text, which its stored fields without
    their HTML do not show: the pages know a member's posts by their shaped entries."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.step = 1
    site.edit_note(1)  # a note of Amara's
    site.build(output, cache)
    site.step = 2
    site.edit_note(1)  # its text edited where it is stored, still without a title
    after = site.build(output, cache)
    clean = site.build(tmp_path / "clean", tmp_path / "clean-cache")
    assert [name for name in clean if after.get(name) != clean[name]] == []
    member_page = BeautifulSoup(after["network/amara-okafor/index.html"], "html.parser")
    assert "A short note of step 2" in member_page.get_text(" ", strip=True)


def test_an_edited_post_leaves_the_reading_pages_as_they_were_without_making_them(
    tmp_path, monkeypatch
):
    """The reading pages and feeds are made from the store, the members and what the site's
    menu shows: a post edited changes none of these, so the build does not even make the
    river's items; a new page in the menu makes them all again, with the menu's new link."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    made = sizes_given(monkeypatch, reading_generator, "river_items")  # entries made into items
    site = Site(tmp_path)
    site.step = 1
    site.add_entry(1)
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    assert made == [1]
    reading = sorted(name for name in before if name.startswith("reading/"))
    times = {name: (output / name).stat().st_mtime_ns for name in reading}
    site.step = 2
    site.edit_post_text(0)
    after = site.build(output, cache)
    assert made == [1]
    assert {name: after[name] for name in reading} == {name: before[name] for name in reading}
    assert {name: (output / name).stat().st_mtime_ns for name in reading} == times
    assert not {name for name in rendered_pages(cache) if name.startswith("reading/")}
    # Nothing was lost from the build's record: the next build can take them again.
    assert set(reading) <= set(build_record(cache)["pages"]) | {
        name for name in reading if not name.endswith((".html", ".xml", ".json"))
    }

    (site.content / "pages" / "now.md").write_text(
        "Title: What I do now\n\nReading, mostly.\n", encoding="utf-8"
    )
    with_page = site.build(output, cache)
    assert made == [1, 1]
    river = BeautifulSoup(with_page["reading/index.html"], "html.parser")
    assert "What I do now" in [link.get_text(strip=True) for link in river.select("nav a")]
    assert with_page == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_a_reading_page_changed_in_the_output_is_made_again_with_its_set(tmp_path, monkeypatch):
    """A reading page that is no longer the file the last build wrote is not taken: the set's
    pages are made again, and the page is as a clean build writes it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    (output / "reading" / "index.html").write_text("changed by hand", encoding="utf-8")
    site.step = 1
    site.edit_post_text(0)
    after = site.build(output, cache)
    assert after["reading/index.html"] == before["reading/index.html"]
    assert "reading/index.html" in rendered_pages(cache)


def test_an_edited_post_leaves_the_directorys_lists_as_they_were_without_making_them(
    tmp_path, monkeypatch
):
    """The directory, its topics, stats, picture, blogrolls and exports are made from the
    members and their posts: a post edited leaves them as they were (the picture is not even
    laid out), a member edited makes them again, and the result is a clean build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    laid_out = sizes_given(monkeypatch, network_generator, "network_graph")  # members laid out
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    assert len(laid_out) == 1
    site.step = 1
    site.edit_post_text(0)
    site.build(output, cache)
    assert len(laid_out) == 1
    assert not {name for name in rendered_pages(cache) if name.startswith("network/topics")}
    site.step = 2
    site.edit_member_name(1)
    after = site.build(output, cache)
    assert len(laid_out) == 2
    directory = BeautifulSoup(after["network/index.html"], "html.parser")
    assert "Person 2" in [
        card.get_text(" ", strip=True) for card in directory.select(".h-card .p-name")
    ]
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_a_post_is_known_on_the_pages_of_the_members_it_mentions_by_its_listing(
    tmp_path, monkeypatch
):
    """A member's page lists the posts that draw on their work by title, link and date: a new
    sentence in such a post leaves every directory page as it was; a new title makes that
    member's page again, and no other member's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    post = site.content / "posts" / "drawing-on-amara.md"
    post.write_text(
        "Title: Drawing on Amara\nDate: 2025-12-01\nMentions: amara-okafor\n\nFirst words.\n",
        encoding="utf-8",
    )
    output, cache = tmp_path / "output", tmp_path / "cache"

    def drew_on(built: dict[str, bytes]) -> list[str]:
        page = BeautifulSoup(built["network/amara-okafor/index.html"], "html.parser")
        return [link.get_text(strip=True) for link in page.select(".network-mentions a")]

    assert drew_on(site.build(output, cache)) == ["Drawing on Amara"]
    post.write_text(post.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    site.build(output, cache)
    rendered = rendered_pages(cache)
    assert "posts/drawing-on-amara/index.html" in rendered
    assert not {name for name in rendered if name.startswith("network/")}
    post.write_text(
        post.read_text(encoding="utf-8").replace("Drawing on Amara", "Learning from Amara"),
        encoding="utf-8",
    )
    after = site.build(output, cache)
    assert drew_on(after) == ["Learning from Amara"]
    rendered = rendered_pages(cache)
    assert "network/amara-okafor/index.html" in rendered
    assert not {name for name in rendered if name.startswith("network/bruno-lima/")}
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_a_posts_new_text_renders_again_the_index_pages_that_show_it_not_every_one(
    tmp_path, monkeypatch
):
    """Each index page shows its own page of posts (and links to the others): a new sentence
    in the newest post is on the first page, which the second links back to; the pages
    further on are taken from the last build."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    site.settings["DEFAULT_PAGINATION"] = 2  # type: ignore[assignment]
    posts = site.content / "posts"
    for day in range(1, 11):
        (posts / f"day-{day:02}.md").write_text(
            f"Title: Day {day}\nDate: 2025-11-{day:02}\n\nWhat day {day} taught me.\n",
            encoding="utf-8",
        )
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    index_pages = {name for name in before if re.fullmatch(r"index\d*\.html", name)}
    assert len(index_pages) >= 5
    newest = posts / "day-10.md"
    newest.write_text(newest.read_text(encoding="utf-8") + "One more sentence.\n", "utf-8")
    after = site.build(output, cache)
    first = BeautifulSoup(after["index.html"], "html.parser").get_text(" ", strip=True)
    assert "One more sentence." in first
    assert rendered_pages(cache) & index_pages == {"index.html", "index2.html"}
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_a_members_new_name_shows_in_the_river_without_shaping_their_entries_again(
    tmp_path, monkeypatch
):
    """Shaping reads a member's site, feeds and show rules, not their name, why or topics: a
    new name is on every river item of theirs, and no entry is read from the store again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    site.step = 1
    site.add_entry(1)  # an entry of Amara's
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    shaped = sizes_given(monkeypatch, shaping.RiverShaper, "_shape_member", argument=2)
    listed = sizes_given(monkeypatch, shaping.Store, "shown_heads", argument=1)
    site.step = 2
    site.edit_member_name(0)  # amara-okafor.yaml
    after = site.build(output, cache)
    assert shaped == [] and listed == []
    river = BeautifulSoup(after["reading/index.html"], "html.parser")
    authors = {author.get_text(" ", strip=True) for author in river.select(".h-entry .p-author")}
    assert "Person 2" in " ".join(authors)
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_a_members_new_why_leaves_the_reading_pages_as_they_were_without_making_them(
    tmp_path, monkeypatch
):
    """The reading pages show a member's name, site, feeds and languages, not why they are in
    the network: a new `why` leaves every reading page and feed as the last build wrote it (no
    river item is made), while the member's own page shows it, as a clean build does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    site.step = 1
    site.add_entry(1)  # an entry of Amara's, on the river with her name
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    made = sizes_given(monkeypatch, reading_generator, "river_items")
    reading = sorted(name for name in before if name.startswith("reading/"))
    times = {name: (output / name).stat().st_mtime_ns for name in reading}
    site.step = 2
    site.edit_member_why(0)  # amara-okafor.yaml
    after = site.build(output, cache)
    assert made == []
    assert {name: (output / name).stat().st_mtime_ns for name in reading} == times
    page = BeautifulSoup(after["network/amara-okafor/index.html"], "html.parser")
    assert "Taught me step 2." in page.get_text(" ", strip=True)
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def test_after_a_member_edit_the_cards_show_last_posts_without_reading_every_members_entries(
    tmp_path, monkeypatch
):
    """Every card in the directory shows its member's last post: the index of the shaped
    entries keeps each member's newest post and its title, so a member edit (which makes the
    directory's lists again) reads no kept entries of a member only for their card."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site, output, cache = built_with_amaras_week(tmp_path)
    read = members_read(monkeypatch)
    site.step = 7
    site.edit_member_why(1)  # bruno-lima.yaml: no posts of his own
    after = site.build(output, cache)
    assert "dana-kowalska" not in read
    directory = BeautifulSoup(after["network/index.html"], "html.parser")
    dana = directory.find(id="member-dana-kowalska").select_one(".network-last-post a")
    assert dana.get_text(strip=True) == "Entry of step 1"
    assert "network/index.html" in rendered_pages(cache)
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")


def built_with_amaras_week(tmp_path: Path) -> tuple[Site, Path, Path]:
    """A site built once with a post of Dana's years ago and five of Amara's this week (the
    home page lists those), from a store a fetch left an hour before; (site, output, cache)."""
    site = Site(tmp_path)
    site.step = 1
    site.add_entry(2, published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    for step in range(2, 7):
        site.step = step
        site.add_entry(1)
    an_hour_ago = time.time() - 3600  # a store written just now is never trusted as unchanged
    for written in site.store.parent.glob(f"{site.store.name}*"):
        os.utime(written, (an_hour_ago, an_hour_ago))
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    return site, output, cache


def members_read(monkeypatch) -> list[str]:
    """The ids of the members whose kept shaped entries are read from now on."""
    read: list[str] = []
    load_member = shapedcache.ShapedCache.load_member
    monkeypatch.setattr(
        shapedcache.ShapedCache, "load_member",
        lambda self, member_id, signature: read.append(member_id)
        or load_member(self, member_id, signature),
    )  # fmt: skip
    return read


def test_after_a_post_edit_only_the_newest_posts_members_kept_entries_are_read(
    tmp_path, monkeypatch
):
    """The reading pages are taken whole and the members' posts are known by what they are
    made from: of the members' kept files (at 500 members, reading them all was 0.3 s of every
    post edit) the build reads only those of the members whose posts the home page shows."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site, output, cache = built_with_amaras_week(tmp_path)
    read = members_read(monkeypatch)
    site.step = 7
    site.edit_post_text(0)
    after = site.build(output, cache)
    home = BeautifulSoup(after["index.html"], "html.parser")
    authors = {
        link["href"].rstrip("/").rsplit("/", 1)[-1]
        for link in home.select(".home-reading .home-reading__meta a")
    }
    assert authors == {"amara-okafor"}  # the five newest posts are Amara's
    assert read == ["amara-okafor"]  # read once; Dana's entries not at all
    assert after == site.build(tmp_path / "clean", tmp_path / "clean-cache")

"""Cross-posts: one post in several of a member's feeds is shown once (site/reading/crossposts.py),
each rule alone, and what is never taken for a copy."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from pln_site.entries import StoredEntry
from pln_site.site.reading.crossposts import (
    AlsoOn,
    PostMarks,
    also_on,
    collapse,
    entry_id,
    feed_label,
    post_marks,
    same_text_key,
    syndication_links,
)
from tests.support.stored_entries import stored_entry

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
BLOG = "https://ada.example/feed.xml"
MASTODON = "https://social.example/@ada.rss"
BLUESKY = "https://bsky.example/profile/ada/rss"


def post(
    feed: str,
    link: str | None,
    html: str,
    *,
    hours: float = 0,
    member: str = "ada",
    title: str = "",
) -> StoredEntry:
    when = T0 + dt.timedelta(hours=hours)
    return stored_entry(feed=feed, link=link, html=html, when=when, member=member, title=title)


def shown(entries: list[StoredEntry]):
    marks = {entry_id(entry): post_marks(entry) for entry in entries}
    return collapse(entries, marks, is_home=lambda entry: entry.feed_url == BLOG)


def test_a_blog_post_marking_its_toot_as_syndication_shows_once_as_the_blog_post() -> None:
    toot = post(MASTODON, "https://social.example/@ada/1", "<p>New post: Hello</p>", hours=-1)
    blog = post(
        BLOG,
        "https://ada.example/hello",
        '<p>Hello.</p><p>Also on <a class="u-syndication" '
        'href="https://social.example/@ada/1/">Mastodon</a></p>',
        title="Hello",
    )
    result = shown([blog, toot])
    assert result.entries == [blog]  # the blog's one, though the toot came first
    assert result.copies[entry_id(blog)] == [toot]


def test_a_copy_marking_the_original_as_syndication_counts_the_other_way_round() -> None:
    blog = post(BLOG, "https://ada.example/hello", "<p>Hello.</p>", title="Hello")
    toot = post(
        MASTODON,
        "https://social.example/@ada/1",
        '<p>Hello <a class="u-syndication" href="https://ada.example/hello">link</a></p>',
        hours=1,
    )
    assert shown([toot, blog]).entries == [blog]


def test_a_plain_link_to_the_members_post_is_a_post_of_its_own() -> None:
    blog = post(BLOG, "https://ada.example/hello", "<p>Hello.</p>", title="Hello")
    toot = post(
        MASTODON,
        "https://social.example/@ada/1",
        '<p>A year ago: <a href="https://ada.example/hello">Hello</a></p>',
        hours=1,
    )
    assert shown([toot, blog]).entries == [toot, blog]


def test_the_same_text_on_two_platforms_within_a_day_is_one_post() -> None:
    toot = post(
        MASTODON,
        "https://social.example/@ada/2",
        '<p>Reading <a href="https://paper.example/x">https://paper.example/x</a> today</p>',
        hours=5,
    )
    skeet = post(BLUESKY, "https://bsky.example/ada/2", "<p>reading paper.example/x today</p>")
    result = shown([toot, skeet])
    assert result.entries == [skeet]  # neither is the blog's: the earliest
    assert result.copies[entry_id(skeet)] == [toot]


def test_the_same_text_more_than_a_day_apart_is_said_twice() -> None:
    first = post(MASTODON, "https://social.example/@ada/3", "<p>Good morning</p>")
    second = post(BLUESKY, "https://bsky.example/ada/3", "<p>Good morning</p>", hours=25)
    assert shown([second, first]).entries == [second, first]


def test_the_same_text_twice_in_one_feed_is_two_posts() -> None:
    first = post(MASTODON, "https://social.example/@ada/4", "<p>Good morning</p>")
    second = post(MASTODON, "https://social.example/@ada/5", "<p>Good morning</p>", hours=2)
    assert shown([second, first]).entries == [second, first]


def test_the_same_link_in_two_feeds_is_one_post() -> None:
    blog = post(BLOG, "https://ada.example/hello", "<p>Hello.</p>", hours=1, title="Hello")
    again = post(MASTODON, "http://www.ada.example/hello/", "<p>Hello!</p>", title="Hello")
    assert shown([blog, again]).entries == [blog]


def test_two_members_posting_the_same_link_or_text_are_two_posts() -> None:
    ada = post(MASTODON, "https://paper.example/x", "<p>Good paper</p>")
    bea = post(
        "https://bea.example/feed", "https://paper.example/x", "<p>Good paper</p>", member="bea"
    )
    assert shown([ada, bea]).entries == [ada, bea]


def test_three_copies_collapse_into_one_with_copies_oldest_first() -> None:
    blog = post(
        BLOG,
        "https://ada.example/hello",
        '<p>Hi</p><a class="u-syndication" href="https://social.example/@ada/9">m</a>',
        hours=2,
        title="Hello",
    )
    toot = post(MASTODON, "https://social.example/@ada/9", "<p>Hello world</p>", hours=3)
    skeet = post(BLUESKY, "https://bsky.example/ada/9", "<p>Hello world</p>", hours=4)
    other = post(MASTODON, "https://social.example/@ada/10", "<p>Lunch</p>", hours=1)
    result = shown([skeet, toot, blog, other])
    assert result.entries == [blog, other]  # at the original's place, the order kept
    assert result.copies[entry_id(blog)] == [toot, skeet]
    assert shown([toot, skeet, other, blog]).copies == result.copies  # whatever the input order


def test_marks_read_the_syndication_links_and_the_short_text() -> None:
    html = (
        '<p>Hi <a class="h-x u-syndication" href="https://social.example/@ada/1">m</a>'
        '<a href="https://else.example/">e</a></p>'
    )
    assert syndication_links(html) == ["https://social.example/@ada/1"]
    marks = post_marks(post(BLOG, "https://ada.example/hi", html))
    assert marks.syndicated == {"social.example/@ada/1"} and marks.text
    long = post(BLOG, "https://ada.example/long", "<p>" + "word " * 400 + "</p>")
    assert post_marks(long) == PostMarks()  # no text rule for a long post


def test_the_text_compared_leaves_links_case_and_spacing_aside() -> None:
    assert same_text_key("New post  https://ada.example/hello") == "new post"
    assert same_text_key("New POST ada.example/2024/hel…") == "new post"
    assert same_text_key("Café\u00a0au lait") == "café au lait"


def test_also_on_names_each_copy_once_by_its_platform() -> None:
    member = SimpleNamespace(
        feeds=[
            SimpleNamespace(url=MASTODON, platform="Mastodon", title=None),
            SimpleNamespace(url=BLUESKY, platform=None, title="Skeets"),
        ]
    )
    blog = post(BLOG, "https://ada.example/hello", "", title="Hello")
    copies = [
        post(MASTODON, "https://social.example/@ada/1", ""),
        post(BLUESKY, "https://bsky.example/ada/1", ""),
        post("https://other.example/rss", "https://ada.example/hello/", ""),  # the same page
        post("https://other.example/rss", None, ""),  # nowhere to link to
    ]
    found = also_on(blog, copies, lambda copy: feed_label(member, copy.feed_url))
    assert found == (
        AlsoOn("Mastodon", "https://social.example/@ada/1"),
        AlsoOn("Skeets", "https://bsky.example/ada/1"),
    )
    assert feed_label(member, "https://other.example/rss") == "other.example"


def test_posts_with_titles_of_their_own_are_one_post_only_under_the_same_title() -> None:
    # Two photos captioned alike on one day, in two feeds: two posts, each with its title...
    photo = post(BLOG, "https://ada.example/p/1", "<p>At the lake.</p>", title="Morning")
    other = post(MASTODON, "https://social.example/@ada/9", "<p>At the lake.</p>", hours=2,
                 title="Evening")  # fmt: skip
    assert shown([other, photo]).entries == [other, photo]
    # ...but the same title and text in two feeds is one post.
    again = post(MASTODON, "https://social.example/@ada/10", "<p>At the lake.</p>", hours=3,
                 title="Morning")  # fmt: skip
    assert shown([again, photo]).entries == [photo]

"""The river's shaping: who is on it, titles for titleless posts, days and pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pln_site.entries import StoredEntry
from pln_site.site.reading.river import (
    UNTITLED,
    day_label,
    entry_language,
    entry_text,
    group_by_day,
    paginate,
    river_items,
    stand_in_title,
)

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def stored(
    key: str,
    member: str = "ada",
    *,
    when: dt.datetime,
    title: str = "T",
    content: str = "<p>Body</p>",
    summary: str = "",
) -> StoredEntry:
    return StoredEntry(
        key=key,
        feed_url=f"http://{member}.example/feed",
        member_id=member,
        link=f"http://{member}.example/{key}",
        title=title,
        author=None,
        content_html=content,
        summary_html=summary,
        date=when,
        first_seen=when,
    )


def items_for(entries, *, full=False, excerpt_chars=400):
    members = {
        m: SimpleNamespace(id=m, name=m.title(), url=f"http://{m}.example/") for m in ("ada", "bea")
    }
    return river_items(
        entries,
        members,
        text_of=lambda entry: entry_text(entry, full=full, excerpt_chars=excerpt_chars),
        tz=BERLIN,
        member_page_url=lambda m: f"network/{m.id}/",
        avatar_url=lambda m: None,
        initials=lambda name: name[:1],
    )


def test_a_titleless_post_gets_the_start_of_its_text_as_plain_text() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    note = stored(
        "n",
        when=when,
        title="",
        content="<p>Saw a <b>heron</b> &amp; a <script>x()</script>duck " + "very " * 40 + "</p>",
    )
    text = stand_in_title(note)
    assert text.startswith("Saw a heron & a duck very")
    assert "<" not in text and "x()" not in text
    assert len(text) <= 80 and text.endswith("…")
    assert stand_in_title(stored("e", when=when, title="", content="")) == UNTITLED
    item = items_for([note])[0]
    assert (item.title, item.has_title) == (text, False)


def test_days_follow_the_site_timezone_not_utc() -> None:
    # 23:30 UTC on 1 May is already 2 May in Berlin (UTC+2 in summer).
    late = stored("late", when=dt.datetime(2024, 5, 1, 23, 30, tzinfo=UTC))
    evening = stored("evening", when=dt.datetime(2024, 5, 1, 20, 0, tzinfo=UTC))
    morning = stored("morning", when=dt.datetime(2024, 5, 1, 6, 0, tzinfo=UTC))
    days = group_by_day(items_for([late, evening, morning]))
    assert [(d.date.isoformat(), [i.entry.key for i in d.items]) for d in days] == [
        ("2024-05-02", ["late"]),
        ("2024-05-01", ["evening", "morning"]),
    ]
    assert days[0].label == "Thursday, 2 May 2024" == day_label(dt.date(2024, 5, 2))


def test_excerpt_or_full_content() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    long_post = stored("l", when=when, content="<p><em>" + "word " * 200 + "</em></p>")
    excerpt = items_for([long_post], excerpt_chars=50)[0]
    assert not excerpt.is_full and str(excerpt.body_html).endswith("…</em></p>")
    assert len(str(excerpt.body_html)) < 80
    full = items_for([long_post], full=True)[0]
    assert full.is_full and str(full.body_html) == long_post.content_html
    with_summary = stored("s", when=when, content="<p>All of it</p>", summary="<p>The gist</p>")
    assert str(items_for([with_summary])[0].body_html) == "<p>The gist</p>"


def test_pages_link_their_neighbours() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    items = items_for([stored(str(n), when=when - dt.timedelta(hours=n)) for n in range(7)])
    pages = paginate(
        items,
        3,
        first_url="reading/",
        first_save_as="reading/index.html",
        page_url="reading/page/{number}/",
        page_save_as="reading/page/{number}/index.html",
    )
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert [p.save_as for p in pages] == [
        "reading/index.html",
        "reading/page/2/index.html",
        "reading/page/3/index.html",
    ]
    assert (pages[0].previous_url, pages[0].next_url) == (None, "reading/page/2/")
    assert (pages[1].previous_url, pages[1].next_url) == ("reading/", "reading/page/3/")
    assert (pages[2].previous_url, pages[2].next_url) == ("reading/page/2/", None)


def test_an_empty_river_is_one_empty_page() -> None:
    pages = paginate(
        [],
        30,
        first_url="reading/",
        first_save_as="reading/index.html",
        page_url="reading/page/{number}/",
        page_save_as="reading/page/{number}/index.html",
    )
    assert len(pages) == 1 and pages[0].items == [] and pages[0].next_url is None


def test_an_entrys_language_is_its_members_one_else_the_feeds_else_unknown() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    labelled_en = dataclasses.replace(stored("a", when=when), language="en")
    unlabelled = stored("b", when=when)

    def member(*languages: str) -> SimpleNamespace:
        return SimpleNamespace(languages=list(languages))

    # One language in the member file: theirs, even where the feed says otherwise.
    assert entry_language(labelled_en, member("fa")) == "fa"
    # Several: the feed's, else the first the member file lists.
    assert entry_language(labelled_en, member("de", "fr")) == "en"
    assert entry_language(unlabelled, member("de", "fr")) == "de"
    assert entry_language(labelled_en, member()) == "en"
    assert entry_language(unlabelled, member()) is None


def test_an_excerpt_leaves_text_out_when_cut_or_when_it_is_the_authors_summary() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    long = "<p>" + "many words " * 100 + "</p>"

    def cut(entry: StoredEntry) -> bool:
        return entry_text(entry, full=False, excerpt_chars=100).is_cut

    assert cut(stored("a", when=when, content=long))
    assert not cut(stored("b", when=when, content="<p>Short.</p>"))
    # The author's short summary of a longer post: there is more to read.
    assert cut(stored("c", when=when, content=long, summary="<p>In short.</p>"))
    # A feed that gives only a summary: content_html is that summary, nothing more to read.
    assert not cut(stored("d", when=when, content="<p>In short.</p>", summary="<p>In short.</p>"))
    assert not entry_text(stored("e", when=when, content=long), full=True, excerpt_chars=100).is_cut


def test_what_each_show_choice_keeps_of_an_entry() -> None:
    when = dt.datetime(2024, 5, 1, tzinfo=UTC)
    long = "<p>" + "many words " * 100 + "</p>"
    entry = stored("a", when=when, content=long)

    def shown(show: str | None, full: bool = False):
        return entry_text(entry, full=full, excerpt_chars=100, show=show)

    link = shown("link", full=True)
    assert (link.title, str(link.body_html), link.is_full, link.is_cut, link.picture) == (
        "T", "", False, False, None,
    )  # fmt: skip
    summary = shown("summary", full=True)  # the feed's choice wins over PLANET_FULL_CONTENT
    assert not summary.is_full and summary.is_cut and len(summary.body_html) < len(long)
    assert shown("full").is_full and shown("full").body_html.count("many words") == 100
    assert shown(None, full=True).show == "full" and shown(None).show == "summary"
    # A titleless note shown as a link gets no stand-in cut from its text.
    note = entry_text(
        stored("n", when=when, title="", content="<p>A private thought.</p>"),
        full=False, excerpt_chars=100, show="link",
    )  # fmt: skip
    assert (note.title, note.has_title) == ("Untitled post", False)

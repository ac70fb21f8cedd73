"""Notes: which titleless posts the river shows whole, without a heading (site/reading/notes.py),
and what the river makes of one (the output feeds' part: test_outfeeds, test_crossposts_site)."""

from __future__ import annotations

import datetime as dt

import pytest

from pln_site.entries import StoredEntry
from pln_site.site.reading.notes import NOTE_MAX_CHARS, is_note, title_is_text_start
from pln_site.site.reading.river import entry_text
from tests.support.stored_entries import stored_entry

WHEN = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
TOOT = '<p>Walked to the <a href="https://market.example/">market</a> today. #walking</p>'


def entry(title: str, content: str) -> StoredEntry:
    return stored_entry(
        feed="https://m.example/@ada.rss",
        link="https://m.example/@ada/1",
        html=content,
        when=WHEN,
        title=title,
    )


def test_a_short_post_without_a_title_is_a_note() -> None:
    assert is_note("", TOOT)
    assert is_note("  ", "<p>" + "x" * NOTE_MAX_CHARS + "</p>")


def test_a_long_titleless_post_is_not_a_note() -> None:
    assert not is_note("", "<p>" + "x" * (NOTE_MAX_CHARS + 1) + "</p>")
    assert not is_note("", "<p>" + "word " * 2000 + "</p>")


def test_a_titleless_post_without_text_is_not_a_note() -> None:
    assert not is_note("", "")


def test_a_post_with_its_own_title_is_not_a_note() -> None:
    assert not is_note("Markets", TOOT)
    # A title that opens its text, ending at a word's end, is the author's own.
    assert not is_note("Office hours", "<p>Office hours moved.</p>")


@pytest.mark.parametrize(
    "title",
    [
        "Walked to the market today. #walking",  # the whole text
        "walked  to the market…",  # cut, with an ellipsis (case and spacing aside)
        "Walked to the market tod...",
        "Walked to the mar",  # cut within a word
    ],
)
def test_a_title_that_is_the_start_of_the_text_makes_a_note(title: str) -> None:
    assert is_note(title, TOOT)


def test_a_title_is_the_text_start_only_where_the_text_starts_with_it() -> None:
    assert not title_is_text_start("Ran to the…", "Walked to the market")
    assert not title_is_text_start("…", "Walked")
    assert not title_is_text_start("Walked to the market today and more", "Walked to the market")


def test_a_note_is_shown_whole_with_no_title_of_its_own() -> None:
    text = entry_text(entry("Walked to the mar…", TOOT), full=False, excerpt_chars=10)
    assert text.is_note and text.is_full and not text.is_cut and not text.has_title
    assert "#walking" in text.body_html and 'href="https://market.example/"' in text.body_html
    # What a feed that needs a title gets: the start of the text.
    assert text.title == "Walked to the market today. #walking"


def test_a_note_is_shown_whole_where_its_feed_allows_summaries() -> None:
    text = entry_text(entry("", TOOT), full=False, excerpt_chars=10, show="summary")
    assert text.is_note and text.is_full and "#walking" in text.body_html


def test_a_note_of_a_feed_that_shows_links_only_shows_no_text() -> None:
    text = entry_text(entry("", TOOT), full=True, excerpt_chars=400, show="link")
    assert text.is_note and str(text.body_html) == "" and not text.has_title


def test_a_notes_headings_go_below_the_days_heading() -> None:
    text = entry_text(entry("", "<h1>Hi</h1><p>there</p>"), full=False, excerpt_chars=400)
    assert text.is_note and "<h3>Hi</h3>" in text.body_html


def test_a_long_titleless_post_keeps_its_stand_in_title_and_excerpt() -> None:
    long = "<p>" + "Spaced repetition works. " * 40 + "</p>"
    text = entry_text(entry("", long), full=False, excerpt_chars=100)
    assert not text.is_note and not text.is_full and text.is_cut
    assert text.title.startswith("Spaced repetition works.") and not text.has_title

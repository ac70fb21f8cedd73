"""The fetch and status reports print text from servers and member files as text: rich markup in
it is shown, not applied, and a terminal's control characters are shown, not obeyed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from pln_site.commands.report import print_fetch_report, print_status
from pln_site.feeds.decide import Outcome
from pln_site.feeds.update import FeedOutcome, FetchReport
from pln_site.messages import terminal_text
from pln_site.store import FeedHealth

MARKUP = "Not [/] Found [link=http://x.example]click[/link] [bold red]"
CONTROLS = "\x1b]8;;http://x.example\x07here\x1b]8;;\x07 \x1b[2J \u202eevil\u202c \x9b31m"
NOW = dt.datetime.now(dt.UTC)


def terminal() -> tuple[Console, io.StringIO]:
    """A console that believes it writes to a colour terminal, wide enough for one line a row."""
    out = io.StringIO()
    return Console(file=out, force_terminal=True, color_system="truecolor", width=400), out


def assert_only_rich_sequences(text: str) -> None:
    """Every ESC is rich's own styling (CSI ... m); none opens a hyperlink, a title, a clear."""
    assert "\x1b]" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text and "\u202c" not in text
    for piece in text.split("\x1b")[1:]:
        assert piece.startswith("["), repr(piece[:20])
        assert piece[1 : piece.index("m") + 1].replace(";", "").rstrip("m").isdigit(), piece[:20]


def fetched(reason: str, url: str = "http://blog.example/feed.xml") -> FetchReport:
    feed = FeedOutcome("ada", url, Outcome.failed, reason=reason, status=404)
    return FetchReport([feed], NOW, 0.5)


def test_terminal_text_shows_controls_and_bidi_visibly():
    assert terminal_text("a\x1b[2Jb") == "a\u241b[2Jb"  # ␛
    assert terminal_text("bell\x07 cr\r del\x7f") == "bell\u2407 cr\u240d del\u2421"
    assert terminal_text("csi\x9b1m") == "csi<U+009B>1m"
    assert terminal_text("\u202eevil\u202c \u2067x\u2069 \u200f") == (
        "<U+202E>evil<U+202C> <U+2067>x<U+2069> <U+200F>"
    )
    assert terminal_text("one\ntwo\ttab") == "one\u240atwo\ttab"
    assert terminal_text("one\ntwo\x1b", lines=True) == "one\ntwo\u241b"
    assert terminal_text("Zoë, 東京, [/]") == "Zoë, 東京, [/]"  # text itself is left alone
    # A line separator would split a one-line problem; a lone surrogate cannot be printed at all.
    assert terminal_text("a\u2028b\ud800") == "a<U+2028>b<U+D800>"
    terminal_text("\ud800x").encode("utf-8")  # printable: no UnicodeEncodeError


def test_a_reason_with_markup_prints_as_written():
    console, out = terminal()
    print_fetch_report(fetched(f"HTTP 404 {MARKUP}"), console)
    text = out.getvalue()
    assert "Feeds fetched" in text and "1 feed: 1 failed" in text
    assert MARKUP in text
    assert "\x1b]8;" not in text  # no terminal hyperlink


def test_control_characters_in_a_reason_are_shown_not_sent():
    console, out = terminal()
    print_fetch_report(fetched(f"HTTP 404 Not Found {CONTROLS}"), console)
    text = out.getvalue()
    assert_only_rich_sequences(text)
    assert "\u241b]8;;http://x.example\u2407here" in text and "<U+202E>evil" in text


@pytest.mark.parametrize("where", ["url", "note"])
def test_status_shows_stored_text_as_written(where):
    url = "http://blog.example/feed.xml?q=[/]" if where == "url" else "http://blog.example/f"
    health = FeedHealth(
        url=url, member_id="ada", last_attempt=NOW, last_success=None, status=404,
        consecutive_failures=2, last_error=f"HTTP 404 {MARKUP} {CONTROLS}", moved_to=None,
        gone=False, retry_after=None, entry_count=0,
    )  # fmt: skip
    console, out = terminal()
    print_status([health], console)
    text = out.getvalue()
    assert "Feed health" in text and url in text and MARKUP in text
    assert_only_rich_sequences(text)


def test_a_move_to_a_url_with_brackets_prints_as_written():
    target = "http://blog.example/new[/]feed.xml?x=[link=http://x.example]c[/link]"
    health = FeedHealth(
        url="http://blog.example/f", member_id="ada", last_attempt=NOW, last_success=NOW,
        status=200, consecutive_failures=0, last_error=None, moved_to=target, gone=False,
        retry_after=None, entry_count=3,
    )  # fmt: skip
    console, out = terminal()
    print_status([health], console)
    assert f"moved to {target}: update the member file" in out.getvalue()

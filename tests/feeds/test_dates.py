"""Feed dates as real feeds write them: read right, or read as no date, never as a wrong one."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import feedparser
import pytest

from pln_site.feeds.parse.dates import from_struct_time, parse_date, trusted_struct_time
from pln_site.feeds.parse.feed import parse_feed
from tests.support.parse_fixtures import FEED_URL, rss, rss_item

UTC = dt.UTC


def at(*parts: int, hours: float = 0) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC) - dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # RFC 822 and its common errors
        ("Tue, 10 Jun 2003 04:00:00 GMT", at(2003, 6, 10, 4)),
        ("Tue, 10 Jun 2003 04:00:00 +0200", at(2003, 6, 10, 4, hours=2)),
        ("10 Jun 2003 04:00 -0000", at(2003, 6, 10, 4)),
        ("Tue, 10 June 2003 04:00:00 GMT", at(2003, 6, 10, 4)),
        ("Tue,10 Jun 03 04:00:00 GMT", at(2003, 6, 10, 4)),
        ("Wed, 02 Oct 2002 08:00:00 EST", at(2002, 10, 2, 8, hours=-5)),
        ("Wed, 02 Oct 2002 08:00:00 PST", at(2002, 10, 2, 8, hours=-8)),
        ("Wed, 02 Oct 2002 08:00:00 UTC", at(2002, 10, 2, 8)),
        ("Wed, 02 Oct 2002 08:00:00 CEST", at(2002, 10, 2, 8, hours=2)),
        ("Mon Sep 24 10:00:00 2018", at(2018, 9, 24, 10)),  # asctime
        ("September 24, 2018 10:00 pm PST", at(2018, 9, 24, 22, hours=-8)),
        # RFC 3339 and its common errors
        ("2024-03-01T10:00:00Z", at(2024, 3, 1, 10)),
        ("2024-03-01T10:00:00.123+02:00", at(2024, 3, 1, 10, hours=2)),
        ("2024-03-01 10:00:00 +0000", at(2024, 3, 1, 10)),
        ("2024-03-01T10:00", at(2024, 3, 1, 10)),
        ("2024-03-01", at(2024, 3, 1)),
        # year first with slashes, as forum software writes it
        ("2020/1/10 14:33:00", at(2020, 1, 10, 14, 33)),
        ("2020/01/10 14:33", at(2020, 1, 10, 14, 33)),
        # day and month names in other languages
        ("Seg, 24 Set 2018 10:00:00 -0300", at(2018, 9, 24, 10, hours=-3)),  # Portuguese
        ("24 de setembro de 2018", at(2018, 9, 24)),
        ("Sáb, 06 Out 2018 09:00:00 +0000", at(2018, 10, 6, 9)),
        ("mar, 25 sept 2018 10:00:00 +0200", at(2018, 9, 25, 10, hours=2)),  # French
        ("Lun, 12 mars 2012 10:00:00 +0100", at(2012, 3, 12, 10, hours=1)),
        ("Mar, 25 Sep 2018 10:00:00 +0200", at(2018, 9, 25, 10, hours=2)),  # Spanish
        ("Mié, 3 Oct 2018 10:00:00 GMT", at(2018, 10, 3, 10)),
        ("Do, 13 Dez 2018 08:00:00 +0100", at(2018, 12, 13, 8, hours=1)),  # German
        ("Di, 11 März 2014 08:00:00 MEZ", at(2014, 3, 11, 8, hours=1)),
        ("lunedì 3 settembre 2018", at(2018, 9, 3)),  # Italian
        ("Gio, 18 Ott 2018 12:00:00 +0200", at(2018, 10, 18, 12, hours=2)),
        ("vr 5 okt 2018 09:00:00 +0200", at(2018, 10, 5, 9, hours=2)),  # Dutch
        ("Wo, 3 mei 2017 09:00:00 +0200", at(2017, 5, 3, 9, hours=2)),
    ],
)
def test_formats_real_feeds_write_are_read(written, meant):
    assert parse_date(written) == meant


@pytest.mark.parametrize(
    "written",
    [
        "Thu, 01 Jan 1970 00:00:00 GMT",  # a placeholder, not a post's date
        "Mon, 01 Jan 0001 00:00:00 +0000",
        "Sat, 18 Mar 1871 19:18:00 +0900",
        "Fri, 31 Dec 2199 00:00:00 GMT",  # far in the future
        "9999-12-31T23:59:59-14:00",  # in UTC, past the last year a date can have
        "sometime last week",
        "24.09.2018",  # day or month first: not a guess we make
        "Blursday, 24 Sep 2018",
        "",
    ],
)
def test_what_cannot_be_a_posts_date_is_no_date(written):
    assert parse_date(written) is None


def test_a_date_more_than_a_day_ahead_is_not_believed_but_a_few_hours_are():
    now = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)
    assert parse_date("2024-06-01T20:00:00Z", now=now) == at(2024, 6, 1, 20)
    assert parse_date("2024-06-03T12:00:00Z", now=now) is None


def test_feedparsers_reading_of_a_year_past_9999_is_no_date():
    assert from_struct_time(time.struct_time((10000, 1, 1, 13, 59, 59, 0, 1, 0)), "9999") is None


def test_feedparser_reading_that_changed_the_digits_is_not_trusted():
    # feedparser's fallback read this as 2020-12-01: the month and day were invented.
    wrong = time.struct_time((2020, 12, 1, 14, 33, 0, 1, 336, 0))
    assert not trusted_struct_time(wrong, "2020/1/10 14:33:00")
    assert from_struct_time(wrong, "2020/1/10 14:33:00") is None
    # Its reading of the same digits (moved a day by the zone) is kept.
    right = time.struct_time((2018, 9, 23, 23, 0, 0, 6, 266, 0))
    assert trusted_struct_time(right, "24 Sep 2018 08:00 +0900")
    assert from_struct_time(right, "24 Sep 2018 08:00 +0900") == at(2018, 9, 23, 23)


def test_a_feed_with_a_forum_date_gets_the_date_it_wrote():
    feed = parse_feed(
        rss(
            rss_item(title="Forum", extra="<pubDate>2020/1/10 14:33:00</pubDate>")
            + rss_item(
                title="Brazil",
                link="https://blog.example/2",
                extra="<pubDate>Seg, 24 Set 2018 10:00:00 -0300</pubDate>",
            )
            + rss_item(
                title="Placeholder",
                link="https://blog.example/3",
                extra="<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>",
            )
        ).encode(),
        url=FEED_URL,
    )
    dates = {entry.title: entry.published for entry in feed.entries}
    assert dates == {
        "Forum": at(2020, 1, 10, 14, 33),
        "Brazil": at(2018, 9, 24, 13),
        "Placeholder": None,
    }


def test_json_feed_dates_use_the_same_reading():
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
        b'{"id": "1", "url": "https://j.example/1", "date_published": "2020/1/10 14:33:00"},'
        b'{"id": "2", "url": "https://j.example/2", "date_published": "1970-01-01T00:00:00Z"}]}'
    )
    feed = parse_feed(body, url="https://j.example/feed.json")
    assert [entry.published for entry in feed.entries] == [at(2020, 1, 10, 14, 33), None]


def test_corpus_dates_cost_microseconds_and_agree_with_feedparser(corpus_dir: Path):
    """Every date string of the corpus: where feedparser and this module both read one, they
    agree; and the reading costs microseconds (printed for the record, not asserted)."""
    written: list[tuple[str, time.struct_time | None]] = []
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix not in (".xml", ".rss", ".atom", ".rdf"):
            continue
        result = feedparser.parse(path.read_bytes())
        for raw in result.entries:
            for name in ("published", "updated"):
                if isinstance(dict.get(raw, name), str):
                    written.append((raw[name], dict.get(raw, f"{name}_parsed")))
    assert len(written) > 500
    started = time.perf_counter()
    ours = [parse_date(text) for text, _ in written]
    cost = (time.perf_counter() - started) / len(written)
    print(f"{len(written)} corpus dates, {cost * 1e6:.1f} µs each")
    disagreements = [
        (text, mine, theirs)
        for (text, parsed), mine in zip(written, ours, strict=True)
        if mine is not None and (theirs := from_struct_time(parsed)) is not None and mine != theirs
    ]
    assert disagreements == []
    read = sum(mine is not None for mine in ours)
    assert read / len(written) > 0.95

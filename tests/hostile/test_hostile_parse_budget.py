"""Issue 13, part 1: every parse has a budget, and one member's feed never stalls the rest.

Through the fetch command in a child process (pln_site.commands.fetch.run_fetch, what `invoke
fetch` runs, worker processes and all) and through the library's fetch (one parse thread):

- feeds that made the parser's time grow with the square of their size (unclosed comments,
  CDATA and tags, runs of spaces or letters in an author, thousands of categories or
  attributes, formatting elements left open) are read well within the budget, next to good
  feeds whose entries all arrive;
- a feed whose parse outlasts PLANET_PARSE_TIMEOUT fails alone, with the reason, keeps its last
  good entries, and its worker is stopped: the run ends soon after the budget, not after the
  parse, while every other feed's new entries arrive.

The bounds on time are about a deadline firing, many times wider than what they check.
"""

from __future__ import annotations

import json
import time

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from tests.support.hostile_sites import entry_keys, recent, rfc822, rss, rss_item
from tests.support.processes import start_fetch_child, write_fetch_site

pytestmark = pytest.mark.slow  # each test runs the fetch in a child over feeds of megabytes

MIB = 1024 * 1024
GOOD = [f"good{n}" for n in range(4)]


def good_feed(name: str, entries: int) -> bytes:
    return rss(
        [
            rss_item(f"{name}-{e}", f"{name} post {e}", date=rfc822(recent(e + 1)))
            for e in range(entries)
        ],
        title=name,
    )


def many_entries(size: int, prefix: str = "big") -> bytes:
    """A well-formed feed of many small entries: slow to parse for its size (3 s per MiB or more
    of CPU), and only that: nothing in it is hostile but its length."""
    item = rss_item(f"{prefix}-0", "An entry", date=rfc822(recent()))
    return rss(
        rss_item(f"{prefix}-{n}", "An entry", date=rfc822(recent()))
        for n in range(size // len(item))
    )


def wrap(items: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>'
        f"{extra}{items}</channel></rss>"
    ).encode()


ITEM = "<item><title>x</title><link>http://hostile.example/1</link><guid>h1</guid>{}</item>"

# Each of these took from a minute to hours to parse at this size before issue 13.
FORMERLY_QUADRATIC = {
    "unclosed-comments": lambda n: wrap(ITEM.format("")) + b"<!--" * (n // 4),
    "unclosed-cdata": lambda n: wrap(ITEM.format("")) + b"<![CDATA[" * (n // 9),
    "unclosed-tags": lambda n: wrap(ITEM.format("")) + b"<a" * (n // 2),
    "spaces-in-an-author": lambda n: wrap(ITEM.format("<author>a" + " " * n + "x</author>")),
    "letters-as-an-author": lambda n: wrap(ITEM.format("<author>" + "a." * (n // 2) + "</author>")),
    "many-categories": lambda n: wrap(
        ITEM.format("".join(f"<category>c{i}</category>" for i in range(n // 26)))
    ),
    "many-attributes": lambda n: wrap(
        ITEM.format("<x " + " ".join(f'a{i}="1"' for i in range(n // 8)) + "/>")
    ),
    "formatting-left-open": lambda n: wrap(
        ITEM.format(
            "<description><![CDATA[<p>"
            + "".join(f'<b title="{i}">' for i in range(300))
            + "</p><p>x" * (n // 8)
            + "]]></description>"
        )
    ),
}


def fetch_in_child(site, **settings):
    """Run the fetch command in a child process; (its JSON report by feed URL, wall seconds)."""
    path = site / "settings.json"
    values = json.loads(path.read_text())
    path.write_text(json.dumps({**values, **settings}))
    started = time.monotonic()
    child = start_fetch_child(site)
    out, err = child.communicate(timeout=300)
    took = time.monotonic() - started
    assert child.returncode == 0, err
    report = json.loads(out)
    return {feed["url"]: feed for feed in report["feeds"]}, took


def test_feeds_that_were_quadratic_are_read_within_the_budget(tmp_path):
    with LocalFeedServer() as server:
        feeds = {name: f"http://{name}.example/{name}.xml" for name in [*FORMERLY_QUADRATIC, *GOOD]}
        resolve = {f"{name}.example": server.address for name in feeds}
        write_fetch_site(tmp_path, feeds, resolve)
        for name, make in FORMERLY_QUADRATIC.items():
            server.route(f"/{name}.xml", Route.feed(make(MIB)))
        for name in GOOD:
            server.route(f"/{name}.xml", Route.feed(good_feed(name, 3)))
        outcomes, took = fetch_in_child(tmp_path)
    for name in FORMERLY_QUADRATIC:
        feed = outcomes[feeds[name]]
        # Read (or refused as not a feed) within the budget, never cut off by it.
        assert "took longer" not in (feed["reason"] or ""), (name, feed)
    for name in GOOD:
        assert (outcomes[feeds[name]]["outcome"], outcomes[feeds[name]]["new_entries"]) == ("ok", 3)
    assert took < 120, f"the run took {took:.0f} s"


def test_a_feed_over_its_budget_fails_alone_and_its_worker_is_stopped(tmp_path):
    # 20 MiB of small entries take a minute or more of CPU to parse; the budget is 1 s.
    with LocalFeedServer() as server:
        feeds = {name: f"http://{name}.example/{name}.xml" for name in ["big", *GOOD]}
        resolve = {f"{name}.example": server.address for name in feeds}
        write_fetch_site(tmp_path, feeds, resolve, PLANET_MAX_BYTES=24 * MIB)
        server.route("/big.xml", Route.feed(good_feed("big", 2)))
        for name in GOOD:
            server.route(f"/{name}.xml", Route.feed(good_feed(name, 2)))
        first, _ = fetch_in_child(tmp_path)
        assert all(feed["outcome"] == "ok" for feed in first.values()), first
        kept = entry_keys(tmp_path / "cache" / "planet.sqlite3")[feeds["big"]]

        server.route("/big.xml", Route.feed(many_entries(20 * MIB)))
        for name in GOOD:
            server.route(f"/{name}.xml", Route.feed(good_feed(name, 3)))
        second, took = fetch_in_child(tmp_path, PLANET_PARSE_TIMEOUT=1)

    big = second[feeds["big"]]
    assert (big["outcome"], big["reason"]) == ("failed", "not a feed: parsing took longer than 1 s")
    assert entry_keys(tmp_path / "cache" / "planet.sqlite3")[feeds["big"]] == kept
    for name in GOOD:
        assert (second[feeds[name]]["outcome"], second[feeds[name]]["new_entries"]) == ("ok", 1)
    # Stopped at its budget: the feed's own time and the run's are far below its parse's.
    assert big["seconds"] < 15, big
    assert took < 45, f"the run took {took:.0f} s: the parse was not stopped"


def test_in_one_thread_a_feed_over_its_budget_fails_alone_all_the_same(server, fetch, store):
    # The library's fetch (no worker processes): the parse cannot be stopped, but the feed fails
    # at its budget and the others are parsed in a new thread meanwhile.
    server.route("/big.xml", Route.feed(good_feed("big", 2)))
    for name in GOOD:
        server.route(f"/{name}.xml", Route.feed(good_feed(name, 2)))
    sources = [FeedSource("big", server.url("/big.xml"))]
    sources += [FeedSource(name, server.url(f"/{name}.xml")) for name in GOOD]
    fetch(*sources)

    server.route("/big.xml", Route.feed(many_entries(MIB)))
    for name in GOOD:
        server.route(f"/{name}.xml", Route.feed(good_feed(name, 3)))
    report = fetch(*sources, PLANET_PARSE_TIMEOUT=0.2)
    outcomes = {feed.member_id: feed for feed in report.feeds}
    assert (outcomes["big"].outcome, outcomes["big"].reason) == (
        "failed",
        "not a feed: parsing took longer than 0.2 s",
    )
    assert all((outcomes[name].outcome, outcomes[name].new_entries) == ("ok", 1) for name in GOOD)
    assert len([entry for entry in store.entries() if entry.feed_url == sources[0].url]) == 2

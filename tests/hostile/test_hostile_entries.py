"""Issue item 9: pathological entries through fetch AND build: no id, repeated ids, no dates,
dates in year 1 and 9999, a 1 MB title, 10,000 entries in one feed.

Already proven in tests/planet/test_store.py: dates fall back and the future is not believed
(test_dates_fall_back_and_the_future_is_not_believed), only the newest entries are kept
(test_only_the_newest_entries_of_a_feed_are_kept). Here each case is its own member's feed,
fetched for real and built into a site that is then read as a visitor would.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.store import Store
from tests.support.effort import cpu_seconds
from tests.support.hostile_sites import (
    build,
    fetch_into,
    member_file,
    recent,
    rfc822,
    rss,
    rss_item,
    write_site,
)

pytestmark = pytest.mark.slow  # the 10,000-entry feed takes a few seconds to parse

NOW = dt.datetime.now(dt.UTC)
MEGABYTE = 1024 * 1024
ATOM_HEAD = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'


def atom(entries: str, title: str = "Atom") -> bytes:
    return (
        f"{ATOM_HEAD}<title>{title}</title><id>urn:x</id><updated>{recent().isoformat()}</updated>"
        f"{entries}</feed>"
    ).encode()


FEEDS: dict[str, bytes] = {
    "noid": rss(
        [rss_item(None, f"No id {n}", description=f"<p>Body {n}</p>", date=rfc822(recent(n + 1)))
         for n in range(3)]
    ),
    "noidnolink": rss([rss_item(None, "", description=f"<p>Only a body {n}</p>") for n in range(3)]),
    "repeated": rss(
        [rss_item("same-id", f"Version {n}", date=rfc822(recent(n + 1))) for n in range(3)]
    ),
    "nodates": rss([rss_item(f"d{n}", f"Undated {n}") for n in range(3)]),
    "year1": rss(
        [rss_item("y1", "Year one", date="Mon, 01 Jan 0001 00:00:00 GMT")]
    ) + b"",
    "year1atom": atom(
        "<entry><id>urn:y1</id><title>Year one (Atom)</title>"
        "<published>0001-01-01T00:00:00Z</published><updated>0001-01-01T00:00:00Z</updated></entry>"
    ),
    "year9999": rss(
        [rss_item("y9", "Year 9999", date="Fri, 31 Dec 9999 23:59:59 GMT"),
         rss_item("y9b", "Year 9999 minus 14", date="Fri, 31 Dec 9999 23:59:59 -1400")]
    ),
    "year9999atom": atom(
        "<entry><id>urn:y9</id><title>Year 9999 (Atom)</title>"
        "<published>9999-12-31T23:59:59-14:00</published></entry>"
    ),
    "bigtitle": rss(
        [rss_item("b1", "T" * MEGABYTE, date=rfc822(recent()))], title="F" * MEGABYTE
    ),
    "bigwords": rss(
        [rss_item("b2", "word " * (MEGABYTE // 5), description="<p>" + "x" * MEGABYTE + "</p>",
                  date=rfc822(recent()))]
    ),
    "tenthousand": rss(
        [rss_item(f"k{n}", f"Entry {n}", link=f"http://tenthousand.example/{n}",
                  date=rfc822(recent(1 + n / 100))) for n in range(10_000)]
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("entries")
    store_file = root / "cache" / "planet.sqlite3"
    with LocalFeedServer() as server:
        resolve = {f"{name}.example": server.address for name in FEEDS}
        for name, body in FEEDS.items():
            server.route(f"/{name}.xml", Route.feed(body))
        sources = [FeedSource(name, f"http://{name}.example/{name}.xml") for name in FEEDS]
        with cpu_seconds() as fetching:
            first = fetch_into(store_file, sources, resolve)
        # Second run: the no-id feed gains one entry; its old ones must not come back as new.
        server.route(
            "/noid.xml",
            Route.feed(
                rss(
                    [
                        rss_item(
                            None, "No id new", description="<p>New</p>", date=rfc822(recent(0.5))
                        )
                    ]
                )[: -len(b"</channel></rss>")]
                + FEEDS["noid"][FEEDS["noid"].index(b"<item>") :]
            ),
        )
        second = fetch_into(store_file, sources, resolve)
    content = write_site(
        root / "content",
        {s.member_id: member_file(s.member_id, [(s.url, None)]) for s in sources},
    )
    with cpu_seconds() as building:
        build(content, root / "output", store_file)
    return {
        "first": {f.member_id: f for f in first.feeds},
        "second": {f.member_id: f for f in second.feeds},
        "store": store_file,
        "output": root / "output",
        "seconds": fetching.seconds,  # CPU seconds: the work, whatever else runs meanwhile
        "build_seconds": building.seconds,
    }


def stored(site, member: str):
    with Store(site["store"]) as store:
        return store.entries(member_ids=[member])


def test_every_pathological_feed_is_read(site):
    assert {name: f.outcome for name, f in site["first"].items()} == {n: "ok" for n in FEEDS}


def test_entries_without_id_get_stable_keys(site):
    assert site["first"]["noid"].new_entries == 3
    assert site["second"]["noid"].new_entries == 1, "old entries without id came back as new"
    assert len(stored(site, "noid")) == 4
    assert len(stored(site, "noidnolink")) == 3


def test_repeated_ids_keep_one_entry(site):
    (entry,) = stored(site, "repeated")
    assert entry.title == "Version 0"


def test_undated_entries_get_the_time_they_were_first_seen(site):
    for entry in stored(site, "nodates"):
        assert abs((entry.date - NOW).total_seconds()) < 600


@pytest.mark.parametrize("member", ["year1", "year1atom", "year9999", "year9999atom"])
def test_absurd_years_are_not_believed(site, member):
    entries = stored(site, member)
    assert entries, "the entry is kept"
    for entry in entries:
        assert NOW - dt.timedelta(hours=1) < entry.date <= dt.datetime.now(dt.UTC)


def test_a_megabyte_title_is_cut(site):
    (entry,) = stored(site, "bigtitle")
    assert 0 < len(entry.title) <= 300
    (entry,) = stored(site, "bigwords")
    assert 0 < len(entry.title) <= 300
    with Store(site["store"]) as store:
        titles = {h.member_id: h.title for h in store.feed_health()}
    assert len(titles["bigtitle"]) <= 300


def test_ten_thousand_entries_keep_the_newest_fifty_in_bounded_time(site):
    entries = stored(site, "tenthousand")
    assert [e.title for e in entries] == [f"Entry {n}" for n in range(50)]
    assert site["seconds"] < 60, f"the fetch took {site['seconds']:.1f} s of CPU"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.datetimes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "time" and dict(attrs).get("datetime"):
            self.datetimes.append(dict(attrs)["datetime"])

    def handle_data(self, data):
        self.text.append(data)


def read_page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_built_pages_show_them_sanely(site):
    output = site["output"]
    pages = [
        output / "reading" / "index.html",
        *sorted((output / "reading" / "page").rglob("*.html")),
    ]
    text = ""
    years = set()
    for page in pages:
        parsed = read_page(page)
        text += " ".join(parsed.text)
        years |= {stamp[:4] for stamp in parsed.datetimes}
    assert "Version 0" in text and "Year 9999" in text and "Undated 0" in text
    assert "Entry 0" in text
    assert "T" * 301 not in text, "the megabyte title is cut on the page"
    assert years <= {str(NOW.year), str(NOW.year - 1)}, years
    member_page = read_page(output / "network" / "bigtitle" / "index.html")
    assert "F" * 301 not in " ".join(member_page.text)
    assert site["build_seconds"] < 60

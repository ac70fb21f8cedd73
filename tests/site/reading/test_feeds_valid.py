"""Every feed the site writes passes the rules of the W3C Feed Validator, in a development build
(SITEURL empty, FEED_DOMAIN pointing at `invoke serve`) and in a publishing build: the reading
feeds (Atom, RSS, JSON Feed, every topic's Atom), "new in my network" and the blog's own.

The validator's rules that real feeds broke are written out in tests.support.feed_rules: ids
are full URLs, tag URIs with a real authority, or UUID URNs; links and self links are whole;
every <source> has its id, title, updated and self link; no element is empty; no two entries
share an <updated>.
Feeds are fetched over HTTP from 127.0.0.1 into a real store, and some entries are written
through the store's API (several dated to one midnight, one with no text, one with a malformed tag id).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.store import FeedChanged, Retention, Store
from tests.support.feed_rules import ATOM, feed_problems, kind_of
from tests.support.project import build_site
from tests.support.river_fixtures import fetched_site

PUBLISHED_AT = "https://robin.example"
DEVELOPMENT_AT = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN
NOTES_FEED = "http://cy.example/notes.xml"  # a second feed of cy's, written straight into the store


@dataclass(frozen=True)
class Built:
    output: Path
    base: str  # where the feeds are published


def same_day_notes(fetched_at: dt.datetime) -> FeedChanged:
    """Entries as a feed with dates but no times gives them: all at one midnight. One has no
    text at all, one a tag id with a URL for its authority."""
    midnight = (fetched_at - dt.timedelta(days=2)).replace(hour=0, minute=0, second=0)

    def entry(key: str, html: str, link: str | None = None) -> ParsedEntry:
        return ParsedEntry(
            key=key,
            link=link,
            title=f"Note {key[-1]}",
            author=None,
            content_html=html,
            summary_html="",
            published=midnight,
            updated=None,
        )

    entries = (
        entry("http://cy.example/n1", "<p>One.</p>", "http://cy.example/n1"),
        entry("http://cy.example/n2", "<p>Two.</p>", "http://cy.example/n2"),
        entry("http://cy.example/n3", "", "http://cy.example/n3"),  # nothing but a picture
        entry("tag:https://cy.example,2024:n4", "<p>Four.</p>", "http://cy.example/n4"),
        entry("http://cy.example/n5", ""),  # no text and no link
    )
    return FeedChanged(
        source=FeedSource("cy", NOTES_FEED),
        at=fetched_at,
        status=200,
        etag=None,
        last_modified=None,
        body_hash="notes",
        title="Cy's notes",
        html_url="http://cy.example/notes/",
        entries=entries,
    )


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = fetched_site(tmp_path_factory.mktemp("feeds-valid"))
    with Store(path) as store:
        store.save(
            same_day_notes(dt.datetime.now(dt.UTC).replace(microsecond=0)),
            Retention(max_entries=50, max_age_days=0),
        )
    return path


@pytest.fixture(scope="module", params=["development", "publishing"])
def built(request: pytest.FixtureRequest, store_file: Path) -> Built:
    root = store_file.parent.parent
    output = root / f"output-{request.param}"
    if request.param == "development":
        overrides: dict = {}  # pelicanconf.py as it is: SITEURL "", FEED_DOMAIN for serve
        base = DEVELOPMENT_AT
    else:  # as publishconf.py sets them, with the blog's RSS feed on too
        overrides = {
            "SITEURL": PUBLISHED_AT,
            "RELATIVE_URLS": False,
            "FEED_DOMAIN": PUBLISHED_AT,
            "FEED_ALL_RSS": "feeds/all.rss.xml",
        }
        base = PUBLISHED_AT
    # No cap per member: every entry is in the feeds.
    build_site(
        root / "content",
        output,
        PLANET_STORE_PATH=str(store_file),
        PLANET_MAX_PER_MEMBER=0,
        **overrides,
    )
    return Built(output, base)


def feed_files(built: Built) -> list[Path]:
    return sorted(built.output.rglob("*.xml")) + sorted(built.output.rglob("feed.json"))


def where(built: Built, path: Path) -> str:
    return f"{built.base}/{path.relative_to(built.output).as_posix()}"


def test_the_site_writes_every_kind_of_feed(built: Built) -> None:
    kinds = {path.relative_to(built.output).as_posix(): kind_of(path) for path in feed_files(built)}
    assert {"reading/atom.xml", "reading/rss.xml", "reading/feed.json"} <= set(kinds)
    assert {"network/new.atom.xml", "feeds/all.atom.xml"} <= set(kinds), "the network's, the blog's"
    assert any(name.startswith("reading/topics/") for name in kinds)
    assert set(kinds.values()) == {"atom", "rss", "json"}


def test_every_feed_follows_the_validators_rules(built: Built) -> None:
    problems = {
        path.relative_to(built.output).as_posix(): found
        for path in feed_files(built)
        if (found := feed_problems(path, where(built, path)))
    }
    assert problems == {}


def test_the_river_feed_holds_the_same_day_and_the_empty_entries(built: Built) -> None:
    feed = ET.parse(built.output / "reading" / "atom.xml").getroot()
    by_link = {
        link.get("href"): entry
        for entry in feed.findall(f"{ATOM}entry")
        for link in entry.findall(f"{ATOM}link")
    }
    assert {f"http://cy.example/n{n}" for n in range(1, 5)} <= set(by_link)
    assert by_link["http://cy.example/n3"].find(f"{ATOM}summary") is None, "no empty summary"
    assert by_link["http://cy.example/n4"].findtext(f"{ATOM}id").startswith("urn:uuid:")
    # The entry with neither text nor link says what it is, as content.
    unlinked = [e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}link") is None]
    assert [e.findtext(f"{ATOM}content") for e in unlinked] == ["Note 5"]

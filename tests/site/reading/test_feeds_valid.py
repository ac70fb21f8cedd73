"""Every feed the site writes passes the rules of the W3C Feed Validator, in a development build
(SITEURL empty, FEED_DOMAIN pointing at `invoke serve`) and in a publishing build: the reading
feeds (Atom, RSS, JSON Feed, every topic's Atom), "new in my network" and the blog's own.

The validator's rules that real feeds broke are written out here: ids are full URLs, tag URIs
with a real authority, or UUID URNs; links and self links are whole; every <source> has its
id, title, updated and self link; no element is empty; no two entries share an <updated>.
Feeds are fetched over HTTP from 127.0.0.1 into a real store, and some entries are written
through the store's API (several dated to one midnight, one with no text, one with a malformed tag id).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from pln_site.devserver import LocalFeedServer
from pln_site.entries import FeedSource, ParsedEntry
from pln_site.feeds.update import fetch_all
from pln_site.store import FeedChanged, Retention, Store
from tests.support.project import build_site
from tests.support.river_fixtures import PEOPLE, write_content, write_feeds

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED_AT = "https://robin.example"
DEVELOPMENT_AT = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN
# RFC 4151, with the lower-case authority the validator asks for.
TAG_URI = re.compile(
    r"tag:(?:[a-z0-9._-]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r",\d{4}(?:-\d{2}(?:-\d{2})?)?:[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*(?:#[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?"
)
UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
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
    root = tmp_path_factory.mktemp("feeds-valid")
    write_feeds(root / "feeds")
    write_content(root / "content")
    sources = [FeedSource(p.id, p.feed_url, p.feed_title) for p in PEOPLE.values()]
    path = root / "cache" / "planet.sqlite3"
    with LocalFeedServer(root / "feeds", by_host=True) as server:
        settings = {
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {f"{member_id}.example": server.address for member_id in PEOPLE},
        }
        with Store(path) as store:
            report = fetch_all(sources, store, settings)
            store.save(
                same_day_notes(dt.datetime.now(dt.UTC).replace(microsecond=0)),
                Retention(max_entries=50, max_age_days=0),
            )
    assert all(feed.outcome == "ok" for feed in report.feeds), report.to_dict()
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


def feed_files(built: Built, suffix: str) -> list[Path]:
    return sorted(built.output.rglob(f"*{suffix}"))


def is_full_url(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_valid_id(value: str | None) -> bool:
    text = value or ""
    return is_full_url(text) or bool(TAG_URI.fullmatch(text) or UUID_URN.fullmatch(text))


def where(built: Built, path: Path) -> str:
    return f"{built.base}/{path.relative_to(built.output).as_posix()}"


def empty_elements(root: ET.Element) -> list[str]:
    """Elements with neither text nor children (those that carry only attributes aside)."""
    return [
        element.tag
        for element in root.iter()
        if len(element) == 0
        and not (element.text or "").strip()
        and element.tag.removeprefix(ATOM) not in ("link", "category")
    ]


def test_the_site_writes_every_kind_of_feed(built: Built) -> None:
    names = {path.relative_to(built.output).as_posix() for path in feed_files(built, ".xml")}
    assert {"reading/atom.xml", "reading/rss.xml", "network/new.atom.xml"} <= names
    assert "feeds/all.atom.xml" in names, "the blog's own feed"
    assert any(name.startswith("reading/topics/") for name in names)


def test_atom_feeds_follow_the_validators_rules(built: Built) -> None:
    atom_files = [
        p for p in feed_files(built, ".xml") if ET.parse(p).getroot().tag == f"{ATOM}feed"
    ]
    assert len(atom_files) >= 5
    for path in atom_files:
        assert feedparser.parse(path.read_bytes()).bozo == 0, path
        feed = ET.parse(path).getroot()
        assert empty_elements(feed) == [], path
        assert is_valid_id(feed.findtext(f"{ATOM}id")), (path, feed.findtext(f"{ATOM}id"))
        links = {
            link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")
        }
        assert links.get("self") == where(built, path), path
        assert is_full_url(links.get("alternate")), (path, links)
        entries = feed.findall(f"{ATOM}entry")
        updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
        assert len(set(updated)) == len(updated), f"entries share an <updated> in {path}"
        for entry in entries:
            assert is_valid_id(entry.findtext(f"{ATOM}id")), (path, entry.findtext(f"{ATOM}id"))
            assert "tag:None" not in entry.findtext(f"{ATOM}id")
            for link in entry.findall(f"{ATOM}link"):
                assert is_full_url(link.get("href")), (path, link.get("href"))
            published = entry.findtext(f"{ATOM}published")
            if published:
                assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) >= (
                    dt.datetime.fromisoformat(published)
                ), "updated before it was published"
            # Without an alternate link, the entry must carry its content.
            if entry.find(f"{ATOM}link") is None:
                assert entry.find(f"{ATOM}content") is not None, path
            source = entry.find(f"{ATOM}source")
            if source is not None:
                for name in ("id", "title", "updated"):
                    assert source.findtext(f"{ATOM}{name}"), (path, name)
                selfs = [
                    link for link in source.findall(f"{ATOM}link") if link.get("rel") == "self"
                ]
                assert len(selfs) == 1 and is_full_url(selfs[0].get("href"))


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


def test_rss_feeds_follow_the_validators_rules(built: Built) -> None:
    rss_files = [p for p in feed_files(built, ".xml") if ET.parse(p).getroot().tag == "rss"]
    assert rss_files
    for path in rss_files:
        assert feedparser.parse(path.read_bytes()).bozo == 0, path
        channel = ET.parse(path).getroot().find("channel")
        assert empty_elements(channel) == [], path
        assert is_full_url(channel.findtext("link")), (path, channel.findtext("link"))
        (self_link,) = [
            link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"
        ]
        assert self_link.get("href") == where(built, path)
        for item in channel.findall("item"):
            assert item.findtext("title") or item.findtext("description"), path
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true":
                assert is_full_url(guid.text), (path, guid.text)
            if item.find("link") is not None:
                assert is_full_url(item.findtext("link"))


def test_the_json_feed_follows_json_feed_1_1(built: Built) -> None:
    document = json.loads((built.output / "reading" / "feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"]
    assert document["feed_url"] == f"{built.base}/reading/feed.json"
    assert is_full_url(document["home_page_url"])
    ids = [item["id"] for item in document["items"]]
    assert ids and len(set(ids)) == len(ids) and all(isinstance(i, str) and i for i in ids)
    for item in document["items"]:
        assert item.get("content_html") or item.get("content_text"), item
        assert item["authors"] and all(author.get("name") for author in item["authors"])
        dt.datetime.fromisoformat(item["date_published"])
        for name in ("url", "external_url"):
            if name in item:
                assert is_full_url(item[name])

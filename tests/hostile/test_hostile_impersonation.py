"""Issue 13: one member can never hide or impersonate another, nor flood the river.

Mallory's feed carries Alice's post link (with Mallory's words) and Alice's guid (on a post of
Mallory's), and her server answers first, so her copies are the first the store sees. Another
member posts 50 entries at once beside four members with a few each. Both are fetched for real
from 127.0.0.1 (their *.example hosts mapped there) and built into a site, which is read as a
visitor and a feed reader would: the pages with an HTML parser, the output feeds with
ElementTree and json.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.settings import DEFAULTS
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

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
CAP = DEFAULTS["PLANET_MAX_PER_MEMBER"]

ALICE_LINK = "http://alice.example/2024/on-gardens"
ALICE_GUID = "https://alice.example/posts/117"
ALICE_WORDS = "Gardens teach patience."
MALLORY_WORDS = "Gardens are a scam, buy my seeds."
MALLORY_LINK = "http://mallory.example/seeds"


def feed_url(member_id: str) -> str:
    return f"http://{member_id}.example/{member_id}.xml"


def member(member_id: str, name: str) -> str:
    return member_file(name, [(feed_url(member_id), None)], url=f"https://{member_id}.example/")


@pytest.fixture(scope="module")
def impersonation(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("impersonation")
    store_file = root / "cache" / "planet.sqlite3"
    alice = rss(
        [
            rss_item(
                ALICE_GUID,
                "On gardens",
                link=ALICE_LINK,
                date=rfc822(recent(2)),
                description=f"<p>{ALICE_WORDS}</p>",
            )
        ],
        site="https://alice.example/",
    )
    mallory = rss(
        [
            # Alice's link, with Mallory's words under it.
            rss_item(
                "urn:uuid:7d1c9c4e-0000-4000-8000-000000000001",
                "Gardens, the truth",
                link=ALICE_LINK,
                date=rfc822(recent(1)),
                description=f"<p>{MALLORY_WORDS}</p>",
            ),
            # Alice's guid on a post of Mallory's: readers would take it for an edit of Alice's.
            rss_item(
                ALICE_GUID,
                "On gardens (corrected)",
                link=MALLORY_LINK,
                date=rfc822(recent(1.5)),
                description=f"<p>{MALLORY_WORDS}</p>",
            ),
        ],
        site="https://alice.example/",  # what a feed says of itself proves nothing
    )
    with LocalFeedServer() as server:
        # Mallory's server answers at once, Alice's a moment later: Mallory's copies are the
        # first the store sees, within one run.
        server.route("/mallory.xml", Route.feed(mallory))
        server.route("/alice.xml", Route.feed(alice, delay=0.5))
        sources = [FeedSource(m, feed_url(m)) for m in ("alice", "mallory")]
        report = fetch_into(
            store_file, sources, {f"{m}.example": server.address for m in ("alice", "mallory")}
        )
    assert [feed.outcome for feed in report.feeds] == ["ok", "ok"], report.to_dict()
    content = write_site(
        root / "content",
        {"alice": member("alice", "Alice Garden"), "mallory": member("mallory", "Mallory Mask")},
    )
    settings = build(content, root / "output", store_file)
    return {"output": root / "output", "store": store_file, "settings": settings}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def river_articles(output: Path) -> list:
    return soup(output / "reading" / "index.html").select("article.river-entry")


def article_of(article) -> tuple[str | None, str, str, str]:
    """(link, title, author, text) of a river entry, as a visitor reads it."""
    title = article.select_one(".river-entry__title")
    link = title.find("a")
    return (
        link["href"] if link else None,
        title.get_text(strip=True),
        article.select_one(".p-author .p-name").get_text(strip=True),
        article.select_one(".river-entry__excerpt").get_text(" ", strip=True),
    )


def test_mallorys_copies_were_the_first_the_store_saw(impersonation):
    with sqlite3.connect(impersonation["store"]) as db:
        seen = dict(db.execute("SELECT member_id || ' ' || key, first_seen FROM entries"))
    assert seen[f"mallory {ALICE_GUID}"] < seen[f"alice {ALICE_GUID}"]


def test_the_river_shows_alices_post_under_alices_name_with_alices_words(impersonation):
    shown = [article_of(a) for a in river_articles(impersonation["output"])]
    at_alices_link = [entry for entry in shown if entry[0] == ALICE_LINK]
    assert at_alices_link == [(ALICE_LINK, "On gardens", "Alice Garden", ALICE_WORDS)]
    # Mallory's own post (with Alice's guid) still shows, as Mallory's.
    assert (MALLORY_LINK, "On gardens (corrected)", "Mallory Mask", MALLORY_WORDS) in shown
    assert all(
        MALLORY_WORDS not in text for _, _, author, text in shown if author != "Mallory Mask"
    )


def test_alices_page_lists_alices_post_and_mallorys_does_not(impersonation):
    output = impersonation["output"]
    alice = soup(output / "network" / "alice" / "index.html").select(".network-latest a")
    assert [(a["href"], a.get_text(strip=True)) for a in alice] == [(ALICE_LINK, "On gardens")]
    mallory = soup(output / "network" / "mallory" / "index.html").select(".network-latest a")
    assert [a["href"] for a in mallory] == [MALLORY_LINK]


def test_the_atom_feed_has_unique_ids_and_alices_entry_is_alices(impersonation):
    root = ET.parse(impersonation["output"] / "reading" / "atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids)) == 2
    by_link = {e.find(f"{ATOM}link").get("href"): e for e in entries}
    alice = by_link[ALICE_LINK]
    assert alice.findtext(f"{ATOM}author/{ATOM}name") == "Alice Garden"
    assert alice.findtext(f"{ATOM}id") == ALICE_GUID  # Alice keeps her own id
    assert ALICE_WORDS in alice.findtext(f"{ATOM}summary")
    assert by_link[MALLORY_LINK].findtext(f"{ATOM}author/{ATOM}name") == "Mallory Mask"


def test_the_rss_feed_has_unique_guids_and_alices_item_is_alices(impersonation):
    channel = ET.parse(impersonation["output"] / "reading" / "rss.xml").getroot().find("channel")
    items = channel.findall("item")
    guids = [item.findtext("guid") for item in items]
    assert len(guids) == len(set(guids)) == 2
    alice = next(item for item in items if item.findtext("link") == ALICE_LINK)
    assert (alice.findtext(DC_CREATOR), alice.findtext("guid")) == ("Alice Garden", ALICE_GUID)


def test_the_json_feed_has_unique_ids_and_alices_item_is_alices(impersonation):
    items = json.loads((impersonation["output"] / "reading" / "feed.json").read_text())["items"]
    assert len({item["id"] for item in items}) == len(items) == 2
    alice = next(item for item in items if item["url"] == ALICE_LINK)
    assert alice["authors"][0]["name"] == "Alice Garden" and alice["id"] == ALICE_GUID
    assert ALICE_WORDS in alice["content_html"]


# -- a burst ------------------------------------------------------------------------------------

QUIET = ("ann", "ben", "cat", "dan")
PER_QUIET = 3
BURST = 50


@pytest.fixture(scope="module")
def burst(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("burst")
    store_file = root / "cache" / "planet.sqlite3"
    feeds = {
        # Fifty entries at once, newer than anybody else's.
        "zed": rss(
            [
                rss_item(
                    f"zed-{n}",
                    f"Zed {n}",
                    link=f"http://zed.example/{n}",
                    date=rfc822(recent(1 + n / 60)),
                )
                for n in range(BURST)
            ]
        ),  # fmt: skip
        **{
            member_id: rss(
                [
                    rss_item(
                        f"{member_id}-{n}",
                        f"{member_id} {n}",
                        link=f"http://{member_id}.example/{n}",
                        date=rfc822(recent(3 + index + n / 10)),
                    )
                    for n in range(PER_QUIET)
                ]
            )  # fmt: skip
            for index, member_id in enumerate(QUIET)
        },
    }
    with LocalFeedServer() as server:
        for member_id, body in feeds.items():
            server.route(f"/{member_id}.xml", Route.feed(body))
        sources = [FeedSource(member_id, feed_url(member_id)) for member_id in feeds]
        resolve = {f"{member_id}.example": server.address for member_id in feeds}
        report = fetch_into(store_file, sources, resolve)
    assert {feed.outcome for feed in report.feeds} == {"ok"}, report.to_dict()
    content = write_site(root / "content", {m: member(m, m.title()) for m in feeds})
    build(content, root / "output", store_file)
    return {"output": root / "output"}


def host_of(url: str) -> str:
    return url.split("/")[2].split(".")[0]


def everyone_elses() -> Counter:
    return Counter({member_id: PER_QUIET for member_id in QUIET})


def test_the_rivers_first_page_holds_the_cap_of_the_burst_and_everyone_else(burst):
    first = Counter(host_of(article_of(a)[0]) for a in river_articles(burst["output"]))
    assert first.pop("zed") == CAP
    assert first == everyone_elses()


def test_nothing_of_the_burst_is_lost_from_the_river(burst):
    output, links = burst["output"], []
    pages = [
        output / "reading" / "index.html",
        *sorted((output / "reading" / "page").glob("*/index.html")),
    ]
    for page in pages:
        links += [article_of(a)[0] for a in soup(page).select("article.river-entry")]
    assert sorted(links) == sorted(
        [f"http://zed.example/{n}" for n in range(BURST)]
        + [f"http://{m}.example/{n}" for m in QUIET for n in range(PER_QUIET)]
    )
    second = soup(output / "reading" / "page" / "2" / "index.html").select("article.river-entry")
    assert article_of(second[0])[0] == f"http://zed.example/{CAP}"  # page 1's leftovers lead


def test_each_output_feed_holds_the_cap_of_the_burst_and_everyone_else(burst):
    reading = burst["output"] / "reading"
    atom_links = [
        e.find(f"{ATOM}link").get("href")
        for e in ET.parse(reading / "atom.xml").getroot().findall(f"{ATOM}entry")
    ]
    rss_links = [
        item.findtext("link")
        for item in ET.parse(reading / "rss.xml").getroot().find("channel").findall("item")
    ]
    json_links = [item["url"] for item in json.loads((reading / "feed.json").read_text())["items"]]
    topic = reading / "topics" / "testing" / "atom.xml"
    topic_links = [
        e.find(f"{ATOM}link").get("href") for e in ET.parse(topic).getroot().findall(f"{ATOM}entry")
    ]
    for links in (atom_links, rss_links, json_links, topic_links):
        counts = Counter(host_of(link) for link in links)
        assert counts.pop("zed") == CAP
        assert counts == everyone_elses()


def test_the_output_ids_are_the_same_in_the_next_build(impersonation, tmp_path):
    def atom_ids(output: Path) -> list[str]:
        root = ET.parse(output / "reading" / "atom.xml").getroot()
        return [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]

    content = Path(impersonation["settings"]["PATH"])
    build(content, tmp_path / "again", impersonation["store"])
    assert atom_ids(tmp_path / "again") == atom_ids(impersonation["output"])

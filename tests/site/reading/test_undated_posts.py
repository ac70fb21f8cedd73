"""Old posts a feed gives no date, met in its first fetch, through the real path (a feed on
127.0.0.1 > fetch > store > Pelican build): they never reach the output feeds as news, and on
the reading page they come after every dated post."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.feeds.update import fetch_all
from pln_site.store import Store
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.project import build_site

DATED = ["http://ada.example/fresh", "http://ada.example/last-week"]
UNDATED = ["http://ada.example/2011/old", "http://ada.example/2012/older"]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("undated")
    content = root / "content"
    (content / "network").mkdir(parents=True)
    (content / "network" / "ada.yaml").write_text(
        "name: Ada Quill\nurl: http://ada.example/\nwhy: Writes well.\nsince: 2020\n"
        "topics: [testing]\n"
        "feeds:\n  - url: http://ada.example/feed.xml\n",
        encoding="utf-8",
    )
    body = atom_feed(
        atom_entry(UNDATED[0], "Old post from 2011", None, link=UNDATED[0]),
        atom_entry(DATED[0], "Fresh post", days_ago(1), link=DATED[0]),
        atom_entry(UNDATED[1], "Older post from 2012", None, link=UNDATED[1]),
        atom_entry(DATED[1], "Last week's post", days_ago(7), link=DATED[1]),
        site="http://ada.example/",
    )
    store_file = root / "cache" / "planet.sqlite3"
    with LocalFeedServer() as server:
        server.route("/feed.xml", Route(body=body))
        settings = {
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {"ada.example": server.address},
        }
        with Store(store_file) as store:
            report = fetch_all([FeedSource("ada", "http://ada.example/feed.xml")], store, settings)
    assert [feed.outcome for feed in report.feeds] == ["ok"], report.to_dict()
    build_site(content, root / "output", PLANET_STORE_PATH=str(store_file))
    return root / "output"


def test_output_feeds_carry_only_dated_posts(output: Path) -> None:
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((output / "reading" / name).read_bytes())
        assert [entry.link for entry in parsed.entries] == DATED, name
    items = json.loads((output / "reading" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [item["url"] for item in items] == DATED


def test_the_reading_page_lists_undated_old_posts_after_every_dated_one(output: Path) -> None:
    soup = BeautifulSoup((output / "reading" / "index.html").read_text("utf-8"), "html.parser")
    links = [
        anchor["href"]
        for anchor in soup.select("article a[href]")
        if anchor["href"] in DATED + UNDATED
    ]
    assert list(dict.fromkeys(links)) == DATED + UNDATED


def test_the_members_page_keeps_the_old_posts(output: Path) -> None:
    page = output / "network" / "ada" / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    shown = {anchor["href"] for anchor in soup.find_all("a", href=True)}
    assert set(DATED + UNDATED) <= shown

"""`invoke status --html FILE`: the owner's private health page, from a store filled by real
fetches from 127.0.0.1, read as the owner reads it (each section's rows and what to do)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.feeds.update import fetch_all
from pln_site.settings import with_defaults
from pln_site.store import Store
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.hostile_sites import member_file
from tests.support.processes import invoke, write_fetch_site

HOSTILE = "<script>alert(1)</script>"
LONG_TEXT = " ".join(f"word{n}" for n in range(200))
FAILED_FETCHES = 3


def feed_of(
    name: str,
    days: list[float],
    *,
    summaries: bool = False,
    summary: str = "<p>The start of a post…</p>",
    title: str = "Notes",
):
    """A feed of `name`'s, one entry per age in `days`: full posts, or (`summaries`) entries
    that carry only `summary`."""
    site = f"http://{name}.example/"
    entries = [
        atom_entry(
            f"{site}post-{n}",
            f"{HOSTILE} post {n}",
            days_ago(age),
            link=f"{site}post-{n}",
            content=None if summaries else f"<p>{LONG_TEXT}</p>",
            summary=summary if summaries else None,
        )
        for n, age in enumerate(days)
    ]
    return atom_feed(*entries, title=title, site=site)


@pytest.fixture(scope="module")
def health_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A site of ten members, each feed in one state (Gil has a second, working one), fetched FAILED_FETCHES times."""
    root = tmp_path_factory.mktemp("health")
    with LocalFeedServer(root / "files") as server:
        server.route("/failing.xml", Route(status=500, reason=f"Broken {HOSTILE}"))
        server.route("/old.xml", Route.redirect(server.url("/new.xml")))
        server.route("/new.xml", Route.feed(feed_of("mo", [1, 2])))
        server.route("/gone.xml", Route(status=410))
        server.route("/also.xml", Route.feed(feed_of("gil", [1, 2])))
        server.route("/quiet.xml", Route.feed(feed_of("quinn", [200, 220])))
        server.route("/silent.xml", Route.feed(feed_of("olga", [400, 420], title=HOSTILE)))
        server.route("/brief.xml", Route.feed(feed_of("bree", [1, 2, 3], summaries=True)))
        server.route("/fine.xml", Route.feed(feed_of("finn", [1, 2])))
        # Whole posts in the summary (an RSS feed's description): not a summary-only feed.
        whole = f"<p>{LONG_TEXT}</p>"
        server.route(
            "/whole.xml", Route.feed(feed_of("lena", [1, 2], summaries=True, summary=whole))
        )
        server.route("/dormant.xml", Route.feed(feed_of("dora", [250])))
        feeds = {
            member_id: server.url(f"/{name}.xml")
            for member_id, name in (
                ("fay", "failing"),
                ("mo", "old"),
                ("gil", "gone"),
                ("quinn", "quiet"),
                ("olga", "silent"),
                ("bree", "brief"),
                ("finn", "fine"),
                ("lena", "whole"),
                ("nico", "missing"),  # no such route: 404
                ("dora", "dormant"),
            )
        }
        write_fetch_site(root / "site", feeds, {})
        network = root / "site" / "content" / "network"
        also = server.url("/also.xml")
        (network / "gil.yaml").write_text(member_file("gil", [(feeds["gil"], None), (also, None)]))
        (network / "dora.yaml").write_text(
            member_file("dora", [(feeds["dora"], None)], status="dormant")
        )
        settings = with_defaults(json.loads((root / "site" / "settings.json").read_text()))
        sources = [FeedSource(member_id, url) for member_id, url in feeds.items()]
        sources.append(FeedSource("gil", also))
        with Store(Path(settings["PLANET_STORE_PATH"])) as store:
            for _ in range(FAILED_FETCHES):
                fetch_all(sources, store, settings)
    (root / "site" / "feeds.json").write_text(json.dumps(feeds), encoding="utf-8")
    return root / "site"


@pytest.fixture(scope="module")
def page(health_site: Path) -> BeautifulSoup:
    target = health_site / "private" / "health.html"
    run = invoke(health_site, "status", "--html", str(target))
    assert run.returncode == 0, run.stderr
    assert "health.html" in run.stdout, run.stdout
    return BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")


def rows(page: BeautifulSoup, section: str) -> dict[str, dict[str, str]]:
    """member id -> that row's cells (place, feed, problem, action) in one section."""
    found = page.find("section", id=section)
    assert found is not None, f"no section {section}"
    return {
        row["data-member"]: {
            cell["class"][0]: cell.get_text(" ", strip=True) for cell in row.find_all("td")
        }
        for row in found.select("tbody tr")
    }


def feeds_of(site: Path) -> dict[str, str]:
    return json.loads((site / "feeds.json").read_text(encoding="utf-8"))


def place_of_feed(site: Path, member_id: str) -> str:
    """Where the member file names its feed, as the owner finds it in an editor."""
    url = feeds_of(site)[member_id]
    lines = (site / "content" / "network" / f"{member_id}.yaml").read_text().splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if url in line)
    return f"content/network/{member_id}.yaml line {number}"


def test_failing_feed_says_how_many_fetches_and_what_to_do(page, health_site):
    failing = rows(page, "failing")
    assert set(failing) == {"fay", "nico"}
    assert "HTTP 404" in failing["nico"]["problem"]
    assert "not at this address any more" in failing["nico"]["action"]
    row = failing["fay"]
    assert row["feed"] == feeds_of(health_site)["fay"]
    assert f"{FAILED_FETCHES} failed fetches in a row" in row["problem"]
    assert "it never worked" in row["problem"]
    assert f"HTTP 500 Broken {HOSTILE}" in row["problem"], "the server's words, shown as text"
    assert row["place"] == place_of_feed(health_site, "fay"), row["place"]
    assert "wait" in row["action"] and "remove the feed" in row["action"]


def test_moved_and_gone_feeds_name_the_edit_in_the_member_file(page, health_site):
    feeds = feeds_of(health_site)
    new_url = feeds["mo"].replace("/old.xml", "/new.xml")
    moved, gone, fixes = rows(page, "moved"), rows(page, "gone"), rows(page, "fix-feeds")
    assert set(moved) == {"mo"} and set(gone) == {"gil"} and set(fixes) == {"mo", "gil"}
    assert moved["mo"]["action"] == (
        f"update the feed URL in {place_of_feed(health_site, 'mo')} to {new_url}"
    )
    assert f"remove this feed from {place_of_feed(health_site, 'gil')}" in gone["gil"]["action"]
    assert "their other feeds stay" in gone["gil"]["action"]
    assert "HTTP 410 Gone" in fixes["gil"]["problem"]


def test_quiet_members_and_feeds_silent_for_a_year(page):
    quiet, silent = rows(page, "quiet"), rows(page, "silent")
    assert set(quiet) == {"quinn", "olga", "dora"}
    assert "already `status: dormant`" in quiet.pop("dora")["action"]
    assert "quiet for 200 days" in quiet["quinn"]["problem"], quiet["quinn"]
    # Posts older than PLANET_MAX_AGE_DAYS (365 here) are not kept: how long is not known.
    assert "quiet for more than 365 days" in quiet["olga"]["problem"], quiet["olga"]
    assert all("status: dormant" in row["action"] for row in quiet.values())
    assert set(silent) == {"olga"}
    assert "no posts stored" in silent["olga"]["problem"]


def test_a_feed_of_summaries_only_is_named(page):
    summaries = rows(page, "summaries")
    assert set(summaries) == {"bree"}
    assert "full-content feed" in summaries["bree"]["action"]


def test_healthy_feeds_are_in_no_section_and_slow_feeds_are_said_to_be_unknown(page):
    for section in page.find_all("section"):
        named = {row.get("data-member") for row in section.select("tbody tr")}
        assert not named & {"finn", "lena"}, section["id"]
    notes = page.find("section", id="notes").get_text(" ", strip=True)
    assert "Slow feeds are not listed" in notes


def test_hostile_titles_are_text_and_the_page_loads_nothing(page):
    assert page.find("script") is None
    assert HOSTILE in rows(page, "quiet")["quinn"]["problem"]
    assert not page.select("[src], link[href], [style*=url]")


@pytest.mark.parametrize("inside", ["OUTPUT_PATH", "PATH"])
def test_a_file_where_the_site_would_publish_or_read_it_is_refused(health_site, inside):
    folder = health_site / ("output" if inside == "OUTPUT_PATH" else "content")
    target = folder / "health.html"
    run = invoke(health_site, "status", "--html", str(target))
    assert run.returncode == 2, run.stdout
    assert f"inside {inside}" in run.stderr and "Not writing the health page" in run.stderr
    assert not target.exists()


def test_json_status_still_reports_every_feed(health_site):
    run = invoke(health_site, "status", "--json")
    assert run.returncode == 0, run.stderr
    states = {feed["member_id"]: feed["state"] for feed in json.loads(run.stdout)}
    assert states["fay"] == "failing" and states["gil"] == "gone" and states["finn"] == "ok"


def test_before_any_fetch_the_page_is_written_and_says_to_fetch(tmp_path):
    site = write_fetch_site(tmp_path / "site", {"ada": "http://ada.example/feed.xml"}, {})
    target = tmp_path / "health.html"
    run = invoke(site, "status", "--html", str(target))
    assert run.returncode == 0, run.stderr
    assert "run `invoke fetch` first" in run.stderr
    written = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
    assert all(not rows(written, section) for section in ("failing", "quiet", "fix-feeds"))


def test_a_broken_member_file_stops_the_page_with_its_file_and_line(tmp_path):
    site = write_fetch_site(tmp_path / "site", {"ada": "http://ada.example/feed.xml"}, {})
    (site / "content" / "network" / "bob.yaml").write_text("name: Bob\nurl: [\n")
    target = tmp_path / "health.html"
    run = invoke(site, "status", "--html", str(target))
    assert run.returncode == 2, run.stdout
    assert "bob.yaml:" in run.stderr
    assert not target.exists()

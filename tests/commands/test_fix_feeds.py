"""`invoke fix-feeds` as a user runs it, after real fetches from 127.0.0.1: a feed moved on
three fetches in a row is rewritten, one moved twice or moved and back is not, a gone feed is
marked; the files keep their comments; the next fetch and build go on from the new files."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from pln_site.commands.check import check_members
from pln_site.commands.cli import main as pln_site
from pln_site.commands.fetch import run_fetch, run_status
from pln_site.commands.fix_feeds import run_fix_feeds
from pln_site.commands.settings import load_settings
from pln_site.devserver import LocalFeedServer, Route
from pln_site.store import Store
from tests.support.fetching import simple_feed
from tests.support.project import build_site, run_invoke, site_paths, write_site_settings

HOSTS = {member_id: f"{member_id}.example" for member_id in ("ada", "bea", "cai", "dan")}

MEMBER = """\
# {name}: met at the open education meetup, 2021.
name: {name}   # as she signs her posts
url: https://{host}/
why: >-
  She writes down every lesson plan,
  drafts and all.
since: 2021-05
topics: [open education, 'archives']

feeds:
  # the blog, since 2019
  - url: http://{host}/old.xml  # the address she gave me
    title: "{name}'s notes"
status: active
"""


def feed_url(member_id: str, path: str = "/old.xml") -> str:
    return f"http://{HOSTS[member_id]}{path}"


def serve(server: LocalFeedServer, member_id: str, moved: bool) -> None:
    """The member's feed at /old.xml, or a 301 from there to /new.xml."""
    body = simple_feed(2, prefix=member_id, site=f"https://{HOSTS[member_id]}/")
    server.route(f"/{member_id}/new.xml", Route.feed(body))
    if moved:
        location = feed_url(member_id, f"/{member_id}/new.xml")
        server.route(f"/{member_id}/old.xml", Route.redirect(location, status=301))
    else:
        server.route(f"/{member_id}/old.xml", Route.feed(body))


@pytest.fixture(scope="module")
def fetched(tmp_path_factory) -> Iterator[tuple[Path, LocalFeedServer]]:
    """Four members fetched three times: ada moved every time, bea the last two, cai the first
    only, dan's feed worked once, then answered 410. Each member's paths are under /<id>/ on one server."""
    root = tmp_path_factory.mktemp("fetched")
    network = root / "content" / "network"
    network.mkdir(parents=True)
    for member_id, host in HOSTS.items():
        text = MEMBER.format(name=member_id.title(), host=host)
        (network / f"{member_id}.yaml").write_text(
            text.replace("/old.xml", f"/{member_id}/old.xml")
        )
    with LocalFeedServer() as server:
        settings_file = write_site_settings(
            root / "sitesettings.py",
            **site_paths(root),
            PLUGINS=["pln_site.site.network", "pln_site.site.reading"],
            PLANET_ALLOW_PRIVATE_ADDRESSES=True,
            PLANET_RESOLVE={host: server.address for host in HOSTS.values()},
            PLANET_IMAGES=False,
            CACHE_CONTENT=False,
            LOAD_CONTENT_CACHE=False,
        )
        serve(server, "dan", moved=False)
        for moved in ({"ada", "cai"}, {"ada", "bea"}, {"ada", "bea"}):
            for member_id in ("ada", "bea", "cai"):
                serve(server, member_id, moved=member_id in moved)
            assert run_fetch(load_settings(settings_file), as_json=True) == 0
            server.route("/dan/old.xml", Route(status=410))  # after its first fetch
        yield root, server


@pytest.fixture
def site(fetched, tmp_path: Path, capsys) -> tuple[Path, Path, LocalFeedServer]:
    """A copy of the fetched site (files and store) of the test's own: (root, settings file,
    the server, still answering)."""
    source, server = fetched
    capsys.readouterr()
    root = tmp_path / "site"
    shutil.copytree(source, root)
    settings_file = root / "sitesettings.py"
    text = settings_file.read_text().replace(str(source), str(root))
    settings_file.write_text(text)
    return root, settings_file, server


def member_file(root: Path, member_id: str) -> str:
    return (root / "content" / "network" / f"{member_id}.yaml").read_text()


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "-+"]


def originals() -> dict[str, str]:
    return {
        member_id: MEMBER.format(name=member_id.title(), host=host).replace(
            "/old.xml", f"/{member_id}/old.xml"
        )
        for member_id, host in HOSTS.items()
    }


def test_the_store_counted_each_feeds_moves(fetched):
    root, _ = fetched
    with Store(root / "cache" / "planet.sqlite3", read_only=True) as store:
        health = {feed.member_id: feed for feed in store.feed_health()}
    assert {member_id: feed.moved_streak for member_id, feed in health.items()} == {
        "ada": 3,
        "bea": 2,
        "cai": 0,
        "dan": 0,
    }
    assert health["dan"].gone


def test_fix_feeds_rewrites_the_moved_feed_and_marks_the_gone_one(site):
    root, settings_file, _ = site
    result = run_invoke("fix-feeds", "-s", str(settings_file), cwd=root)
    assert result.returncode == 0, result.stderr
    before, today = originals(), dt.datetime.now(dt.UTC).date().isoformat()
    new_url = feed_url("ada", "/ada/new.xml")
    assert changed_lines(before["ada"], member_file(root, "ada")) == [
        f"-   - url: {feed_url('ada', '/ada/old.xml')}  # the address she gave me\n",
        f"+   - url: {new_url}  # the address she gave me\n",
    ]
    assert changed_lines(before["dan"], member_file(root, "dan")) == [f"+     gone: {today}\n"]
    assert member_file(root, "bea") == before["bea"], "two moves in a row are not enough"
    assert member_file(root, "cai") == before["cai"], "it moved once, then came back"
    out = result.stdout
    assert (
        f"content/network/ada.yaml: feed {feed_url('ada', '/ada/old.xml')} -> {new_url}: "
        f"answered a permanent redirect to {new_url} on 3 fetches in a row"
    ) in out
    assert f"content/network/dan.yaml: feed {feed_url('dan', '/dan/old.xml')} marked gone" in out
    assert "answered HTTP 410 Gone" in out
    assert "bea: " in out and "on 2 of the 3 fetches in a row that a move needs" in out
    assert out.splitlines()[-1] == "Rewrote 2 member files."
    assert check_members(load_settings(settings_file)) == 0


def test_dry_run_prints_the_diffs_and_writes_nothing(site):
    root, settings_file, _ = site
    store = root / "cache" / "planet.sqlite3"
    stored = store.read_bytes()
    result = run_invoke("fix-feeds", "--dry-run", "-s", str(settings_file), cwd=root)
    assert result.returncode == 0, result.stderr
    assert {member_id: member_file(root, member_id) for member_id in HOSTS} == originals()
    assert store.read_bytes() == stored
    out = result.stdout
    assert "--- a/content/network/ada.yaml\n+++ b/content/network/ada.yaml\n" in out
    assert f"+  - url: {feed_url('ada', '/ada/new.xml')}  # the address she gave me\n" in out
    assert "--- a/content/network/dan.yaml" in out and "+    gone: " in out
    assert "bea.yaml" not in out
    assert out.splitlines()[-1] == "Would rewrite 2 member files (dry run: nothing written)."


def test_after_says_how_many_fetches_in_a_row_a_move_needs(site, capsys):
    root, settings_file, _ = site
    assert pln_site(["fix-feeds", "-s", str(settings_file), "--after", "2"]) == 0
    assert f"url: {feed_url('bea', '/bea/new.xml')}" in member_file(root, "bea")
    assert member_file(root, "cai") == originals()["cai"]
    assert run_fix_feeds(load_settings(settings_file), after=0) == 2
    assert "--after must be 1 or more" in capsys.readouterr().err


def test_the_next_fetch_and_build_go_on_from_the_fixed_files(site, capsys):
    root, settings_file, server = site
    assert run_fix_feeds(load_settings(settings_file)) == 0
    asked = len(server.requests)
    assert run_fetch(load_settings(settings_file), as_json=True) == 0
    paths = [request.path for request in server.requests[asked:]]
    assert "/dan/old.xml" not in paths, "a feed marked gone is not fetched"
    assert "/ada/new.xml" in paths and "/ada/old.xml" not in paths
    capsys.readouterr()
    assert run_fix_feeds(load_settings(settings_file)) == 0  # bea's third move in a row
    out = capsys.readouterr().out
    assert "bea.yaml" in out and "ada.yaml" not in out and "dan.yaml" not in out
    assert out.splitlines()[-1] == "Rewrote 1 member file."

    output = root / "output"
    settings = load_settings(settings_file)
    build_site(
        root / "content",
        output,
        PLUGINS=settings["PLUGINS"],
        PLANET_STORE_PATH=settings["PLANET_STORE_PATH"],
    )
    river = BeautifulSoup((output / "reading" / "index.html").read_text(), "html.parser")
    links = [a["href"] for a in river.select("article.river-entry h3 a")]
    # dan's last good entries stay; ada's (carried over) and bea's (not fetched since) once each
    for member_id in HOSTS:
        mine = [link for link in links if f"/{member_id}-" in link]
        assert len(mine) == 2, (member_id, links)
    dan = BeautifulSoup((output / "network" / "dan" / "index.html").read_text(), "html.parser")
    assert not dan.select("ul.network-feeds"), "a gone feed is not offered"
    blogroll = ElementTree.parse(output / "network" / "blogroll.opml")
    opml = [outline.get("xmlUrl") for outline in blogroll.iter("outline")]
    assert feed_url("dan", "/dan/old.xml") not in opml
    assert feed_url("ada", "/ada/new.xml") in opml


def health_rows(root: Path, settings_file: Path, section: str) -> set[str]:
    """The members with a row in one section of the health page (`invoke status --html`)."""
    page_file = root / "health.html"
    assert run_status(load_settings(settings_file), html=str(page_file)) == 0
    page = BeautifulSoup(page_file.read_text(), "html.parser")
    found = page.find("section", id=section)
    assert found is not None, section
    return {row["data-member"] for row in found.select("tbody tr")}


def test_the_health_page_stops_asking_for_the_edits_once_made(site):
    root, settings_file, _ = site
    assert health_rows(root, settings_file, "gone") == {"dan"}
    assert {"ada", "dan"} <= health_rows(root, settings_file, "fix-feeds")
    assert run_fix_feeds(load_settings(settings_file)) == 0
    assert health_rows(root, settings_file, "gone") == set()
    assert "dan" not in health_rows(root, settings_file, "fix-feeds")


def test_without_a_store_it_says_to_fetch_first(tmp_path: Path, capsys):
    (tmp_path / "content" / "network").mkdir(parents=True)
    settings = {**site_paths(tmp_path)}
    assert run_fix_feeds(settings) == 0
    assert "run `invoke fetch` first" in capsys.readouterr().err

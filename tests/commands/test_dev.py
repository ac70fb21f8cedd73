"""`invoke dev`, run as the writer runs it: in a copy of the fixture site, on a free port, stopped
by Ctrl-C. Pages are read over HTTP and parsed; the build's news is read from its event stream,
as the page's script reads it. (tests/browser/test_dev_reload.py watches a real tab reload.)"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from pln_site.commands import dev as dev_command
from pln_site.commands.settings import load_settings
from pln_site.devserver import Route
from tests.support.dev import (
    CHANGE_SECONDS,
    DevProcess,
    build_events,
    dev_events,
    dev_site,
    edit,
    free_port,
    held_dev_site,
    next_build,
    running_dev,
)
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.project import run_invoke
from tests.support.search_index import pages_with_word
from tests.support.workflows import Site

POST = "posts/hello-network.md"
OLD_TEXT = "A first post of the fixture site."
NEW_TEXT = "A first post, edited while invoke dev watched."


def page(url: str) -> BeautifulSoup:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, url
    return BeautifulSoup(response.text, "html.parser")


def server_timing(response: httpx.Response) -> dict[str, str]:
    """The Server-Timing header's metrics: name -> description."""
    metrics = {}
    for metric in response.headers["server-timing"].split(","):
        name, _, desc = metric.strip().partition(";desc=")
        metrics[name] = desc.strip('"')
    return metrics


def kinds_until_build(events: Iterator[tuple[str, dict]]) -> tuple[list[str], dict]:
    """The kinds of the events up to the next build's state, and that state."""
    kinds = []
    for kind, data in events:
        kinds.append(kind)
        if kind == "build":
            return kinds, data
    raise AssertionError("the event stream ended")


def dev_scripts(soup: BeautifulSoup) -> list[str]:
    return [
        script["src"] for script in soup.find_all("script", src=True) if "__dev" in script["src"]
    ]


def test_a_saved_post_is_rebuilt_and_announced(tmp_path):
    site = dev_site(tmp_path)
    site.write_settings(
        PLUGINS=["pln_site.site.network", "pln_site.site.reading", "pln_site.site.search"]
    )
    with running_dev(site) as dev:
        post_url = f"{dev.url}posts/hello-network/"
        before = page(post_url)
        assert dev_scripts(before) == ["/__dev/reload.js"]
        script = httpx.get(f"{dev.url}__dev/reload.js", timeout=10)
        assert script.headers["content-type"].startswith("text/javascript")
        assert "EventSource" in script.text
        events = build_events(dev)
        current = next(events)
        assert current["problems"] == []
        edit(site.content / POST, OLD_TEXT, NEW_TEXT)
        built = next_build(events, after=current)
        assert built["problems"] == []
        text = page(post_url).get_text(" ", strip=True)
        assert NEW_TEXT in text and OLD_TEXT not in text
        assert "Changed:" in dev.stdout
        # Search is indexed after the pages have reloaded, never before (and in the background:
        # the last build's index may be said after the next change): then it finds the edit.
        deadline = time.monotonic() + CHANGE_SECONDS
        while dev.stdout.count("Search index updated.") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        after_last_build = dev.stdout.rsplit("Built; the open pages reload.", 1)[1]
        assert "Search index updated." in after_last_build
        assert "/posts/hello-network/" in pages_with_word(site.root / "output", "watched")


def test_with_the_store_in_the_sites_own_folder_a_saved_post_is_rebuilt_once(tmp_path):
    """`PLANET_STORE_PATH = "planet.sqlite3"`: the store's folder is the one the posts are in.
    An edit is still seen, and what the build writes beside the store (the shaped entries and
    excerpts it keeps, SQLite's files) starts no build of its own."""
    site = dev_site(tmp_path)
    site.write_settings(PLANET_STORE_PATH=str(site.root / "planet.sqlite3"))
    with running_dev(site) as dev:
        events = build_events(dev)
        current = next(events)
        edit(site.content / POST, OLD_TEXT, NEW_TEXT)
        built = next_build(events, after=current)
        assert built["problems"] == []
        assert NEW_TEXT in page(f"{dev.url}posts/hello-network/").get_text(" ", strip=True)
        time.sleep(3)  # longer than the watcher's quiet time: a build of its writes would start
        assert dev.stdout.count("Changed:") == 1, dev.stdout


def test_a_broken_member_file_is_announced_with_its_file_and_line_and_its_fix_clears_it(
    tmp_path,
):
    site = dev_site(tmp_path)
    member = site.network / "amara-okafor.yaml"
    with running_dev(site) as dev:
        events = build_events(dev)
        current = next(events)
        edit(member, "since: 2019-04", "since: 2019-13")
        broken = next_build(events, after=current)
        [problem] = broken["problems"]
        assert problem["file"].endswith("amara-okafor.yaml")
        assert problem["line"] == 5  # the line of `since:` in the fixture's file
        assert problem["field"] == "since"
        assert "amara-okafor.yaml:5" in dev.stderr  # the terminal says it too
        # The last good build is still served, and still reloads.
        assert dev_scripts(page(f"{dev.url}network/amara-okafor/"))
        edit(member, "since: 2019-13", "since: 2019-04")
        fixed = next_build(events, after=broken)
        assert fixed["problems"] == []


def test_build_output_carries_no_dev_script(tmp_path):
    site = dev_site(tmp_path)
    # With the build cache, which takes a page from the last build when nothing changed.
    site.write_settings(PLUGINS=[*site.settings()["PLUGINS"], "pln_site.site.buildcache"])
    with running_dev(site) as dev:
        assert dev_scripts(page(dev.url))
    result = run_invoke("build", "-s", str(site.settings_file), cwd=site.root)
    assert result.returncode == 0, result.stderr
    for html in (site.root / "output").rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        assert not dev_scripts(soup), html
    assert not list((site.root / "output").rglob("dev-reload.js"))


def test_ctrl_c_stops_it_with_130_and_no_traceback(tmp_path):
    site = dev_site(tmp_path)
    dev = DevProcess(site, free_port())
    try:
        dev.wait_until_serving()
        events = build_events(dev)
        next(events)  # a tab is open: its stream must not keep the server alive
        assert dev.stop() == 130
    finally:
        dev.stop()
    assert "Traceback" not in dev.stderr
    assert "Stopped (Ctrl-C)." in dev.stderr
    with pytest.raises(httpx.TransportError):
        httpx.get(dev.url, timeout=2)


def test_a_port_in_use_is_named_with_how_to_choose_another(tmp_path):
    site = dev_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_invoke(
            "dev", "-s", str(site.settings_file), "--port", str(port), cwd=site.root, timeout=60
        )
    assert result.returncode == 2
    assert f"port {port} is in use" in result.stderr
    assert f"invoke dev --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site.root / "output").exists()  # said before any build


def test_a_draft_is_previewed_marked_draft(tmp_path):
    site = dev_site(tmp_path)
    (site.posts / "half-baked.md").write_text(
        "Title: Half-baked\nDate: 2024-04-01 10:00\nSlug: half-baked\nStatus: draft\n\nSoon.\n",
        encoding="utf-8",
    )
    with running_dev(site) as dev:
        [preview] = (site.root / "output" / "drafts").rglob("*.html")
        draft = page(dev.url + preview.relative_to(site.root / "output").as_posix())
        note = draft.find(role="note")
        assert note is not None and note.strong.get_text(strip=True) == "Draft"
        assert dev_scripts(draft)


def test_a_finished_fetch_in_another_terminal_updates_the_reading_pages(tmp_path, web):
    site = Site(tmp_path)
    # The served feed is plain http (the fixture's is https).
    edit(
        site.network / "amara-okafor.yaml",
        "https://amara.example/feed.xml",
        "http://amara.example/feed.xml",
    )
    title = "Fresh from Amara's feed"
    feed = atom_feed(
        atom_entry(
            "https://amara.example/fresh", title, days_ago(1), link="https://amara.example/fresh"
        ),
        site="https://amara.example/",
    )
    web.site("amara.example", {"/feed.xml": Route(body=feed, content_type="application/atom+xml")})
    site.write_settings(resolve=web.resolve)
    with running_dev(site) as dev:
        reading = f"{dev.url}reading/"
        events = build_events(dev)
        state = next(events)
        assert title not in page(reading).get_text(" ")
        fetched = run_invoke("fetch", "-s", str(site.settings_file), cwd=site.root)
        assert fetched.returncode == 0, fetched.stderr
        # A build may start while the fetch still writes; one after it ends shows the entry.
        deadline = time.monotonic() + CHANGE_SECONDS
        while title not in page(reading).get_text(" "):
            assert time.monotonic() < deadline, dev.stdout
            state = next_build(events, after=state)
            assert state["problems"] == []
        # Then the loop goes quiet: a build's own reading of the store starts no other build.
        builds = -1
        while builds != (builds := dev.stdout.count("Built;")):
            assert time.monotonic() < deadline, f"it keeps building: {dev.stdout}"
            time.sleep(3)


def test_a_post_pelican_cannot_read_is_announced_with_its_file(tmp_path):
    site = dev_site(tmp_path)
    with running_dev(site) as dev:
        events = build_events(dev)
        current = next(events)
        (site.posts / "broken.md").write_text(
            "Title: Broken\nDate: the day after tomorrow\n\nText.\n", encoding="utf-8"
        )
        broken = next_build(events, after=current)
        assert any("broken.md" in problem["message"] for problem in broken["problems"]), broken
        (site.posts / "broken.md").unlink()
        assert next_build(events, after=broken)["problems"] == []


def test_a_saved_settings_file_is_read_again(tmp_path):
    site = dev_site(tmp_path)
    with running_dev(site) as dev:
        events = build_events(dev)
        current = next(events)
        with site.settings_file.open("a", encoding="utf-8") as settings:
            settings.write('SITENAME = "Renamed while watched"\n')
        assert next_build(events, after=current)["problems"] == []
        title = page(dev.url).find(class_="site-title")
        assert title is not None and title.get_text(strip=True) == "Renamed while watched"


def test_a_saved_post_is_announced_and_served_once_its_page_is_written(tmp_path):
    """The post's page is written early in the build: the stream names it then and the server
    gives the new page, naming that build (so that the tab does not reload again when the
    build ends), while the rest of the site is still being built (held here for as long as
    the test needs). After a saved settings file no page is announced before the build is
    done: a page could otherwise show with the styles of the build before."""
    site, held = held_dev_site(tmp_path)
    with running_dev(site) as dev:
        events = dev_events(dev)
        kind, current = next(events)
        assert kind == "build" and current["building"] is None
        held.hold()
        edit(site.content / POST, OLD_TEXT, NEW_TEXT)
        kind, written = next(events)
        assert (kind, written["page"]) == ("page", "posts/hello-network/index.html")
        assert written["build"] != current["build"]
        response = httpx.get(f"{dev.url}posts/hello-network/", timeout=10)
        assert dev.stdout.count("Built;") == 1  # the build is still held, after its posts
        text = BeautifulSoup(response.text, "html.parser").get_text(" ", strip=True)
        assert NEW_TEXT in text and OLD_TEXT not in text
        assert server_timing(response) == {
            "dev-build": written["build"],
            "dev-page": written["page"],
        }
        other = httpx.get(f"{dev.url}network/", timeout=10)  # not written yet: the last build's
        assert server_timing(other)["dev-build"] == current["build"]
        held.release()
        _, state = kinds_until_build(events)
        assert state["build"] == written["build"] and state["problems"] == []
        assert (
            server_timing(httpx.get(f"{dev.url}network/", timeout=10))["dev-build"]
            == state["build"]
        )

        with site.settings_file.open("a", encoding="utf-8") as settings:
            settings.write('SITENAME = "Renamed while watched"\n')
        kinds, latest = kinds_until_build(events)
        assert kinds == ["build"] and latest["build"] != state["build"]


def test_pages_are_announced_early_only_when_posts_pages_members_or_the_store_changed(tmp_path):
    site = dev_site(tmp_path)
    settings = load_settings(site.settings_file)
    content, store = site.content.resolve(), site.store.resolve()

    def early(*paths: Path) -> bool:
        return dev_command._only_pages_change(list(paths), settings)

    assert early(content / POST, content / "network" / "amara-okafor.yaml")
    assert early(content / "pages" / "about.md", store, Path(f"{store}-wal"))
    assert not early(content / POST, content / "images" / "avatars" / "amara-okafor.jpg")
    assert not early(site.settings_file.resolve())
    assert not early(tmp_path / "theme" / "templates" / "base.html")

"""`invoke init` turns a clone of the example site into the owner's own, run as the owner runs
it: in a copy of the project's site, then `invoke build`, and the pages read back."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from pln_site.commands.settings import load_settings
from tests.support.processes import free_port
from tests.support.project import PROJECT

pytestmark = pytest.mark.slow  # each test starts invoke; the first runs demo, init and two builds

OWNER = [
    "--name", "Zoë Adeyinka",
    "--title", "Zoë's field notes",
    "--url", "https://zoe.example.org",
    "--profile", "https://mastodon.social/@zoe",
    "--profile", "https://github.com/zoe",
]  # fmt: skip


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The project's site as a fresh clone has it: settings, theme, the example content."""
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(PROJECT / name, tmp_path / name)
    for folder in ("content", "theme"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def invoke(clone: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`invoke TASK ...` in the clone's folder, as its owner runs it there (settings by default
    from ./pelicanconf.py); the site's address is not given by the environment here."""
    environment = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    return subprocess.run(
        [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), *args],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def links_to_example_hosts(output: Path) -> list[str]:
    found = []
    for path in output.rglob("*.html"):
        for link in page(path).find_all(href=True):
            host = urlsplit(link["href"]).hostname or ""
            if host.endswith(".example"):
                found.append(f"{path.relative_to(output)}: {link['href']}")
    return found


def test_init_then_build_gives_the_owners_site_with_nobody_in_it_yet(clone):
    demo = invoke(clone, "demo")  # the demo's entries land in the store, as on a first try
    assert demo.returncode == 0, demo.stderr
    assert page(clone / "output" / "reading" / "index.html").select(".river-entry")

    result = invoke(clone, "init", *OWNER)
    assert result.returncode == 0, result.stderr
    assert "invoke add-member" in result.stdout
    assert "Traceback" not in result.stderr

    settings = load_settings(clone / "pelicanconf.py")
    assert settings["AUTHOR"] == "Zoë Adeyinka"
    assert settings["SITENAME"] == "Zoë's field notes"
    assert list(settings["SOCIAL"]) == [
        ("Mastodon", "https://mastodon.social/@zoe"),
        ("GitHub", "https://github.com/zoe"),
    ]
    assert list((clone / "content" / "network").glob("*.yaml")) == []
    assert not (clone / "content" / "demo-feeds").exists()
    assert [p.name for p in (clone / "content" / "posts").iterdir()] == ["welcome.md"]

    build = invoke(clone, "build")
    assert build.returncode == 0, build.stderr
    output = clone / "output"
    for listing in ("network", "reading"):
        note = page(output / listing / "index.html").find(class_="notice")
        commands = [code.get_text() for code in note.find_all("code")]
        assert "invoke add-member URL" in commands and "invoke import-opml FILE" in commands
    assert page(output / "reading" / "index.html").select(".river-entry") == []
    assert not [p for p in (output / "network").iterdir() if (p / "index.html").is_file()
                and p.name not in {"by", "graph", "stats", "topics"}]  # fmt: skip
    assert links_to_example_hosts(output) == []
    home = page(output / "index.html")
    assert home.find(class_="site-owner").a.get_text() == "Zoë Adeyinka"
    assert {a["href"] for a in home.find_all("a", rel="me")} == {
        "https://mastodon.social/@zoe",
        "https://github.com/zoe",
    }
    welcome = page(output / "posts" / "welcome" / "index.html")
    assert "invoke add-member" in welcome.find(class_="e-content").get_text()

    published = invoke(clone, "build", "-s", "publishconf.py")
    assert published.returncode == 0, published.stderr
    canonical = page(output / "posts" / "welcome" / "index.html").find("link", rel="canonical")
    assert canonical["href"] == "https://zoe.example.org/posts/welcome/"


def test_init_refuses_to_run_over_the_owners_own_site(clone):
    assert invoke(clone, "init", *OWNER).returncode == 0
    settings_before = (clone / "pelicanconf.py").read_text(encoding="utf-8")
    welcome = clone / "content" / "posts" / "welcome.md"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\nMy own words.\n", encoding="utf-8")
    again = invoke(clone, "init", "--name", "Someone Else", "--url", "https://else.example.org")
    assert again.returncode != 0
    assert "yours already" in again.stderr and "Traceback" not in again.stderr
    assert (clone / "pelicanconf.py").read_text(encoding="utf-8") == settings_before
    assert "My own words." in welcome.read_text(encoding="utf-8")


def test_init_keeps_what_the_owner_added_before_it(clone):
    friend = clone / "content" / "network" / "my-friend.yaml"
    friend.write_text(
        "name: My Friend\nurl: https://friend.test/\nwhy: We study together.\nsince: 2024\n"
        "topics: [learning]\n",
        encoding="utf-8",
    )
    notes = clone / "content" / "posts" / "my-notes.md"
    notes.write_text("Title: My notes\nDate: 2026-01-02\n\nMine.\n", encoding="utf-8")
    result = invoke(clone, "init", *OWNER)
    assert result.returncode == 0, result.stderr
    assert friend.is_file() and notes.is_file()
    assert sorted(p.name for p in (clone / "content" / "network").iterdir()) == ["my-friend.yaml"]


def test_init_without_a_name_or_address_says_which_options_to_give(clone):
    result = invoke(clone, "init", "--title", "Notes")
    assert result.returncode != 0
    assert "--name" in result.stderr and "--url" in result.stderr
    assert "Traceback" not in result.stderr
    assert list((clone / "content" / "network").glob("*.yaml"))  # nothing was removed


def test_a_profile_that_is_not_a_web_address_changes_nothing(clone):
    before = (clone / "pelicanconf.py").read_text(encoding="utf-8")
    result = invoke(clone, "init", *OWNER, "--profile", "@zoe@mastodon.social")
    assert result.returncode != 0 and "--profile" in result.stderr
    assert (clone / "pelicanconf.py").read_text(encoding="utf-8") == before


def closed_port() -> str:
    """An address on 127.0.0.1 where nothing listens: a fetch from it fails at once."""
    return f"127.0.0.1:{free_port()}"


def write_fetch_settings(clone: Path, resolve: dict[str, str]) -> Path:
    path = clone / "fetchconf.py"
    path.write_text(
        "import os, sys\nsys.path.append(os.curdir)\nfrom pelicanconf import *\n"
        "PLANET_ALLOW_PRIVATE_ADDRESSES = True\n"
        f"PLANET_RESOLVE = {resolve!r}\nPLANET_CONNECT_TIMEOUT = 2\n",
        encoding="utf-8",
    )
    return path


def test_fetch_outside_the_demo_says_the_example_feeds_live_only_in_the_demo(clone):
    hosts = [p.name for p in (clone / "content" / "demo-feeds").iterdir()]
    nowhere = closed_port()  # the example hosts, unreachable as they are outside the demo
    settings = write_fetch_settings(clone, {host: nowhere for host in hosts})
    result = invoke(clone, "fetch", "-s", settings.name)
    assert result.returncode == 0, result.stderr
    assert "invoke demo" in result.stderr and "invoke init" in result.stderr


def test_fetch_says_nothing_of_the_demo_when_a_real_members_feed_fails(clone):
    (clone / "content" / "network" / "my-friend.yaml").write_text(
        "name: My Friend\nurl: https://friend.test/\nwhy: We study together.\nsince: 2024\n"
        "topics: [learning]\nfeeds:\n  - url: http://friend.test/feed.xml\n",
        encoding="utf-8",
    )
    hosts = [p.name for p in (clone / "content" / "demo-feeds").iterdir()]
    nowhere = closed_port()
    settings = write_fetch_settings(clone, {h: nowhere for h in [*hosts, "friend.test"]})
    result = invoke(clone, "fetch", "-s", settings.name)
    assert result.returncode == 0, result.stderr
    assert "invoke demo" not in result.stderr


def test_init_at_a_terminal_asks_for_what_the_options_left_out(clone):
    terminal, keyboard = pty.openpty()  # stdin is a terminal: a person is there to answer
    environment = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "init"],
            cwd=clone,
            env=environment,
            stdin=keyboard,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # name, title (Enter: the name), address, profiles (Enter: none)
        os.write(terminal, "Zoë Adeyinka\n\nhttps://zoe.example.org\n\n".encode())
        out, err = child.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(keyboard)
    assert child.returncode == 0, err
    assert "Your name" in out and "address" in out
    settings = load_settings(clone / "pelicanconf.py")
    assert (settings["AUTHOR"], settings["SITENAME"]) == ("Zoë Adeyinka", "Zoë Adeyinka")
    assert list(settings["SOCIAL"]) == []

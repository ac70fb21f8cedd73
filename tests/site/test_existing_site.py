"""pln-site added to an existing Pelican site, as the README's "Add to an existing Pelican site"
says: a bare site with Pelican's default theme, the plugins listed by dotted name (no
PLUGIN_PATHS), its feeds fetched with `pln-site fetch` and the site built with `pelican`.

And what a plain (not editable) install gets: the package with its templates and scripts, and no
tests or content, importable from any folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mf2py
import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer, Route
from tests.support.fetching import simple_feed
from tests.support.project import PROJECT

# The settings a Pelican user adds to their own pelicanconf.py (the README shows the same).
SETTINGS = """\
AUTHOR = "Sam Example"
SITENAME = "Sam's site"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# As pelican-quickstart writes it: no feeds of the blog while developing.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

PLUGINS = ["pln_site.site.network", "pln_site.site.reading"]
MENUITEMS = [("My network", "/network/"), ("Reading", "/reading/")]
"""

# Only for this test: the member's feed is served from 127.0.0.1.
LOCAL_FEEDS = """
PLANET_ALLOW_PRIVATE_ADDRESSES = True
PLANET_RESOLVE = {{"ada.example": "{address}"}}
"""

POST = """\
Title: Hello
Date: 2024-05-01

A first post.
"""

ADA = """\
name: Ada Lovelace
url: https://ada.example/
why: Writes about the engines and what they could do.
since: 2020-01
topics: [mathematics]
feeds:
  - url: http://ada.example/feed.xml
"""

GRACE = """\
name: Grace Hopper
url: https://grace.example/
why: Explains compilers so that anyone can follow.
since: 2021-06
topics: [programming, mathematics]
"""

BROKEN = """\
name: Bo
url: https://bo.example/
why: Because.
since: 2021-13
topcs: [x]
"""


def write_site(root: Path, members: dict[str, str], extra_settings: str = "") -> Path:
    """A bare Pelican site: pelicanconf.py, one post, `members` as content/network/<id>.yaml."""
    (root / "content" / "network").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(SETTINGS + extra_settings, encoding="utf-8")
    (root / "content" / "hello.md").write_text(POST, encoding="utf-8")
    for member_id, text in members.items():
        (root / "content" / "network" / f"{member_id}.yaml").write_text(text, encoding="utf-8")
    return root


def pln_site(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `pln-site` console script of this environment, as the user types it."""
    script = Path(sys.executable).parent / "pln-site"
    assert script.is_file(), f"{script} is missing: install the project again (pip install -e .)"
    return subprocess.run(
        [str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def pelican(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def h_cards(page: Path) -> list[dict]:
    """The page's h-cards that name someone (Pelican's theme has an empty one of its own)."""
    items = mf2py.parse(doc=page.read_text(encoding="utf-8"))["items"]
    return [item for item in items if "h-card" in item["type"] and item["properties"].get("name")]


def soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def existing_site(tmp_path_factory) -> Iterator[dict]:
    """The bare site, its feeds fetched with `pln-site fetch`, then built with `pelican`."""
    root = tmp_path_factory.mktemp("existing-site")
    with LocalFeedServer() as server:
        server.route("/feed.xml", Route.feed(simple_feed(2, site="https://ada.example/")))
        write_site(
            root,
            {"ada-lovelace": ADA, "grace-hopper": GRACE},
            LOCAL_FEEDS.format(address=server.address),
        )
        fetched = pln_site("fetch", "-s", "pelicanconf.py", cwd=root)
        status = pln_site("status", "-s", "pelicanconf.py", "--json", cwd=root)
    built = pelican(root)
    yield {
        "root": root,
        "output": root / "output",
        "fetched": fetched,
        "status": status,
        "built": built,
    }


def test_pelican_builds_the_site_without_errors(existing_site):
    built = existing_site["built"]
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    assert "ERROR" not in built.stdout + built.stderr


def test_the_directory_lists_both_members_as_h_cards(existing_site):
    index = existing_site["output"] / "network" / "index.html"
    cards = {card["properties"]["name"][0]: card["properties"] for card in h_cards(index)}
    assert sorted(cards) == ["Ada Lovelace", "Grace Hopper"]
    assert cards["Ada Lovelace"]["url"] == ["https://ada.example/"]
    assert cards["Grace Hopper"]["url"] == ["https://grace.example/"]
    links = {a["href"] for a in soup(index).find_all("a", href=True)}
    assert {"/network/ada-lovelace/", "/network/grace-hopper/"} <= links


def test_each_member_has_a_page(existing_site):
    page = existing_site["output"] / "network" / "ada-lovelace" / "index.html"
    (card,) = h_cards(page)
    assert card["properties"]["name"] == ["Ada Lovelace"]
    assert card["properties"]["note"] == ["Writes about the engines and what they could do."]
    assert (existing_site["output"] / "network" / "grace-hopper" / "index.html").is_file()


def test_the_default_theme_keeps_its_head_on_the_plugins_pages(existing_site):
    # The plugins' templates add to the theme's head block; they must not replace it (title,
    # charset, stylesheet).
    output = existing_site["output"]
    for page, title in [
        (output / "network" / "index.html", "My network"),
        (output / "network" / "ada-lovelace" / "index.html", "Ada Lovelace"),
        (output / "reading" / "index.html", "Reading"),
        (output / "reading" / "topics" / "mathematics" / "index.html", "Reading: mathematics"),
    ]:
        head = soup(page).head
        assert head.title is not None and title in head.title.get_text(), page
        assert head.find("meta", charset=True) is not None, page
        assert head.find("link", rel="stylesheet") is not None, page


def test_the_site_menu_links_the_directory_and_the_reading_feed(existing_site):
    home = soup(existing_site["output"] / "index.html")
    links = {a.get_text(strip=True): a["href"] for a in home.find_all("a", href=True)}
    assert links["My network"] == "/network/"
    assert links["Reading"] == "/reading/"


def test_pln_site_fetch_reads_the_members_feeds_into_the_reading_page(existing_site):
    fetched = existing_site["fetched"]
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert (existing_site["root"] / "cache" / "planet.sqlite3").is_file()
    (feed,) = json.loads(existing_site["status"].stdout)
    assert feed["url"] == "http://ada.example/feed.xml"
    assert feed["consecutive_failures"] == 0
    reading = existing_site["output"] / "reading" / "index.html"
    (river,) = [
        item
        for item in mf2py.parse(doc=reading.read_text("utf-8"))["items"]
        if "h-feed" in item["type"]
    ]
    titles = sorted(child["properties"]["name"][0] for child in river.get("children", []))
    assert titles == ["Post 0", "Post 1"]


def test_pln_site_check_passes_valid_member_files(existing_site):
    checked = pln_site("check", "-s", "pelicanconf.py", cwd=existing_site["root"])
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    assert checked.stdout == "2 member files are valid: 2 listed (0 archived), 1 feeds.\n"


def test_pln_site_check_names_every_problem_of_a_broken_member_file(tmp_path):
    site = write_site(tmp_path, {"grace-hopper": GRACE, "bo": BROKEN})
    checked = pln_site("check", "-s", "pelicanconf.py", cwd=site)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert checked.stdout == ""
    problems = [line for line in checked.stderr.splitlines() if line.startswith("content/")]
    assert problems == [
        "content/network/bo.yaml:1: topics: required field is missing (hint: add `topics: ...`)",
        "content/network/bo.yaml:4: since: '2021-13' is not a date (hint: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021-05)",
        "content/network/bo.yaml:5: topcs: unknown field (did you mean 'topics'?)",
    ]
    assert "3 problems in 1 member file." in checked.stderr
    assert "Traceback" not in checked.stderr


def test_pln_site_without_its_settings_file_says_so_and_exits_2(tmp_path):
    checked = pln_site("fetch", "-s", "missing.py", cwd=tmp_path)
    assert checked.returncode == 2
    assert checked.stderr == "settings file missing.py not found (hint: pass -s FILE)\n"


def test_pln_site_runs_as_a_module_too(tmp_path):
    site = write_site(tmp_path, {"grace-hopper": GRACE})
    checked = subprocess.run(
        [sys.executable, "-m", "pln_site.commands.cli", "check"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "1 member files are valid: 1 listed (0 archived), 0 feeds.\n"


# --- a plain install ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_package(tmp_path_factory) -> Path:
    """The files a plain `pip install .` puts in site-packages: setuptools' build of a copy of
    the project (the copy keeps the build's files out of the working tree).

    It is the step of `pip wheel` that chooses the files; the wheel itself would need the
    `wheel` package, which a fresh virtual environment lacks.
    """
    folder = tmp_path_factory.mktemp("plain-build")
    source = folder / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("plugins", "tests", "content"):
        shutil.copytree(PROJECT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT / name, source / name)
    (folder / "meta").mkdir()
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "--quiet",
         "egg_info", "--egg-base", str(folder / "meta"),
         "build_py", "--build-lib", str(folder / "lib")],
        cwd=source, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder


def test_a_plain_build_has_the_templates_and_static_files(built_package):
    lib = built_package / "lib"
    shipped = {path.relative_to(lib).as_posix() for path in lib.rglob("*") if path.is_file()}
    source = PROJECT / "plugins"
    expected = {
        path.relative_to(source).as_posix()
        for pattern in ("pln_site/site/*/templates/*", "pln_site/site/*/static/*")
        for path in source.glob(pattern)
    }
    assert "pln_site/site/network/templates/network_index.html" in expected
    assert "pln_site/site/reading/templates/reading_index.html" in expected
    assert "pln_site/site/network/static/network.js" in expected
    assert expected <= shipped, sorted(expected - shipped)
    assert "pln_site/commands/cli.py" in shipped
    assert {path.split("/")[0] for path in shipped} == {"pln_site"}, "no tests/ or content/"


def test_a_plain_build_declares_the_pln_site_command(built_package):
    (entry_points,) = built_package.glob("meta/*.egg-info/entry_points.txt")
    lines = entry_points.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["[console_scripts]", "pln-site = pln_site.commands.cli:main"]


def test_pln_site_imports_from_any_folder(tmp_path):
    # -I: neither the current folder nor PYTHONPATH is on sys.path, only what is installed.
    probe = (
        "import importlib.resources, pln_site.site.network, pln_site.site.reading\n"
        "templates = importlib.resources.files('pln_site.site.network') / 'templates'\n"
        "print((templates / 'network_index.html').is_file())"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, "True\n"), result.stderr

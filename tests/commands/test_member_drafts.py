"""A member is published only when it is finished: the files the commands start are drafts,
checked but never published or fetched, and a file that still says TODO is refused."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import yaml
from bs4 import BeautifulSoup

from pln_site.commands.settings import load_settings
from pln_site.devserver import Route
from tests.support.fetching import simple_feed
from tests.support.project import PROJECT
from tests.support.workflows import invoke

DRAFT_NAME = "Zara Quillfeather"  # a name only the draft holds


def start_draft(site, web) -> tuple[str, object]:
    """`invoke new-member NAME`, with a feed the draft would fetch if drafts were fetched."""
    feed_site = web.site("zara.example", {"/feed.xml": Route.feed(simple_feed(2))})
    result = invoke("new-member", DRAFT_NAME, "-s", str(site.write_settings(web.resolve)))
    assert result.returncode == 0, result.stderr
    assert "status: draft" in result.stdout
    path = site.network / "zara-quillfeather.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "# feeds:                                 # read by the reading feed (`invoke fetch`)\n"
        "#   - url: https://zara-quillfeather.example/feed.xml\n",
        f"feeds:\n  - url: {feed_site}feed.xml\n",
    )
    path.write_text(text, encoding="utf-8")
    return "zara-quillfeather", path


def everything_published(output) -> str:
    """The text of every page, feed and export the build wrote (HTML read by its parser)."""
    texts = []
    for path in sorted(output.rglob("*")):
        if path.suffix == ".html":
            texts.append(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text())
        elif path.suffix in (".xml", ".opml", ".json"):
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def test_a_draft_is_checked_listed_to_finish_and_never_fetched_or_published(site, web):
    member_id, path = start_draft(site, web)
    settings = str(site.write_settings(web.resolve))

    check = invoke("check", "-s", settings)
    assert check.returncode == 0, check.stderr
    assert ", 1 draft), " in check.stdout
    assert "Drafts to finish (not published, not fetched):" in check.stdout
    assert f"{member_id}.yaml" in check.stdout

    fetch = invoke("fetch", "-s", settings)
    assert fetch.returncode == 0, fetch.stderr
    assert web.hits("zara.example", "/feed.xml") == 0

    build = invoke("build", "-s", settings)
    assert build.returncode == 0, build.stderr
    output = site.root / "output"
    assert not (output / "network" / member_id).exists()
    assert not (output / "network" / "topics" / "todo").exists()
    # Not on a page, in the OPML blogroll, the JSON export or any feed.
    assert DRAFT_NAME not in everything_published(output)
    outlines = ET.parse(output / "network" / "blogroll.opml").getroot().iter("outline")
    assert all(DRAFT_NAME not in (o.get("text") or "") for o in outlines)
    exported = json.loads((output / "network" / "members.json").read_text(encoding="utf-8"))
    assert member_id not in json.dumps(exported)
    assert "TODO" not in everything_published(output)


def test_an_unfinished_file_turned_active_is_refused_with_file_line_and_field(site, web):
    member_id, path = start_draft(site, web)
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: draft", "status: active"),
        encoding="utf-8",
    )
    settings = str(site.write_settings(web.resolve))
    lines = path.read_text(encoding="utf-8").splitlines()
    why_line = next(n for n, line in enumerate(lines, 1) if line.startswith("why:"))
    topics_line = next(n for n, line in enumerate(lines, 1) if line.startswith("topics:"))
    url_line = next(n for n, line in enumerate(lines, 1) if line.startswith("url:"))

    for task in ("check", "build"):
        result = invoke(task, "-s", settings)
        assert result.returncode != 0, task
        assert "Traceback" not in result.stderr
        for line, field in ((url_line, "url"), (why_line, "why"), (topics_line, "topics[0]")):
            assert f"{member_id}.yaml:{line}: {field}: still says TODO" in result.stderr, task
    assert not (site.root / "output").exists()  # nothing was published


def test_a_finished_file_is_published_on_the_next_build(site, web):
    member_id, path = start_draft(site, web)
    # Every plugin of the project's settings, the build cache too: the next build sees the change.
    plugins = load_settings(str(PROJECT / "pelicanconf.py"))["PLUGINS"]
    settings = str(site.write_settings(web.resolve, PLUGINS=plugins))
    page = site.root / "output" / "network" / member_id / "index.html"
    first = invoke("build", "-s", settings)
    assert first.returncode == 0, first.stderr
    assert not page.exists()

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(
        url="https://zara.example/",
        why="Writes field notes on moss that read like letters.",
        topics=["bryology"],
        status="active",
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build = invoke("build", "-s", settings)
    assert build.returncode == 0, build.stderr
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert DRAFT_NAME in soup.get_text()
    assert (site.root / "output" / "network" / "topics" / "bryology" / "index.html").is_file()

"""Posts that name members in `Mentions:` link them, and member pages list those posts."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from pln_site.site.mentions.check import UnknownMentions, header_line, mention_ids
from tests.support.project import FIXTURE_SITE, build_site
from tests.support.workflows import Site, invoke

PLUGINS = ["pln_site.site.network", "pln_site.site.reading", "pln_site.site.mentions"]

POST = """\
Title: {title}
Date: {date}
Category: notes
Slug: {slug}
{extra}Mentions: {mentions}

A post that draws on other people's work.
"""


def write_post(content: Path, slug: str, mentions: str, *, date="2024-05-01 10:00", extra=""):
    path = content / "posts" / f"{slug}.md"
    path.write_text(
        POST.format(
            title=slug.replace("-", " ").title(),
            date=date,
            slug=slug,
            extra=extra + "\n" if extra else "",
            mentions=mentions,
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", folder)
    return folder


def build(content: Path, output: Path, **settings) -> None:
    build_site(
        content,
        output,
        PLUGINS=PLUGINS,
        PLANET_STORE_PATH=str(output.parent / "none.sqlite3"),
        **settings,
    )


def page(output: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((output / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def resolve(page_url: str, href: str) -> str:
    """A link on the page at `page_url` (site-relative) as a site-relative URL."""
    return urljoin("http://site.invalid/" + page_url, href).removeprefix("http://site.invalid/")


def test_a_post_links_the_members_it_mentions_and_their_pages_list_it(content, tmp_path):
    write_post(content, "on-open-notes", "amara-okafor, bruno-lima")
    write_post(content, "later-thoughts", "amara-okafor", date="2024-06-01 10:00")
    output = tmp_path / "output"
    build(content, output)

    post = page(output, "posts/on-open-notes")
    line = post.find(class_="post-mentions")
    assert line.get_text(" ", strip=True).startswith("Draws on the work of")
    links = {a.get_text(): resolve("posts/on-open-notes/", a["href"]) for a in line.find_all("a")}
    assert links == {"Amara Okafor": "network/amara-okafor/", "Bruno Lima": "network/bruno-lima/"}

    member = page(output, "network/amara-okafor")
    section = next(
        s for s in member.find_all("section") if s.h2 and "drew on their work" in s.h2.text
    )
    listed = [
        (a.get_text(), resolve("network/amara-okafor/", a["href"])) for a in section.find_all("a")
    ]
    assert listed == [  # newest first
        ("Later Thoughts", "posts/later-thoughts/"),
        ("On Open Notes", "posts/on-open-notes/"),
    ]
    # A member nobody mentioned has no such section; a post without mentions has no line.
    assert "drew on their work" not in page(output, "network/chen-mei").get_text()
    assert page(output, "posts/hello-network").find(class_="post-mentions") is None


def test_an_unknown_id_stops_the_build_with_file_line_and_id(content, tmp_path):
    path = write_post(content, "typo", "amara-okafor, bruno-lma, Chen-Mei", extra="Tags: pln")
    with pytest.raises(UnknownMentions) as failure:
        build(content, tmp_path / "output")
    message = str(failure.value)
    assert (
        f"{path.name}:6: mentions: unknown member id 'bruno-lma' (did you mean 'bruno-lima'?)"
        in message
    )
    assert "unknown member id 'Chen-Mei' (did you mean 'chen-mei'? ids are lowercase)" in message
    assert "2 unknown member ids" in message
    assert not (tmp_path / "output" / "posts" / "typo").exists()


def test_drafts_are_checked_too_but_listed_nowhere(content, tmp_path):
    write_post(content, "a-draft", "nobody-at-all", extra="Status: draft")
    with pytest.raises(UnknownMentions, match="nobody-at-all"):
        build(content, tmp_path / "output")


def test_an_archived_member_is_accepted_but_not_linked(content, tmp_path):
    write_post(content, "old-friend", "eli-haddad, dana-kowalska")
    output = tmp_path / "output"
    build(content, output)
    line = page(output, "posts/old-friend").find(class_="post-mentions")
    assert [a.get_text() for a in line.find_all("a")] == ["Dana Kowalska"]


def test_mention_values_and_header_lines(tmp_path):
    assert mention_ids("ada, grace  bob,ada") == ["ada", "grace", "bob"]
    assert mention_ids(["ada", "grace, bob"]) == ["ada", "grace", "bob"]
    assert mention_ids(None) == []
    source = tmp_path / "post.rst"
    source.write_text("Title\n#####\n\n:date: 2024-01-01\n:mentions: ada\n", encoding="utf-8")
    assert header_line(str(source)) == 5
    assert header_line(str(tmp_path / "missing.md")) == 1


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def test_invoke_build_fails_on_an_unknown_mention(site):
    write_post(site.content, "typo", "nobody-here")
    result = invoke("build", "-s", str(site.write_settings()))
    assert result.returncode != 0
    assert "typo.md:5: mentions: unknown member id 'nobody-here'" in result.stderr

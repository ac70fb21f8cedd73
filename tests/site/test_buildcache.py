"""The buildcache plugin: what a build keeps for the next one, and that it never goes stale.

Every build here is a real Pelican build of a copy of the fixture site, twice into one output
folder; the second build must show whatever changed in between, and with nothing changed it
must write exactly what a build from scratch writes.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from jinja2 import DictLoader, Environment, pass_context

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from pln_site.site.base import MadeText
from pln_site.site.buildcache.digests import PageDigests
from pln_site.site.buildcache.templates import keep_compiled
from pln_site.site.fingerprint import build_fingerprint
from tests.support.fetching import simple_feed
from tests.support.project import FIXTURE_SITE, PROJECT, build_site

MEMBER = "amara-okafor"


class Site:
    """A copy of the fixture site and its theme, built into one output folder again and again."""

    def __init__(self, root: Path, store: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.theme = root / "theme"
        self.output = root / "output"
        self.store = store
        shutil.copytree(FIXTURE_SITE / "content", self.content)
        shutil.copytree(PROJECT / "theme", self.theme)

    def build(self, output: Path | None = None, **overrides) -> None:
        build_site(
            self.content,
            output or self.output,
            THEME=str(self.theme),
            CACHE_PATH=str(self.root / "cache"),
            PLANET_STORE_PATH=str(self.store),
            **overrides,
        )

    def soup(self, page: str, output: Path | None = None) -> BeautifulSoup:
        html = ((output or self.output) / page).read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser")


@pytest.fixture
def site(tmp_path: Path, store_path: Path) -> Site:
    return Site(tmp_path / "site", store_path)


def pages(output: Path) -> dict[str, bytes]:
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*.html"))
        if "pagefind" not in path.parts
    }


def test_compiled_templates_are_kept(site: Site) -> None:
    site.build()
    assert list((site.root / "cache" / "templates").glob("__jinja2_*.cache"))


def test_with_nothing_changed_every_page_is_reused_and_is_what_a_fresh_build_writes(
    site: Site, caplog, monkeypatch
) -> None:
    # The exports and feeds carry the build's time; pinned, nothing at all changes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    site.build()
    with caplog.at_level(logging.INFO, logger="pln_site.site.buildcache.pages"):
        site.build()
    counts = [
        re.fullmatch(r"buildcache: (\d+) of (\d+) pages unchanged since the last build", message)
        for message in (record.getMessage() for record in caplog.records)
    ]
    (reused, total) = [match.groups() for match in counts if match][0]
    written = pages(site.output)
    # Every page written through the templates (scripts and XML too) came from the last build.
    assert reused == total and int(total) >= len(written) > 10
    fresh = site.root / "fresh"
    site.build(fresh, BUILD_REUSE_PAGES=False)
    assert pages(fresh) == written


def edit_member(site: Site) -> str:
    path = site.content / "network" / f"{MEMBER}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("changed how I plan", "reshaped how I plan"), encoding="utf-8")
    return "reshaped how I plan"


def edit_post(site: Site) -> str:
    path = next((site.content / "posts").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA line added later.\n")
    return "A line added later."


def edit_template(site: Site) -> str:
    base = site.theme / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    assert text.count("</body>") == 1
    base.write_text(text.replace("</body>", "<p>An edited theme.</p></body>"), encoding="utf-8")
    return "An edited theme."


@pytest.mark.parametrize("edit", [edit_member, edit_post, edit_template])
def test_a_changed_file_shows_on_the_next_build(site: Site, edit) -> None:
    site.build()
    expected = edit(site)
    site.build()
    texts = [
        BeautifulSoup(html, "html.parser").get_text(" ") for html in pages(site.output).values()
    ]
    assert any(expected in text for text in texts)
    fresh = site.root / "fresh"
    site.build(fresh, BUILD_REUSE_PAGES=False)
    assert pages(fresh) == pages(site.output)


def test_a_changed_setting_shows_on_the_next_build(site: Site) -> None:
    site.build(SITENAME="Before")
    site.build(SITENAME="After")
    assert site.soup("index.html").title.get_text().endswith("After")


def test_new_entries_in_the_store_show_on_the_next_build(site: Site, server, fetch) -> None:
    server.route("/feed.xml", Route.feed(simple_feed(1, prefix="first")))
    source = FeedSource(MEMBER, server.url("/feed.xml"))
    fetch(source)
    site.build()
    server.route("/feed.xml", Route.feed(simple_feed(2, prefix="second")))
    fetch(source)
    site.build()
    links = {a["href"] for a in site.soup("reading/index.html").select(".h-entry .u-url")}
    assert "https://ada.example/second-1" in links


def test_a_file_rewritten_within_one_tick_of_the_build_is_still_seen(site: Site) -> None:
    # File times are coarse: a file rewritten in the same tick, at the same size, keeps its
    # size and time. One written just before a build is therefore fingerprinted by its bytes.
    path = site.content / "network" / f"{MEMBER}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    site.build()
    before = path.stat()
    path.write_text(text.replace("changed how I plan", "changed how I PLAN"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    site.build()
    assert "changed how I PLAN" in site.soup(f"network/{MEMBER}/index.html").get_text(" ")


def test_a_page_changed_by_hand_in_the_output_is_rendered_again(site: Site) -> None:
    site.build()
    page = site.output / "network" / MEMBER / "index.html"
    rendered = page.read_text(encoding="utf-8")
    page.write_text("<p>hand edited</p>", encoding="utf-8")
    site.build()
    assert page.read_text(encoding="utf-8") == rendered


def test_without_the_cache_every_page_is_rendered(site: Site, caplog) -> None:
    site.build(BUILD_REUSE_PAGES=False)
    with caplog.at_level(logging.INFO, logger="pln_site.site.buildcache.pages"):
        site.build(BUILD_REUSE_PAGES=False)
    assert not [r for r in caplog.records if "unchanged since" in r.getMessage()]
    assert not (site.root / "cache" / "buildcache").exists()


def filter_named_mark(body: str):
    """A module-level function called `mark`, as a settings file would define it."""
    namespace: dict = {}
    exec(f"def mark(text):\n    return {body}\n", namespace)  # noqa: S102 - fixed test text
    return namespace["mark"]


def test_a_settings_function_counts_by_its_body(site: Site) -> None:
    settings = {"PATH": str(site.content), "CACHE_PATH": str(site.root / "cache")}
    upper, lower = filter_named_mark("text.upper()"), filter_named_mark("text.lower()")
    assert upper.__qualname__ == lower.__qualname__
    fingerprint = lambda mark: build_fingerprint({**settings, "JINJA_FILTERS": {"mark": mark}})  # noqa: E731
    assert fingerprint(upper) == fingerprint(filter_named_mark("text.upper()"))
    assert fingerprint(upper) != fingerprint(lower)


def test_templates_compiled_for_other_filters_are_not_reused(tmp_path: Path) -> None:
    """Jinja decides at compile time whether a filter gets the context: code compiled for a
    filter that did not take it must not run once it does (the page would fail to render)."""

    def plain(value):
        return f"plain {value}"

    @pass_context
    def with_context(context, value):
        return f"{context['who']} {value}"

    rendered = []
    for shout in (plain, with_context):
        env = Environment(loader=DictLoader({"page.html": "{{ 'hi' | shout }}"}))
        env.filters["shout"] = shout
        keep_compiled(SimpleNamespace(env=env), tmp_path)
        rendered.append(env.get_template("page.html").render(who="Ada"))
    assert rendered == ["plain hi", "Ada hi"]


def test_a_text_made_by_a_function_is_known_by_its_function_and_every_argument() -> None:
    """A feed or blogroll passed as the function that makes it (MadeText): a change to any of
    its arguments, keywords too, makes it again; the same arguments let the last one stand."""

    def digest(*args, **kwargs) -> str | None:
        body = MadeText(functools.partial(_made_text, *args, **kwargs))
        return PageDigests({}).page(["body"], {"body": body})

    first = digest("Blogroll", generated="2026-12-01T10:00")
    assert first is not None
    assert digest("Blogroll", generated="2026-12-01T10:00") == first
    assert digest("Blogroll", generated="2026-12-01T11:00") != first
    assert digest("Reading", generated="2026-12-01T10:00") != first


def _made_text(title: str, *, generated: str) -> str:
    return f"{title} {generated}"


def test_a_site_wide_value_is_known_by_what_it_is_even_when_the_site_gives_another():
    """Each site-wide value's part of the digests is worked out once a build; a page given its
    own value of that name, or a value the site's context took since, is digested afresh."""
    site = {"SITENAME": "Ada's notes", "menu": ["Home", "Network"]}
    digests = PageDigests(site)
    first = digests.page(["SITENAME", "menu"], dict(site))
    assert digests.page(["SITENAME", "menu"], dict(site)) == first
    own = digests.page(["SITENAME", "menu"], {**site, "menu": ["Home"]})
    assert own not in (None, first)
    site["SITENAME"] = "Ada's reading"  # a generator set the site's context afresh
    renamed = digests.page(["SITENAME", "menu"], dict(site))
    assert renamed not in (None, first, own)
    assert renamed == PageDigests(dict(site)).page(["SITENAME", "menu"], dict(site))

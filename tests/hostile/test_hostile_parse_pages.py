"""Issue 13, part 1: add-member and import-opml read hostile pages and files in linear time.

Before, a small homepage of unclosed tags kept `invoke add-member` busy for tens of seconds
(html5lib, which mf2py used, and Beautiful Soup's builder for it grow with the square of such
pages), deep nesting ended it with a RecursionError, and an OPML file with unclosed tags or
comments at its end took the square of its size (the standard library's HTMLParser, which
listparser uses). Each test runs the real command through `invoke` and asserts what its user
sees: it ends soon, without a traceback, having read what the page or file says before the junk.

Time is bounded in CPU seconds of the command (tests/support/effort.py): the same on a busy
machine, and a small part of what the same input cost before.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from pln_site.devserver import Route
from tests.support.effort import cpu_seconds
from tests.support.fetching import simple_feed
from tests.support.workflows import Site, Web, html_page, invoke

KIB = 1024
pytestmark = pytest.mark.slow  # each case starts the real command on a large page

CPU_BUDGET = 30  # seconds for the whole command, Pelican's import included

CARD = '<div class="h-card"><a class="p-name u-url" href="/">Ada Lovelace</a></div>'
FEED_LINK = '<link rel="alternate" type="application/atom+xml" href="/feed.atom">'

# Junk after the h-card that took html5lib from seconds to hours at this size.
UNCLOSED = {
    "unclosed-tags": "<a" * (100 * KIB),
    "unclosed-end-tags": "</a" * (70 * KIB),
    "unclosed-comments": "<!--" * (50 * KIB),
    "text-between-stray-end-tags": "a</a>" * (40 * KIB),
}
# Pages too costly to read as a tree (pln_site.text.costly_markup) and pages under the limit.
DEEP_OR_COSTLY = {
    "a-tag-of-many-attributes": "<a b" * (50 * KIB),
    "nested-divs": "<div>" * (40 * KIB),
    "nested-spans-closed": "<span>" * (20 * KIB) + "</span>" * (20 * KIB),
    "nested-tables": "<table><tr><td>" * (10 * KIB),
    "nested-h-cards-under-the-limit": '<div class="h-card"><p class="p-note">' * 250,
}


@pytest.fixture
def web() -> Iterator[Web]:
    sites = Web()
    yield sites
    sites.stop()


def add_member(tmp_path, web, junk: str, *, before_card: bool = False):
    page = (junk + CARD) if before_card else (CARD + junk)
    url = web.site(
        "ada.example",
        {
            "/": html_page(FEED_LINK, page, title="Ada | Home"),
            "/feed.atom": Route.feed(simple_feed(2, site="http://ada.example/")),
        },
    )
    site = Site(tmp_path)
    before = site.member_files()
    with cpu_seconds() as effort:
        result = invoke("add-member", url, "-s", str(site.write_settings(web.resolve)))
    assert "Traceback" not in result.stderr, result.stderr
    assert "RecursionError" not in result.stderr + result.stdout
    assert effort.seconds < CPU_BUDGET, f"add-member took {effort.seconds:.1f} s of CPU"
    return result, site, site.member_files() - before


@pytest.mark.parametrize("junk", UNCLOSED.values(), ids=UNCLOSED.keys())
def test_add_member_reads_a_homepage_of_unclosed_tags_fast(tmp_path, web, junk):
    result, site, new = add_member(tmp_path, web, junk)
    assert result.returncode == 0, result.stderr
    assert new == {"ada-lovelace.yaml"}
    data = yaml.safe_load((site.network / "ada-lovelace.yaml").read_text("utf-8"))
    assert data["name"] == "Ada Lovelace"
    assert [feed["url"] for feed in data["feeds"]] == ["http://ada.example/feed.atom"]


@pytest.mark.parametrize("junk", DEEP_OR_COSTLY.values(), ids=DEEP_OR_COSTLY.keys())
def test_add_member_survives_a_deeply_nested_homepage(tmp_path, web, junk):
    # Too deep or too costly to read as a tree: the page gives nothing, and the usual feed paths
    # are tried; under the limit, it is read. Either way a member file is written, fast, and no
    # stack overflows.
    result, site, new = add_member(tmp_path, web, junk, before_card=True)
    assert result.returncode == 0, result.stderr
    (name,) = new
    data = yaml.safe_load((site.network / name).read_text("utf-8"))
    assert data["url"] == "http://ada.example/"


OPML_HEAD = (
    '<?xml version="1.0"?>\n<opml version="2.0"><head><title>Mine</title></head><body>\n'
    '<outline text="Ada" type="rss" xmlUrl="https://ada.example/feed" htmlUrl="https://ada.example/"/>\n'
    "</body></opml>\n"
)
OPML_JUNK = {
    "unclosed-tags": "<a" * (500 * KIB),
    "unclosed-comments": "<!--" * (250 * KIB),
    "unclosed-end-tags": "</a" * (330 * KIB),
    "unclosed-cdata": "<![CDATA[" * (110 * KIB),
    "unclosed-processing-instructions": "<?x" * (330 * KIB),
    "quoted-gt-in-a-tag-that-never-ends": "<a" + " x='><a'" * (110 * KIB) + " =",
}


@pytest.mark.parametrize("junk", OPML_JUNK.values(), ids=OPML_JUNK.keys())
def test_import_opml_reads_a_file_ending_in_unclosed_tags_fast(tmp_path, junk):
    site = Site(tmp_path)
    before = site.member_files()
    export = tmp_path / "subscriptions.opml"
    export.write_text(OPML_HEAD + junk, encoding="utf-8")
    with cpu_seconds() as effort:
        result = invoke("import-opml", str(export), "-s", str(site.write_settings()))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert effort.seconds < CPU_BUDGET, f"import-opml took {effort.seconds:.1f} s of CPU"
    (name,) = site.member_files() - before
    data = yaml.safe_load((site.network / name).read_text("utf-8"))
    assert (data["name"], data["url"]) == ("Ada", "https://ada.example/")

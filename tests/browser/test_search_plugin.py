"""The search plugin in a build: a results page, a search box on every page, an index of the
posts, people and reading pages, and a clear warning instead of a failure without Pagefind."""

from __future__ import annotations

import json
import logging
import os

import pytest

from pln_site.site import fingerprint
from pln_site.site.search import pagefind
from pln_site.site.search.pagefind import bundle_fingerprint as fingerprint_of
from pln_site.site.search.pagefind import index_site
from tests.support.edited_site import Site
from tests.support.requirements_check import require
from tests.support.search_index import indexed_words
from tests.support.theme_html import POSTS, build_theme_site, html_pages, parse_page

PLUGINS = ["pln_site.site.search"]


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    return build_theme_site(tmp_path_factory.mktemp("search-site"), PLUGINS=PLUGINS)


def test_every_page_has_a_search_box_sending_to_the_results_page(searchable):
    output, _ = searchable
    for path in html_pages(output):
        page = parse_page(path)
        if path == output / "search" / "index.html":
            assert page.find("form", role="search").attrs["action"] in ("../search/", "./")
            continue
        form = page.find("form", role="search")
        assert page.resolve(form.attrs["action"]) == output / "search" / "index.html"
        field = page.find("input", name="q")
        assert page.find("label", **{"for": field.attrs["id"]})


def test_the_csp_allows_webassembly_but_not_eval(searchable):
    output, _ = searchable
    csp = parse_page(output / "search" / "index.html").find(
        "meta", **{"http-equiv": "Content-Security-Policy"}
    )
    script_src = next(p for p in csp.attrs["content"].split(";") if "script-src" in p).split()
    assert script_src == ["script-src", "'self'", "'wasm-unsafe-eval'"]


def test_pagefind_indexes_posts_and_pages_with_their_kind(searchable):
    output, _ = searchable
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3  # two posts and the about page
    assert (output / "pagefind" / "pagefind.js").is_file()
    kinds = {
        e.attrs["data-pagefind-filter"]
        for path in html_pages(output)
        for e in parse_page(path).find_all()
        if "data-pagefind-body" in e.attrs
    }
    assert kinds == {"kind:post", "kind:page"}


def test_without_pagefind_the_build_warns_and_goes_on(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        output, _ = build_theme_site(
            tmp_path, PLUGINS=PLUGINS, SEARCH_PAGEFIND_BINARY=str(tmp_path / "no-such-program")
        )
    assert (output / "index.html").is_file()
    assert (output / "search" / "index.html").is_file()
    assert not list(output.glob("pagefind*"))  # no search bundle of any part
    assert "pip install 'pagefind[bin]'" in caplog.text


def test_search_can_be_turned_off(tmp_path):
    output, _ = build_theme_site(tmp_path, PLUGINS=PLUGINS, SEARCH_ENABLED=False)
    assert not (output / "search").exists() and not list(output.glob("pagefind*"))
    home = parse_page(output / "index.html")
    assert home.find_all("form", role="search") == []
    csp = home.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    assert "wasm-unsafe-eval" not in csp


def test_a_build_with_no_changed_page_keeps_the_index_and_a_changed_page_renews_it(tmp_path):
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    output, _ = build_theme_site(tmp_path, PLUGINS=PLUGINS)
    entry = output / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    build_theme_site(tmp_path, PLUGINS=PLUGINS)
    assert entry.stat().st_mtime_ns == first, "nothing changed, yet the index was written again"
    name, text = next(iter(POSTS.items()))
    changed = {**POSTS, name: text + "\nA sentence about lighthouses.\n"}
    build_theme_site(tmp_path, posts=changed, PLUGINS=PLUGINS)
    assert entry.stat().st_mtime_ns != first, "a page changed, yet the index was kept"


def test_the_index_follows_what_the_pages_say_not_their_times(tmp_path, monkeypatch):
    """While no page was written the index is kept without reading one; a page written again
    as it was keeps it too, and a page changed behind the build's back renews it, even with the
    same size and its old time of change set back."""
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    # Every file counts as settled at once: else one written in the last moments is read
    # whatever its times say, and the times would not be what decides here.
    monkeypatch.setattr(fingerprint, "RECENT_SECONDS", 0.0)
    output, settings = build_theme_site(tmp_path, PLUGINS=PLUGINS)
    entry = output / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    read: list[str] = []  # the bundles whose pages were read, of those that have pages

    def reading(site, bundle, binary):
        if bundle.pages:
            read.append(bundle.folder)
        return fingerprint_of(site, bundle, binary)

    monkeypatch.setattr(pagefind, "bundle_fingerprint", reading)
    assert index_site(settings)
    assert read == [], "no page was written, yet the pages were read"
    page = next(path for path in html_pages(output) if "Notes are better" in path.read_text())
    text = page.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")  # as it was
    assert index_site(settings)
    assert read == ["pagefind"], "a page was written, yet the pages were not read"
    assert entry.stat().st_mtime_ns == first, "no page says anything new, yet it was indexed"
    before = page.stat()
    page.write_text(text.replace("Notes are better", "Notes are bolder"), encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    assert index_site(settings)
    assert entry.stat().st_mtime_ns != first, "a page says something new, yet the index was kept"
    assert any("bolder" in words for words in indexed_words(output).values())


def test_each_part_of_the_site_has_its_own_index_and_an_edit_renews_only_its_part(tmp_path):
    """The posts, the directory and the reading feed are indexed apart (the search page merges
    them): an edited post indexes the posts again, not the river's entries."""
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    site = Site(tmp_path)
    site.add_entry(1)
    output, cache = tmp_path / "output", tmp_path / "cache"
    site.build(output, cache)
    entries = {
        part: output / part / "pagefind-entry.json"
        for part in ("pagefind", "pagefind-network", "pagefind-reading")
    }
    first = {part: entry.stat().st_mtime_ns for part, entry in entries.items()}
    assert "amara-okafor" in {url.split("/")[-2] for url in indexed_words(output)}
    site.step = 1
    site.edit_post_text(0)
    site.build(output, cache)
    again = {part: entry.stat().st_mtime_ns for part, entry in entries.items()}
    assert again["pagefind"] != first["pagefind"], "a post changed, yet its index was kept"
    assert again["pagefind-network"] == first["pagefind-network"]
    assert again["pagefind-reading"] == first["pagefind-reading"]
    assert any("step" in words for words in indexed_words(output).values())


def test_pagefind_is_pointed_at_the_marked_pages_alone_and_indexes_what_the_whole_folder_gives(
    tmp_path, monkeypatch
):
    """Pagefind indexes only the pages that mark their searchable part: it is given those
    pages by name (the directory's lists of every member's card, read only to be skipped, were
    more than half of its time at 500 members), and the index is the one it makes from each
    part's whole folder."""
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    site = Site(tmp_path)
    site.add_entry(1)
    output, cache = tmp_path / "output", tmp_path / "cache"
    globs: list[str] = []
    build_index = pagefind.build_index

    def seen(site_folder, bundle, binary, marked=()):
        result = build_index(site_folder, bundle, binary, marked)
        globs.append(pagefind._glob_of(site_folder, marked) or bundle.glob)
        return result

    monkeypatch.setattr(pagefind, "build_index", seen)
    site.build(output, cache)
    by_name = indexed_words(output)
    [network_glob] = [glob for glob in globs if glob.startswith("network/")]
    assert "amara-okafor" in network_glob and "by/" not in network_glob
    assert any(url.rstrip("/").endswith("network/amara-okafor") for url in by_name)

    monkeypatch.setattr(pagefind, "_glob_of", lambda site_folder, pages: None)
    whole = tmp_path / "whole"
    site.build(whole, tmp_path / "whole-cache")
    assert indexed_words(whole) == by_name


def test_too_many_or_oddly_named_marked_pages_fall_back_to_the_parts_folder(tmp_path):
    """The glob naming the marked pages goes on Pagefind's command line: a site whose names
    would make it longer than a command line takes (a blog of thousands of posts), or a name
    a glob would read otherwise, is indexed by its part's folder glob, as before."""
    site = tmp_path
    two = [site / "network" / name / "index.html" for name in ("ada", "cy")]
    assert pagefind._glob_of(site, two) == "network/{ada,cy}/index.html"
    many = [site / "posts" / f"a-long-post-title-number-{n}" / "index.html" for n in range(5000)]
    assert pagefind._glob_of(site, many) is None
    assert pagefind._glob_of(site, [*two, site / "posts" / "a,b" / "index.html"]) is None
    assert pagefind._glob_of(site, []) is None

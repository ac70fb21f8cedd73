"""What every page generator shares (pln_site.site.base, pln_site.site.plugin): links written
into a file, the one build time, and plugins acting only for the sites that list them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import listparser
import pytest

from pln_site.settings import NETWORK, READING
from pln_site.site.base import build_moment, build_time, link_from
from pln_site.site.plugin import enabled
from tests.support.project import FIXTURE_SITE, build_site

EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
PINNED = dt.datetime.fromtimestamp(EPOCH, dt.UTC)


@pytest.mark.parametrize(
    "page, target, siteurl, expected",
    [
        ("network/members.json", "network/amara/", "", "amara/"),
        ("network/members.json", "images/a.png", "", "../images/a.png"),
        ("network/members.json", "", "", "../"),
        ("reading/atom.xml", "reading/", "", "./"),
        ("reading/topics/python/atom.xml", "reading/topics/python/", "", "./"),
        (
            "network/members.json",
            "network/amara/",
            "https://site.example",
            "https://site.example/network/amara/",
        ),
    ],
)
def test_links_in_files_are_relative_to_the_file_unless_the_site_url_is_absolute(
    page, target, siteurl, expected
):
    assert link_from(page, target, siteurl) == expected


def test_the_build_time_is_now_unless_source_date_epoch_pins_it(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC)
    assert before <= build_time() <= dt.datetime.now(dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert build_time() == PINNED
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    assert build_time() >= before


def test_what_pages_may_carry_of_the_build_time_is_its_day_unless_it_is_pinned(
    monkeypatch,
) -> None:
    """What an empty feed says of its update and the build's fingerprint covers: the same all
    day (a page made from it can be taken from the last build), the pinned time when pinned."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    today = build_time().date()
    moment = build_moment()
    assert (moment.date(), moment.time(), moment.tzinfo) == (today, dt.time(0), dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert build_moment() == PINNED


def test_every_file_that_names_its_time_names_the_pinned_one(tmp_path: Path, monkeypatch) -> None:
    # Both page plugins take the one build time: a build can be reproduced byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    outputs = []
    for name in ("one", "two"):
        output = tmp_path / name
        build_site(
            FIXTURE_SITE / "content",
            output,
            PLUGINS=[NETWORK, READING],
            PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
            CACHE_PATH=str(tmp_path / f"cache-{name}"),
        )
        outputs.append(output)
    one, two = outputs
    members = json.loads((one / "network/members.json").read_text(encoding="utf-8"))
    assert dt.datetime.fromisoformat(members["generated"]) == PINNED
    opml = listparser.parse((one / "network/blogroll.opml").read_text(encoding="utf-8"))
    assert opml.meta.created_parsed == PINNED
    river = feedparser.parse((one / "reading/atom.xml").read_bytes())  # empty: built now
    assert river.feed.updated_parsed[:6] == PINNED.timetuple()[:6]
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for path in files:
        assert (one / path).read_bytes() == (two / path).read_bytes(), path


def test_a_plugin_is_on_only_for_a_site_that_lists_it() -> None:
    assert enabled(NETWORK, {"PLUGINS": [NETWORK, READING]})
    assert not enabled(NETWORK, {"PLUGINS": [READING]})
    assert not enabled(NETWORK, {"PLUGINS": []}) and not enabled(NETWORK, {})
    assert not enabled("network", {"PLUGINS": [NETWORK]})  # names are dotted, in full


def test_plugins_act_only_for_the_sites_that_list_them(tmp_path: Path) -> None:
    # Signals are process-wide: a second site in the same process without the directory gets
    # none of its pages or settings.
    with_both = tmp_path / "both"
    build_site(
        FIXTURE_SITE / "content",
        with_both,
        PLUGINS=[NETWORK, READING],
        PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
    )
    reading_only = tmp_path / "reading"
    settings = build_site(
        FIXTURE_SITE / "content",
        reading_only,
        PLUGINS=[READING],
        PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
    )
    assert (with_both / "network/index.html").is_file()
    assert not (reading_only / "network").exists()
    assert (reading_only / "reading/index.html").is_file()
    assert "NETWORK_INDEX_URL" not in settings

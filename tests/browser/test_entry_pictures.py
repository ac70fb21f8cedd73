"""The demo's posts carry pictures: in Chromium the river shows them, loaded from the site
itself, and the page asks no other host for anything."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.visit import visit

pytestmark = pytest.mark.browser


def test_the_river_shows_entries_pictures_from_the_site_alone(chromium, example_url):
    seen = visit(chromium, example_url + "reading/", height=4000)  # every picture in view
    try:
        pictures = seen.page.eval_on_selector_all(
            ".river-entry__picture",
            "els => els.map(e => ({src: e.currentSrc, loaded: e.complete && e.naturalWidth > 0,"
            " alt: e.alt, shown: e.getBoundingClientRect().width}))",
        )
        assert seen.outside == [] and seen.failed == [] and seen.console == []
    finally:
        seen.close()
    assert pictures, "the demo's posts with pictures show them on the river"
    site = urlsplit(example_url).netloc
    for picture in pictures:
        assert urlsplit(picture["src"]).netloc == site, picture
        assert picture["loaded"] and picture["shown"] > 0 and picture["alt"], picture

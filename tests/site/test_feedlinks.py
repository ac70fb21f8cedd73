"""The rules every feed of the site shares: where its links are whole, what its tag ids name,
and entries told apart by their <updated>."""

from __future__ import annotations

import datetime as dt

import pytest

from pln_site.site.feedlinks import distinct_updates, feed_absolute, id_authority, tag_uri

MIDNIGHT = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"SITEURL": "https://robin.example", "FEED_DOMAIN": "http://127.0.0.1:8000"},
         "https://robin.example/reading/"),
        ({"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000"}, "http://127.0.0.1:8000/reading/"),
        ({"SITEURL": "", "FEED_DOMAIN": None}, None),
    ],
)  # fmt: skip
def test_links_are_whole_on_siteurl_else_feed_domain(settings, expected):
    assert feed_absolute(settings, "reading/") == expected


@pytest.mark.parametrize(
    ("settings", "authority"),
    [
        ({"SITEURL": "https://Robin.Example/blog", "SITENAME": "x"}, "robin.example"),
        # A development build: the loopback address is nobody's name; the site's name is.
        ({"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000", "SITENAME": "Robin's notebook"},
         "robins-notebook"),
        ({"SITEURL": "", "FEED_DOMAIN": "http://localhost:8000", "SITENAME": "Zoë & Ümit"},
         "zoe-umit"),
        ({"SITEURL": "", "SITENAME": "教室"}, "localhost"),
    ],
)  # fmt: skip
def test_tag_ids_name_the_site_even_without_an_address(settings, authority):
    assert id_authority(settings) == authority
    assert tag_uri(settings, "2024-01-01", "/posts/hello/") == (
        f"tag:{authority},2024-01-01:/posts/hello/"
    )


def test_entries_in_one_second_are_told_apart_and_only_ever_later():
    moments = [MIDNIGHT + 2 * SECOND, MIDNIGHT, MIDNIGHT, MIDNIGHT + SECOND, MIDNIGHT]
    shown = distinct_updates(moments)
    assert len(set(shown)) == len(shown)
    assert all(after >= before for after, before in zip(shown, moments, strict=True))
    # Those that collide with nothing stay where they are; the last listed keeps its own.
    assert shown[0] == moments[0] and shown[3] == moments[3] and shown[-1] == MIDNIGHT


def test_entries_out_of_order_move_no_further_than_their_collisions():
    # An old post listed after newer ones must not be pushed up to the newest date.
    moments = [MIDNIGHT + dt.timedelta(days=400), MIDNIGHT, MIDNIGHT + dt.timedelta(days=300)]
    assert distinct_updates(moments) == moments

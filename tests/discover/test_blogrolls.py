"""Reading a member's blogrolls over HTTP from 127.0.0.1: every form, the site's own published
OPML and JSON among them, conditional rereads, and failures that keep the last good copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from pln_site.devserver import Route
from pln_site.discover.blogrolls import MemberSite, read_blogrolls
from pln_site.discover.pages import PageFetcher
from pln_site.members.model import FeedRef, Member
from pln_site.recommended import BlogrollState, Recommendation
from pln_site.site.network.export import recommendations_json
from pln_site.site.network.opml import blogroll_opml
from tests.support.blogroll_web import opml, page
from tests.support.workflows import Web

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
HOME = "http://ada.example/"


@pytest.fixture
def web() -> Iterator[Web]:
    sites = Web()
    yield sites
    sites.stop()


def _read(web: Web, known: dict[str, BlogrollState] | None = None):
    fetcher = PageFetcher({"PLANET_ALLOW_PRIVATE_ADDRESSES": True, "PLANET_RESOLVE": web.resolve})
    return read_blogrolls([MemberSite("ada", HOME)], fetcher, known or {}, NOW)


def _people(reading) -> dict[str, Recommendation]:
    return {p.url or p.feed_url: p for state in reading.states for p in state.people}


def _member(member_id: str, url: str, feed: str) -> Member:
    return Member(
        id=member_id,
        name=member_id.title(),
        url=url,
        why=f"{member_id.title()} explains things well.",
        since="2021-05",
        topics=["open science"],
        feeds=[FeedRef(url=feed)],
    )


def test_the_sites_own_well_known_opml_and_json_are_read_back(web: Web) -> None:
    published = [_member("rui", "https://rui.example/", "https://rui.example/feed.xml")]
    web.site(
        "ada.example",
        {
            "/": page(),
            "/.well-known/recommendations.opml": Route.feed(
                blogroll_opml(published, "Recommendations", "Ada", NOW), content_type="text/x-opml"
            ),
            "/.well-known/recommendations.json": Route.feed(
                recommendations_json(
                    [_member("bea", "https://bea.example/", "https://bea.example/f")]
                ),
                content_type="application/json",
            ),
        },
    )
    reading = _read(web)
    assert reading.failures == []
    people = _people(reading)
    assert people["https://rui.example/"] == Recommendation(
        url="https://rui.example/",
        feed_url="https://rui.example/feed.xml",
        name="Rui",
        description="Rui explains things well.",
        topics=("open science",),
    )
    assert people["https://bea.example/"].description == "Bea explains things well."


def test_a_homepage_names_people_in_an_h_feed_and_with_xfn_but_not_itself(web: Web) -> None:
    web.site(
        "ada.example",
        {
            "/": page(
                body=(
                    '<div class="h-card"><a class="p-name u-url" href="/">Ada</a></div>'
                    '<div class="h-feed"><div class="h-card"><a class="p-name u-url" '
                    'href="https://kim.example/">Kim</a><p class="p-note">Maps.</p>'
                    '<span class="p-category">cartography</span></div></div>'
                    '<a rel="friend" href="https://lee.example/">Lee</a>'
                    '<a rel="me" href="https://social.example/@ada">Ada elsewhere</a>'
                    '<a rel="contact" href="/about">about me</a>'
                )
            ),
        },
    )
    people = _people(_read(web))
    assert set(people) == {
        "https://kim.example/",
        "https://lee.example/",
        "http://ada.example/about",
    }
    assert people["https://kim.example/"].topics == ("cartography",)
    assert people["https://kim.example/"].description == "Maps."
    assert people["https://lee.example/"].name == "Lee"


def test_declared_blogrolls_are_followed_and_a_bad_one_is_a_failure(web: Web) -> None:
    web.site(
        "ada.example",
        {
            "/": page(
                '<link rel="blogroll" href="/roll.opml">'
                '<link rel="alternate" type="text/x-opml" href="/broken.opml">'
            ),
            "/roll.opml": opml({"type": "link", "text": "Kim", "url": "https://kim.example/"}),
            "/broken.opml": Route.feed(
                "<opml version='2.0'><body><outline", content_type="text/xml"
            ),
        },
    )
    reading = _read(web)
    assert set(_people(reading)) == {"https://kim.example/"}
    [(member, url, why)] = reading.failures
    assert (member, url) == ("ada", "http://ada.example/broken.opml")
    assert why.startswith("not well-formed OPML")


def test_a_reread_is_conditional_and_a_failure_keeps_the_last_good_people(web: Web) -> None:
    routes = {
        "/": page('<link rel="blogroll" href="/roll.opml">'),
        "/roll.opml": opml({"type": "link", "text": "Kim", "url": "https://kim.example/"}),
    }
    web.site("ada.example", routes)
    first = {state.url: state for state in _read(web).states}
    second = {state.url: state for state in _read(web, first).states}
    assert second[HOME].status == 304 and second[HOME + "roll.opml"].status == 304
    assert second[HOME + "roll.opml"].people == first[HOME + "roll.opml"].people
    routes["/roll.opml"] = Route(status=503)
    web.servers["ada.example"].route("/roll.opml", Route(status=503))
    third = _read(web, second)
    kept = {state.url: state for state in third.states}[HOME + "roll.opml"]
    assert kept.last_error == "HTTP 503 Service Unavailable"
    assert [p.url for p in kept.people] == ["https://kim.example/"]
    assert kept.last_success == first[HOME + "roll.opml"].last_success

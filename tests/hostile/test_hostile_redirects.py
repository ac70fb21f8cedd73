"""Issue item 6: redirect loops and chains longer than allowed end with a reason, quickly.

Already proven in tests/planet/test_fetch.py: a chain up to the limit is followed and one more is
refused (test_redirects_are_followed_up_to_the_limit), a two-step loop
(test_a_redirect_loop_is_refused); tests/planet/test_update.py: permanent redirects remembered.
Here: more shapes of loops and endless chains, odd Location headers, and a zero limit.
"""

from __future__ import annotations

import pytest

from pln_site.devserver import Route
from tests.support.effort import cpu_seconds
from tests.support.hostile_sites import recent, rfc822, rss, rss_item

FEED = rss([rss_item("g1", "Arrived", date=rfc822(recent()))])


def setup_self_loop(server):
    server.route("/a", Route.redirect("/a", status=301))


def setup_three_step_loop(server):
    server.route("/a", Route.redirect("/b", status=302))
    server.route("/b", Route.redirect("/c", status=307))
    server.route("/c", Route.redirect(server.url("/a"), status=308))


def setup_loop_through_absolute_and_relative(server):
    server.route("/a", Route.redirect(server.url("/b"), status=301))
    server.route("/b", Route.redirect("./a", status=302))


def setup_endless_chain(server):
    for n in range(40):
        server.route("/a" if n == 0 else f"/r{n}", Route.redirect(f"/r{n + 1}", status=302))


def setup_endless_chain_of_every_status(server):
    statuses = (301, 302, 303, 307, 308)
    for n in range(40):
        route = Route.redirect(f"/s{n + 1}", status=statuses[n % 5])
        server.route("/a" if n == 0 else f"/s{n}", route)


def setup_loop_with_fragment(server):
    server.route("/a", Route.redirect("/a#again", status=302))


LOOPS = {
    "self-loop": (setup_self_loop, "redirect loop"),
    "three-step-loop": (setup_three_step_loop, "redirect loop"),
    "absolute-relative-loop": (setup_loop_through_absolute_and_relative, "redirect loop"),
    "fragment-loop": (setup_loop_with_fragment, "redirect loop"),
    "endless-chain": (setup_endless_chain, "more than 5 redirects"),
    "mixed-status-chain": (setup_endless_chain_of_every_status, "more than 5 redirects"),
}


@pytest.mark.parametrize("case", LOOPS)
def test_loops_and_endless_chains_end_with_a_reason(server, fetch, case):
    setup, reason = LOOPS[case]
    setup(server)
    with cpu_seconds() as effort:
        (feed,) = fetch(server.url("/a")).feeds
    assert feed.outcome == "failed"
    assert reason in feed.reason and ("redirect" in feed.reason), feed.reason
    assert len(server.requests) <= 6, "no more hops than PLANET_MAX_REDIRECTS + 1"
    assert effort.seconds < 3, f"{effort.seconds:.1f} s of CPU"


ODD_LOCATIONS = {
    "missing": (Route(status=302, content_type=None), "HTTP 302 redirect without a Location"),
    "empty": (Route(status=302, headers={"Location": ""}), "HTTP 302 redirect without a Location"),
    "not-a-url": (Route.redirect("http://[::1"), "redirect to something that is not a URL"),
    "unclosed-ipv6": (
        Route.redirect("http://[::1:80/feed"),
        "redirect to something that is not a URL",
    ),
}


@pytest.mark.parametrize("case", ODD_LOCATIONS)
def test_odd_location_headers_are_reported(server, fetch, case):
    route, reason = ODD_LOCATIONS[case]
    server.route("/a", route)
    (feed,) = fetch(server.url("/a")).feeds
    assert feed.outcome == "failed"
    assert feed.reason.startswith(reason), feed.reason


def test_a_limit_of_zero_refuses_the_first_redirect(server, fetch):
    server.route("/a", Route.redirect("/feed.xml", status=302))
    server.route("/feed.xml", Route.feed(FEED))
    (feed,) = fetch(server.url("/a"), PLANET_MAX_REDIRECTS=0).feeds
    assert (feed.outcome, feed.reason) == ("failed", "more than 0 redirects")
    assert server.hits("/feed.xml") == 0


def test_a_chain_within_the_limit_arrives(server, fetch):
    for n in range(5):
        server.route(f"/r{n}", Route.redirect(f"/r{n + 1}", status=307))
    server.route("/r5", Route.feed(FEED))
    (feed,) = fetch(server.url("/r0")).feeds
    assert (feed.outcome, feed.new_entries) == ("ok", 1)

"""The address check for tunnel addresses: 6to4 (2002::/16) and Teredo (2001::/32) carry an IPv4
address inside, and are refused when that address is not public (the other kinds of address are
in test_fetch.py, test_address_kinds)."""

from __future__ import annotations

import ipaddress

import pytest

from pln_site.devserver import Route
from pln_site.feeds.decide import Outcome
from pln_site.feeds.http.guard import embedded_ipv4, refusal_kind
from tests.support.fetching import simple_feed


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("2002:c0a8:101::1", "6to4 (for private 192.168.1.1)"),
        ("2002:a00:1::", "6to4 (for private 10.0.0.1)"),
        ("2002:7f00:1::1", "6to4 (for loopback 127.0.0.1)"),
        ("2002:a9fe:a9fe::1", "6to4 (for link-local 169.254.169.254)"),
        ("2002:6440:1::1", "6to4 (for non-public 100.64.0.1)"),
        ("2002:0:0::1", "6to4 (for unspecified 0.0.0.0)"),
        ("2002:5db8:d70e::1", None),  # 93.184.215.14: a public address inside
        # Teredo: server 65.54.227.120, client 192.168.1.1 (stored inverted, bit by bit)
        ("2001:0:4136:e378:8000:63bf:3f57:fefe", "Teredo (for private 192.168.1.1)"),
        ("2001:0:7f00:1::3f57:fefe", "Teredo (for loopback 127.0.0.1)"),
    ],
)
def test_tunnel_addresses_are_judged_by_the_address_inside(address, kind):
    assert refusal_kind(ipaddress.ip_address(address)) == kind


def test_a_teredo_address_with_public_ends_stays_refused():
    # The whole of 2001::/23 is special-purpose: Teredo is never a public address of its own.
    address = ipaddress.IPv6Address("2001:0:808:808::f7f7:f7f7")  # 8.8.8.8 both ends
    assert [str(inner) for _, inner in embedded_ipv4(address)] == ["8.8.8.8", "8.8.8.8"]
    assert refusal_kind(address) is not None


def test_other_addresses_carry_no_ipv4():
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1111")) == []


def test_a_feed_on_a_6to4_address_of_loopback_is_refused_before_connecting(server, fetch):
    server.route("/feed.xml", Route.feed(simple_feed()))
    (feed,) = fetch(
        "http://tunnel.example/feed.xml",
        PLANET_ALLOW_PRIVATE_ADDRESSES=False,
        PLANET_RESOLVE={"tunnel.example": "[2002:7f00:1::1]"},
    ).feeds
    assert feed.outcome is Outcome.failed
    assert feed.reason == (
        "tunnel.example resolves to 6to4 (for loopback 127.0.0.1) address 2002:7f00:1::1: "
        "refused (PLANET_ALLOW_PRIVATE_ADDRESSES is off)"
    )
    assert server.requests == []

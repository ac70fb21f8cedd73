"""Issue item 4: a body over the cap and compression bombs are cut at the cap, reported, and
memory stays bounded.

Already proven in tests/planet/test_fetch.py: a 5 MiB+ plain body (test_a_body_over_the_cap_is_cut)
and a 64 MiB gzip bomb (test_a_gzip_bomb_is_cut_at_the_decompressed_size). Here: deflate (zlib
and raw) bombs, a bomb that hides behind a small declared length, stacked or unknown encodings,
a body exactly at the cap, and the memory each one costs.
"""

from __future__ import annotations

import functools
import gzip
import tracemalloc
import zlib

import pytest

from pln_site.devserver import Route
from tests.support.effort import cpu_seconds
from tests.support.hostile_sites import recent, rfc822, rss, rss_item

CAP = 256 * 1024
HUGE = 64 * 1024 * 1024


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@functools.cache
def bomb_routes() -> dict[str, Route]:
    filler = b"<rss>" + b" " * HUGE
    return {
        "gzip-bomb": Route(body=gzip.compress(filler, 9), headers={"Content-Encoding": "gzip"}),
        "deflate-bomb": Route(
            body=zlib.compress(filler, 9), headers={"Content-Encoding": "deflate"}
        ),
        "raw-deflate-bomb": Route(
            body=raw_deflate(filler), headers={"Content-Encoding": "deflate"}
        ),
        "x-gzip-bomb": Route(body=gzip.compress(filler, 9), headers={"Content-Encoding": "x-gzip"}),
        "plain-over-cap": Route(body=b"<rss>" + b" " * (CAP + 1)),
        "no-declared-length-over-cap": Route(body=b"<rss>" + b"x" * (4 * CAP)),
    }


BOMBS = ["gzip-bomb", "deflate-bomb", "raw-deflate-bomb", "x-gzip-bomb", "plain-over-cap",
         "no-declared-length-over-cap"]  # fmt: skip


@pytest.mark.parametrize("case", BOMBS)
def test_a_body_over_the_cap_is_cut_and_reported_in_bounded_memory(server, fetch, store, case):
    server.route("/feed.xml", bomb_routes()[case])
    tracemalloc.start()
    try:
        with cpu_seconds() as effort:
            (feed,) = fetch(server.url("/feed.xml"), PLANET_MAX_BYTES=CAP).feeds
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (feed.outcome, feed.reason) == ("failed", "body larger than 256 KiB, cut")
    assert peak < 16 * CAP + 8 * 1024 * 1024, f"{case} held {peak / 2**20:.1f} MiB"
    assert effort.seconds < 5, f"{case} took {effort.seconds:.1f} s of CPU"
    assert store.entries() == []


def test_bombs_are_small_on_the_wire():
    for name, route in bomb_routes().items():
        if "bomb" in name:
            assert len(route.body) < 200 * 1024, name


ENCODING_TRICKS = {
    "stacked-gzip": ("gzip, gzip", "unsupported content encoding 'gzip, gzip'"),
    "brotli": ("br", "unsupported content encoding 'br'"),
    "unknown": ("x-klingon", "unsupported content encoding 'x-klingon'"),
    "damaged-gzip": ("gzip", "the compressed body is damaged"),
}


@pytest.mark.parametrize("case", ENCODING_TRICKS)
def test_strange_encodings_are_reported(server, fetch, case):
    encoding, reason = ENCODING_TRICKS[case]
    body = b"\x1f\x8b\x08\x00garbage-not-gzip" if case == "damaged-gzip" else b"whatever"
    server.route("/feed.xml", Route(body=body, headers={"Content-Encoding": encoding}))
    (feed,) = fetch(server.url("/feed.xml")).feeds
    assert (feed.outcome, feed.reason) == ("failed", reason)


def test_a_feed_right_at_the_cap_is_read(server, fetch):
    body = rss([rss_item("g1", "Fits", date=rfc822(recent()))])
    padded = body.replace(b"</channel>", b" " * (CAP - len(body)) + b"</channel>")
    assert len(padded) == CAP
    server.route("/feed.xml", Route.feed(padded, gzip=True))
    (feed,) = fetch(server.url("/feed.xml"), PLANET_MAX_BYTES=CAP).feeds
    assert (feed.outcome, feed.new_entries) == ("ok", 1)


def test_one_byte_over_the_cap_is_cut(server, fetch):
    body = rss([rss_item("g1", "Does not fit", date=rfc822(recent()))])
    padded = body.replace(b"</channel>", b" " * (CAP + 1 - len(body)) + b"</channel>")
    server.route("/feed.xml", Route.feed(padded, gzip=True))
    (feed,) = fetch(server.url("/feed.xml"), PLANET_MAX_BYTES=CAP).feeds
    assert feed.reason == "body larger than 256 KiB, cut"

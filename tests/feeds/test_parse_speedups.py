"""feedparser with the buffered expat reader and remembered base URLs: the very same results."""

from __future__ import annotations

import contextlib
import xml.sax

import feedparser.api
import feedparser.mixin
import pytest

from pln_site.entries import FeedParseError
from pln_site.feeds.parse import speedups as feedparser_speed
from pln_site.feeds.parse.feed import parse_feed


@contextlib.contextmanager
def plain_feedparser():
    """feedparser as it comes, without this project's changes."""
    feedparser_speed.undo()
    try:
        yield
    finally:
        feedparser_speed.apply()


def parsed(body: bytes):
    try:
        return parse_feed(body, url="https://feeds.example/feed.xml")
    except FeedParseError as error:
        return f"FeedParseError: {error}"


def test_feedparser_is_given_the_buffered_reader_and_remembers_base_urls():
    reader = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
    assert isinstance(reader, feedparser_speed.BufferedExpatParser)
    # feedparser resolves base URLs through this name; if it ever moves, this fails.
    assert hasattr(feedparser.mixin.make_safe_absolute_uri, "cache_info")
    with plain_feedparser():
        plain = xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)
        assert not isinstance(plain, feedparser_speed.BufferedExpatParser)
        assert not hasattr(feedparser.mixin.make_safe_absolute_uri, "cache_info")


def test_remembered_base_urls_still_refuse_unsafe_ones():
    resolve = feedparser.mixin.make_safe_absolute_uri
    assert resolve("https://a.example/blog/", "post") == "https://a.example/blog/post"
    assert resolve("https://a.example/blog/", "javascript:alert(1)") == ""
    assert resolve("https://a.example/blog/", "post") == "https://a.example/blog/post"


# Text that expat reports in many pieces when unbuffered: entity references, character
# references, line breaks, CDATA sections next to plain text, and a run longer than expat's
# own buffer.
PIECES = "&lt;p&gt;Tom &amp; Jerry&#8217;s &#x2014; caf\u00e9&lt;/p&gt;\n"
SPLIT_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Split &amp; joined</title>
<link>https://feeds.example/</link>
<item><title>One &lt;b&gt;bold&lt;/b&gt; &amp; two</title>
<link>https://feeds.example/1?a=1&amp;b=2</link>
<description>{PIECES * 3000}</description></item>
<item><title><![CDATA[Fish]]> &amp; <![CDATA[<chips>]]></title>
<link>https://feeds.example/2</link>
<description>before <![CDATA[<em>inside</em>]]>
after &amp;amp; line
three</description></item>
</channel></rss>""".encode()


def test_text_in_many_pieces_reads_the_same_as_unbuffered():
    buffered = parse_feed(SPLIT_FEED, url="https://feeds.example/feed.xml")
    with plain_feedparser():
        plain = parse_feed(SPLIT_FEED, url="https://feeds.example/feed.xml")
    assert buffered == plain
    long_entry, cdata_entry = buffered.entries
    assert long_entry.content_html.count("Tom &amp; Jerry\u2019s \u2014 caf\u00e9") == 3000
    assert cdata_entry.title == "Fish & <chips>"


def test_every_corpus_feed_reads_the_same_as_unbuffered(corpus_dir):
    names = sorted(path.name for path in corpus_dir.iterdir() if path.is_file())
    assert len(names) >= 70
    bodies = {name: (corpus_dir / name).read_bytes() for name in names}
    buffered = {name: parsed(body) for name, body in bodies.items()}
    with plain_feedparser():
        plain = {name: parsed(body) for name, body in bodies.items()}
    different = [name for name in names if buffered[name] != plain[name]]
    assert different == []
    assert sum(len(feed.entries) for feed in buffered.values() if not isinstance(feed, str)) > 500


@pytest.mark.parametrize(
    "size", [feedparser_speed.TEXT_BUFFER_BYTES - 1, feedparser_speed.TEXT_BUFFER_BYTES * 2]
)
def test_text_longer_than_the_buffer_is_kept_whole(size):
    text = "x" * size
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>long</title>'
        f"<link>https://feeds.example/1</link><description>{text}</description></item>"
        "</channel></rss>"
    ).encode()
    (entry,) = parse_feed(body, url="https://feeds.example/feed.xml").entries
    assert entry.content_html.count("x") == size

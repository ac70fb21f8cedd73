"""feedparser with its quadratic steps replaced (feeds/parse/linear.py): the very same results."""

from __future__ import annotations

import contextlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pln_site.feeds.parse import linear
from pln_site.feeds.parse.feed import parse_feed

EMAIL = re.compile(linear.EMAIL_PATTERN)
ADDRESS_PIECES = ["a", "Z", "1", "@", ".", "-", "+", "_", " ", "[", "]", "?subject=", "x", "(",
                  ")", "co", "<", "12", "é", "mailto:", "\t"]  # fmt: skip


@contextlib.contextmanager
def feedparsers_own_steps():
    linear.undo()
    try:
        yield
    finally:
        linear.apply()


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(ADDRESS_PIECES), max_size=16).map("".join))
def test_the_address_found_is_the_one_feedparsers_pattern_finds(text):
    match = EMAIL.search(text)
    assert linear.find_email(text) == (match.group(0) if match else None)


def rss(items: str) -> bytes:
    return (
        '<rss version="2.0"><channel><title>t</title><link>https://feeds.example/</link>'
        f"{items}</channel></rss>"
    ).encode()


AUTHORS_AND_CATEGORIES = rss(
    "<item><guid>1</guid><title>One</title>"
    "<author>ada@example.com (Ada Lovelace)</author>"
    "<category>x</category><category>y</category><category>x</category>"
    '<category domain="d">x</category><category domain="d">x</category></item>'
    "<item><guid>2</guid><title>Two</title><author>Grace &lt;grace@navy.example&gt;</author>"
    '<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">grace@navy.example</dc:creator>'
    "</item>"
    "<item><guid>3</guid><title>Three</title><author>mailto:x@y.co?subject=hi plain</author></item>"
)
ATOM_CATEGORIES = (
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>x</title>'
    b'<category term="a" scheme="s"/><category scheme="s">a</category><category term="a"/>'
    b'<category term="b" label="B"/><category term="b" label="B"/></entry></feed>'
)


def test_authors_and_categories_read_the_same_as_feedparsers_own_steps():
    for body in (AUTHORS_AND_CATEGORIES, ATOM_CATEGORIES):
        ours = parse_feed(body, url="https://feeds.example/feed.xml")
        with feedparsers_own_steps():
            theirs = parse_feed(body, url="https://feeds.example/feed.xml")
        assert ours == theirs


def test_every_corpus_feed_reads_the_same_as_with_feedparsers_own_steps(corpus_dir):
    bodies = {path.name: path.read_bytes() for path in corpus_dir.iterdir() if path.is_file()}

    def read_all():
        found = {}
        for name, body in bodies.items():
            try:
                found[name] = parse_feed(body, url="https://feeds.example/feed.xml")
            except Exception as error:  # noqa: BLE001 - the same failure is the same result
                found[name] = repr(error)
        return found

    ours = read_all()
    with feedparsers_own_steps():
        theirs = read_all()
    assert [name for name in bodies if ours[name] != theirs[name]] == []

"""The output feeds, read back the way feed readers read them."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ElementTree

import feedparser

from pln_site.site.reading.outfeeds import (
    FeedInfo,
    FeedItem,
    FeedOrigin,
    atom_feed,
    json_feed,
    rss_feed,
)

UTC = dt.UTC
WHEN = dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
HOSTILE_HTML = (
    '<p>Tom &amp; Jerry say ]]&gt; and </p><p>"</script><script>alert(1)</script>"\x0b</p>'
)

INFO = FeedInfo(
    title="Robin's <reading> & more",
    description="Posts",
    home_url="https://robin.example/reading/",
    self_url="https://robin.example/reading/atom.xml",
    id="https://robin.example/reading/atom.xml",
    updated=WHEN,
)


def item(**changes) -> FeedItem:
    values = dict(
        id="http://ada.example/1",
        url="http://ada.example/1",
        title="Q&A <with> ]]> tricks",
        has_title=True,
        html=HOSTILE_HTML,
        is_full=False,
        published=WHEN,
        author_name="Ada <Quill> & Co",
        author_url="http://ada.example/",
        categories=["a&b"],
        origin=FeedOrigin("http://ada.example/feed.xml", "Ada's feed", "http://ada.example/"),
    )
    values.update(changes)
    return FeedItem(**values)


def test_atom_round_trips_with_escaped_html_author_and_source() -> None:
    parsed = feedparser.parse(
        atom_feed(INFO, [item(), item(id="urn:uuid:1", url=None)]), sanitize_html=False
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Robin's <reading> & more"
    first, second = parsed.entries
    assert first.title == "Q&A <with> ]]> tricks"
    # The HTML comes back as the text it was (with reader-side sanitizing off).
    assert first.summary == HOSTILE_HTML.replace("\x0b", "")
    assert first.author_detail.name == "Ada <Quill> & Co"
    assert first.author_detail.href == "http://ada.example/"
    assert first.source.title == "Ada's feed" and first.source.id == "http://ada.example/feed.xml"
    assert first.published_parsed[:5] == (2024, 5, 1, 12, 0)
    assert [t.term for t in first.tags] == ["a&b"]
    # Without a link, Atom wants the content itself.
    assert second.content[0].value == HOSTILE_HTML.replace("\x0b", "")


def test_rss_round_trips_with_creator_and_source() -> None:
    parsed = feedparser.parse(
        rss_feed(INFO, [item(), item(id="x:2", has_title=False, title="stand-in")]),
        sanitize_html=False,
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    first, titleless = parsed.entries
    assert first.author == "Ada <Quill> & Co"
    assert first.description == HOSTILE_HTML.replace("\x0b", "")
    assert first.source.title == "Ada's feed" and first.source.href == "http://ada.example/feed.xml"
    assert first.id == first.link == "http://ada.example/1"
    assert "title" not in titleless or titleless.title == ""


def test_json_feed_1_1_with_item_authors() -> None:
    document = json.loads(json_feed(INFO, [item(), item(id="x:2", has_title=False)]))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    first, titleless = document["items"]
    assert first["authors"] == [{"name": "Ada <Quill> & Co", "url": "http://ada.example/"}]
    assert first["content_html"] == HOSTILE_HTML
    assert first["date_published"] == "2024-05-01T12:00:00Z"
    assert "title" not in titleless


def test_an_empty_feed_is_still_valid() -> None:
    for document in (atom_feed(INFO, []), rss_feed(INFO, [])):
        parsed = feedparser.parse(document)
        assert not parsed.bozo and parsed.entries == []


def test_no_attribute_or_text_can_make_a_feed_not_xml() -> None:
    """Every text and attribute goes through one writer (pln_site.xmltext): a link, a category
    or a feed URL with a control character, a noncharacter or a lone surrogate in it (from a
    store written before the URL check refused them) still gives a well-formed document."""
    bad = "\x00\x01\x1b\x7f\x85\ud800\ufffe\uffff\ufdd0\U0001fffe"
    hostile = item(
        id=f"urn:x:{bad}",
        url=f"http://ada.example/1{bad}",
        title=f"T{bad}itle",
        author_name=f"Ada{bad}",
        author_url=f"http://ada.example/{bad}",
        categories=[f"c{bad}at"],
        origin=FeedOrigin(
            f"http://ada.example/feed{bad}", f"F{bad}eed", f"http://ada.example/{bad}"
        ),
    )
    info = FeedInfo(**{**INFO.__dict__, "title": f"R{bad}obin", "home_url": f"https://r/{bad}"})
    for document in (atom_feed(info, [hostile]), rss_feed(info, [hostile])):
        root = ElementTree.fromstring(document.encode("utf-8"))  # expat: strict XML 1.0
        values = [text for el in root.iter() for text in [el.text or "", *el.attrib.values()]]
        assert not [v for v in values if any(char in v for char in bad)]
        assert "Title" in values and "cat" in " ".join(values)

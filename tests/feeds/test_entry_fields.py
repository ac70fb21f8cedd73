"""What a reader sees of each entry, from feeds shaped as real ones are: links resolved on the
post's site, shared guids kept apart, feed-level authors, feed titles of every shape, and each
entry's language."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from pln_site.feeds.parse.feed import parse_feed
from tests.support.parse_fixtures import rss, rss_item

PROXY = "https://feeds.proxy.example/ada"  # a feed served from another host than the blog


def links_in(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [tag.get("href") or tag.get("src") for tag in soup.find_all(["a", "img"])]


# --- links ------------------------------------------------------------------------------------


def test_root_relative_urls_of_a_feed_on_another_host_resolve_on_the_posts_site():
    content = '<p><img src="/assets/x.png"> <a href="/about/">me</a> <a href="notes/">n</a></p>'
    body = rss(
        rss_item(link="https://ada.example/2024/post/", description=f"<![CDATA[{content}]]>")
    )
    [entry] = parse_feed(body.encode(), url=PROXY).entries
    assert links_in(entry.content_html) == [
        "https://ada.example/assets/x.png",
        "https://ada.example/about/",
        "https://ada.example/2024/post/notes/",
    ]


@pytest.mark.parametrize(
    "feed_links",
    [
        '<link rel="self" href="https://ada.example/blog/atom.xml"/>'
        '<link rel="alternate" href="https://elsewhere.example/"/>',
        '<link rel="alternate" href="https://ada.example/blog/"/>',  # no self: the site
    ],
    ids=["self", "site"],
)
def test_a_proxied_feed_with_relative_entry_links_resolves_them_on_its_own_address(feed_links):
    body = (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{feed_links}'
        '<entry><id>1</id><title>t</title><link href="/blog/post-1"/>'
        '<content type="html">&lt;img src="/blog/pic.png"&gt;</content></entry></feed>'
    )
    [entry] = parse_feed(body.encode(), url=PROXY).entries
    assert entry.link == "https://ada.example/blog/post-1"
    assert links_in(entry.content_html) == ["https://ada.example/blog/pic.png"]


def test_rss_atom_self_link_is_the_base_of_a_proxied_feed():
    body = rss(
        "<item><title>t</title><link>/2024/post</link><description>"
        '&lt;a href="/about/"&gt;me&lt;/a&gt;</description></item>',
        channel_extra='<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self"'
        ' href="https://bea.example/feed.xml"/>',
    ).replace("<link>https://blog.example/</link>", "")
    [entry] = parse_feed(body.encode(), url=PROXY).entries
    assert entry.link == "https://bea.example/2024/post"
    assert links_in(entry.content_html) == ["https://bea.example/about/"]


def test_on_the_feeds_own_host_relative_urls_resolve_against_the_feed():
    body = rss(
        rss_item(
            link="https://blog.example/2024/post/",
            description='<![CDATA[<a href="img/a.png">a</a>]]>',
        )
    )
    [entry] = parse_feed(body.encode(), url="https://blog.example/feed/").entries
    assert links_in(entry.content_html) == ["https://blog.example/feed/img/a.png"]


def test_xml_base_wins_over_the_entrys_link():
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example/ada/">'
        "<title>A</title><entry><id>1</id><title>t</title>"
        '<link href="https://ada.example/p1"/>'
        '<content type="html">&lt;img src="pics/1.png"&gt;</content></entry></feed>'
    )
    [entry] = parse_feed(body.encode(), url=PROXY).entries
    assert links_in(entry.content_html) == ["https://cdn.example/ada/pics/1.png"]


@pytest.mark.parametrize("feed_url", [PROXY, "https://ada.example/feed.xml"])
def test_fragment_links_point_into_the_post_not_the_feed(feed_url):
    body = rss(
        rss_item(
            link="https://ada.example/post",
            description='<![CDATA[<a href="#section1">jump</a> <a href="#fn1">1</a>]]>',
        )
    )
    [entry] = parse_feed(body.encode(), url=feed_url).entries
    assert links_in(entry.content_html) == [
        "https://ada.example/post#section1",
        "https://ada.example/post#fn1",
    ]


def test_no_stored_link_points_at_the_feed_file():
    body = rss(rss_item(link=None, guid="g1", description='<![CDATA[<a href="#top">top</a>]]>'))
    [entry] = parse_feed(body.encode(), url=PROXY).entries
    assert PROXY not in entry.content_html
    assert links_in(entry.content_html) == [None]  # the link's text stays, its target goes


def test_a_guid_that_is_no_url_is_not_made_a_link_into_the_feeds_folder():
    items = (
        "<item><title>a</title><guid>post-17</guid></item>"
        "<item><title>b</title><guid>https://old.example/2009/b</guid></item>"
    )
    feed = parse_feed(rss(items).encode(), url="https://old.example/feeds/rss")
    assert [entry.link for entry in feed.entries] == [None, "https://old.example/2009/b"]
    # A real <link> to a page beside the feed stays, whatever it looks like.
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry>'
        '<id>https://old.example/post-1</id><link href="https://old.example/post-1"/>'
        "<title>t</title></entry></feed>"
    )
    [entry] = parse_feed(atom.encode(), url="https://old.example/atom").entries
    assert entry.link == "https://old.example/post-1"


def test_json_feed_fragments_point_into_the_item():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {"id": "1", "url": "https://j.example/p", "content_html": '<a href="#x">x</a>'}
            ],
        }
    ).encode()
    [entry] = parse_feed(body, url="https://j.example/feed.json").entries
    assert links_in(entry.content_html) == ["https://j.example/p#x"]


# --- identity ---------------------------------------------------------------------------------


def test_two_posts_that_share_a_guid_stay_two_posts_with_stable_keys():
    items = rss_item(
        title="First", link="https://old.example/1", guid="same", description="one"
    ) + rss_item(title="Second", link="https://old.example/2", guid="same", description="two")
    feed = parse_feed(rss(items).encode(), url="https://old.example/rss")
    assert [entry.title for entry in feed.entries] == ["First", "Second"]
    keys = [entry.key for entry in feed.entries]
    assert len(set(keys)) == 2
    # A new post at the top (with the same guid again) does not change the others' keys.
    newer = rss_item(title="Third", link="https://old.example/3", guid="same", description="3")
    again = parse_feed(rss(newer + items).encode(), url="https://old.example/rss")
    assert [entry.key for entry in again.entries][1:] == keys


def test_the_same_post_twice_under_one_guid_is_one_post():
    items = rss_item(title="Post", link="https://b.example/p", guid="g") + rss_item(
        title="Post (edited)", link="https://b.example/p/", guid="g"
    )
    feed = parse_feed(rss(items).encode(), url="https://b.example/rss")
    assert [(entry.key, entry.title) for entry in feed.entries] == [("g", "Post")]


# --- authors ----------------------------------------------------------------------------------


def test_atom_feed_level_author_is_each_entrys_author_unless_it_has_its_own():
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        "<author><name>Ada Lovelace</name></author>"
        '<entry><id>1</id><title>one</title><link href="https://ada.example/1"/></entry>'
        '<entry><id>2</id><title>two</title><link href="https://ada.example/2"/>'
        "<author><name>Guest Writer</name></author></entry></feed>"
    )
    feed = parse_feed(body.encode(), url="https://ada.example/atom.xml")
    assert [entry.author for entry in feed.entries] == ["Ada Lovelace", "Guest Writer"]


def test_an_atom_entry_copied_from_another_feed_keeps_its_sources_author():
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet</title>'
        "<author><name>Planet Editor</name></author>"
        "<entry><id>1</id><title>t</title><source><id>urn:orig</id><title>Orig</title>"
        "<author><name>Original Author</name></author></source></entry></feed>"
    )
    [entry] = parse_feed(body.encode(), url="https://planet.example/atom.xml").entries
    assert entry.author == "Original Author"


@pytest.mark.parametrize(
    ("channel", "author"),
    [
        ("<managingEditor>bob@b.example (Bob Brown)</managingEditor>", "Bob Brown"),
        ("<dc:creator>Carol Chen</dc:creator>", "Carol Chen"),
        ("<managingEditor>bob@b.example</managingEditor>", None),  # an address is no name
    ],
)
def test_rss_channel_author_is_each_items_author(channel, author):
    body = rss(rss_item(), channel_extra=channel)
    [entry] = parse_feed(body.encode(), url="https://b.example/rss").entries
    assert entry.author == author


def test_json_feed_top_level_authors():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "authors": [{"name": "Dana Diaz"}],
            "items": [{"id": "1", "url": "https://d.example/1", "content_text": "hi"}],
        }
    ).encode()
    [entry] = parse_feed(body, url="https://d.example/feed.json").entries
    assert entry.author == "Dana Diaz"


# --- feed titles ------------------------------------------------------------------------------

ITEM = "<item><title>x</title><link>https://t.example/x</link></item>"


@pytest.mark.parametrize(
    "document",
    [
        f'<rss version="0.91"><channel><title>Blog Title</title>{ITEM}</channel></rss>',
        f'<rss version="0.92"><channel><title>Blog Title</title>{ITEM}</channel></rss>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://t.example/">'
        '<title>Blog Title</title></channel><item rdf:about="https://t.example/x">'
        "<title>x</title><link>https://t.example/x</link></item></rdf:RDF>",
        '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title mode="escaped"'
        ' type="text/html">Blog &lt;b&gt;Title&lt;/b&gt;</title>'
        "<entry><title>x</title></entry></feed>",
        '<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml">Blog <b>Title</b></div></title>'
        "<entry><id>1</id><title>x</title></entry></feed>",
        # An Atom feed inside an XHTML page: feedparser finds the entries, not the title.
        '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog Title</title>'
        "<entry><id>1</id><title>x</title></entry></feed></body></html>",
    ],
    ids=["rss0.91", "rss0.92", "rdf", "atom0.3", "atom-xhtml-title", "atom-in-xhtml"],
)
def test_feed_titles_of_every_shape_are_read(document):
    assert parse_feed(document.encode(), url="https://t.example/feed").title == "Blog Title"


# --- language ---------------------------------------------------------------------------------


def test_language_comes_from_the_entry_then_the_feed_as_a_normalised_tag():
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pt_br"><title>A</title>'
        '<entry><id>1</id><title>um</title><content type="html">olá</content></entry>'
        '<entry xml:lang="EN-us"><id>2</id><title>two</title><summary>hi</summary></entry>'
        "</feed>"
    )
    feed = parse_feed(body.encode(), url="https://a.example/atom")
    assert [entry.language for entry in feed.entries] == ["pt-BR", "en-US"]


@pytest.mark.parametrize(
    ("written", "tag"), [("ru", "ru"), ("zh-cn", "zh-CN"), ("english", None), ("", None)]
)
def test_rss_channel_language(written, tag):
    body = rss(rss_item(), channel_extra=f"<language>{written}</language>")
    [entry] = parse_feed(body.encode(), url="https://b.example/rss").entries
    assert entry.language == tag


def test_json_feed_language():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "language": "ja",
            "items": [
                {"id": "1", "url": "https://j.example/1", "content_text": "こんにちは"},
                {"id": "2", "url": "https://j.example/2", "language": "en", "content_text": "x"},
            ],
        }
    ).encode()
    feed = parse_feed(body, url="https://j.example/feed.json")
    assert [entry.language for entry in feed.entries] == ["ja", "en"]

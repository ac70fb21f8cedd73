"""parse_feed: RSS, Atom and RDF bytes in, clean entries out; hostile or broken input handled."""

from __future__ import annotations

import codecs
import datetime as dt
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pln_site.entries import FeedParseError
from pln_site.feeds.parse.feed import parse_feed
from tests.support.parse_fixtures import (
    FEED_URL,
    atom,
    atom_entry,
    parse_html,
    rss,
    rss_item,
    xml_text,
)

UTC = dt.UTC


def parse(document: str | bytes, **kwargs):
    body = document.encode("utf-8") if isinstance(document, str) else document
    return parse_feed(body, url=kwargs.pop("url", FEED_URL), **kwargs)


# --- RSS ------------------------------------------------------------------------------------


def test_rss_entry_fields():
    feed = parse(
        rss(
            rss_item(
                title="Hello &amp; welcome",
                link="https://blog.example/hello",
                guid="post-1",
                description=xml_text("<p>The <em>summary</em></p>"),
                extra=(
                    "<content:encoded><![CDATA[<p>The <strong>full</strong> text</p>]]>"
                    "</content:encoded><dc:creator>Ada Lovelace</dc:creator>"
                    "<category>Python</category><category>Feeds &amp; more</category>"
                    "<pubDate>Tue, 07 May 2024 10:00:00 +0200</pubDate>"
                ),
            ),
            title="Ada's &lt;b&gt;blog&lt;/b&gt;",
        )
    )
    assert feed.format == "rss20"
    assert feed.title == "Ada's blog"
    assert feed.html_url == "https://blog.example/"
    assert feed.warning is None
    [entry] = feed.entries
    assert entry.key == "post-1"
    assert entry.title == "Hello & welcome"
    assert entry.link == "https://blog.example/hello"
    assert entry.author == "Ada Lovelace"
    assert entry.categories == ["Python", "Feeds & more"]
    assert entry.published == dt.datetime(2024, 5, 7, 8, 0, tzinfo=UTC)
    assert parse_html(entry.content_html).text == "The full text"
    assert parse_html(entry.summary_html).text == "The summary"


def test_rss_description_only_is_the_content():
    feed = parse(rss(rss_item(description=xml_text("<p>Only a description</p>"))))
    [entry] = feed.entries
    assert parse_html(entry.content_html).text == "Only a description"


def test_rss_author_email_and_name_gives_the_name():
    feed = parse(rss(rss_item(extra="<author>ada@blog.example (Ada L.)</author>")))
    assert feed.entries[0].author == "Ada L."


def test_rss_relative_link_and_content_urls_resolve_against_the_feed_url():
    feed = parse(
        rss(
            rss_item(
                link="posts/2", description=xml_text('<a href="../about">a</a><img src="i.png">')
            )
        )
    )
    [entry] = feed.entries
    assert entry.link == "https://blog.example/posts/2"
    assert parse_html(entry.content_html).urls() == [
        "https://blog.example/about",
        "https://blog.example/i.png",
    ]


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "mailto:a@blog.example", "   ", "ftp://x/y"]
)
def test_links_that_are_not_http_become_none(link):
    [entry] = parse(rss(rss_item(link=link, guid="g"))).entries
    assert entry.link is None


def test_rdf_rss_1_0():
    document = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://blog.example/"><title>RDF blog</title><link>https://blog.example/</link>
</channel>
<item rdf:about="https://blog.example/1"><title>One</title><link>https://blog.example/1</link>
<dc:date>2004-11-30T09:26:16-05:00</dc:date><description>Hi</description></item>
</rdf:RDF>"""
    feed = parse(document)
    assert feed.format == "rss10"
    [entry] = feed.entries
    assert (entry.key, entry.title) == ("https://blog.example/1", "One")
    # dc:date is a modification date; the store falls back to it when there is no published.
    assert entry.updated == dt.datetime(2004, 11, 30, 14, 26, 16, tzinfo=UTC)


# --- Atom -----------------------------------------------------------------------------------


def test_atom_entry_fields_and_xml_base():
    entries = atom_entry(
        entry_id="tag:blog.example,2024:1",
        title="An &lt;em&gt;Atom&lt;/em&gt; entry",
        link="2024/entry.html",
        content=xml_text('<p>See <a href="other.html">this</a></p>'),
        attrs=' xml:base="https://static.example/base/"',
        extra=(
            "<published>2024-04-30T22:00:00-02:00</published>"
            "<author><name>Grace</name></author><category term='atom'/>"
            "<summary>A summary</summary>"
        ),
    )
    feed = parse(atom(entries))
    assert feed.format == "atom10"
    [entry] = feed.entries
    assert entry.key == "tag:blog.example,2024:1"
    assert entry.title == "An <em>Atom</em> entry"  # Atom text: the brackets are characters
    assert entry.link == "https://static.example/base/2024/entry.html"
    assert parse_html(entry.content_html).urls() == ["https://static.example/base/other.html"]
    assert entry.author == "Grace"
    assert entry.categories == ["atom"]
    assert entry.published == dt.datetime(2024, 5, 1, 0, 0, tzinfo=UTC)
    assert entry.updated == dt.datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert parse_html(entry.summary_html).text == "A summary"


def test_atom_html_title_is_made_plain_text():
    title = '<title type="html">An &lt;em&gt;HTML&lt;/em&gt; title</title>'
    document = atom(atom_entry(content="x").replace("<title>Entry</title>", title))
    assert parse(document).entries[0].title == "An HTML title"


def test_atom_updated_only_gives_no_published_date():
    [entry] = parse(atom(atom_entry(content="x"))).entries
    assert entry.published is None
    assert entry.updated == dt.datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_atom_text_content_is_escaped_not_interpreted():
    [entry] = parse(atom(atom_entry(content="a &lt;b&gt; c", content_type="text"))).entries
    parsed = parse_html(entry.content_html)
    assert "b" not in parsed.elements
    assert parsed.text == "a <b> c"


def test_atom_xhtml_content():
    content = '<div xmlns="http://www.w3.org/1999/xhtml"><p>X<em>H</em>TML</p></div>'
    [entry] = parse(atom(atom_entry(content=content, content_type="xhtml"))).entries
    assert parse_html(entry.content_html).text == "XHTML"


def test_no_content_without_summary_gives_empty_summary():
    [entry] = parse(atom(atom_entry(content="<p>Body</p>".replace("<", "&lt;")))).entries
    assert entry.summary_html == ""
    assert parse_html(entry.content_html).text == "Body"


# --- keys, duplicates, dates -----------------------------------------------------------------


def test_key_falls_back_to_link_then_to_a_content_hash():
    items = rss_item(title="A", link="https://blog.example/a") + rss_item(
        title="B", link=None, description="body b"
    )
    first, second = parse(rss(items)).entries
    assert first.key == "https://blog.example/a"
    assert second.key.startswith("sha256:")
    again = parse(rss(items)).entries[1]
    assert again.key == second.key


def test_duplicate_entries_appear_once():
    items = (
        rss_item(title="First", guid="same")
        + rss_item(title="Second", guid="same")
        + rss_item(title="Other", guid="other")
    )
    feed = parse(rss(items))
    assert [(e.key, e.title) for e in feed.entries] == [("same", "First"), ("other", "Other")]


@pytest.mark.parametrize(
    "date",
    [
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "not a date at all",
        "",
    ],
)
def test_absurd_or_unparseable_dates_are_none(date):
    [entry] = parse(rss(rss_item(guid="g", extra=f"<pubDate>{date}</pubDate>"))).entries
    assert entry.published is None


def test_missing_date_is_none():
    [entry] = parse(rss(rss_item(guid="g"))).entries
    assert entry.published is None and entry.updated is None


def test_dates_are_aware_utc():
    [entry] = parse(
        rss(rss_item(guid="g", extra="<pubDate>Sun, 10 Apr 2022 09:00:00 +0900</pubDate>"))
    ).entries
    assert entry.published == dt.datetime(2022, 4, 10, 0, 0, tzinfo=UTC)
    assert entry.published.utcoffset() == dt.timedelta(0)


def test_titleless_entries_have_an_empty_title():
    item = '<item><description>just a note</description><guid isPermaLink="false">n1</guid></item>'
    [entry] = parse(rss(item)).entries
    assert entry.title == ""
    assert entry.key == "n1"


# --- encodings -------------------------------------------------------------------------------

TEXTS = {
    "iso-8859-1": "Café Müller: Grüße aus Köln, à bientôt!",
    "windows-1251": "Привет, мир! Это заметка о том, как читать ленты новостей на русском языке.",
    "koi8-r": "Привет, мир! Это заметка о том, как читать ленты новостей на русском языке.",
    "gb2312": "你好，世界！这是一篇关于如何阅读中文新闻订阅的文章。",
    "shift_jis": "こんにちは世界！これは日本語のフィードを読む方法についての記事です。",
}


def encoded_feed(text: str, encoding: str, *, declared: bool) -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>' if declared else "<?xml version='1.0'?>"
    item = rss_item(title=text, guid="e1", description=f"{text} {text}")
    return rss(item, title=text, head=head).encode(encoding)


@pytest.mark.parametrize("encoding", TEXTS)
def test_declared_encodings_give_correct_text(encoding):
    text = TEXTS[encoding]
    feed = parse(encoded_feed(text, encoding, declared=True))
    assert feed.title == text
    assert feed.entries[0].title == text


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r", "gb2312", "shift_jis"])
def test_undeclared_encodings_are_detected(encoding):
    text = TEXTS[encoding]
    feed = parse(encoded_feed(text, encoding, declared=False))
    assert feed.entries[0].title == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_byte_order_marks(encoding):
    text = TEXTS["windows-1251"]
    head = '<?xml version="1.0" encoding="utf-16"?>' if "16" in encoding else ""
    body = rss(rss_item(title=text, guid="e1"), head=head).encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        body = bom + body
    assert parse(body).entries[0].title == text


def test_utf16_without_bom_is_recognised():
    body = rss(rss_item(title="Ünïcode", guid="e1"), head='<?xml version="1.0" encoding="utf-16"?>')
    assert parse(body.encode("utf-16-le")).entries[0].title == "Ünïcode"


def test_http_charset_is_used():
    text = TEXTS["windows-1251"]
    body = rss(rss_item(title=text, guid="e1"), head="<?xml version='1.0'?>").encode("windows-1251")
    feed = parse(body, content_type="application/rss+xml; charset=windows-1251")
    assert feed.entries[0].title == text


def test_declaration_that_does_not_fit_the_bytes_is_passed_over():
    body = rss(rss_item(title="naïve", guid="e1"), head='<?xml version="1.0" encoding="utf-16"?>')
    assert parse(body.encode("utf-8")).entries[0].title == "naïve"


# --- hostile XML -----------------------------------------------------------------------------


def bounded(document: str | bytes, *, seconds: float = 30.0, megabytes: int = 64):
    """Parse `document`, failing if it allocates much or seems to never end (an expansion
    attack runs for minutes; the bound is loose so that a busy machine does not fail it);
    returns the result or the error."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            outcome = parse(document)
        except FeedParseError as error:
            outcome = error
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f}s"
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return outcome


def all_text(outcome) -> str:
    if isinstance(outcome, FeedParseError):
        return str(outcome)
    parts = [outcome.title or ""]
    for entry in outcome.entries:
        parts += [entry.title, entry.content_html, entry.summary_html, entry.author or ""]
    return "\n".join(parts)


def test_billion_laughs_does_not_expand():
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    document = f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]>' + rss(
        rss_item(title="&lol9;", guid="g", description="&lol9;"), head=" "
    )
    outcome = bounded(document)
    assert "lollollol" not in all_text(outcome)


def test_quadratic_blowup_does_not_expand():
    big = "A" * 50_000
    document = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{big}">]>' + rss(
        rss_item(title="t", guid="g", description="&a;" * 20_000), head=" "
    )
    outcome = bounded(document)
    assert "AAAAAAAAAA" not in all_text(outcome)


def test_external_entity_does_not_read_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    for declaration in (
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret}">]>',
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>',
    ):
        document = (
            '<?xml version="1.0"?>'
            + declaration
            + rss(rss_item(title="&xxe;", guid="g", description="a &xxe; b"), head=" ")
        )
        outcome = bounded(document)
        assert "TOP-SECRET-MARKER" not in all_text(outcome)


@pytest.fixture
def request_counter():
    """A local HTTP server that counts requests (nothing should ever ask it for anything)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            body = b'<!ENTITY xxe "FETCHED-MARKER">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_external_dtd_and_entities_are_never_fetched(request_counter):
    base, requests = request_counter
    for declaration in (
        f'<!DOCTYPE rss SYSTEM "{base}/evil.dtd">',
        f'<!DOCTYPE rss PUBLIC "-//X//Y" "{base}/evil.dtd">',
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{base}/entity">]>',
        f'<!DOCTYPE rss [<!ENTITY % dtd SYSTEM "{base}/param.dtd"> %dtd;]>',
    ):
        document = (
            '<?xml version="1.0"?>' + declaration + rss(rss_item(title="&xxe;", guid="g"), head=" ")
        )
        outcome = bounded(document)
        assert "FETCHED-MARKER" not in all_text(outcome)
    assert requests == []


def test_a_body_that_is_a_url_or_a_path_is_not_opened(request_counter, tmp_path):
    base, requests = request_counter
    secret = tmp_path / "feed.xml"
    secret.write_text(rss(rss_item(title="LOCAL-FILE-MARKER", guid="g")))
    for body in (f"{base}/feed.xml", str(secret), secret.as_uri()):
        with pytest.raises(FeedParseError):
            parse(body)
    assert requests == []


def test_doctype_with_tricky_internal_subset_is_removed_whole():
    document = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!-- ]> --><!ENTITY x "]>"><?pi don\'t ]> ?>]>'
        + rss(rss_item(title="Fine", guid="g"), head=" ")
    )
    feed = parse(document)
    assert [e.title for e in feed.entries] == ["Fine"]


# --- not a feed, and recoverable feeds -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (
            b"<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Hi</p></body></html>",
            "HTML page",
        ),
        (b"<html><body><a href='/feed.xml'>feed</a></body></html>", "HTML page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'<?xml version="1.0"?><rss version="2.0"><chan', "not well-formed"),
        (b'<?xml version="1.0"?><catalog><book>XML, but not a feed</book></catalog>', "not a feed"),
    ],
)
def test_not_a_feed_raises_with_a_reason(body, reason):
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(body, url=FEED_URL)


def test_json_content_type_with_xml_body_is_read_as_xml():
    feed = parse(rss(rss_item(guid="g")), content_type="application/json")
    assert len(feed.entries) == 1


def test_truncated_feed_with_whole_entries_is_recovered_with_a_warning():
    document = rss(rss_item(title="One", guid="1") + rss_item(title="Two", guid="2"))
    truncated = document[: document.index("<title>Two")]
    feed = parse(truncated)
    assert [e.title for e in feed.entries][:1] == ["One"]
    assert feed.warning and "not well-formed" in feed.warning


def test_undefined_entity_is_recovered_with_a_warning():
    feed = parse(rss(rss_item(title="Caf&eacute; &nbsp;ok", guid="1")))
    assert feed.entries[0].title == "Café ok"
    assert feed.warning is not None


def test_illegal_control_characters_do_not_break_a_feed():
    feed = parse(rss(rss_item(title="back\x08\x08space", guid="1")))
    assert feed.entries[0].title == "backspace"
    assert feed.warning is None


def test_leading_whitespace_before_declaration_is_tolerated():
    feed = parse("\n\n" + rss(rss_item(title="T", guid="1")))
    assert feed.entries[0].title == "T"
    assert feed.warning is None


def test_valid_feed_without_entries_is_an_empty_feed():
    feed = parse(rss())
    assert feed.entries == []
    assert feed.title == "A blog"

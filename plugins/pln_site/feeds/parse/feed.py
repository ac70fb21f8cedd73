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
import io
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import feedparser

from pln_site.entries import FeedParseError, ParsedEntry, ParsedFeed
from pln_site.feeds.parse.dates import from_struct_time
from pln_site.feeds.parse.jsonfeed import parse_json_feed
from pln_site.feeds.parse.linear import apply as keep_feedparser_linear
from pln_site.feeds.parse.speedups import apply as speed_up_feedparser
from pln_site.feeds.sanitize import clean_html, entry_key, text_to_html, unique_entries
from pln_site.text import nesting_exceeds, plain_text
from pln_site.urls import absolute_http_url, is_http_url

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
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\s[^>]*?\?>")
_NAME_AFTER_EMAIL = re.compile(r"^(?:mailto:)?[^\s@()<>]+@[^\s@()<>]+\s*\((?P<name>[^)]*)\)$")
# Greedy, not `(?P<name>.*?)\s*`: the lazy form tried every split of a run of spaces (quadratic);
# the address holds no "<" or "(", so the last one starts it either way.
_NAME_BEFORE_EMAIL = re.compile(r"^(?P<name>.*)[<(](?:mailto:)?[^\s@()<>]+@[^\s@()<>]+[>)]$")
_BARE_EMAIL = re.compile(r"^\s*(?:mailto:)?[^\s@()<>]+@[^\s@()<>]+\s*$")
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


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse and clean a feed; FeedParseError (with a reason in words) when it is not one.

    `url` is the feed's address (after redirects): relative links resolve against it.
    """
    if not body or not body.strip():
        raise FeedParseError("the body is empty")
    if _looks_like_json(body, content_type):
        return parse_json_feed(body, url=url)
    return _parse_xml_feed(body, url=url, content_type=content_type)


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    start = body.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    if start in (b"{", b"["):
        return True
    return bool(content_type and "json" in content_type.lower()) and start != b"<"


# --- XML ------------------------------------------------------------------------------------


def _parse_xml_feed(body: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    text = decode_document(body, content_type)
    if "\x00" in text:
        raise FeedParseError("binary data, not a feed")
    document = strip_prolog(_HUGE_CHARACTER_REFERENCE.sub("&amp;", _XML_ILLEGAL.sub("", text)))
    if xml_depth_exceeds(document, MAX_XML_DEPTH):
        raise FeedParseError(f"elements nested more than {MAX_XML_DEPTH} deep, not a feed")
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
    entries = [_entry(raw, feed_url=url) for raw in result.entries]
    warning = None
    if problem is not None:
        warning = f"not well-formed XML, recovered {len(entries)} entries ({problem})"
        log.info("%s: %s", url, warning)
    return ParsedFeed(
        format=version or "unknown",
        title=_detail_text(feed.get("title_detail"), feed.get("title")) or None,
        html_url=absolute_http_url(feed.get("link"), url),
        entries=unique_entries(entries),
        warning=warning,
    )


def _entry(raw: dict[str, Any], *, feed_url: str) -> ParsedEntry:
    content_detail = _best_content(raw.get("content"))
    summary_detail = raw.get("summary_detail")
    base = _base_url(content_detail or summary_detail or {}, feed_url)

    content_html = _detail_html(content_detail, feed_url)
    if (
        content_detail
        and summary_detail
        and summary_detail.get("value") == content_detail.get("value")
    ):
        summary_html = ""  # feedparser repeats the content as summary when there is none
    else:
        summary_html = _detail_html(summary_detail, feed_url)
    title = _detail_text(raw.get("title_detail"), raw.get("title"))
    link = absolute_http_url(raw.get("link"), base)
    return ParsedEntry(
        key=entry_key(raw.get("id"), link, title, content_html or summary_html),
        link=link,
        title=title,
        author=_author_name(raw),
        content_html=content_html or summary_html,
        summary_html=summary_html,
        # dict.get: feedparser's own lookup of updated_parsed falls back to published_parsed.
        published=from_struct_time(dict.get(raw, "published_parsed")),
        updated=from_struct_time(dict.get(raw, "updated_parsed")),
        categories=_categories(raw.get("tags")),
    )


def _best_content(details: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    # Atom allows several <content>s (and feedparser adds content:encoded): prefer HTML.
    if not details:
        return None
    for detail in details:
        if detail.get("type") in ("text/html", "application/xhtml+xml") and detail.get("value"):
            return detail
    return details[0] if details[0].get("value") else None


def _base_url(detail: dict[str, Any], feed_url: str) -> str:
    # feedparser records the xml:base in effect (resolved against the feed URL) on each value.
    base = detail.get("base")
    return base if is_http_url(base) else feed_url


def _detail_html(detail: dict[str, Any] | None, feed_url: str) -> str:
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") == "text/plain":
        return text_to_html(detail["value"])
    return clean_html(detail["value"], _base_url(detail, feed_url))


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


def decode_document(body: bytes, content_type: str | None = None) -> str:
    """The text of an XML document: by BOM, then declared charsets, then UTF-8, then a sniff.

    A declaration that does not fit the bytes (e.g. "utf-16" on 8-bit bytes) is passed over.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace")
    if body.startswith(b"<\x00"):
        return body.decode("utf-16-le", "replace")
    if body.startswith(b"\x00<"):
        return body.decode("utf-16-be", "replace")

    declared = []
    if content_type and (match := _HTTP_CHARSET.search(content_type)):
        declared.append(match.group(1))
    if in_prolog := _XML_ENCODING.match(body[:1024]):
        declared.append(in_prolog.group(1).decode("ascii"))
    codecs_to_try = [known for label in declared if (known := _codec(label))]
    if not codecs_to_try or "utf-8" in codecs_to_try:
        # Valid UTF-8 with non-ASCII bytes is almost never an accident: believe it first.
        codecs_to_try.insert(0, "utf-8")
    else:
        codecs_to_try.append("utf-8")
    for codec in codecs_to_try:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.lstrip()[:1] in ("<", ""):
            return text

    if _sniff_encodings is not None and b"\x00" not in body[:4096]:
        best = _sniff_encodings(body[:200_000]).best()
        if best is not None:
            try:
                return body.decode(best.encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    return body.decode("cp1252", "replace")


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

"""Turn hostile feed values into safe ones: sanitized HTML, plain text, absolute URLs, stable keys.

Everything a feed says is untrusted. HTML goes through nh3 (the Rust ammonia sanitizer) with an
explicit allowlist; anything not on it is dropped. Titles, names and categories become plain text,
which the templates escape like any other string.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import nh3

from pln_site.feeds.entry import ParsedEntry

log = logging.getLogger(__name__)

#: Elements kept in feed HTML: text structure, links, images, lists, tables, code, quotes, figures.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
        "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
        "wbr",
    }
)  # fmt: skip

#: Attributes kept, per element ("*": on every allowed element). No id/name (DOM clobbering),
#: no class/style (the site's CSS decides the look), no event handlers.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"lang", "dir", "title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "del": frozenset({"datetime", "cite"}),
    "ins": frozenset({"datetime", "cite"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "details": frozenset({"open"}),
}

#: The only URL schemes that survive in href/src/cite.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Elements removed together with everything inside them (their text is code or a fallback
#: that makes no sense on its own).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
        "math", "noscript", "noembed", "noframes", "template", "textarea", "select", "option",
        "button", "title", "head", "meta", "link", "base", "xmp", "plaintext", "audio", "video",
        "canvas", "map", "param", "source", "track", "input",
    }
)  # fmt: skip

LINK_REL = "nofollow noopener ugc"
PLAIN_TEXT_MAX_CHARS = 300

#: HTML nested deeper than this is an attack, not writing: the HTML5 tree builder's work grows
#: with the square of the depth (50,000 nested <div>s take seconds, nested lists over a minute),
#: so such HTML is kept as its text, without building a tree at all.
MAX_NESTING = 512
# Elements that never hold others, or whose end tag is optional: they add no depth to count.
_FLAT_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "option", "optgroup", "rb", "rt", "rp", "rtc", "colgroup", "caption", "html",
        "head", "body",
    }
)  # fmt: skip
_TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_ANY_TAG = re.compile(r"<[^>]*>")

_WHITESPACE = re.compile(r"\s+")

# C0 controls other than tab/newline are never meaningful in text (often pasted garbage);
# C1 controls in real feeds are nearly always windows-1252 punctuation decoded as Latin-1
# ("don\x92t"), so they become the character that was meant. A regex rather than
# str.translate: almost no text has any, and searching is much faster than mapping.
_CONTROL_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _meant_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x80:
        return ""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def strip_control_chars(text: str) -> str:
    """`text` without control characters (C1 ones read as the windows-1252 they meant)."""
    return _CONTROL_CHAR.sub(_meant_char, text)


# Browsers ignore these inside URLs, so "java\tscript:" is "javascript:".
_URL_IGNORED = dict.fromkeys([*range(0, 33), 127])


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def absolute_http_url(value: str | None, base: str | None) -> str | None:
    """`value` resolved against `base` if that gives an absolute http(s) URL, else None."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        url = urljoin(base, value) if base else value
    except ValueError:
        return None
    return url if is_http_url(url) else None


def clean_html(value: str, base_url: str) -> str:
    """Sanitize feed HTML with the allowlist; relative links and images become absolute.

    `base_url` is the entry's xml:base when the feed has one, else the feed's URL; if it is not an
    absolute http(s) URL, relative URLs are dropped rather than guessed.
    """
    if not value or value.isspace():
        return ""
    if too_deep(value):
        log.info("HTML nested more than %d deep: kept as text", MAX_NESTING)
        return text_to_html(_text_without_tags(value))
    base = base_url if is_http_url(base_url) else ""
    return _cleaner(base).clean(strip_control_chars(value)).strip()


def too_deep(value: str, limit: int = MAX_NESTING) -> bool:
    """True when elements in `value` nest more than `limit` deep (counted from the tags alone)."""
    if value.count("<") <= limit:  # cannot nest that deep: the common case costs one count
        return False
    return nesting_exceeds(
        (
            bool(match.group(1))
            for match in _TAG_START.finditer(value)
            if match.group(2).lower() not in _FLAT_ELEMENTS
        ),
        limit,
    )


def nesting_exceeds(end_tags: Iterable[bool], limit: int) -> bool:
    """True when tags, in order (True for an end tag, False for a start tag), nest more than
    `limit` deep. A stray end tag never takes the depth below zero."""
    depth = 0
    for is_end in end_tags:
        if is_end:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def _text_without_tags(value: str) -> str:
    # A regular expression, not a parser: no tree is built, so nothing grows with the depth.
    return html.unescape(_ANY_TAG.sub(" ", value))


@functools.lru_cache(maxsize=64)
def _cleaner(base: str) -> nh3.Cleaner:
    # One cleaner per base URL: a feed has one base (or a few xml:base values), so building the
    # cleaner once and reusing it keeps per-entry work to the sanitizing itself.
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative=("rewrite_with_base", base) if base else "deny",
        # One attribute only: ammonia adds them in hash-map order, which varies between runs.
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    # ammonia already enforces the schemes on href/src; this second look covers `cite` and
    # makes the rule independent of how the URL is spelled (tabs, case, leading spaces).
    if attribute in ("href", "src", "cite"):
        squeezed = value.translate(_URL_IGNORED).lower()
        scheme, colon, _ = squeezed.partition(":")
        if colon and "/" not in scheme and "?" not in scheme and "#" not in scheme:
            if scheme not in ALLOWED_URL_SCHEMES:
                return None
        elif attribute == "cite":
            return None  # cite is not rewritten by ammonia: keep absolute URLs only
    return value


def plain_text(
    value: str | None, max_chars: int = PLAIN_TEXT_MAX_CHARS, *, is_html: bool = True
) -> str:
    """Feed text (titles, names, categories) as plain text.

    Tags are stripped, character references decoded once, whitespace collapsed, and the result
    cut to `max_chars` at a word boundary with an ellipsis. With `is_html=False` the value is
    already text (a feed said so): "<" and "&" in it are kept as the characters they are.
    """
    if not value:
        return ""
    if is_html and too_deep(value):
        value = _text_without_tags(value)
    elif is_html and ("<" in value or "&" in value):
        # nh3 drops every tag (and script/style content) and returns escaped text; unescaping
        # that once decodes the input's own references exactly once.
        value = html.unescape(nh3.clean(value, tags=set()))
    text = _WHITESPACE.sub(" ", strip_control_chars(value)).strip()
    return truncate_text(text, max_chars)


def truncate_text(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters at a word boundary, with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def text_to_html(text: str) -> str:
    """Plain text content (JSON Feed content_text, Atom type="text") as escaped paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", strip_control_chars(text))]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def entry_key(entry_id: str | None, link: str | None, title: str, content: str) -> str:
    """A stable key: the entry's id, else its link, else a hash of its title and content."""
    if entry_id and entry_id.strip():
        return entry_id.strip()
    if link:
        return link
    digest = hashlib.sha256(f"{title}\n{content}".encode("utf-8", "surrogatepass"))
    return "sha256:" + digest.hexdigest()


def unique_entries(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """`entries` without repeated keys; the first occurrence wins (feeds list newest first)."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.key in seen:
            log.debug("dropping duplicate entry %s", entry.key)
            continue
        seen.add(entry.key)
        unique.append(entry)
    return unique

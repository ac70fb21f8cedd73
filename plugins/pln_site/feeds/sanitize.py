"""Turn hostile feed HTML into safe HTML, and give entries stable keys.

Everything a feed says is untrusted. HTML goes through nh3 (the Rust ammonia sanitizer) with an
explicit allowlist; anything not on it is dropped. Titles, names and categories become plain text
through pln_site.text, which the templates escape like any other string.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import logging
import re

import nh3

from pln_site.entries import ParsedEntry
from pln_site.text import (
    costly_markup,
    strip_control_chars,
    text_without_tags,
    with_short_text_nodes,
)
from pln_site.urls import is_http_url, same_url_key

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
#: no class (but ALLOWED_CLASSES) or style (the site's CSS decides the look), no event handlers.
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

#: The one class kept: a link marked as the post's copy on another site (microformats'
#: `u-syndication`, also written `rel="syndication"`), by which the reading pages show a post
#: cross-posted to several of a member's feeds once (site/reading/crossposts.py). The site's
#: CSS gives it no look.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {"a": frozenset({"u-syndication"})}
SYNDICATION_CLASS = "u-syndication"

# An <a> start tag whose rel names "syndication". The rel itself goes (LINK_REL replaces
# every rel), so the mark is kept as the class, put first: of two class attributes, the
# first counts.
_REL_SYNDICATION = re.compile(
    r"<a(?=\s(?:[^<>]*?\s)?rel\s*=\s*[\"']?[^\"'<>]*?\bsyndication\b)", re.IGNORECASE
)

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

# Browsers ignore these inside URLs, so "java\tscript:" is "javascript:".
_URL_IGNORED = dict.fromkeys([*range(0, 33), 127])


def clean_html(value: str, base_url: str, page_url: str | None = None) -> str:
    """Sanitize feed HTML with the allowlist; relative links and images become absolute.

    `base_url` is what relative URLs resolve against (see feeds/parse/feed.py `_base_url`); if
    it is not an absolute http(s) URL, relative URLs are dropped rather than guessed. A link to a
    fragment alone ("#notes") points into the post: `page_url`, the entry's own page, with that
    fragment; without a page it is dropped, as it would point into the feed file.
    """
    if not value or value.isspace():
        return ""
    if problem := costly_markup(value):
        # Parsing it would cost more than its length warrants (see pln_site.text).
        log.info("HTML %s: kept as text", problem)
        return text_to_html(text_without_tags(value))
    base = base_url if is_http_url(base_url) else ""
    page = page_url.partition("#")[0] if is_http_url(page_url) and "#" in value else ""
    if "syndication" in value.lower():
        value = _REL_SYNDICATION.sub(f'<a class="{SYNDICATION_CLASS}"', value)
    # Again on the way out: nh3 decodes references such as &#x1; into the characters they name.
    cleaned = _cleaner(base, page).clean(with_short_text_nodes(strip_control_chars(value)))
    return strip_control_chars(cleaned).strip()


@functools.lru_cache(maxsize=64)
def _cleaner(base: str, page: str) -> nh3.Cleaner:
    # One cleaner per base URL: a feed has one base (or a few xml:base values), so building the
    # cleaner once and reusing it keeps per-entry work to the sanitizing itself. Only HTML with
    # a "#" in it needs one per page (for its fragment links).
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=functools.partial(_filter_attribute, page),
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative=("rewrite_with_base", base) if base else "deny",
        # One attribute only: ammonia adds them in hash-map order, which varies between runs.
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def _filter_attribute(page: str, element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":  # ALLOWED_CLASSES alone would leave class="" on other links
        return SYNDICATION_CLASS if SYNDICATION_CLASS in value.split() else None
    # ammonia already enforces the schemes on href/src; this second look covers `cite` and
    # makes the rule independent of how the URL is spelled (tabs, case, leading spaces).
    # It runs before ammonia resolves relative URLs, so a fragment is still seen as one here.
    if attribute == "href" and value.strip().startswith("#"):
        return page + value.strip() if page else None
    if attribute in ("href", "src", "cite"):
        squeezed = value.translate(_URL_IGNORED).lower()
        scheme, colon, _ = squeezed.partition(":")
        if colon and "/" not in scheme and "?" not in scheme and "#" not in scheme:
            if scheme not in ALLOWED_URL_SCHEMES:
                return None
        elif attribute == "cite":
            return None  # cite is not rewritten by ammonia: keep absolute URLs only
    return value


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
    """`entries` each once, with keys that tell posts apart.

    A key repeated by the same post (the same link, or no link and the same content) is a
    duplicate: the first occurrence wins (feeds list newest first). Posts that share a key but
    not a link or content (old hand-written feeds give every item one guid) are different posts:
    each gets a key of its own, the shared key and its link (else a hash of its content), which
    stays the same from fetch to fetch whatever their order.
    """
    identities: dict[str, set[str]] = {}
    for entry in entries:
        identities.setdefault(entry.key, set()).add(_identity(entry))
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if len(identities[entry.key]) > 1:
            entry = dataclasses.replace(entry, key=f"{entry.key} {_identity(entry)}")
        if entry.key in seen:
            log.debug("dropping duplicate entry %s", entry.key)
            continue
        seen.add(entry.key)
        unique.append(entry)
    return unique


def _identity(entry: ParsedEntry) -> str:
    """What makes an entry the post it is, among entries that share a key."""
    if entry.link:
        return same_url_key(entry.link)  # the one rule of when two links are one page
    return entry_key(None, None, "", entry.content_html)  # a title may change; text says more

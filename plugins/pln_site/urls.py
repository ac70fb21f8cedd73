"""URLs, one rule each: what counts as an http(s) URL, resolving one against a base, when two
URLs are the same page or feed, and a site path made absolute on SITEURL."""

from __future__ import annotations

import functools
import re
import string
from typing import TypeGuard
from urllib.parse import unquote_plus, urljoin, urlsplit

from pln_site.xmltext import NONCHARACTER_SUSPECTS, is_noncharacter

DEFAULT_PORTS = {"http": 80, "https": 443}

# Characters no URL holds as they are: every control character (tab and newlines included:
# urlsplit drops those silently, but the string still holds them), lone surrogates and
# noncharacters (no XML file can carry them), and the bidirectional formatting characters,
# which RFC 3987 forbids in IRIs (they make a link read as another one).
_NOT_IN_URL = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069"
    f"{NONCHARACTER_SUSPECTS}]"
)
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_PERCENT_ESCAPE = re.compile("%([0-9A-Fa-f]{2})")
_SLASHES = re.compile("/{2,}")


def forbidden_url_character(url: str) -> str | None:
    """The first character in `url` that no URL may hold as it is (see _NOT_IN_URL), or None."""
    for match in _NOT_IN_URL.finditer(url):
        char = match.group()
        if ord(char) <= 0xFFFF or is_noncharacter(char):  # past U+1FFFE: only noncharacters
            return char
    return None


def is_http_url(url: str | None) -> TypeGuard[str]:
    """True for an absolute http(s) URL with a host, and no control character, noncharacter or
    bidirectional formatting character in it."""
    if not url or forbidden_url_character(url):
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
    if not value or forbidden_url_character(value):  # before urljoin: it drops tabs, newlines
        return None
    try:
        url = urljoin(base, value) if base else value
    except ValueError:
        return None
    return url if is_http_url(url) else None


@functools.lru_cache(maxsize=1 << 16)  # asked of every entry's links in every build
def same_url_key(url: str) -> str:
    """The key under which two URLs are the same page or feed, for every "is this one already
    here?" question (duplicate feeds, known sites, a shared entry's link).

    What does not matter: the scheme; the host's case, a leading "www.", a trailing dot and
    its spelling (Unicode or punycode); the default port; the fragment, and a "?" with no
    query; how an unreserved character is written ("%7E" is "~", RFC 3986 §6.2.2.2) and the
    case of other percent escapes; doubled slashes, "." and ".." segments, and a trailing slash
    in the path. The path and the query do matter.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed "[" of an IPv6 host: only equal to itself
        return url.strip()
    host = _host_key(parts.hostname or "")
    port: int | str | None
    try:
        port = parts.port
    except ValueError:  # not a number: keep it as written, so it differs from any real port
        port = parts.netloc.rpartition(":")[2]
    shown_port = f":{port}" if port and port != DEFAULT_PORTS.get(parts.scheme.lower()) else ""
    path = _without_dot_segments(_SLASHES.sub("/", _percent_key(parts.path)))
    query = f"?{_percent_key(parts.query)}" if parts.query else ""
    return f"{host}{shown_port}{path.rstrip('/')}{query}"


# Query parameters that say who sent a reader, never which page: a link shared from a
# newsletter, a social site or an ad is the same page as the bare one.
_TRACKING_PREFIXES = ("utm_", "mtm_", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "twclid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "source",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "_ga",
        "_gl",
        "si",
        "s_cid",
        "cmpid",
        "spm",
    }
)


def cited_page_key(url: str) -> str:
    """The key under which two links cite the same page: same_url_key, once the tracking
    parameters are out of the query (without_tracking)."""
    return same_url_key(without_tracking(url))


def without_tracking(url: str) -> str:
    """`url` without the query parameters that say who sent a reader (utm_*, fbclid, gclid,
    mc_cid, ref...): the page a link cites, as a reader would share it."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if not parts.query:
        return url
    # Each parameter kept as it was written, so that the rest of the query keeps its spelling.
    kept = [
        part
        for part in parts.query.split("&")
        if part and not _is_tracking(unquote_plus(part.partition("=")[0]))
    ]
    return parts._replace(query="&".join(kept)).geturl()


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _host_key(hostname: str) -> str:
    host = _percent_key(hostname).lower().rstrip(".").removeprefix("www.")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can spell: keep it as written
        return host


def _percent_key(text: str) -> str:
    """Unreserved characters decoded, every other escape in capitals (RFC 3986 §6.2.2)."""
    if "%" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _PERCENT_ESCAPE.sub(one, text)


def _without_dot_segments(path: str) -> str:
    """`path` with "." and ".." segments resolved (RFC 3986 §5.2.4)."""
    if "." not in path:
        return path
    kept: list[str] = []
    segments = path.split("/")
    for segment in segments:
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")  # "/a/." is the folder "/a/"
    return "/".join(kept)


def site_absolute(siteurl: str | None, path: str) -> str | None:
    """`path` (a site URL such as "reading/") on the published site when SITEURL is absolute,
    else None: development builds have no address to make it absolute on."""
    site = str(siteurl or "")
    if not site.startswith(("http://", "https://")):
        return None
    return f"{site.rstrip('/')}/{path}"


@functools.lru_cache(maxsize=1 << 16)
def site_host(url: str | None) -> str | None:
    """The host that says whose site a URL is on: lower case, without "www." or the port.
    A tag: URI (tag:alice.example,2024:post) names its host too."""
    if not url:
        return None
    text = url.strip()
    if text[:4].lower() == "tag:":
        authority = text[4:].partition(",")[0].rpartition("@")[2]
        return authority.lower().removeprefix("www.") or None
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None

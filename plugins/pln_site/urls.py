"""URLs, one rule each: what counts as an http(s) URL, resolving one against a base, when two
URLs are the same page or feed, and a site path made absolute on SITEURL."""

from __future__ import annotations

from typing import TypeGuard
from urllib.parse import urljoin, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(url: str | None) -> TypeGuard[str]:
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


def same_url_key(url: str) -> str:
    """The key under which two URLs are the same page or feed, for every "is this one already
    here?" question (duplicate feeds, known sites, a shared entry's link).

    The scheme, the host's case, a leading "www.", the default port, a trailing slash and the
    fragment do not matter; the path and the query do.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port: int | str | None
    try:
        port = parts.port
    except ValueError:  # not a number: keep it as written, so it differs from any real port
        port = parts.netloc.rpartition(":")[2]
    shown_port = f":{port}" if port and port != DEFAULT_PORTS.get(parts.scheme.lower()) else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{shown_port}{parts.path.rstrip('/')}{query}"


def site_absolute(siteurl: str | None, path: str) -> str | None:
    """`path` (a site URL such as "reading/") on the published site when SITEURL is absolute,
    else None: development builds have no address to make it absolute on."""
    site = str(siteurl or "")
    if not site.startswith(("http://", "https://")):
        return None
    return f"{site.rstrip('/')}/{path}"

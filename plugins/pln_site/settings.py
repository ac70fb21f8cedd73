"""The planet plugin's settings and their defaults: flat PLANET_* names, Pelican style."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

PROJECT_AGENT = "pln-site/0.1"

DEFAULTS: dict[str, Any] = {
    # The SQLite store that `invoke fetch` fills and the build reads (relative to the working
    # folder, which is the project's root for every task).
    "PLANET_STORE_PATH": "cache/planet.sqlite3",
    # Private, loopback, link-local... addresses are refused so that a member file cannot point
    # the fetcher at the owner's own network. The demo and the tests switch this on.
    "PLANET_ALLOW_PRIVATE_ADDRESSES": False,
    # host -> "ip:port", like curl --resolve: connections for that host go to that address.
    "PLANET_RESOLVE": {},
    # Feeds fetched at once. Waiting is cheap (one event loop); 100 keeps 500 feeds to five round
    # trips, and beyond it opening more connections costs more CPU than the waits it saves.
    "PLANET_CONCURRENCY": 100,
    "PLANET_CONNECT_TIMEOUT": 10,
    "PLANET_TIMEOUT": 30,  # total per feed, seconds, redirects and body included
    "PLANET_MAX_REDIRECTS": 5,
    "PLANET_MAX_BYTES": 5 * 1024 * 1024,  # of the decompressed body
    "PLANET_USER_AGENT": None,  # None: "pln-site/0.1 (+SITEURL)"
    "PLANET_MAX_ENTRIES_PER_FEED": 50,
    "PLANET_MAX_AGE_DAYS": 365,  # 0 keeps entries of any age
    # The river pages and its feeds.
    "PLANET_INDEX_URL": "reading/",
    "PLANET_INDEX_SAVE_AS": "reading/index.html",
    "PLANET_PAGE_URL": "reading/page/{number}/",
    "PLANET_PAGE_SAVE_AS": "reading/page/{number}/index.html",
    "PLANET_PER_PAGE": 30,
    # The newest reading pages whose posts are searchable by their text (20 pages: the newest
    # 600 posts); on older pages only titles and authors are. None: every page by its text.
    # The text of 20,000 posts made search indexing most of a large site's build time, and
    # more than half its memory (bench/).
    "PLANET_SEARCH_TEXT_PAGES": 20,
    "PLANET_FULL_CONTENT": False,
    "PLANET_EXCERPT_LENGTH": 400,
    "PLANET_TOPIC_URL": "reading/topics/{slug}/",
    "PLANET_TOPIC_SAVE_AS": "reading/topics/{slug}/index.html",
    "PLANET_ATOM_URL": "reading/atom.xml",
    "PLANET_ATOM_SAVE_AS": "reading/atom.xml",
    "PLANET_RSS_URL": "reading/rss.xml",
    "PLANET_RSS_SAVE_AS": "reading/rss.xml",
    "PLANET_JSON_URL": "reading/feed.json",
    "PLANET_JSON_SAVE_AS": "reading/feed.json",
    "PLANET_TOPIC_ATOM_URL": "reading/topics/{slug}/atom.xml",
    "PLANET_TOPIC_ATOM_SAVE_AS": "reading/topics/{slug}/atom.xml",
}


def apply_defaults(pelican: Any) -> None:
    """Fill in every PLANET_* setting the site did not set (the `initialized` signal)."""
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)


def with_defaults(settings: dict) -> dict:
    """A copy of `settings` with every missing PLANET_* default filled in.

    The fetch and status commands read settings without starting Pelican, so the `initialized`
    signal never fires for them.
    """
    merged = dict(settings)
    for name, value in DEFAULTS.items():
        merged.setdefault(name, value)
    return merged


def user_agent(settings: dict) -> str:
    """The User-Agent header: names the project and, when known, the site that fetches."""
    if settings.get("PLANET_USER_AGENT"):
        return str(settings["PLANET_USER_AGENT"])
    site = str(settings.get("SITEURL") or "").strip()
    return (
        f"{PROJECT_AGENT} (+{site})" if site.startswith(("http://", "https://")) else PROJECT_AGENT
    )


def store_path(settings: dict) -> Path:
    return Path(settings.get("PLANET_STORE_PATH") or DEFAULTS["PLANET_STORE_PATH"])


def parse_resolve_target(value: str) -> tuple[str, int | None]:
    """Split "ip:port", "[v6]:port" or a bare "ip" into (ip, port); raises ValueError."""
    text = str(value).strip()
    port: int | None = None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"{value!r} is not ip:port")
            port = int(rest[1:])
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = int(port_text)
    else:
        host = text
    ipaddress.ip_address(host)  # a name here would skip the address check: refuse it
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range")
    return host, port


def validate(settings: dict) -> list[str]:
    """Every problem with the PLANET_* fetch settings, in words; empty when all is well."""
    problems = []
    positive = (
        "PLANET_CONCURRENCY",
        "PLANET_CONNECT_TIMEOUT",
        "PLANET_TIMEOUT",
        "PLANET_MAX_BYTES",
        "PLANET_MAX_ENTRIES_PER_FEED",
    )
    for name in positive:
        value = settings.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            problems.append(f"{name} must be a positive number, not {value!r}")
    for name in ("PLANET_MAX_REDIRECTS", "PLANET_MAX_AGE_DAYS"):
        value = settings.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{name} must be a whole number, 0 or more, not {value!r}")
    resolve = settings.get("PLANET_RESOLVE")
    if not isinstance(resolve, dict):
        problems.append(f"PLANET_RESOLVE must be a dict of host -> 'ip:port', not {resolve!r}")
    else:
        for host, target in resolve.items():
            try:
                parse_resolve_target(target)
            except (ValueError, TypeError):
                problems.append(
                    f"PLANET_RESOLVE[{host!r}] = {target!r} is not 'ip:port' "
                    "(hint: '127.0.0.1:8000')"
                )
    return problems

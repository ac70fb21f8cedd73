"""Every setting of the pln_site plugins with its default, in one table; one way to fill them in
(`fill_defaults`, `with_defaults`) and one check (`validate`).

Flat UPPER_CASE names, Pelican style: NETWORK_* for the directory, PLANET_* for the reading feed
(its fetch and its pages), SEARCH_* for search, BUILD_* for the build cache. The Pelican plugins
fill in their own part when Pelican starts (the `initialized` signal); commands and the engine,
which read settings without Pelican, take every part. No Pelican here: the engine imports it.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pln_site.errors import SiteError

PROJECT_AGENT = "pln-site/0.1"

# The plugins, as PLUGINS names them.
NETWORK = "pln_site.site.network"
READING = "pln_site.site.reading"
SEARCH = "pln_site.site.search"
BUILDCACHE = "pln_site.site.buildcache"

# plugin -> setting -> default.
DEFAULTS_BY_PLUGIN: dict[str, dict[str, Any]] = {
    READING: {
        # The SQLite store that `invoke fetch` fills and the build reads (relative to the
        # working folder, which is the project's root for every task).
        "PLANET_STORE_PATH": "cache/planet.sqlite3",
        # -- what `invoke fetch` reads (FETCH_SETTINGS) --
        # Private, loopback, link-local... addresses are refused so that a member file cannot
        # point the fetcher at the owner's own network. The demo and the tests switch this on.
        "PLANET_ALLOW_PRIVATE_ADDRESSES": False,
        # host -> "ip:port", like curl --resolve: connections for that host go to that address.
        "PLANET_RESOLVE": {},
        # Feeds fetched at once. Waiting is cheap (one event loop); 100 keeps 500 feeds to five
        # round trips, and beyond it opening more connections costs more CPU than the waits
        # it saves.
        "PLANET_CONCURRENCY": 100,
        "PLANET_CONNECT_TIMEOUT": 10,
        "PLANET_TIMEOUT": 30,  # total per feed, seconds, redirects and body included
        # Seconds one feed's parse and clean may take: a 5 MiB feed of dense markup takes ~10 s
        # on a busy machine; one that takes longer fails alone, with its last entries kept.
        "PLANET_PARSE_TIMEOUT": 20,
        "PLANET_MAX_REDIRECTS": 5,
        "PLANET_MAX_BYTES": 5 * 1024 * 1024,  # of the decompressed body
        "PLANET_USER_AGENT": None,  # None: "pln-site/0.1 (+SITEURL)"
        "PLANET_MAX_ENTRIES_PER_FEED": 50,
        "PLANET_MAX_AGE_DAYS": 365,  # 0 keeps entries of any age
        # The pictures of entries, brought home at fetch time (the pages ask no third party
        # for anything): at most this many per entry, from the newest entries, this many in
        # all per run, each at most this many bytes and pixels, made at most this wide.
        "PLANET_IMAGES": True,
        "PLANET_IMAGES_PATH": None,  # None: an "images" folder beside the store
        "PLANET_IMAGES_PER_ENTRY": 3,
        "PLANET_IMAGES_PER_RUN": 300,
        "PLANET_IMAGE_MAX_BYTES": 5 * 1024 * 1024,
        "PLANET_IMAGE_MAX_PIXELS": 40_000_000,
        "PLANET_IMAGE_WIDTH": 800,
        # -- Webmentions from the owner's posts to the members' pages (`invoke webmentions`,
        # and `invoke publish` after an upload); through the same fetcher and its limits --
        # Off unless chosen: sending tells other sites about the owner's posts.
        "WEBMENTION_SEND": False,
        "WEBMENTION_MAX_PER_RUN": 20,  # sent (or tried) at most per run; the rest wait
        # -- the reading pages and their feeds --
        "PLANET_INDEX_URL": "reading/",
        "PLANET_INDEX_SAVE_AS": "reading/index.html",
        "PLANET_PAGE_URL": "reading/page/{number}/",
        "PLANET_PAGE_SAVE_AS": "reading/page/{number}/index.html",
        "PLANET_PER_PAGE": 30,
        # The newest reading pages whose posts are searchable by their text (20 pages: the
        # newest 600 posts); on older pages only titles and authors are. None: every page by
        # its text. The text of 20,000 posts made search indexing most of a large site's build
        # time, and more than half its memory (bench/).
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
        "PLANET_FEED_MAX_ITEMS": 50,  # the newest entries each output feed carries
        # Entries of one member, at most, on the river's first page, on a topic's page and in
        # each output feed (0: no cap), so that one member's burst cannot fill them. Page 1's
        # leftovers lead page 2.
        "PLANET_MAX_PER_MEMBER": 5,
        # Hot links: pages that at least PLANET_HOT_MIN_MEMBERS members' shown posts of the
        # last PLANET_HOT_DAYS days cite (site/reading/hotlinks.py); the river's first page
        # shows the first PLANET_HOT_ON_RIVER of them (0: none).
        "PLANET_HOT_DAYS": 7,
        "PLANET_HOT_MIN_MEMBERS": 2,
        "PLANET_HOT_ON_RIVER": 5,
        "PLANET_LINKS_URL": "reading/links/",
        "PLANET_LINKS_SAVE_AS": "reading/links/index.html",
        "PLANET_LINKS_ATOM_URL": "reading/links/atom.xml",
        "PLANET_LINKS_ATOM_SAVE_AS": "reading/links/atom.xml",
    },
    NETWORK: {
        # Where the member files and their avatars live, under PATH.
        "NETWORK_PATH": "network",
        "NETWORK_AVATARS_PATH": "images/avatars",
        # `invoke suggest`: how many recommended people's homepages and feeds are read per run
        # (the best ranked by recommendations first); the rest are ranked on the members' word.
        "NETWORK_SUGGEST_LOOKUPS": 20,
        # The directory, sorted by name.
        "NETWORK_INDEX_URL": "network/",
        "NETWORK_INDEX_SAVE_AS": "network/index.html",
        # The directory in the other orders ({order}: "newest", "oldest"), so sorting works
        # without JavaScript.
        "NETWORK_SORTED_URL": "network/by/{order}/",
        "NETWORK_SORTED_SAVE_AS": "network/by/{order}/index.html",
        "NETWORK_MEMBER_URL": "network/{id}/",
        "NETWORK_MEMBER_SAVE_AS": "network/{id}/index.html",
        "NETWORK_TOPICS_URL": "network/topics/",
        "NETWORK_TOPICS_SAVE_AS": "network/topics/index.html",
        "NETWORK_TOPIC_URL": "network/topics/{slug}/",
        "NETWORK_TOPIC_SAVE_AS": "network/topics/{slug}/index.html",
        "NETWORK_STATS_URL": "network/stats/",
        "NETWORK_STATS_SAVE_AS": "network/stats/index.html",
        # A picture of who works on what: members linked to their topics (empty SAVE_AS: no
        # page).
        "NETWORK_GRAPH_URL": "network/graph/",
        "NETWORK_GRAPH_SAVE_AS": "network/graph/index.html",
        # The blogroll (OPML 2.0): every listed member's feeds, with `why` and `since`.
        "NETWORK_OPML_URL": "network/blogroll.opml",
        "NETWORK_OPML_SAVE_AS": "network/blogroll.opml",
        # The blogroll of one topic's members, linked from the topic's page.
        "NETWORK_TOPIC_OPML_URL": "network/topics/{slug}/blogroll.opml",
        "NETWORK_TOPIC_OPML_SAVE_AS": "network/topics/{slug}/blogroll.opml",
        # The well-known recommendations that Micro.blog (OPML) and Ghost (JSON) read.
        "NETWORK_RECOMMENDATIONS_OPML_URL": ".well-known/recommendations.opml",
        "NETWORK_RECOMMENDATIONS_OPML_SAVE_AS": ".well-known/recommendations.opml",
        "NETWORK_RECOMMENDATIONS_JSON_URL": ".well-known/recommendations.json",
        "NETWORK_RECOMMENDATIONS_JSON_SAVE_AS": ".well-known/recommendations.json",
        "NETWORK_JSON_URL": "network/members.json",
        "NETWORK_JSON_SAVE_AS": "network/members.json",
        # New in my network: the newest additions (by `since`) on the directory, and as Atom.
        "NETWORK_NEW_COUNT": 5,
        "NETWORK_NEW_ATOM_URL": "network/new.atom.xml",
        "NETWORK_NEW_ATOM_SAVE_AS": "network/new.atom.xml",
        # The small script that filters and sorts the directory in place (the pages work
        # without it).
        "NETWORK_SCRIPT_URL": "network/network.js",
        "NETWORK_SCRIPT_SAVE_AS": "network/network.js",
        # XFN rel values (friend, met, co-worker...) say something about people: off unless
        # chosen.
        "NETWORK_PUBLISH_RELATIONS": False,
        # A member whose last post is older than this many days is shown as "quiet".
        "NETWORK_QUIET_DAYS": 180,
    },
    SEARCH: {
        # False: no index, no search page, no search box (the build then needs no Pagefind).
        "SEARCH_ENABLED": True,
        # The results page; the search box on every page sends its query here as ?q=...
        "SEARCH_URL": "search/",
        "SEARCH_SAVE_AS": "search/index.html",
        # The small script that asks the index and shows the results.
        "SEARCH_SCRIPT_URL": "search/search.js",
        "SEARCH_SCRIPT_SAVE_AS": "search/search.js",
        # Where Pagefind writes its index and its own script, under OUTPUT_PATH.
        "SEARCH_BUNDLE_DIR": "pagefind",
        # The pagefind program: None finds it in the pagefind-bin package, then on PATH.
        "SEARCH_PAGEFIND_BINARY": None,
        # True: Pagefind runs as Pelican finishes (plain `pelican`, `invoke regenerate`).
        # `invoke build` sets it False and indexes once Pelican's process has exited, so that
        # the indexer and the build never hold their memory at the same time.
        "SEARCH_INDEX_IN_PELICAN": True,
    },
    BUILDCACHE: {
        # False: render every page every time, even when nothing changed since the last build.
        "BUILD_REUSE_PAGES": True,
    },
}

# Every setting -> its default.
DEFAULTS: dict[str, Any] = {
    name: value for defaults in DEFAULTS_BY_PLUGIN.values() for name, value in defaults.items()
}

# The settings only the commands that go on the web read (`invoke fetch`, `webmentions`, `suggest`):
# a build, which never does, does not check them.
FETCH_SETTINGS = frozenset(
    {
        "PLANET_ALLOW_PRIVATE_ADDRESSES",
        "PLANET_RESOLVE",
        "PLANET_CONCURRENCY",
        "PLANET_CONNECT_TIMEOUT",
        "PLANET_TIMEOUT",
        "PLANET_PARSE_TIMEOUT",
        "PLANET_MAX_REDIRECTS",
        "PLANET_MAX_BYTES",
        "PLANET_USER_AGENT",
        "PLANET_MAX_ENTRIES_PER_FEED",
        "PLANET_MAX_AGE_DAYS",
        "PLANET_IMAGES_PER_ENTRY",
        "PLANET_IMAGES_PER_RUN",
        "PLANET_IMAGE_MAX_BYTES",
        "PLANET_IMAGE_MAX_PIXELS",
        "PLANET_IMAGE_WIDTH",
        "WEBMENTION_SEND",
        "WEBMENTION_MAX_PER_RUN",
        "NETWORK_SUGGEST_LOOKUPS",
    }
)


class SettingsInvalid(SiteError):
    """Settings a build cannot use; the message lists every problem."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The site's settings have problems:\n" + "\n".join(problems))


def fill_defaults(settings: dict[str, Any], plugins: Iterable[str] | None = None) -> dict[str, Any]:
    """Fill in, in `settings` itself, every setting of `plugins` (dotted names, as PLUGINS
    lists them; None: every plugin) that the site did not set. Returns `settings`.

    With SEARCH_ENABLED off, the search URLs are emptied so that templates show no search box.
    """
    chosen = list(DEFAULTS_BY_PLUGIN) if plugins is None else list(plugins)
    for plugin in chosen:
        for name, value in DEFAULTS_BY_PLUGIN.get(plugin, {}).items():
            if name not in settings:
                settings[name] = copy.deepcopy(value)  # a site's PLANET_RESOLVE is its own
    if SEARCH in chosen and not settings["SEARCH_ENABLED"]:
        settings["SEARCH_URL"] = ""
        settings["SEARCH_SAVE_AS"] = ""
    return settings


def with_defaults(
    settings: Mapping[str, Any], plugins: Iterable[str] | None = None
) -> dict[str, Any]:
    """A copy of `settings` with `fill_defaults` applied (None: every plugin's defaults).

    For what reads settings without Pelican (commands, the fetcher), where the `initialized`
    signal never fires.
    """
    return fill_defaults(dict(settings), plugins)


def user_agent(settings: Mapping[str, Any]) -> str:
    """The User-Agent header: names the project and, when known, the site that fetches."""
    if settings.get("PLANET_USER_AGENT"):
        return str(settings["PLANET_USER_AGENT"])
    site = str(settings.get("SITEURL") or "").strip()
    return (
        f"{PROJECT_AGENT} (+{site})" if site.startswith(("http://", "https://")) else PROJECT_AGENT
    )


def store_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings.get("PLANET_STORE_PATH") or DEFAULTS["PLANET_STORE_PATH"])


def images_path(settings: Mapping[str, Any], store_file: Path | None = None) -> Path:
    """The folder of entries' pictures brought home by `invoke fetch` (see feeds/images.py):
    PLANET_IMAGES_PATH, else an "images" folder beside the store (`store_file`, else the
    store that the settings name)."""
    if settings.get("PLANET_IMAGES_PATH"):
        return Path(settings["PLANET_IMAGES_PATH"])
    return (store_file or store_path(settings)).parent / "images"


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


# -- checks ------------------------------------------------------------------------------------

Check = Callable[[str, Any], list[str]]  # (name, value) -> the problems, in words


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _positive_number(name: str, value: Any) -> list[str]:
    if _is_number(value) and value > 0:
        return []
    return [f"{name} must be a positive number, not {value!r}"]


def _whole_number(name: str, value: Any) -> list[str]:
    if not isinstance(value, bool) and isinstance(value, int) and value >= 0:
        return []
    return [f"{name} must be a whole number, 0 or more, not {value!r}"]


def _positive_whole_number(name: str, value: Any) -> list[str]:
    if not isinstance(value, bool) and isinstance(value, int) and value > 0:
        return []
    return [f"{name} must be a whole number, 1 or more, not {value!r}"]


def _whole_number_or_none(name: str, value: Any) -> list[str]:
    if value is None or not _whole_number(name, value):
        return []
    return [f"{name} must be a whole number, 0 or more, or None, not {value!r}"]


def _boolean(name: str, value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"{name} must be True or False, not {value!r}"]


def _resolve_map(name: str, value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"{name} must be a dict of host -> 'ip:port', not {value!r}"]
    problems = []
    for host, target in value.items():
        try:
            parse_resolve_target(target)
        except (ValueError, TypeError):
            problems.append(
                f"{name}[{host!r}] = {target!r} is not 'ip:port' (hint: '127.0.0.1:8000')"
            )
    return problems


def _pattern(*fields: str) -> Check:
    """A URL or SAVE_AS pattern: a string that names only `fields` ({id}, {slug}...)."""
    shown = ", ".join(f"{{{field}}}" for field in fields)

    def check(name: str, value: Any) -> list[str]:
        if value is None:  # as Pelican, None or "" turns a page off
            return []
        if not isinstance(value, str):
            return [f"{name} must be a string, not {value!r}"]
        try:
            value.format(**{field: "x" for field in fields})
        except (KeyError, IndexError, ValueError, AttributeError):
            hint = DEFAULTS[name]
            return [f"{name} = {value!r} can only name {shown} (hint: {hint!r})"]
        return []

    return check


# setting -> its check; the fetch checks come first, in the order `invoke fetch` reports them.
CHECKS: dict[str, Check] = {
    "PLANET_CONCURRENCY": _positive_number,
    "PLANET_CONNECT_TIMEOUT": _positive_number,
    "PLANET_TIMEOUT": _positive_number,
    "PLANET_PARSE_TIMEOUT": _positive_number,
    "PLANET_MAX_BYTES": _positive_number,
    "PLANET_IMAGES_PER_ENTRY": _positive_whole_number,
    "PLANET_IMAGES_PER_RUN": _positive_whole_number,
    "PLANET_IMAGE_MAX_BYTES": _positive_whole_number,
    "PLANET_IMAGE_MAX_PIXELS": _positive_whole_number,
    "PLANET_IMAGE_WIDTH": _positive_whole_number,
    "PLANET_MAX_ENTRIES_PER_FEED": _positive_number,
    "PLANET_MAX_REDIRECTS": _whole_number,
    "PLANET_MAX_AGE_DAYS": _whole_number,
    "PLANET_RESOLVE": _resolve_map,
    "WEBMENTION_SEND": _boolean,
    "WEBMENTION_MAX_PER_RUN": _positive_whole_number,
    "NETWORK_SUGGEST_LOOKUPS": _whole_number,
    "PLANET_PER_PAGE": _positive_whole_number,
    "PLANET_EXCERPT_LENGTH": _whole_number,
    "PLANET_FEED_MAX_ITEMS": _whole_number,
    "PLANET_MAX_PER_MEMBER": _whole_number,
    "PLANET_SEARCH_TEXT_PAGES": _whole_number_or_none,
    "PLANET_HOT_DAYS": _positive_whole_number,
    "PLANET_HOT_MIN_MEMBERS": _positive_whole_number,
    "PLANET_HOT_ON_RIVER": _whole_number,
    "PLANET_PAGE_URL": _pattern("number"),
    "PLANET_PAGE_SAVE_AS": _pattern("number"),
    "PLANET_TOPIC_URL": _pattern("slug"),
    "PLANET_TOPIC_SAVE_AS": _pattern("slug"),
    "PLANET_TOPIC_ATOM_URL": _pattern("slug"),
    "PLANET_TOPIC_ATOM_SAVE_AS": _pattern("slug"),
    "NETWORK_NEW_COUNT": _whole_number,
    "NETWORK_QUIET_DAYS": _whole_number,
    "NETWORK_SORTED_URL": _pattern("order"),
    "NETWORK_SORTED_SAVE_AS": _pattern("order"),
    "NETWORK_MEMBER_URL": _pattern("id"),
    "NETWORK_MEMBER_SAVE_AS": _pattern("id"),
    "NETWORK_TOPIC_URL": _pattern("slug"),
    "NETWORK_TOPIC_SAVE_AS": _pattern("slug"),
    "NETWORK_TOPIC_OPML_URL": _pattern("slug"),
    "NETWORK_TOPIC_OPML_SAVE_AS": _pattern("slug"),
}


def validate(
    settings: Mapping[str, Any], plugins: Iterable[str] | None = None, *, fetch: bool = True
) -> list[str]:
    """Every problem with the settings of `plugins` (None: every plugin), in words; empty when
    all is well. `fetch=False` leaves out the settings only `invoke fetch` reads."""
    chosen = list(DEFAULTS_BY_PLUGIN) if plugins is None else list(plugins)
    names = {name for plugin in chosen for name in DEFAULTS_BY_PLUGIN.get(plugin, {})}
    problems = []
    for name, check in CHECKS.items():
        if name in names and (fetch or name not in FETCH_SETTINGS):
            problems += check(name, settings.get(name))
    return problems

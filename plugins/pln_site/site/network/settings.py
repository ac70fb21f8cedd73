"""The network plugin's settings and their defaults: flat NETWORK_* names, Pelican style."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Where the member files and their avatars live, under PATH.
    "NETWORK_PATH": "network",
    "NETWORK_AVATARS_PATH": "images/avatars",
    # The directory, sorted by name.
    "NETWORK_INDEX_URL": "network/",
    "NETWORK_INDEX_SAVE_AS": "network/index.html",
    # The directory in the other orders ({order}: "newest", "oldest"), so sorting works without
    # JavaScript.
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
    # A picture of who works on what: members linked to their topics (empty SAVE_AS: no page).
    "NETWORK_GRAPH_URL": "network/graph/",
    "NETWORK_GRAPH_SAVE_AS": "network/graph/index.html",
    "NETWORK_OPML_URL": "network/blogroll.opml",
    "NETWORK_OPML_SAVE_AS": "network/blogroll.opml",
    "NETWORK_JSON_URL": "network/members.json",
    "NETWORK_JSON_SAVE_AS": "network/members.json",
    # New in my network: the newest additions (by `since`) on the directory, and as Atom.
    "NETWORK_NEW_COUNT": 5,
    "NETWORK_NEW_ATOM_URL": "network/new.atom.xml",
    "NETWORK_NEW_ATOM_SAVE_AS": "network/new.atom.xml",
    # The small script that filters and sorts the directory in place (the pages work without it).
    "NETWORK_SCRIPT_URL": "network/network.js",
    "NETWORK_SCRIPT_SAVE_AS": "network/network.js",
    # XFN rel values (friend, met, co-worker...) say something about people: off unless chosen.
    "NETWORK_PUBLISH_RELATIONS": False,
    # A member whose last post is older than this many days is shown as "quiet".
    "NETWORK_QUIET_DAYS": 180,
}


def apply_defaults(pelican: Any) -> None:
    """Fill in every NETWORK_* setting the site did not set (the `initialized` signal)."""
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)

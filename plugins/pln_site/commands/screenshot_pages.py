"""The page types of a built site, one example of each: what screenshots and checks look at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pln_site.settings import with_defaults


@dataclass(frozen=True)
class PageType:
    name: str  # "member", used in file names
    path: str  # site-relative URL path, e.g. "network/amara-njoroge/" (may carry a ?query)


def _first_folder(output: Path, pattern: str, skip: tuple[str, ...] = ()) -> str | None:
    """The site path of the first folder (by name) matching `pattern` that has an index.html."""
    for index in sorted(output.glob(f"{pattern}/index.html")):
        folder = index.parent.relative_to(output).as_posix()
        if folder.rsplit("/", 1)[-1] not in skip:
            return folder + "/"
    return None


def _exists(output: Path, url: str | None) -> str | None:
    if url is None:
        return None
    target = output / url / "index.html" if url.endswith("/") or not url else output / url
    return url if target.is_file() else None


def page_types(settings: dict, search_query: str = "open") -> list[PageType]:
    """One page of each type that the built site in OUTPUT_PATH has, in reading order."""
    settings = with_defaults(settings)  # settings read without running Pelican
    output = Path(settings["OUTPUT_PATH"])
    member_skip = ("topics", "stats", "by", "graph")
    candidates = [
        ("home", ""),
        ("post", _first_folder(output, _glob(settings.get("ARTICLE_URL", "")))),
        ("archives", _exists(output, settings.get("ARCHIVES_URL") or "archives/")),
        ("tag", _first_folder(output, _glob(settings.get("TAG_URL", "")))),
        ("about", _exists(output, "about/")),
        ("network", _exists(output, settings.get("NETWORK_INDEX_URL"))),
        (
            "member",
            _first_folder(output, _glob(settings.get("NETWORK_MEMBER_URL", "")), member_skip),
        ),
        ("topic", _first_folder(output, _glob(settings.get("NETWORK_TOPIC_URL", "")))),
        ("stats", _exists(output, settings.get("NETWORK_STATS_URL"))),
        ("graph", _exists(output, settings.get("NETWORK_GRAPH_URL"))),
        ("reading", _exists(output, settings.get("PLANET_INDEX_URL"))),
        ("reading-2", _exists(output, _page_two(settings.get("PLANET_PAGE_URL")))),
        ("search", _exists(output, settings.get("SEARCH_URL"))),
    ]
    found = [PageType(name, path) for name, path in candidates if path is not None]
    return [
        PageType(p.name, f"{p.path}?q={search_query}") if p.name == "search" else p for p in found
    ]


def _glob(url_pattern: str) -> str:
    """ "posts/{slug}/" -> "posts/*" (a pattern of Pelican's URL settings as a glob)."""
    return re.sub(r"\{[^}]*\}", "*", url_pattern).rstrip("/") or "*"


def _page_two(url_pattern: str | None) -> str | None:
    return url_pattern.format(number=2) if url_pattern else None

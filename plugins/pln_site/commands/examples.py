"""The example site that a clone starts as, and how to recognise it: what `invoke init` removes,
and what `invoke fetch` explains when the example members' feeds cannot be reached.

Nothing needs a list of names. The example members live on hosts under `.example`, a name that
is reserved (RFC 2606) and never resolves on the internet, so no real person's file has one; the
example posts and pages say `Example: yes` in their metadata; the demo feeds are the folder that
`invoke demo` serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DEMO_FEEDS_FOLDER = "demo-feeds"  # under PATH: the example members' feeds, by host
EXAMPLE_DOMAIN = "example"  # the reserved top-level domain of every example member's site
MARKER = "example"  # the metadata key of the example posts and pages (`Example: yes`)


def on_example_host(url: str) -> bool:
    """Whether `url` is on a host under `.example`: one of the demo's, reachable only inside
    `invoke demo`."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    return host == EXAMPLE_DOMAIN or host.endswith("." + EXAMPLE_DOMAIN)


@dataclass
class ExampleContent:
    """The example files found in one site's content folder."""

    members: list[Path] = field(default_factory=list)
    avatars: list[Path] = field(default_factory=list)
    posts: list[Path] = field(default_factory=list)  # posts and pages marked `Example: yes`
    demo_feeds: Path | None = None

    def __bool__(self) -> bool:
        return bool(self.members or self.posts or self.demo_feeds)

    def files(self) -> list[Path]:
        return [*self.members, *self.avatars, *self.posts]


def find_example_content(settings: dict) -> ExampleContent:
    content = Path(settings["PATH"])
    network = content / settings["NETWORK_PATH"]
    avatars = content / settings["NETWORK_AVATARS_PATH"]
    members = [path for path in sorted(network.glob("*.yaml")) if _is_example_member(path)]
    ids = {path.stem for path in members}
    return ExampleContent(
        members=members,
        avatars=[p for p in sorted(avatars.glob("*")) if p.is_file() and p.stem in ids],
        posts=[p for p in _markdown_files(content, settings) if _is_marked_example(p)],
        demo_feeds=demo if (demo := content / DEMO_FEEDS_FOLDER).is_dir() else None,
    )


def _is_example_member(path: Path) -> bool:
    """A member file whose `url` is on an `.example` host; a file that cannot be read is the
    owner's to fix, never an example to delete."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return (
        isinstance(data, dict) and isinstance(data.get("url"), str) and on_example_host(data["url"])
    )


def _markdown_files(content: Path, settings: dict) -> Iterable[Path]:
    for folder in [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])]:
        yield from sorted((content / folder).rglob("*.md"))


def _is_marked_example(path: Path) -> bool:
    """Whether the metadata at the top of a Markdown file (lines `Key: value` up to the first
    blank line, as Pelican reads them) says `Example: yes`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    for line in lines:
        if not line.strip():
            return False
        key, _, value = line.partition(":")
        if key.strip().lower() == MARKER:
            return value.strip().lower() in ("yes", "true")
    return False

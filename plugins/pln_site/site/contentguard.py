"""Links in the content folder that lead out of it stop the build before anything is written.

Pelican follows symbolic links when it reads and copies content: a link under `content/images/`
to a file or a folder elsewhere publishes what it points to, for example the checkout's
`.git/config`, where CI keeps its token. The boundary is the content folder (PATH), not the
project's folder: `.git/`, the settings and the cache are inside the project, and none of them
is content. Links that stay inside PATH are allowed, and followed here as Pelican follows them.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pln_site.errors import Location, SiteError
from pln_site.messages import display_path


@dataclass(frozen=True, order=True)
class OutsideLink:
    """A link at `path`, inside the content folder, to `target`, outside it."""

    path: Path
    target: Path

    def __str__(self) -> str:
        return (
            f"{Location(self.path)}: is a link to {display_path(self.target)}, outside the "
            "content folder; the site would publish what it points to"
        )


class LinksLeaveContent(SiteError):
    """Links in the content folder lead out of it; `links` lists every one."""

    def __init__(self, links: Sequence[OutsideLink]) -> None:
        self.links = sorted(links)
        super().__init__(
            "links leave the content folder",
            hint="copy what it points to into the content folder, or remove the link",
            location=Location(self.links[0].path),
        )

    def report(self) -> str:
        count = len(self.links)
        lines = [str(link) for link in self.links]
        lines.append(
            f"{count} link{'s' if count != 1 else ''} leave{'s' if count == 1 else ''} the "
            f"content folder (hint: {self.hint})"
        )
        return "\n".join(lines)


def refuse_outside_links(settings: Mapping[str, Any]) -> None:
    """Raise LinksLeaveContent when a link under PATH resolves outside it. Files and folders
    Pelican never reads (IGNORE_FILES, the output folder) are not looked at."""
    content = Path(settings["PATH"])
    skip = {Path(settings["OUTPUT_PATH"]).resolve()} if settings.get("OUTPUT_PATH") else set()
    links = list(outside_links(content, settings.get("IGNORE_FILES") or [], skip))
    if links:
        raise LinksLeaveContent(links)


def outside_links(
    content: Path, ignores: Sequence[str], skip: Collection[Path] = ()
) -> Iterator[OutsideLink]:
    """Every link under `content` whose target, link after link, is outside it."""
    root = content.resolve()
    pending = [content]
    walked: set[Path] = set()
    while pending:
        folder = pending.pop()
        real = folder.resolve()
        if real in walked or real in skip:
            continue
        walked.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable: Pelican cannot read it either
        for entry in entries:
            if any(fnmatch.fnmatch(entry.name, pattern) for pattern in ignores):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    yield OutsideLink(path, target)
                elif target.is_dir():
                    pending.append(path)  # Pelican follows it: so do we
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path)

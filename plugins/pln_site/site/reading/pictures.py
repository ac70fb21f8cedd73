"""Entries' pictures on the reading pages: the ones `invoke fetch` brought home, never others.

The pages ask no third party for anything. A picture that the fetch kept (feeds/images.py) is
shown from this site, with its width, height and alt text and `loading="lazy"`; any other
`<img>` of an entry (refused, not fetched yet, pictures off) is left out, so a visitor's browser
never asks the picture's host. An excerpt shows the entry's first kept picture beside it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pln_site.feeds.imagefolder import ImageFolder, KeptImage
from pln_site.settings import images_path

PICTURES_FOLDER = "reading/images"  # under OUTPUT_PATH
TAG_WINDOW = 4096  # characters read for one <img> tag: sanitized tags hold a few attributes


@dataclass(frozen=True)
class Picture:
    """A kept picture as a page shows it: `src` is site-relative."""

    src: str
    width: int
    height: int
    alt: str


class _Images(HTMLParser):
    """Where each `<img>` of sanitized HTML starts and ends, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, dict[str, str]]] = []
        # getpos() counts lines by "\n" alone (not by every break that splitlines knows).
        self._line_starts = [0]
        for line in html.split("\n"):
            self._line_starts.append(self._line_starts[-1] + len(line) + 1)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            line, column = self.getpos()
            start = self._line_starts[line - 1] + column
            text = self.get_starttag_text() or ""
            self.found.append((start, start + len(text), {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


class PictureShelf:
    """The pictures the fetch kept, and the ones this build's pages used (to publish)."""

    def __init__(self, folder: ImageFolder | None):
        self.folder = folder
        self.used: dict[str, KeptImage] = {}
        # Every picture looked up, with what was kept of it (None: nothing): what a shaped
        # entry depends on (shapedcache.py). Whoever shapes empties it between members.
        self.asked: dict[str, KeptImage | None] = {}

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> PictureShelf:
        if not settings.get("PLANET_IMAGES", True):
            return cls(None)
        folder = images_path(settings)
        return cls(ImageFolder(folder) if folder.is_dir() else None)

    @property
    def has_pictures(self) -> bool:
        """Whether the fetch kept any picture at all (without any, none is looked up)."""
        return self.folder is not None and bool(self.folder.index)

    def kept(self, url: str) -> KeptImage | None:
        return self.folder.kept(url) if self.folder else None

    def picture(self, url: str, alt: str) -> Picture | None:
        kept = self.asked[url] = self.kept(url)
        if kept is None:
            return None
        self.used[kept.file] = kept
        return Picture(f"{PICTURES_FOLDER}/{kept.file}", kept.width, kept.height, alt.strip())

    def localized(self, html: str, site_url: str) -> str:
        """Sanitized `html` with each kept picture served from this site, the others left out."""
        if "<img" not in html:
            return html
        parts: list[str] = []
        last = 0
        for start, end, attrs in _Images(html).found:
            parts.append(html[last:start])
            last = end
            shown = self.picture(attrs.get("src", ""), attrs.get("alt", ""))
            if shown is not None:
                parts.append(img_tag(shown, site_url))
        parts.append(html[last:])
        return "".join(parts)

    def lead_picture(self, html: str) -> Picture | None:
        """The first kept picture of `html`, to show beside an excerpt. Only the tags that
        start with "<img" are read, not the whole text: a build asks this of every entry."""
        if not self.has_pictures:
            return None
        position = html.find("<img")
        while position != -1:
            found = _Images(html[position : position + TAG_WINDOW]).found
            if found:
                attrs = found[0][2]
                shown = self.picture(attrs.get("src", ""), attrs.get("alt", ""))
                if shown is not None:
                    return shown
            position = html.find("<img", position + 4)
        return None

    def publish(self, output_path: Path) -> list[Path]:
        """Copy the pictures this build's pages show into the output; returns their paths
        there (copied now or by an earlier build)."""
        if not self.used or self.folder is None:
            return []
        target = output_path / PICTURES_FOLDER
        target.mkdir(parents=True, exist_ok=True)
        published = []
        for name in self.used:
            destination = target / name
            source = self.folder.path / name
            if not destination.exists() or destination.stat().st_size != source.stat().st_size:
                shutil.copyfile(source, destination)
            published.append(destination)
        return published


def img_tag(picture: Picture, site_url: str) -> str:
    prefix = f"{site_url.rstrip('/')}/" if site_url else "/"
    return (
        f'<img src="{escape(prefix + picture.src)}" alt="{escape(picture.alt)}" '
        f'width="{picture.width}" height="{picture.height}" loading="lazy" decoding="async">'
    )

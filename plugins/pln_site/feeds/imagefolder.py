"""Pictures of feed entries as kept beside the store: the folder and its index, which the
build reads (with no HTTP client and no image decoder: pln_site.feeds.images brings them home).

The folder holds `<key>.jpg|.png` files and `index.json`:
`{"<key>": {"url": ..., "file": ..., "width": ..., "height": ...}}`, or `{"url": ...,
"refused": "<reason>"}`. The key is a hash of the picture's URL, so a URL never becomes a path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pln_site.files import write_atomically
from pln_site.urls import is_http_url

INDEX_FILE = "index.json"


@dataclass(frozen=True)
class ImageRef:
    """One `<img>` of an entry's (sanitized) HTML."""

    url: str
    alt: str


@dataclass(frozen=True)
class KeptImage:
    """A picture brought home: its file in the images folder and its size in pixels."""

    file: str
    width: int
    height: int


def image_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[ImageRef] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        values = dict(attrs)
        src = values.get("src") or ""
        if is_http_url(src) and all(ref.url != src for ref in self.found):
            self.found.append(ImageRef(src, (values.get("alt") or "").strip()))


def entry_images(html: str) -> list[ImageRef]:
    """The distinct http(s) pictures of `html`, in document order."""
    if "<img" not in html:
        return []
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.found


class ImageFolder:
    """The folder of pictures brought home, and its index (read once, written at the end)."""

    def __init__(self, path: Path):
        self.path = path
        self.index: dict[str, dict[str, Any]] = {}
        try:
            loaded = json.loads((path / INDEX_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if isinstance(loaded, dict):
            self.index = {k: v for k, v in loaded.items() if isinstance(v, dict)}

    def known(self, url: str) -> bool:
        """Whether `url` was fetched before (kept or refused): it is not fetched again."""
        return image_key(url) in self.index

    def kept(self, url: str) -> KeptImage | None:
        record = self.index.get(image_key(url))
        if not record or "file" not in record:
            return None
        name = str(record["file"])
        if "/" in name or "\\" in name or not (self.path / name).is_file():
            return None  # an index edited by hand, or a file removed: the picture is left out
        try:
            return KeptImage(name, int(record["width"]), int(record["height"]))
        except (KeyError, TypeError, ValueError):
            return None

    def keep(self, url: str, body: bytes, suffix: str, size: tuple[int, int]) -> None:
        key = image_key(url)
        name = key + suffix
        self.path.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path / name, body)
        self.index[key] = {"url": url, "file": name, "width": size[0], "height": size[1]}

    def refuse(self, url: str, reason: str) -> None:
        self.index[image_key(url)] = {"url": url, "refused": reason}

    def save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.index, ensure_ascii=False, indent=0, sort_keys=True)
        write_atomically(self.path / INDEX_FILE, text.encode("utf-8"))

"""Pictures of feed entries, fetched once at fetch time and kept beside the store.

The site's pages never ask a third party for anything (the CSP says `img-src 'self'`), so an
entry's pictures are brought home: fetched through the same guarded client as the feeds (the
same address checks, timeouts and a byte cap of their own), decoded within bounds, made at most
PLANET_IMAGE_WIDTH pixels wide and re-encoded from their pixels alone (pln_site.imaging). Each
picture is fetched once: the folder's index remembers what was kept and what was refused (with
the reason), so a refused one is not asked for again on every run. The build publishes the kept
ones and leaves every other picture out of the pages. The folder and its index, which the build
reads, are in pln_site.feeds.imagefolder.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from pln_site.feeds.http.clients import ClientSet
from pln_site.feeds.http.fetch import Conditions, Limits, fetch_feed
from pln_site.feeds.imagefolder import ImageFolder, entry_images
from pln_site.imaging import ImageLimits, ImageRefused, reencoded

log = logging.getLogger(__name__)


@dataclass
class ImageReport:
    kept: int = 0
    refused: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"kept": self.kept, "refused": self.refused}


def image_limits(settings: dict[str, Any]) -> ImageLimits:
    max_pixels = int(settings["PLANET_IMAGE_MAX_PIXELS"])
    return ImageLimits(
        noun="the image",
        max_bytes=int(settings["PLANET_IMAGE_MAX_BYTES"]),
        max_pixels=max_pixels,
        max_decoded_pixels=min(max_pixels, 16_000_000),
        max_side=10_000,
    )


def make_entry_image(
    data: bytes, limits: ImageLimits, max_width: int
) -> tuple[bytes, str, tuple[int, int]]:
    """`data` as a clean picture at most `max_width` wide (never enlarged). Raises ImageRefused."""

    def narrow(image: Image.Image) -> Image.Image:
        if image.width <= max_width:
            return image
        height = max(1, round(image.height * max_width / image.width))
        return image.resize((max_width, height), Image.Resampling.LANCZOS)

    return reencoded(data, limits, narrow, draft=(max_width, max_width * 4))


async def bring_home(
    wanted: Iterable[str],
    folder: ImageFolder,
    http: ClientSet,
    settings: dict[str, Any],
    slots: asyncio.Semaphore,
) -> ImageReport:
    """Fetch each picture in `wanted` not known to `folder`, keep or refuse it, save the index.

    A picture's trouble is recorded as its refusal, never raised: a run of feeds does not fail
    for a picture."""
    report = ImageReport()
    limits = Limits(
        connect_timeout=float(settings["PLANET_CONNECT_TIMEOUT"]),
        timeout=float(settings["PLANET_TIMEOUT"]),
        max_redirects=int(settings["PLANET_MAX_REDIRECTS"]),
        max_bytes=int(settings["PLANET_IMAGE_MAX_BYTES"]),
    )
    decode_limits = image_limits(settings)
    max_width = int(settings["PLANET_IMAGE_WIDTH"])

    async def one(url: str) -> None:
        async with slots, http.borrow() as client:
            result = await fetch_feed(client, url, Conditions(), limits)
        if result.error or not result.body:
            folder.refuse(url, result.error or f"HTTP {result.status} with no picture")
            report.refused += 1
            return
        try:
            # Decoding is CPU work: a thread keeps the event loop answering other sockets.
            body, suffix, size = await asyncio.to_thread(
                make_entry_image, result.body, decode_limits, max_width
            )
        except ImageRefused as refused:
            folder.refuse(url, str(refused))
            report.refused += 1
            return
        folder.keep(url, body, suffix, size)
        report.kept += 1

    todo = [url for url in dict.fromkeys(wanted) if not folder.known(url)]
    await asyncio.gather(*(one(url) for url in todo))
    if todo:
        folder.save()
    if report.refused:
        log.info("images: %d kept, %d refused", report.kept, report.refused)
    return report


def wanted_images(entries_html: Iterable[str], per_entry: int, per_run: int) -> list[str]:
    """The picture URLs worth fetching from entries given newest first: at most `per_entry`
    of each entry and `per_run` in all."""
    urls: list[str] = []
    for html in entries_html:
        for ref in entry_images(html)[:per_entry]:
            if ref.url not in urls:
                urls.append(ref.url)
            if len(urls) >= per_run:
                return urls
    return urls

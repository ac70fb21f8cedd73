"""Avatars as the site publishes them: a raster image becomes a small square at twice the shown
size (sharp on high-density screens), made when pages are written; an SVG avatar is published
only as a cleaned copy (pln_site.site.svgclean), never as the member sent it.

The cleaned copy takes the original's place and URL: Pelican's static copy of `content/images/`
would publish the original there, so the SVG avatars are taken off its list once it has found
them, and their cleaned copies are written when the build finishes. The file in `content/`
is only read.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path
from typing import Any

from pln_site.files import write_atomically
from pln_site.site.svgclean import SvgRefused, clean_svg

log = logging.getLogger(__name__)

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
SIZE = 128  # pixels: the largest avatar is shown at 64 CSS pixels


# The output folder of a build -> the SVG avatars it publishes: (save_as, cleaned bytes).
_cleaned_svgs: dict[str, list[tuple[str, bytes]]] = {}


def is_raster(name: str) -> bool:
    return Path(name).suffix.lower() in RASTER_SUFFIXES


def is_svg(name: str) -> bool:
    return Path(name).suffix.lower() == ".svg"


def resized_name(name: str, size: int = SIZE) -> str:
    """ "ada.jpg" -> "ada-128.jpg"; GIFs become PNGs (one frame is enough for an avatar)."""
    stem, suffix = posixpath.splitext(name)
    suffix = ".png" if suffix.lower() == ".gif" else suffix.lower()
    return f"{stem}-{size}{suffix}"


def resize_avatar(source: Path, target: Path, size: int = SIZE) -> bool:
    """Write `source` cropped to a centred square of `size` pixels into `target`.

    Returns False (and logs why) when Pillow is missing or the image cannot be read; the caller
    then links the original.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError:
        log.warning(
            "network: Pillow is not installed, avatars are not resized (pip install pillow)"
        )
        return False
    try:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
            mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
            square = ImageOps.fit(image.convert(mode), (size, size), Image.Resampling.LANCZOS)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix in (".jpg", ".jpeg"):
                square.convert("RGB").save(target, quality=85, optimize=True)
            else:
                square.save(target, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        log.warning(
            "network: avatar %s could not be resized (%s); linking it as it is", source, error
        )
        return False
    return True


def hold_svg_avatars(static_generator: Any, avatars_path: str) -> None:
    """Take every SVG under `avatars_path` (relative to PATH) off the static generator's copy
    list and clean it, for `write_svg_avatars`. One that cannot be cleaned is not published
    at all: it leaves `static_content` too, so that pages show the member's initials.

    Call it when the static generator has found its files (static_generator_finalized): no
    page is written yet, and nothing is copied.
    """
    folder = avatars_path.strip("/") + "/"
    context = static_generator.context
    held: list[tuple[str, bytes]] = []
    copied = []
    for static in static_generator.staticfiles:
        source = static.get_relative_source_path()
        if not (source.startswith(folder) and is_svg(source)):
            copied.append(static)
            continue
        try:
            held.append((static.save_as, clean_svg(Path(static.source_path).read_bytes())))
        except (OSError, SvgRefused) as error:
            log.warning("avatars: %s is not published: %s", static.source_path, error)
            context["static_content"].pop(source, None)
    static_generator.staticfiles[:] = copied
    context["staticfiles"] = static_generator.staticfiles
    _cleaned_svgs[os.path.realpath(static_generator.output_path)] = held


def write_svg_avatars(output_path: str) -> None:
    """Write the cleaned SVG avatars of the build that wrote `output_path` (call it when the
    build has finished)."""
    for save_as, data in _cleaned_svgs.pop(os.path.realpath(output_path), []):
        write_replacing(Path(output_path) / save_as, data)


def write_replacing(target: Path, data: bytes) -> None:
    """Put `data` at `target` as a new file: an earlier build's copy may be a link to the
    original in content/ (STATIC_CREATE_LINKS), and writing through it would change that."""
    try:
        if not target.is_symlink() and target.stat().st_nlink == 1 and target.read_bytes() == data:
            return  # unchanged since the last build: keep its time, as Pelican's copy does
    except OSError:
        pass
    write_atomically(target, data, mode=0o644)

"""Avatars resized at build time, for every page that shows them: a raster image becomes a
small square at twice the shown size (sharp on high-density screens); SVG avatars pass through
as they are."""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

log = logging.getLogger(__name__)

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
SIZE = 128  # pixels: the largest avatar is shown at 64 CSS pixels


def is_raster(name: str) -> bool:
    return Path(name).suffix.lower() in RASTER_SUFFIXES


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

"""Untrusted image bytes in, clean pixels out: bounded before decoding, metadata left behind.

One rule for every image that comes from outside (members' photos, pictures in feed entries).
Pillow opens only the everyday web formats, so that bytes can never reach a decoder that runs
other programs. An image is bounded before anything is decoded: its bytes, then the size its
header declares (`Image.open` reads only the header). A small compressed file can declare a huge
image, and what Pillow holds while decoding grows with the pixels and, for very tall images, with
the rows: a 185 KiB PNG of one column and 39 million rows took over a gigabyte before these
checks. Only the pixels survive: EXIF (camera, GPS position, dates), XMP, comments and colour
profiles stay behind because the result is a new image made from the decoded pixels alone.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

WEB_FORMATS = ["PNG", "JPEG", "GIF", "WEBP"]


class ImageRefused(Exception):
    """The bytes cannot become a clean image; the message says why, in words."""


@dataclass(frozen=True)
class ImageLimits:
    noun: str  # what the messages call the image: "the photo", "the image"
    max_bytes: int  # refused unread past this
    max_pixels: int  # as the header declares them
    max_decoded_pixels: int  # what is decoded at most (after a JPEG's draft mode)
    max_side: int  # pixels on either side; it also bounds the rows the decoder keeps
    max_aspect: float | None = None  # the long side over the short one
    shape: str = "picture"  # what a strip past max_aspect is not: "a strip, not a portrait"


@contextmanager
def decoded(
    data: bytes, limits: ImageLimits, draft: tuple[int, int] | None = None
) -> Iterator[Image.Image]:
    """The image in `data`, checked against `limits`, upright, decoded at most at `draft`
    size when the format can decode smaller (JPEG). Raises ImageRefused."""
    if len(data) > limits.max_bytes:
        raise ImageRefused(
            f"{limits.noun} is {len(data):,} bytes, more than {_mib(limits.max_bytes)}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=WEB_FORMATS) as image:
                check_dimensions(*image.size, limits, limits.max_pixels)  # nothing decoded yet
                if draft:
                    image.draft("RGB", draft)
                check_dimensions(*image.size, limits, limits.max_decoded_pixels)
                ImageOps.exif_transpose(image, in_place=True)  # no second copy of the pixels
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own bound, met while the header is read: the size is not known here.
        raise ImageRefused(f"{limits.noun} is too large (more pixels than a page needs)") from None
    except UnidentifiedImageError:
        raise ImageRefused(
            f"{limits.noun} is not a PNG, JPEG, GIF or WebP image that can be read"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageRefused(f"{limits.noun} cannot be decoded ({error})") from None


def check_dimensions(width: int, height: int, limits: ImageLimits, max_pixels: int) -> None:
    """Refuse a size no page needs, before its pixels are decoded (ImageRefused)."""
    size = f"{width}x{height} pixels"
    if width * height > min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels):
        raise ImageRefused(f"{limits.noun} is too large ({size})")
    if max(width, height) > limits.max_side:
        raise ImageRefused(
            f"{limits.noun} is too large ({size}; at most {limits.max_side:,} a side)"
        )
    if limits.max_aspect and max(width, height) > limits.max_aspect * max(min(width, height), 1):
        raise ImageRefused(f"{limits.noun} is a strip, not a {limits.shape} ({size})")


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def encode_clean(pixels: Image.Image, *, alpha: bool) -> tuple[bytes, str]:
    """A fresh image made of `pixels` alone, as PNG (with transparency) or JPEG bytes, and its
    file suffix: nothing of the original's metadata comes along."""
    pixels = pixels.convert("RGBA" if alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), ".png"
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), ".jpg"


def reencoded(
    data: bytes,
    limits: ImageLimits,
    shape: Callable[[Image.Image], Image.Image],
    draft: tuple[int, int] | None = None,
) -> tuple[bytes, str, tuple[int, int]]:
    """`data` decoded within `limits`, given its final shape by `shape` (crop, resize), and
    encoded clean: (bytes, suffix, (width, height)). Raises ImageRefused."""
    with decoded(data, limits, draft) as image:
        alpha = has_alpha(image)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if alpha else "RGB")
        shaped = shape(image)
    body, suffix = encode_clean(shaped, alpha=alpha)
    return body, suffix, shaped.size


def _mib(value: int) -> str:
    return f"{value // (1024 * 1024)} MiB" if value >= 1024 * 1024 else f"{value:,} bytes"

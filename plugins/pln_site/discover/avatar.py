"""A member's photo as a small local avatar: decoded, cropped square, resized, re-encoded.

Only the pixels survive: EXIF (camera, GPS position, dates), XMP, comments and colour profiles
are left behind because a new image is made from the decoded pixels alone. Pillow opens only
the everyday web formats, so that a photo can never reach a decoder that runs other programs.

A photo is bounded before anything is decoded: its bytes, then the size its header declares
(`Image.open` reads only the header). A small compressed file can declare a huge image, and
what Pillow holds while decoding grows with the pixels and, for very tall images, with the rows:
a 185 KiB PNG of one column and 39 million rows took over a gigabyte before these checks.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pln_site.errors import SiteError

log = logging.getLogger(__name__)

AVATAR_SIZE = 256  # pixels, square; the pages show 64 and 32 (twice that for sharp screens)
WEB_FORMATS = ["PNG", "JPEG", "GIF", "WEBP"]
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a profile photo is far smaller; refused unread past this
MAX_PIXELS = 40_000_000  # as declared: a JPEG this big still decodes at an eighth of its size
MAX_DECODED_PIXELS = 16_000_000  # what is decoded at most (4000x4000; about 64 MB per copy)
MAX_SIDE = 10_000  # pixels on either side; it also bounds the rows the decoder keeps
MAX_ASPECT = 10  # the long side over the short one: past this it is a banner, not a face


class AvatarProblem(SiteError):
    """The photo cannot become an avatar; the message says why."""


def make_avatar(data: bytes) -> tuple[bytes, str]:
    """The avatar's bytes and file suffix (".png" when it has transparency, else ".jpg")."""
    if len(data) > MAX_PHOTO_BYTES:
        raise AvatarProblem(
            f"the photo is {len(data):,} bytes, more than {MAX_PHOTO_BYTES // (1024 * 1024)} MiB"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=WEB_FORMATS) as image:
                check_dimensions(*image.size, MAX_PIXELS)  # the header's word, nothing decoded
                image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))  # JPEG: decode smaller
                check_dimensions(*image.size, MAX_DECODED_PIXELS)  # what load() would hold
                # In place: no second copy of the decoded pixels.
                ImageOps.exif_transpose(image, in_place=True)
                has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                    image.mode == "P" and "transparency" in image.info
                )
                pixels = _centre_square(image).convert("RGBA" if has_alpha else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AvatarProblem(
            "the photo is not a PNG, JPEG, GIF or WebP image that can be read"
        ) from None
    except (OSError, ValueError, SyntaxError) as error:
        raise AvatarProblem(f"the photo cannot be decoded ({error})") from None
    square = ImageOps.fit(pixels, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: nothing of the original's metadata comes along.
    clean = Image.new(square.mode, square.size)
    clean.paste(square)
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), ".png"
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), ".jpg"


def check_dimensions(width: int, height: int, max_pixels: int) -> None:
    """Refuse a size no avatar needs, before its pixels are decoded (AvatarProblem)."""
    size = f"{width}x{height} pixels"
    if width * height > min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels):
        raise AvatarProblem(f"the photo is too large ({size})")
    if max(width, height) > MAX_SIDE:
        raise AvatarProblem(f"the photo is too large ({size}; at most {MAX_SIDE:,} a side)")
    if max(width, height) > MAX_ASPECT * max(min(width, height), 1):
        raise AvatarProblem(f"the photo is a strip, not a portrait ({size})")


def _centre_square(image: Image.Image) -> Image.Image:
    """The largest square in the middle of `image` (what ImageOps.fit keeps), cut before the
    conversion so that only the pixels kept are converted."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def save_avatar(data: bytes, folder: Path, member_id: str) -> Path:
    """Write the avatar as `folder/<id>.png|.jpg`; never replaces a file (AvatarProblem then)."""
    avatar, suffix = make_avatar(data)
    path = folder / f"{member_id}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("xb") as handle:
            handle.write(avatar)
    except FileExistsError:
        raise AvatarProblem(f"{path} exists already; the photo was not saved") from None
    return path

"""A member's photo as a small local avatar: decoded, cropped square, resized, re-encoded.

The photo is bounded before it is decoded and re-encoded from its pixels alone, so its
metadata (EXIF with a GPS position, XMP, comments) stays behind: pln_site.imaging says how.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image, ImageOps

from pln_site.errors import SiteError
from pln_site.imaging import ImageLimits, ImageRefused, decoded, encode_clean, has_alpha

log = logging.getLogger(__name__)

AVATAR_SIZE = 256  # pixels, square; the pages show 64 and 32 (twice that for sharp screens)
PHOTO_LIMITS = ImageLimits(
    noun="the photo",
    max_bytes=10 * 1024 * 1024,  # a profile photo is far smaller
    max_pixels=40_000_000,  # as declared: a JPEG this big still decodes at an eighth of its size
    max_decoded_pixels=16_000_000,  # 4000x4000; about 64 MB per copy
    max_side=10_000,
    max_aspect=10,  # past this it is a banner, not a face
    shape="portrait",
)


class AvatarProblem(SiteError):
    """The photo cannot become an avatar; the message says why."""


def make_avatar(data: bytes) -> tuple[bytes, str]:
    """The avatar's bytes and file suffix (".png" when it has transparency, else ".jpg")."""
    try:
        with decoded(data, PHOTO_LIMITS, draft=(AVATAR_SIZE * 2, AVATAR_SIZE * 2)) as image:
            alpha = has_alpha(image)
            # Cut before converting: only the pixels kept are converted.
            pixels = _centre_square(image).convert("RGBA" if alpha else "RGB")
    except ImageRefused as refused:
        raise AvatarProblem(str(refused)) from None
    square = ImageOps.fit(pixels, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    return encode_clean(square, alpha=alpha)


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

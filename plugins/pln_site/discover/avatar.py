"""A member's photo as a small local avatar: decoded, cropped square, resized, re-encoded.

Only the pixels survive: EXIF (camera, GPS position, dates), XMP, comments and colour profiles
are left behind because a new image is made from the decoded pixels alone. Pillow opens only
the everyday web formats, so that a photo can never reach a decoder that runs other programs.
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
MAX_PIXELS = 40_000_000  # a photo with more pixels than this is refused before decoding


class AvatarProblem(SiteError):
    """The photo cannot become an avatar; the message says why."""


def make_avatar(data: bytes) -> tuple[bytes, str]:
    """The avatar's bytes and file suffix (".png" when it has transparency, else ".jpg")."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=WEB_FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise AvatarProblem(f"the photo is too large ({width}x{height} pixels)")
                image.draft("RGB", (AVATAR_SIZE * 2, AVATAR_SIZE * 2))  # JPEG: decode smaller
                upright = ImageOps.exif_transpose(image)
                has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                pixels = upright.convert("RGBA" if has_alpha else "RGB")
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

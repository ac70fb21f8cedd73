"""Entries' pictures are brought home at fetch time: through the guarded client, within caps,
re-encoded without their metadata, each fetched once; a refused one is recorded with its reason."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from pln_site.devserver import Route
from pln_site.feeds.imagefolder import ImageFolder, entry_images
from pln_site.settings import images_path
from tests.support.fetching import BASE_SETTINGS, atom_entry, atom_feed, days_ago

IMAGES_ON = {**BASE_SETTINGS, "PLANET_IMAGES": True}


def jpeg_with_gps(size: tuple[int, int]) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS: where the photo was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 128)).save(out, format="PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares a huge image (its pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def feed_with_pictures(*urls: str) -> bytes:
    pictures = "".join(f'<img src="{url}" alt="picture {n}">' for n, url in enumerate(urls))
    return atom_feed(
        atom_entry("tag:ada.example,2024:1", "Pictures", days_ago(1),
                   link="https://ada.example/pictures", content=f"<p>Look:</p>{pictures}")
    )  # fmt: skip


@pytest.fixture
def folder(store_path) -> ImageFolder:
    return ImageFolder(images_path({"PLANET_STORE_PATH": str(store_path)}))


def reload(folder: ImageFolder) -> ImageFolder:
    return ImageFolder(folder.path)


def test_a_picture_is_brought_home_without_its_metadata_and_at_most_the_set_width(
    server, fetch, folder
):
    server.route("/wide.jpg", Route(body=jpeg_with_gps((2000, 1000)), content_type="image/jpeg"))
    server.route("/clear.png", Route(body=png((300, 200)), content_type="image/png"))
    server.route(
        "/feed.xml",
        Route.feed(feed_with_pictures(server.url("/wide.jpg"), server.url("/clear.png"))),
    )

    report = fetch(server.url("/feed.xml"), **IMAGES_ON)

    assert report.images is not None and report.images.to_dict() == {"kept": 2, "refused": 0}
    kept = reload(folder)
    wide = kept.kept(server.url("/wide.jpg"))
    assert wide is not None and (wide.width, wide.height) == (800, 400)
    with Image.open(folder.path / wide.file) as image:
        assert image.format == "JPEG" and image.size == (800, 400)
        assert not image.getexif(), "the camera and GPS position must stay behind"
    clear = kept.kept(server.url("/clear.png"))
    assert clear is not None and (clear.width, clear.height) == (300, 200)  # never enlarged
    with Image.open(folder.path / clear.file) as image:
        assert image.format == "PNG" and image.mode == "RGBA"  # transparency kept


def test_refused_pictures_are_recorded_with_their_reason_and_not_asked_for_again(
    server, fetch, folder
):
    server.route("/bomb.png", Route(body=png_declaring(50_000, 50_000), content_type="image/png"))
    server.route(
        "/page.png",
        Route(body=b"<html><body>not a picture</body></html>", content_type="text/html"),
    )
    server.route("/slow.png", Route(body=png((10, 10)), delay=6, content_type="image/png"))
    server.route("/huge.jpg", Route(body=b"\xff" * 300_000, content_type="image/jpeg"))
    urls = [
        server.url(p) for p in ("/bomb.png", "/page.png", "/slow.png", "/huge.jpg", "/gone.png")
    ]
    server.route("/feed.xml", Route.feed(atom_feed(
        atom_entry("tag:ada.example,2024:1", "One", days_ago(1), content=f'<img src="{urls[0]}"><img src="{urls[1]}">'),
        atom_entry("tag:ada.example,2024:2", "Two", days_ago(2), content=f'<img src="{urls[2]}"><img src="{urls[3]}">'),
        atom_entry("tag:ada.example,2024:3", "Three", days_ago(3), content=f'<img src="{urls[4]}">'),
    )))  # fmt: skip
    settings = {**IMAGES_ON, "PLANET_TIMEOUT": 3, "PLANET_IMAGE_MAX_BYTES": 200_000}

    report = fetch(server.url("/feed.xml"), **settings)

    assert report.feeds[0].outcome == "ok", "a picture's trouble is never the feed's"
    assert report.images is not None and report.images.to_dict() == {"kept": 0, "refused": 5}
    reasons = {record["url"]: record["refused"] for record in reload(folder).index.values()}
    assert "the image is too large" in reasons[urls[0]]
    assert "not a PNG, JPEG, GIF or WebP image" in reasons[urls[1]]
    assert "timed out" in reasons[urls[2]]
    assert "200,000" in reasons[urls[3]] or "larger" in reasons[urls[3]]
    assert "404" in reasons[urls[4]]
    assert not any(folder.path.glob("*.png")) and not any(folder.path.glob("*.jpg"))

    asked = {path: server.hits(path) for path in ("/bomb.png", "/page.png", "/gone.png")}
    fetch(server.url("/feed.xml"), **settings)
    assert {path: server.hits(path) for path in asked} == asked


def test_at_most_the_set_number_of_pictures_per_entry(server, fetch, folder):
    for n in range(5):
        server.route(f"/p{n}.png", Route(body=png((20, 20)), content_type="image/png"))
    server.route(
        "/feed.xml", Route.feed(feed_with_pictures(*(server.url(f"/p{n}.png") for n in range(5))))
    )

    report = fetch(server.url("/feed.xml"), **{**IMAGES_ON, "PLANET_IMAGES_PER_ENTRY": 2})

    assert report.images is not None and report.images.kept == 2
    assert [server.hits(f"/p{n}.png") for n in range(5)] == [1, 1, 0, 0, 0]


def test_with_pictures_off_none_is_asked_for(server, fetch, folder):
    server.route("/p.png", Route(body=png((20, 20)), content_type="image/png"))
    server.route("/feed.xml", Route.feed(feed_with_pictures(server.url("/p.png"))))

    report = fetch(server.url("/feed.xml"), **{**IMAGES_ON, "PLANET_IMAGES": False})

    assert report.images is None and server.hits("/p.png") == 0
    assert not folder.path.exists()


def test_entry_images_reads_only_http_pictures_once_each():
    html = (
        '<p><img src="https://a.example/1.png" alt=" One "><img src="https://a.example/1.png">'
        '<img src="data:image/png;base64,AAAA"><img alt="no source"></p>'
    )
    assert [(ref.url, ref.alt) for ref in entry_images(html)] == [
        ("https://a.example/1.png", "One")
    ]

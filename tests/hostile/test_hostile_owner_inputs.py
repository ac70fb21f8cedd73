"""Issue 13: the owner's commands bound their own inputs.

A photo is judged by the size its header declares before a pixel is decoded (a 185 KiB PNG of
one column and millions of rows took gigabytes to decode); an OPML export is read in the
encoding it declares, and a malformed one gets a reason instead of a traceback; a JSON Feed that
escapes half a UTF-16 pair alone is read without it, not failed as an "unexpected error".
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator

import pytest
import yaml
from PIL import Image

from pln_site.devserver import Route
from pln_site.store import Store
from tests.support.fetching import simple_feed
from tests.support.processes import invoke as invoke_in_site
from tests.support.processes import write_fetch_site
from tests.support.project import PROJECT
from tests.support.workflows import Site, Web, html_page, image_route, invoke

# The memory a photo may cost add-member, the whole command included (it imports Pelican).
MEMORY_BUDGET_MB = 400

# Runs a command and prints the largest resident size it reached, in KiB (Linux's unit).
MEASURED = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""


def png_of_zeros(width: int, height: int, *, channels: int = 1) -> bytes:
    """A true PNG of `width` x `height` black pixels: kilobytes on disk, whatever it decodes to.

    Written chunk by chunk: Pillow would have to hold the whole image to write it."""
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    row = bytes(1 + width * channels)  # filter byte "none", then the row's samples
    rows_at_once = max(1, (1 << 20) // len(row))
    packer = zlib.compressobj(9)
    data = []
    for start in range(0, height, rows_at_once):
        data.append(packer.compress(row * min(rows_at_once, height - start)))
    data.append(packer.flush())

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(data))
        + chunk(b"IEND", b"")
    )


def pillow_png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def web() -> Iterator[Web]:
    sites = Web()
    yield sites
    sites.stop()


def homepage_with_photo(web: Web, photo: bytes) -> str:
    card = (
        '<div class="h-card"><a class="p-name u-url" href="/">Strip Person</a>'
        '<img class="u-photo" src="/me.png" alt=""></div>'
    )
    return web.site(
        "strip.example",
        {
            "/": html_page("", card, title="Strip"),
            "/feed.xml": Route.feed(simple_feed(2, site="http://strip.example/")),
            "/me.png": image_route(photo, "image/png"),
        },
    )


@pytest.mark.parametrize(
    ("photo", "reason"),
    [
        (lambda: pillow_png((1, 100_000)), "too large (1x100000 pixels; at most 10,000 a side)"),
        (lambda: pillow_png((4000, 40)), "a strip, not a portrait (4000x40 pixels)"),
        (lambda: png_of_zeros(6000, 6000, channels=4), "too large (6000x6000 pixels)"),
    ],
    ids=["one-column", "banner", "36-megapixels"],
)
def test_a_photo_no_avatar_needs_is_refused_with_a_reason(tmp_path, web, photo, reason):
    url = homepage_with_photo(web, photo())
    site = Site(tmp_path)
    result = invoke("add-member", url, "-s", str(site.write_settings(web.resolve)))
    assert result.returncode == 0, result.stderr  # the member file is written, without a photo
    assert f"photo http://strip.example/me.png: the photo is {reason}" in result.stdout
    data = yaml.safe_load((site.network / "strip-person.yaml").read_text("utf-8"))
    assert "avatar" not in data and data["name"] == "Strip Person"
    assert not list(site.avatars.glob("strip-person.*"))


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path, web):
    bomb = png_of_zeros(1, 39_000_000)  # 78 MB of rows in 76 KiB: over a gigabyte decoded
    with Image.open(io.BytesIO(bomb)) as image:
        assert image.size == (1, 39_000_000) and len(bomb) < 100 * 1024
    url = homepage_with_photo(web, bomb)
    site = Site(tmp_path)
    settings = site.write_settings(web.resolve)
    command = [sys.executable, "-m", "invoke", "--search-root", str(PROJECT)]
    run = subprocess.run(
        [sys.executable, "-c", MEASURED, *command, "add-member", url, "-s", str(settings)],
        cwd=site.root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    peak_mb = int(run.stdout.strip()) // 1024
    assert peak_mb < MEMORY_BUDGET_MB, f"add-member reached {peak_mb} MB for a 76 KiB photo"
    assert "avatar" not in yaml.safe_load((site.network / "strip-person.yaml").read_text("utf-8"))


# -- OPML exports --------------------------------------------------------------------------------


def opml(encoding: str, titles: list[str]) -> bytes:
    outlines = "".join(
        f'<outline text="{title}" type="rss" xmlUrl="https://site{n}.example/feed.xml" '
        f'htmlUrl="https://site{n}.example/"/>\n'
        for n, title in enumerate(titles)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<opml version="2.0">'
        f"<head><title>Abonnements</title></head><body>\n{outlines}</body></opml>\n"
    ).encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "titles"),
    [
        ("ISO-8859-1", ["Café Renée", "Søren Ærø"]),
        ("windows-1252", ["Don’t Panic – Zoë", "Œuvres €"]),
        ("UTF-16", ["Zoë", "東京の本"]),
    ],
)
def test_an_opml_export_is_read_in_its_declared_encoding(tmp_path, encoding, titles):
    site = Site(tmp_path)
    before = site.member_files()
    export = tmp_path / "subscriptions.opml"
    export.write_bytes(opml(encoding, titles))
    result = invoke("import-opml", str(export), "-s", str(site.write_settings()))
    assert result.returncode == 0, result.stderr
    assert "Created 2 member files" in result.stdout
    names = [
        yaml.safe_load((site.network / name).read_text("utf-8"))["name"]
        for name in sorted(site.member_files() - before)
    ]
    assert sorted(names) == sorted(titles)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<![foo[ x ]]>", "it is not well-formed: unknown status keyword 'foo' in marked section"),
        (b"<![", "it is not well-formed: expected name token"),
        ("<outline text='Caf\xe9'/>".encode("latin-1"), "it is not valid utf-8: byte 0xe9"),
    ],
    ids=["marked-section", "unfinished-marked-section", "not-utf8"],
)
def test_a_malformed_opml_export_gets_a_reason(tmp_path, body, reason):
    site = Site(tmp_path)
    before = site.member_files()
    export = tmp_path / "broken.opml"
    export.write_bytes(
        b'<?xml version="1.0"?>\n<opml version="2.0"><body>' + body
        + b'<outline text="A" type="rss" xmlUrl="https://a.example/feed"/></body></opml>'
    )  # fmt: skip
    result = invoke("import-opml", str(export), "-s", str(site.write_settings()))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"Cannot import {export}: {reason}" in result.stderr
    assert site.member_files() == before


# -- a JSON Feed with half a surrogate pair --------------------------------------------------------


def test_a_json_feed_with_a_lone_surrogate_is_read_without_it(tmp_path, server):
    item = {
        "id": "post-1",
        "url": "https://lone.example/1",
        "title": "Half \ud800 a pair",
        "content_html": "<p>Text \udc00 here</p>",
        "tags": ["tag\ud800"],
        "authors": [{"name": "Lone \udfff Writer"}],
        "date_published": "2030-01-01T00:00:00Z",
    }
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "L\ud800", "items": [item]}
    body = json.dumps(document).encode("ascii")  # each half is escaped: "\\ud800"
    assert b"\\ud800" in body
    server.route("/feed.json", Route.feed(body, content_type="application/feed+json"))
    site = write_fetch_site(tmp_path, {"lone": server.url("/feed.json")}, {})
    fetched = invoke_in_site(site, "fetch", "--json")
    assert fetched.returncode == 0, fetched.stderr
    (feed,) = json.loads(fetched.stdout)["feeds"]
    assert (feed["outcome"], feed["new_entries"]) == ("ok", 1), feed["reason"]
    with Store(tmp_path / "cache" / "planet.sqlite3", read_only=True) as store:
        (entry,) = store.entries()
    assert entry.title == "Half \ufffd a pair"
    assert entry.author == "Lone \ufffd Writer" and entry.categories == ["tag\ufffd"]
    assert "\ufffd" in entry.content_html

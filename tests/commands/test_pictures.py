"""Entries' pictures, the way an owner meets them: `invoke fetch` brings the pictures of the
newest entries home, `invoke build` shows them from this site, and no page names another
host's picture (the CSP allows only the site's own; a visitor's browser asks no one else)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from PIL import Image

from pln_site.devserver import Route
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.workflows import image_route, invoke, jpeg_with_metadata

FEED = "http://amara.example/feed.xml"
WITH_PICTURE = "http://amara.example/posts/with-picture"
WITH_REFUSED = "http://amara.example/posts/with-refused"


def serve_amara(web) -> None:
    feed = atom_feed(
        atom_entry("tag:amara.example,2024:1", "A wall of notes", days_ago(1), link=WITH_PICTURE,
                   content='<p>The wall:</p><img src="/img/wall.jpg" alt="Sticky notes on a wall">'
                           '<p>More words.</p><img src="/img/page.png" alt="not a picture">'),
        atom_entry("tag:amara.example,2024:2", "Elsewhere", days_ago(2), link=WITH_REFUSED,
                   content='<p>Seen:</p><img src="http://pictures.elsewhere.example/x.jpg" alt="far">'),
        site="http://amara.example/",
    )  # fmt: skip
    web.site("amara.example", {
        "/feed.xml": Route.feed(feed),
        "/img/wall.jpg": image_route(jpeg_with_metadata((1600, 1000))),
        "/img/page.png": Route(body=b"<html>a page</html>", content_type="text/html"),
    })  # fmt: skip


def fetch_and_build(site, web, **settings) -> tuple[Path, str]:
    """`invoke fetch` then `invoke build`; the output folder and what the fetch printed."""
    member = site.network / "amara-okafor.yaml"
    member.write_text(
        member.read_text(encoding="utf-8").replace("https://amara.example/feed.xml", FEED),
        encoding="utf-8",
    )
    settings_file = str(site.write_settings(web.resolve, **{"PLANET_IMAGES": True, **settings}))
    fetch = invoke("fetch", "-s", settings_file)
    assert fetch.returncode == 0, fetch.stdout + fetch.stderr
    build = invoke("build", "-s", settings_file)
    assert build.returncode == 0, build.stderr
    return site.root / "output", fetch.stdout


def article_for(output: Path, link: str):
    page = BeautifulSoup((output / "reading" / "index.html").read_text("utf-8"), "html.parser")
    anchor = page.find("a", href=link)
    assert anchor is not None, f"{link} is not on the river's first page"
    return anchor.find_parent("article")


def on_river(output: Path, src: str) -> Path:
    """The file a picture's src on the river's first page names (development URLs are
    relative to the page)."""
    return (output / "reading" / src).resolve() if not src.startswith("/") else output / src[1:]


def foreign_pictures(output: Path) -> list[tuple[str, str]]:
    """(page, src) of every <img> on every page that another host would serve."""
    found = []
    for page in output.rglob("*.html"):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for img in soup.find_all("img"):
            if urlsplit(img.get("src", "")).netloc:
                found.append((str(page.relative_to(output)), img["src"]))
    return found


def test_the_river_shows_the_picture_the_fetch_kept_from_this_site(site, web):
    serve_amara(web)
    output, printed = fetch_and_build(site, web)

    assert "pictures: 1 brought home, 2 refused" in printed.splitlines()[-1]
    picture = article_for(output, WITH_PICTURE).find("img", class_="river-entry__picture")
    assert picture is not None
    assert picture["alt"] == "Sticky notes on a wall" and picture["loading"] == "lazy"
    published = on_river(output, picture["src"])
    with Image.open(published) as image:
        assert image.size == (int(picture["width"]), int(picture["height"])) == (800, 500)
        assert not image.getexif(), "the camera's metadata stays behind"
    # The other entry's pictures were refused (not a picture; a host that does not resolve).
    assert article_for(output, WITH_REFUSED).find("img", class_="river-entry__picture") is None
    assert foreign_pictures(output) == []


def test_in_full_text_kept_pictures_are_local_and_the_others_are_left_out(site, web):
    serve_amara(web)
    output, _ = fetch_and_build(site, web, PLANET_FULL_CONTENT=True)

    body = article_for(output, WITH_PICTURE).find(class_="e-content")
    pictures = body.find_all("img")
    assert [img["alt"] for img in pictures] == ["Sticky notes on a wall"]
    assert on_river(output, pictures[0]["src"]).is_file()
    assert (int(pictures[0]["width"]), int(pictures[0]["height"])) == (800, 500)
    assert "More words." in body.get_text(), "leaving a picture out keeps the text around it"
    assert article_for(output, WITH_REFUSED).find(class_="e-content").find("img") is None
    assert foreign_pictures(output) == []


def test_with_pictures_off_the_river_shows_none(site, web):
    serve_amara(web)
    output, printed = fetch_and_build(site, web, PLANET_IMAGES=False, PLANET_FULL_CONTENT=True)

    assert web.hits("amara.example", "/img/wall.jpg") == 0
    assert "pictures" not in printed.splitlines()[-1]
    assert article_for(output, WITH_PICTURE).find(class_="e-content").find("img") is None
    assert foreign_pictures(output) == []

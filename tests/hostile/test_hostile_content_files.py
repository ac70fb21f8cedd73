"""Issue 13, part 5: content files cannot publish what they should not, through `invoke build`.

- A link under content/ to a file or a folder outside it (in CI the checkout's token is in
  `.git/config`, inside the project but not content) stops the build with the link and the
  reason, no traceback, and nothing written; a link that stays inside content/ builds.
- A member's SVG avatar with script, event handlers, foreignObject and outside references is
  published cleaned at its usual URL, shown on the member's page, and left as it was in
  content/.
- The output's `_headers` file (Netlify, Cloudflare Pages) carries the pages' own policy.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.support.workflows import Site, invoke

SECRET = "token-3f9a1c-never-publish-me"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

HOSTILE_AVATAR = """\
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="64" height="64" viewBox="0 0 64 64" onload="alert('onload')">
  <script>alert('script')</script>
  <style>@import url(http://evil.example/a.css); rect { fill: url(http://evil.example/p#x) }</style>
  <foreignObject width="64" height="64">
    <div xmlns="http://www.w3.org/1999/xhtml" onclick="alert('fo')">hi</div>
  </foreignObject>
  <image href="http://evil.example/track.png" width="8" height="8"/>
  <use xlink:href="http://evil.example/sprite.svg#icon"/>
  <linearGradient id="sky"><stop offset="0" stop-color="#2a6f97"/></linearGradient>
  <rect width="64" height="64" fill="url(#sky)" onclick="alert('click')"/>
  <circle cx="32" cy="26" r="12" fill="#fff"/>
</svg>
"""

# Not any member's avatar, but in the avatars folder: published too, so cleaned too.
MORE_VECTORS = """\
<?xml-stylesheet href="http://evil.example/s.css"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 8 8">
  <a href="javascript:alert('a')"><rect width="8" height="8"/></a>
  <rect width="8" height="8" fill="#fff">
    <set attributeName="href" to="javascript:alert('set')"/>
    <animate attributeName="onclick" values="alert('animate')"/>
  </rect>
  <rect width="4" height="4" style="mask: image-set('http://evil.example/m.png' 1x)"/>
  <rect width="4" height="4" style="fill: u\\72l(http://evil.example/e)"/>
  <image xlink:href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" width="4"/>
  <circle cx="4" cy="4" r="2" fill="url( 'http://evil.example/g#x' )"/>
  <text x="1" y="6">Hi <tspan onmouseover="alert('t')">there</tspan></text>
</svg>
"""
# Entities are a DTD's: an avatar never needs one, and this one is not published.
WITH_A_DTD = """\
<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>
"""


def output_files(output: Path) -> list[Path]:
    return [path for path in output.rglob("*") if path.is_file()]


def assert_refused_without_writing(site: Site, link: Path) -> None:
    """`invoke build` stops, naming `link` and why, with no traceback and no output at all."""
    result = invoke("build", "-s", str(site.write_settings()))
    assert result.returncode != 0
    assert link.name in result.stderr
    assert "outside the content folder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    output = site.root / "output"
    assert not output.exists() or output_files(output) == []


@pytest.fixture()
def secret_outside(tmp_path: Path) -> Path:
    """A file beside the site, outside its content folder, as `.git/config` is."""
    secret = tmp_path / "outside" / "config"
    secret.parent.mkdir()
    secret.write_text(f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n')
    return secret


def test_a_link_to_a_file_outside_content_stops_the_build(tmp_path, secret_outside) -> None:
    site = Site(tmp_path / "site")
    link = site.content / "images" / "leak.txt"
    link.symlink_to(secret_outside)
    assert_refused_without_writing(site, link)


def test_a_linked_folder_outside_content_stops_the_build(tmp_path, secret_outside) -> None:
    site = Site(tmp_path / "site")
    link = site.content / "images" / "shared"
    link.symlink_to(secret_outside.parent, target_is_directory=True)
    assert_refused_without_writing(site, link)


def test_a_link_into_the_project_but_out_of_content_stops_the_build(tmp_path) -> None:
    site = Site(tmp_path / "site")
    git_config = site.root / ".git" / "config"
    git_config.parent.mkdir()
    git_config.write_text(f"token = {SECRET}\n")
    link = site.content / "images" / "config.txt"
    link.symlink_to(os.path.relpath(git_config, link.parent))  # relative, as git stores it
    assert_refused_without_writing(site, link)


def test_the_old_output_stays_when_a_link_stops_a_publishing_build(
    tmp_path, secret_outside
) -> None:
    site = Site(tmp_path / "site")
    (site.content / "images" / "leak.txt").symlink_to(secret_outside)
    output = site.root / "output"
    output.mkdir()
    (output / "index.html").write_text("the last good build", encoding="utf-8")
    result = invoke("build", "-s", str(site.write_settings(DELETE_OUTPUT_DIRECTORY=True)))
    assert result.returncode != 0
    assert [path.name for path in output_files(output)] == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "the last good build"


def test_links_that_stay_inside_content_still_build(tmp_path) -> None:
    site = Site(tmp_path / "site")
    images = site.content / "images"
    (site.content / "extra").mkdir()
    (site.content / "extra" / "map.txt").write_text("a map of the network\n")
    (images / "map.txt").symlink_to(Path("..") / "extra" / "map.txt")
    (images / "extra").symlink_to(Path("..") / "extra", target_is_directory=True)
    result = invoke("build", "-s", str(site.write_settings()))
    assert result.returncode == 0, result.stderr
    output = site.root / "output"
    assert (output / "images" / "map.txt").read_text() == "a map of the network\n"
    assert (output / "images" / "extra" / "map.txt").read_text() == "a map of the network\n"
    assert not any(path.is_symlink() for path in output.rglob("*"))


def test_no_output_file_holds_the_secret_of_a_refused_build(tmp_path, secret_outside) -> None:
    site = Site(tmp_path / "site")
    (site.content / "images" / "leak.txt").symlink_to(secret_outside)
    (site.content / "images" / "shared").symlink_to(secret_outside.parent)
    invoke("build", "-s", str(site.write_settings()))
    output = site.root / "output"
    for path in output_files(output) if output.exists() else []:
        assert SECRET.encode() not in path.read_bytes(), path


# -- SVG avatars --------------------------------------------------------------------------------


RUNS_OR_LINKS = {"script", "foreignObject", "a", "set", "animate", "animateMotion"}


def outside_reference(value: str) -> bool:
    return not value.strip().startswith("#") and not value.startswith("data:image/")


def svg_problems(path: Path) -> list[str]:
    """What in the SVG at `path` could run script or load anything, as ElementTree reads it."""
    problems = [
        f"<?{pi.text}?>" for _, pi in ElementTree.iterparse(path, events=("pi",))
    ]  # raises if it is not XML
    root = ElementTree.parse(path).getroot()
    for element in root.iter():
        name = element.tag.removeprefix(SVG)
        if name in RUNS_OR_LINKS or not element.tag.startswith(SVG):
            problems.append(f"<{element.tag}>")
        for key, value in element.attrib.items():
            if key.lower().startswith("on"):
                problems.append(f"{name} {key}=")
            if key in ("href", XLINK_HREF) and outside_reference(value):
                problems.append(f"{name} {key}={value}")
            if (
                "url(" in value.replace(" ", "")
                and "url(#" not in value
                or "(" in value
                and ("http" in value or "\\" in value)
            ):
                problems.append(f"{name} {key}={value}")
        if name == "style" and (
            "@import" in (element.text or "") or "http" in (element.text or "")
        ):
            problems.append(f"<style>{element.text}</style>")
    return problems


@pytest.fixture(scope="module")
def hostile_avatar_site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("svg") / "site")
    (site.avatars / "chen-mei.svg").write_text(HOSTILE_AVATAR, encoding="utf-8")
    (site.avatars / "more-vectors.svg").write_text(MORE_VECTORS, encoding="utf-8")
    (site.avatars / "with-a-dtd.svg").write_text(WITH_A_DTD, encoding="utf-8")
    result = invoke("build", "-s", str(site.write_settings()))
    assert result.returncode == 0, result.stderr
    site.build_log = result.stderr + result.stdout  # type: ignore[attr-defined]
    return site


def test_every_svg_in_the_output_is_xml_with_nothing_that_runs_or_loads(
    hostile_avatar_site,
) -> None:
    output = hostile_avatar_site.root / "output"
    svgs = [path for path in output_files(output) if path.suffix == ".svg"]
    avatars = output / "images" / "avatars"
    assert {avatars / "chen-mei.svg", avatars / "more-vectors.svg"} <= set(svgs)
    for path in svgs:
        assert svg_problems(path) == [], path


def test_an_svg_with_a_dtd_is_not_published(hostile_avatar_site) -> None:
    output = hostile_avatar_site.root / "output"
    assert not (output / "images" / "avatars" / "with-a-dtd.svg").exists()
    assert "with-a-dtd.svg is not published: it declares a DTD" in hostile_avatar_site.build_log


def test_text_and_drawing_stay_when_what_runs_goes(hostile_avatar_site) -> None:
    published = hostile_avatar_site.root / "output" / "images" / "avatars" / "more-vectors.svg"
    root = ElementTree.parse(published).getroot()
    assert "".join(root.find(f"{SVG}text").itertext()) == "Hi there"
    assert len(root.findall(f"{SVG}rect")) == 3 and root.find(f"{SVG}circle") is not None


def test_the_cleaned_avatar_still_draws(hostile_avatar_site) -> None:
    published = hostile_avatar_site.root / "output" / "images" / "avatars" / "chen-mei.svg"
    root = ElementTree.parse(published).getroot()
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 64 64"
    assert [e.tag.removeprefix(SVG) for e in root] == ["linearGradient", "rect", "circle"]
    assert root.find(f"{SVG}rect").get("fill") == "url(#sky)"


def test_the_member_page_shows_the_cleaned_avatar(hostile_avatar_site) -> None:
    output = hostile_avatar_site.root / "output"
    page = output / "network" / "chen-mei" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    image = soup.select_one("img.avatar")
    assert image is not None, "the member page shows initials instead of the avatar"
    url = urljoin("http://site.test/network/chen-mei/index.html", image["src"])
    shown = output / urlsplit(url).path.lstrip("/")
    assert shown == output / "images" / "avatars" / "chen-mei.svg"
    assert svg_problems(shown) == []


def test_the_avatar_in_content_is_left_as_the_member_sent_it(hostile_avatar_site) -> None:
    original = hostile_avatar_site.avatars / "chen-mei.svg"
    assert original.read_text(encoding="utf-8") == HOSTILE_AVATAR


def test_an_avatar_that_is_not_xml_is_not_published(tmp_path) -> None:
    site = Site(tmp_path / "site")
    (site.avatars / "chen-mei.svg").write_text("<svg><script>alert(1)</script>", "utf-8")
    result = invoke("build", "-s", str(site.write_settings()))
    assert result.returncode == 0, result.stderr
    output = site.root / "output"
    assert not (output / "images" / "avatars" / "chen-mei.svg").exists()
    assert "chen-mei.svg is not published" in result.stderr + result.stdout
    page = output / "network" / "chen-mei" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("img.avatar") is None
    assert soup.select_one(".avatar--initials").get_text(strip=True) == "CM"


# -- the hosts' header file ---------------------------------------------------------------------


def meta_policy(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, page
    return meta["content"]


def headers_by_path(text: str) -> dict[str, dict[str, str]]:
    """Netlify's `_headers` format: a path, then indented `Name: value` lines."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


def test_the_headers_file_carries_the_pages_policy_for_every_path(hostile_avatar_site) -> None:
    output = hostile_avatar_site.root / "output"
    rules = headers_by_path((output / "_headers").read_text(encoding="utf-8"))
    assert list(rules) == ["/*"]
    policies = {meta_policy(page) for page in output.rglob("*.html")}
    assert policies == {rules["/*"]["Content-Security-Policy"]}
    assert rules["/*"]["X-Content-Type-Options"] == "nosniff"


def test_a_hard_link_left_by_an_earlier_build_is_replaced_not_written_through(tmp_path) -> None:
    site = Site(tmp_path / "site")
    original = site.avatars / "chen-mei.svg"
    original.write_text(HOSTILE_AVATAR, encoding="utf-8")
    published = site.root / "output" / "images" / "avatars" / "chen-mei.svg"
    published.parent.mkdir(parents=True)
    os.link(original, published)  # as Pelican's STATIC_CREATE_LINKS copies
    result = invoke("build", "-s", str(site.write_settings(STATIC_CREATE_LINKS=True)))
    assert result.returncode == 0, result.stderr
    assert original.read_text(encoding="utf-8") == HOSTILE_AVATAR
    assert svg_problems(published) == []

"""The blogroll in every shape other sites read: OPML 2.0 (the site's, each topic's and the
well-known `recommendations.opml` of Micro.blog), Ghost's `recommendations.json`, the
`rel="blogroll"` links in the pages' heads and `<source:blogroll>` in the blog's feeds. Each is
read back with the tools a reader has (listparser, ElementTree, json, BeautifulSoup)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import listparser
import pytest
import yaml

from pln_site.members.model import Member
from pln_site.site.network.opml import blogroll_opml
from tests.site.network.conftest import BASE_URL, CONTENT, Site
from tests.support.processes import free_port
from tests.support.project import PROJECT, build_site, site_paths, write_site_settings

SOURCE_NS = "{http://source.scripting.com/}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
WELL_KNOWN_OPML = ".well-known/recommendations.opml"
WELL_KNOWN_JSON = ".well-known/recommendations.json"

# Text a member file may hold that breaks XML or HTML written carelessly, with right-to-left
# script. (A control character is refused by the member check, with its file and line.)
HOSTILE_WHY = (
    'Says "no" & means it; writes <b>bold</b> </outline><script>alert(1)</script> '
    "and 'quotes', in Arabic too: لأنها تكتب بوضوح."
)
HOSTILE_NAME = 'Zed "<Zee>" & Co'


def feeds_of(members: dict[str, dict]) -> set[str]:
    return {feed["url"] for member in members.values() for feed in member.get("feeds", [])}


def read_opml(site: Site, url: str) -> tuple[ET.Element, Any]:
    """The OPML at `url`, by ElementTree (strict XML) and by listparser (as readers read it)."""
    text = site.text(url)
    parsed = listparser.parse(text)
    assert not parsed.bozo, parsed.bozo_exception
    return ET.fromstring(text), parsed


def check_opml2(root: ET.Element, members: dict[str, dict]) -> None:
    """OPML 2.0's rules for a subscription list, and the members' why and since on each."""
    assert root.tag == "opml" and root.get("version") == "2.0"
    head = root.find("head")
    assert head is not None and (head.findtext("title") or "").strip()
    created = head.findtext("dateCreated") or head.findtext("dateModified")
    assert created and parsedate_to_datetime(created).tzinfo is not None
    by_feed = {
        feed["url"]: member for member in members.values() for feed in member.get("feeds", [])
    }
    outlines = list(root.iter("outline"))
    assert {o.get("xmlUrl") for o in outlines} == set(by_feed)
    for outline in outlines:
        member = by_feed[outline.get("xmlUrl")]
        assert outline.get("type") == "rss"
        assert outline.get("text")
        assert (outline.get("htmlUrl") or "").startswith(("http://", "https://"))
        assert outline.get("description") == outline.get("why") == member["why"]
        assert outline.get("since") == str(member["since"])
        created_at = parsedate_to_datetime(outline.get("created"))
        assert str(member["since"]).startswith(f"{created_at.year}")


def test_well_known_recommendations_opml_lists_every_listed_feed_with_why_and_since(site, listed):
    root, parsed = read_opml(site, WELL_KNOWN_OPML)
    check_opml2(root, listed)
    assert {feed.url for feed in parsed.feeds} == feeds_of(listed)
    assert parsed.meta.title == "Robin's notebook: recommendations"


def test_blogroll_opml_carries_why_and_since_too(site, listed):
    root, _ = read_opml(site, "network/blogroll.opml")
    check_opml2(root, listed)


def test_recommendations_json_is_ghosts_list_of_sites_with_the_why(site, listed):
    document = json.loads(site.text(WELL_KNOWN_JSON))
    assert isinstance(document, list)
    by_url = {record["url"]: record for record in document}
    assert sorted(by_url) == sorted(member["url"] for member in listed.values())
    for member in listed.values():
        record = by_url[member["url"]]
        assert record["title"] == member["name"]
        assert record["reason"] == member["why"]
        for key in ("created_at", "updated_at"):
            moment = dt.datetime.fromisoformat(record[key])
            assert moment.tzinfo is not None
            assert str(member["since"]).startswith(f"{moment.year}")


def on_site(page_url: str, href: str) -> str:
    """The site URL (as Site.path reads it) that `href` on the page `page_url` leads to."""
    return urlsplit(urljoin(BASE_URL + page_url, href)).path.lstrip("/")


def blogroll_links(site: Site, page_url: str) -> list[str]:
    """The site URLs that the page's `<link rel="blogroll" type="text/x-opml">` point to."""
    head = site.soup(page_url).head
    assert head is not None
    links = [
        link for link in head.find_all("link", rel="blogroll") if link["type"] == "text/x-opml"
    ]
    return [on_site(page_url, link["href"]) for link in links]


def test_every_page_names_the_blogroll_and_the_directory_the_well_known_one(site):
    assert "network/blogroll.opml" in blogroll_links(site, "index.html")
    assert "network/blogroll.opml" in blogroll_links(site, "posts/hello-network/")
    directory = blogroll_links(site, "network/")
    assert set(directory) == {"network/blogroll.opml", WELL_KNOWN_OPML}
    for url in directory:
        assert listparser.parse(site.text(url)).feeds


def test_each_topic_page_links_its_own_blogroll_of_its_members(site, listed):
    hrefs = [a["href"] for a in site.soup("network/topics/").select("main a[href]")]
    topic_pages = {on_site("network/topics/", href) for href in hrefs}
    topic_pages = {p for p in topic_pages if p.startswith("network/topics/")} - {"network/topics/"}
    assert len(topic_pages) >= 4
    for page in sorted(topic_pages):
        soup = site.soup(page)
        name = soup.find("h1").find("bdi").get_text()
        own = [url for url in blogroll_links(site, page) if url != "network/blogroll.opml"]
        assert len(own) == 1, (page, own)
        # The page's body links the same file, for a person to download.
        body_links = {on_site(page, a["href"]) for a in soup.select("main a[href]")}
        assert own[0] in body_links
        members = {k: m for k, m in listed.items() if name in m["topics"]}
        root, parsed = read_opml(site, own[0])
        assert {feed.url for feed in parsed.feeds} == feeds_of(members)
        check_opml2(root, members)
        assert name in (root.findtext("head/title") or "")


def test_blog_feeds_name_a_built_blogroll_with_source_blogroll(site):
    feeds = sorted((site.output / "feeds").glob("*.xml"))
    assert feeds
    for path in feeds:
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM_NS}feed"
        blogroll = root.find(f"{SOURCE_NS}blogroll")
        assert blogroll is not None, path
        built = urlsplit(blogroll.text or "").path.lstrip("/")
        assert built == "network/blogroll.opml"
        assert listparser.parse(site.text(built)).feeds


# -- a site with a hostile member, a draft, an archived one, and RSS feeds of the blog ---------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("blogroll-hostile")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    member = {
        "name": HOSTILE_NAME,
        "url": "https://zed.example/?a=1&b=2",
        "why": HOSTILE_WHY,
        "since": "2021-05",
        "topics": ["open education", "نشر مفتوح"],
        "feeds": [{"url": 'https://zed.example/feed?x=1&y="2"'}],
    }
    draft = {**member, "name": "Dee Draft", "status": "draft", "url": "https://draft.example/"}
    draft["feeds"] = [{"url": "https://draft.example/feed.xml"}]
    for stem, data in (("zed-hostile", member), ("dee-draft", draft)):
        (content / "network" / f"{stem}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    output = root / "output"
    settings = build_site(
        content,
        output,
        SITEURL="",
        FEED_DOMAIN="",
        FEED_ALL_RSS="feeds/all.rss.xml",
        PLANET_STORE_PATH=str(root / "planet.sqlite3"),
    )
    return Site(output, settings)


def test_hostile_member_text_round_trips_through_every_blogroll(hostile_site):
    kept_why = HOSTILE_WHY
    files = [
        "network/blogroll.opml",
        WELL_KNOWN_OPML,
        "network/topics/open-education/blogroll.opml",
    ]
    for url in files:
        root, parsed = read_opml(hostile_site, url)
        zed = [
            o for o in root.iter("outline") if o.get("htmlUrl") == "https://zed.example/?a=1&b=2"
        ]
        assert len(zed) == 1, url
        assert zed[0].get("why") == zed[0].get("description") == kept_why
        assert zed[0].get("text") == HOSTILE_NAME
        assert zed[0].get("xmlUrl") == 'https://zed.example/feed?x=1&y="2"'
        assert HOSTILE_NAME in {feed.title for feed in parsed.feeds}
    records = json.loads(hostile_site.text(WELL_KNOWN_JSON))
    zed_record = next(r for r in records if r["title"] == HOSTILE_NAME)
    assert zed_record["reason"] == HOSTILE_WHY


def test_the_right_to_left_topic_has_its_own_blogroll(hostile_site):
    pages = [p for p in (hostile_site.output / "network" / "topics").iterdir() if p.is_dir()]
    rtl = [
        p.name
        for p in pages
        if hostile_site.soup(f"network/topics/{p.name}/").h1.bdi.get_text() == "نشر مفتوح"
    ]
    assert len(rtl) == 1
    page = f"network/topics/{rtl[0]}/"
    (own,) = [u for u in blogroll_links(hostile_site, page) if u != "network/blogroll.opml"]
    root, parsed = read_opml(hostile_site, own)
    assert [feed.title for feed in parsed.feeds] == [HOSTILE_NAME]
    assert "نشر مفتوح" in (root.findtext("head/title") or "")


def test_drafts_and_archived_members_are_in_no_blogroll(hostile_site, yaml_members):
    archived = {feed["url"] for feed in yaml_members["eli-haddad"]["feeds"]}
    draft = {"https://draft.example/feed.xml"}
    opmls = [
        p.relative_to(hostile_site.output).as_posix() for p in hostile_site.output.rglob("*.opml")
    ]
    assert WELL_KNOWN_OPML in opmls and len(opmls) >= 6
    for url in opmls:
        listed_feeds = {feed.url for feed in listparser.parse(hostile_site.text(url)).feeds}
        assert not listed_feeds & (archived | draft), url
    sites = {r["url"] for r in json.loads(hostile_site.text(WELL_KNOWN_JSON))}
    assert "https://draft.example/" not in sites
    assert yaml_members["eli-haddad"]["url"] not in sites


def test_rss_and_atom_feeds_without_a_feed_base_link_the_blogroll_relative_to_themselves(
    hostile_site,
):
    rss = ET.parse(hostile_site.output / "feeds" / "all.rss.xml").getroot()
    channel = rss.find("channel")
    assert channel is not None
    for path, element in (
        ("feeds/all.rss.xml", channel.find(f"{SOURCE_NS}blogroll")),
        (
            "feeds/all.atom.xml",
            ET.parse(hostile_site.output / "feeds" / "all.atom.xml")
            .getroot()
            .find(f"{SOURCE_NS}blogroll"),
        ),
    ):
        assert element is not None, path
        assert on_site(path, element.text or "") == "network/blogroll.opml"


def test_an_empty_save_as_turns_each_blogroll_off(tmp_path):
    output = tmp_path / "output"
    build_site(
        CONTENT,
        output,
        NETWORK_OPML_URL="",  # the theme links the blogroll by its URL: a site may host it
        NETWORK_OPML_SAVE_AS="",
        NETWORK_TOPIC_OPML_SAVE_AS="",
        NETWORK_RECOMMENDATIONS_OPML_SAVE_AS="",
        NETWORK_RECOMMENDATIONS_JSON_SAVE_AS="",
        PLANET_STORE_PATH=str(tmp_path / "planet.sqlite3"),
    )
    site = Site(output, {})
    assert not list(output.rglob("*.opml")) and not (output / WELL_KNOWN_JSON).exists()
    for page in ("index.html", "network/", "network/topics/accessibility/"):
        assert blogroll_links(site, page) == []
    feed = ET.parse(output / "feeds" / "all.atom.xml").getroot()
    assert feed.find(f"{SOURCE_NS}blogroll") is None


def test_invoke_serve_serves_the_well_known_folder(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    settings = write_site_settings(tmp_path / "sitesettings.py", **site_paths(tmp_path))
    invoke = [sys.executable, "-m", "invoke", "--search-root", str(PROJECT)]
    build = subprocess.run(
        [*invoke, "build", "-s", str(settings)], capture_output=True, text=True, timeout=300
    )
    assert build.returncode == 0, build.stderr
    port = free_port()
    server = subprocess.Popen(
        [*invoke, "serve", "-s", str(settings), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert f"127.0.0.1:{port}" in server.stdout.readline()
        for url, kind in ((WELL_KNOWN_OPML, "text/x-opml"), (WELL_KNOWN_JSON, "application/json")):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{url}", timeout=10) as response:
                assert response.status == 200
                assert response.headers.get_content_type() == kind
                body = response.read().decode("utf-8")
            assert body == (tmp_path / "output" / url).read_text(encoding="utf-8")
    finally:
        server.kill()
        server.communicate(timeout=30)


def test_a_character_xml_cannot_carry_is_dropped_not_written():
    """The member check refuses control characters; should one reach the writer anyway (a
    member made in code), the OPML stays well-formed and keeps the rest of the text."""
    member = Member.model_validate(
        {
            "id": "bell",
            "name": "Bell",
            "url": "https://bell.example/",
            "why": "Rings",
            "since": "2020",
            "topics": ["sound"],
            "feeds": [{"url": "https://bell.example/feed.xml"}],
        }
    ).model_copy(update={"why": 'Rings\x07 <loud> & "clear"\x00'})
    text = blogroll_opml([member], "Blogroll", None, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    outline = ET.fromstring(text).find("body/outline")
    assert outline is not None
    assert outline.get("why") == outline.get("description") == 'Rings <loud> & "clear"'

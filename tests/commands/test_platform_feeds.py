"""`invoke feeds ID`: each platform's profile served from 127.0.0.1 under a made-up host, its feed
found, verified and, with --write, added to the member file with its comments kept.

The rules pick a platform by the profile's `platform` name and the URL's path shape and build
the feed on the profile's own host, so a host like mastodon.example stands for the platform."""

from __future__ import annotations

import yaml
from bs4 import BeautifulSoup

from pln_site.devserver import Route
from tests.support.fetching import atom_entry, atom_feed, days_ago, simple_feed
from tests.support.workflows import html_page, invoke

MEMBER = """\
# Ana: met at a conference. This comment must stay.
name: Ana Example
url: http://ana.example/
why: Writes about open science.   # a trailing comment
since: 2021-05
topics: [science]
profiles:
  - platform: Mastodon
    url: http://mastodon.example/@ana
  - platform: Bluesky
    url: http://bsky.example/profile/ana.bsky.social
  - platform: YouTube
    url: http://youtube.example/channel/UC123abc
  - platform: GitHub
    url: http://github.example/ana
  - platform: Podcast
    url: http://podcast.example/show/
  - platform: GitLab
    url: http://gitlab.example/ana
  - platform: Mastodon
    url: http://toot.example/@ana
feeds:
  # her blog, the first feed
  - url: http://ana.example/feed.xml

# kept for later
status: active
"""


def platform_sites(web) -> None:
    def feed(host: str) -> Route:
        # Each platform's own posts (a post with one text in two feeds is one cross-post).
        site = f"http://{host}/"
        entries = [
            atom_entry(
                f"{site}post-{n}",
                f"Post {n} on {host}",
                days_ago(n + 1),
                link=f"{site}post-{n}",
                content=f"<p>Words of post {n} on {host}.</p>",
            )
            for n in range(2)
        ]
        return Route.feed(atom_feed(*entries, site=site))

    web.site("ana.example", {"/feed.xml": feed("ana.example")})
    web.site("mastodon.example", {"/@ana.rss": feed("mastodon.example")})
    bsky_head = '<link rel="alternate" type="application/rss+xml" href="/profile/did:plc:ana/rss">'
    web.site(
        "bsky.example",
        {
            "/profile/ana.bsky.social": html_page(bsky_head),
            "/profile/did:plc:ana/rss": feed("bsky.example"),
        },
    )
    web.site("youtube.example", {"/feeds/videos.xml": feed("youtube.example")})
    web.site("github.example", {"/ana.atom": feed("github.example")})
    podcast_head = '<link rel="alternate" type="application/rss+xml" href="/show/feed.rss">'
    web.site(
        "podcast.example",
        {"/show/": html_page(podcast_head), "/show/feed.rss": feed("podcast.example")},
    )
    web.site("gitlab.example", {})  # the feed answers 404
    web.site("toot.example", {"/@ana.rss": html_page(body="<p>not a feed</p>")})


EXPECTED = {
    "http://mastodon.example/@ana.rss": "Mastodon",
    "http://bsky.example/profile/did:plc:ana/rss": "Bluesky",
    "http://youtube.example/feeds/videos.xml?channel_id=UC123abc": "YouTube",
    "http://github.example/ana.atom": "GitHub",
    "http://podcast.example/show/feed.rss": "Podcast",
}


def ready(site, web):
    platform_sites(web)
    settings_file = site.write_settings(web.resolve)
    path = site.network / "ana.yaml"
    path.write_text(MEMBER, encoding="utf-8")
    return path, str(settings_file)


def test_feeds_finds_and_verifies_each_platforms_feed_and_reports_the_broken(site, web):
    path, settings = ready(site, web)
    result = invoke("feeds", "ana", "-s", settings)
    assert result.returncode == 0, result.stderr
    offered = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("  ")}
    for url in EXPECTED:
        assert url in offered, result.stdout
    # The 404 and the HTML page are reported, not offered; nothing is written without --write.
    assert "http://gitlab.example/ana.atom" not in offered
    assert "http://toot.example/@ana.rss" not in offered
    report = result.stdout.split("Not offered:")[1]
    assert "http://gitlab.example/ana.atom: HTTP 404" in report
    assert "http://toot.example/@ana.rss: not a feed" in report
    assert path.read_text(encoding="utf-8") == MEMBER


def test_feeds_write_adds_the_verified_feeds_and_keeps_every_other_line(site, web):
    path, settings = ready(site, web)
    result = invoke("feeds", "ana", "--write", "-s", settings)
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    before = yaml.safe_load(MEMBER)
    assert data["feeds"][0] == before["feeds"][0]
    assert {f["url"]: f["platform"] for f in data["feeds"][1:]} == EXPECTED
    assert {k: v for k, v in data.items() if k != "feeds"} == {
        k: v for k, v in before.items() if k != "feeds"
    }
    # The old lines are all there, in their order, comments included; only feed lines are new.
    new_lines = text.splitlines()
    old_lines = MEMBER.splitlines()
    kept = [line for line in new_lines if line in old_lines]
    assert kept == old_lines
    added = [line for line in new_lines if line not in old_lines]
    assert all(line.startswith("  ") for line in added)
    assert invoke("check", "-s", settings).returncode == 0

    # A second run finds them in the file already and adds nothing.
    again = invoke("feeds", "ana", "--write", "-s", settings)
    assert again.returncode == 1
    assert path.read_text(encoding="utf-8") == text


def test_a_feed_platform_must_be_one_of_the_members_profiles(site, web):
    path, settings = ready(site, web)
    path.write_text(
        MEMBER.replace(
            "  - url: http://ana.example/feed.xml",
            "  - url: http://ana.example/feed.xml\n    platform: Myspace",
        ),
        encoding="utf-8",
    )
    check = invoke("check", "-s", settings)
    assert check.returncode != 0
    assert "Myspace" in check.stdout + check.stderr


def test_add_member_offers_the_feed_of_a_linked_mastodon_profile(site, web):
    web.site("mastodon.example", {"/@bo.rss": Route.feed(simple_feed(2, site="http://m.example/"))})
    head = '<link rel="me" href="http://mastodon.example/@bo">'
    body = '<div class="h-card"><a class="p-name u-url u-uid" href="/">Bo Example</a></div>'
    web.site(
        "bo.example",
        {
            "/": html_page(head, body),
            "/feed.xml": Route.feed(simple_feed(2, site="http://bo.example/")),
        },
    )
    settings = str(site.write_settings(web.resolve))
    result = invoke("add-member", "http://bo.example/", "-s", settings)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((site.network / "bo-example.yaml").read_text(encoding="utf-8"))
    assert {f["url"]: f.get("platform") for f in data["feeds"]} == {
        "http://bo.example/feed.xml": None,
        "http://mastodon.example/@bo.rss": "Mastodon",
    }
    assert data["profiles"] == [{"platform": "Mastodon", "url": "http://mastodon.example/@bo"}]


def test_the_river_labels_each_entry_with_its_feeds_platform(site, web):
    path, _ = ready(site, web)
    # One member's seven feeds post on the same days: without the per-member cap and with
    # a page for all fourteen entries, every feed is on the first page whatever the order.
    settings = str(site.write_settings(web.resolve, PLANET_MAX_PER_MEMBER=0, PLANET_PER_PAGE=50))
    assert invoke("feeds", "ana", "--write", "-s", settings).returncode == 0
    fetched = invoke("fetch", "-s", settings)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    built = invoke("build", "-s", settings)
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup(
        (site.root / "output" / "reading" / "index.html").read_text("utf-8"), "html.parser"
    )
    labels = {}
    for entry in page.select("article.river-entry"):
        link = entry.select_one(".river-entry__title a")["href"]
        host = link.split("/")[2]
        label = entry.select_one(".river-entry__platform")
        labels.setdefault(host, set()).add(label.get_text() if label else None)
    # Each entry carries the platform of the feed it came from, and only that one.
    expected = {url.split("/")[2]: platform for url, platform in EXPECTED.items()}
    assert set(expected) <= set(labels), "every verified platform feed is on the river"
    for host, found in labels.items():
        assert found == {expected.get(host)}, host

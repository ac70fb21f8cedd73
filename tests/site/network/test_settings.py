"""Builds with other settings: XFN relations, custom URLs, theme overrides, and the reading
data (pln_site.site.shared.ReadingData) from a stand-in plugin, or none.

A broken member file stopping the build is tested with either plugin in tests/site/test_roster.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pelican import signals

from pln_site.settings import NETWORK
from tests.site.network.conftest import CONTENT, Site
from tests.support.project import PROJECT, build_site

HERE = Path(__file__).resolve().parent


def build(tmp_path: Path, content: Path = CONTENT, **overrides) -> Site:
    output = tmp_path / "output"
    settings = build_site(content, output, **overrides)
    return Site(output, settings)


def test_xfn_relations_are_published_only_when_asked(tmp_path, listed):
    site = build(tmp_path, NETWORK_PUBLISH_RELATIONS=True)
    rel_urls = site.mf2("network/")["rel-urls"]
    for member in listed.values():
        relations = member.get("relation", [])
        if relations:
            assert rel_urls[member["url"]]["rels"] == relations
        else:
            assert member["url"] not in rel_urls
    dana = site.mf2("network/dana-kowalska/")["rel-urls"]["https://dana.example/"]
    assert dana["rels"] == ["co-worker", "colleague", "friend"]
    text = site.soup("network/dana-kowalska/").find("main").get_text(" ")
    assert "co-worker, colleague, friend" in text
    records = {r["id"]: r for r in json.loads(site.text("network/members.json"))["members"]}
    assert records["dana-kowalska"]["relation"] == ["co-worker", "colleague", "friend"]


def test_every_url_is_a_setting(tmp_path):
    site = build(
        tmp_path,
        NETWORK_INDEX_URL="people/",
        NETWORK_INDEX_SAVE_AS="people/index.html",
        NETWORK_MEMBER_URL="people/{id}.html",
        NETWORK_MEMBER_SAVE_AS="people/{id}.html",
        NETWORK_TOPIC_URL="people/about/{slug}.html",
        NETWORK_TOPIC_SAVE_AS="people/about/{slug}.html",
        NETWORK_OPML_URL="",
        NETWORK_OPML_SAVE_AS="",
        NETWORK_RECOMMENDATIONS_OPML_SAVE_AS="",
        NETWORK_TOPIC_OPML_URL="people/about/{slug}.opml",
        NETWORK_TOPIC_OPML_SAVE_AS="people/about/{slug}.opml",
    )
    soup = site.soup("people/")
    more = soup.find(id="member-amara-okafor").select_one(".card__title a")
    assert site.resolve("people/", more["href"]) == "people/amara-okafor.html"
    assert site.exists("people/amara-okafor.html")
    topic = soup.select_one("[data-network-filter] a")
    assert site.exists(site.resolve("people/", topic["href"]))
    assert not site.exists("network/")
    assert not (site.output / "network" / "blogroll.opml").exists()
    assert soup.head.find("link", rel="blogroll") is None
    assert not (site.output / ".well-known" / "recommendations.opml").exists()
    topic_url = site.resolve("people/", topic["href"])
    topic_blogroll = site.soup(topic_url).head.find("link", rel="blogroll")
    assert site.resolve(topic_url, topic_blogroll["href"]) == topic_url.replace(".html", ".opml")
    assert site.exists(topic_url.replace(".html", ".opml"))


def test_a_theme_template_of_the_same_name_overrides_the_plugins(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    (theme / "templates" / "network_member.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        '<p id="custom">Custom page for {{ member.name }}</p>{% endblock %}',
        encoding="utf-8",
    )
    site = build(tmp_path, THEME=str(theme))
    assert site.soup("network/amara-okafor/").find(id="custom").get_text() == (
        "Custom page for Amara Okafor"
    )
    # The other pages still come from the plugin.
    assert site.soup("network/").select("[data-network-cards] .h-card")


@pytest.fixture
def fake_reading():
    """Builds with a stand-in reading plugin; its signal is disconnected afterwards."""
    yield {
        "PLUGIN_PATHS": [str(HERE / "plugins")],
        "PLUGINS": ["pln_site.site.network", "fake_reading"],
    }
    import fake_reading as module  # loaded by Pelican from PLUGIN_PATHS

    signals.get_generators.disconnect(module.get_generators)


def test_last_posts_are_shown_when_the_reading_feed_provides_them(tmp_path, fake_reading):
    site = build(tmp_path, **fake_reading)
    soup = site.soup("network/")
    amara = soup.find(id="member-amara-okafor").select_one(".network-last-post")
    assert amara.a.get_text() == "Open <textbooks> & me"
    assert amara.a["href"] == "https://amara-okafor.example/posts/3"
    assert amara.select_one(".network-quiet") is None
    dana = soup.find(id="member-dana-kowalska").select_one(".network-last-post")
    assert dana.select_one(".network-quiet").get_text() == "quiet"
    assert soup.find(id="member-bruno-lima").select_one(".network-last-post") is None
    page = site.soup("network/amara-okafor/").select_one(".network-latest")
    assert [a.get_text() for a in page.find_all("a")] == ["Open <textbooks> & me", "An older note"]
    assert site.soup("network/dana-kowalska/").select_one(".network-latest .network-quiet")


def test_topic_pages_link_the_reading_page_the_reading_data_names(tmp_path, fake_reading):
    site = build(tmp_path, **fake_reading)
    soup = site.soup("network/topics/open-education/")
    link = soup.select_one(".network-reading-link a")
    assert site.resolve("network/topics/open-education/", link["href"]) == (
        "fake-reading/open-education/"
    )
    # It names no topic feed: the head links none.
    assert (
        soup.head.find("link", type="application/atom+xml", title=lambda t: "Posts on" in t) is None
    )


def test_no_last_posts_without_the_reading_feed(site):
    # The fixture site has the reading plugin but no store: no posts to show.
    soup = site.soup("network/")
    assert soup.select(".network-last-post") == []
    assert site.soup("network/amara-okafor/").select(".network-latest") == []


def test_without_the_reading_plugin_no_page_shows_posts_or_links_reading(tmp_path):
    site = build(tmp_path, PLUGINS=[NETWORK])
    assert not site.exists("reading/")
    soup = site.soup("network/")
    assert soup.select(".network-card")
    assert soup.select(".network-last-post") == []
    assert site.soup("network/amara-okafor/").select(".network-latest") == []
    topic = site.soup("network/topics/open-education/")
    assert topic.select(".network-reading-link") == []
    assert [a["href"] for a in topic.find_all("a") if "reading" in a["href"]] == []


def test_with_an_absolute_site_url_machine_readable_links_are_absolute(tmp_path):
    site = build(tmp_path, SITEURL="https://robin.example", RELATIVE_URLS=False)
    scripts = site.soup("network/amara-okafor/").find_all("script", type="application/ld+json")
    data = json.loads(scripts[0].string)
    assert data["mainEntityOfPage"] == "https://robin.example/network/amara-okafor/"
    assert data["image"] == "https://robin.example/images/avatars/amara-okafor.png"
    records = {r["id"]: r for r in json.loads(site.text("network/members.json"))["members"]}
    assert records["amara-okafor"]["page_url"] == "https://robin.example/network/amara-okafor/"
    assert records["bruno-lima"]["avatar_url"] is None
    more = site.soup("network/").find(id="member-amara-okafor").select_one(".card__title a")
    assert more["href"] == "https://robin.example/network/amara-okafor/"

"""The directory, sorted variants, topic pages: what a visitor sees, parsed as microformats."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from pln_site.site.avatars import is_raster, resized_name
from tests.support.network_checks import assert_card_matches


def cards_by_name(site, url: str) -> dict[str, dict]:
    return {card["properties"]["name"][0]: card for card in site.member_cards(url)}


def test_directory_has_one_h_card_per_listed_member_matching_its_file(site, listed):
    cards = cards_by_name(site, "network/")
    assert sorted(cards) == sorted(m["name"] for m in listed.values())
    for member in listed.values():
        assert_card_matches(cards[member["name"]], member)


def test_archived_member_is_on_no_directory_or_topic_page(site, yaml_members):
    archived = yaml_members["eli-haddad"]
    assert archived["status"] == "archived"
    pages = ["network/", "network/by/newest/", "network/by/oldest/", "network/topics/"]
    pages += [
        str(PurePosixPath(p.relative_to(site.output).parent)) + "/"
        for p in (site.output / "network" / "topics").glob("*/index.html")
    ]
    for url in pages:
        names = {c["properties"]["name"][0] for c in site.member_cards(url)}
        assert archived["name"] not in names, url
        assert archived["name"] not in site.soup(url).get_text(), url
    assert not site.exists("network/eli-haddad/")
    # Its only topic belongs to nobody else listed... except Hana: the topic stays, with one member.
    topic = site.member_cards("network/topics/personal-knowledge-management/")
    assert [c["properties"]["name"][0] for c in topic] == ["Hana Satō"]


def test_dormant_member_is_listed_and_marked(site):
    card = next(
        tag for tag in site.soup("network/").select(".h-card") if "Chen Mei" in tag.get_text()
    )
    assert "dormant" in card.get_text()


def test_real_avatars_are_local_photos_and_the_others_get_initials(site, listed):
    soup = site.soup("network/")
    cards = cards_by_name(site, "network/")
    for member_id, member in listed.items():
        card = cards[member["name"]]
        html_card = soup.find(id=f"member-{member_id}")
        if member.get("avatar"):
            photo = card["properties"]["photo"][0]
            src = photo["value"] if isinstance(photo, dict) else photo
            # Raster avatars are shown as resized copies; SVG ones as they are.
            shown = (
                resized_name(member["avatar"]) if is_raster(member["avatar"]) else member["avatar"]
            )
            assert src == f"http://site.test/images/avatars/{shown}"
            assert (site.output / "images" / "avatars" / shown).is_file()
            assert (site.output / "images" / "avatars" / member["avatar"]).is_file()
        else:
            assert "photo" not in card["properties"]
            assert html_card.select_one(".avatar").get_text().strip().isupper()
    # Nothing is hotlinked: every image on the page comes from the site itself.
    for img in soup.find_all("img"):
        assert not img["src"].startswith(("http:", "https:", "//")), img["src"]


def test_initials_fallback_reads_the_name(site):
    bruno = site.soup("network/").find(id="member-bruno-lima")
    assert bruno.select_one(".avatar").get_text().strip() == "BL"


def test_cards_show_since_where_met_and_profiles(site):
    amara = site.soup("network/").find(id="member-amara-okafor")
    assert amara.find("time", attrs={"datetime": "2019-04"}).get_text() == "April 2019"
    assert amara.find("a", href="https://oercamp.example.org/2019").get_text() == "OER Camp"
    assert "Open Ed Matrix room" in amara.get_text()
    profiles = {a["href"]: a for a in amara.select(".network-profiles a")}
    assert set(profiles) == {"https://social.example/@amara", "https://code.example/amara"}
    for link in profiles.values():
        assert link["rel"] == ["noopener"]
    # The name leads to the member's page here; their own site is one link of its own.
    name = amara.select_one(".card__title a")
    assert name.get_text() == "Amara Okafor"
    assert name["href"] == "../network/amara-okafor/"
    assert amara.select_one(".card__site a")["href"] == "https://amara.example/"


def names_in_order(site, url: str) -> list[str]:
    return [c["properties"]["name"][0] for c in site.member_cards(url)]


def test_sorted_variants_work_without_javascript(site, listed):
    by_name = sorted(listed.values(), key=lambda m: m["name"].casefold())
    assert names_in_order(site, "network/") == [m["name"] for m in by_name]
    by_since = sorted(by_name, key=lambda m: str(m["since"]))
    assert names_in_order(site, "network/by/oldest/") == [m["name"] for m in by_since]
    newest = names_in_order(site, "network/by/newest/")
    assert newest[0] == "Gus <Berg>" and newest[-1] == "Dana Kowalska"
    # The sort links lead to those pages, and the current one says so.
    links = site.soup("network/by/newest/").select("[data-network-sort] a")
    assert [a["href"] for a in links] == [
        "../../../network/",
        "../../../network/by/newest/",
        "../../../network/by/oldest/",
    ]
    assert [a.get("aria-current") for a in links] == [None, "page", None]


def test_topic_filters_are_links_to_topic_pages(site):
    links = site.soup("network/").select("[data-network-filter] a")
    assert len(links) == len(list((site.output / "network" / "topics").glob("*/index.html")))
    for link in links:
        target = site.resolve("network/", link["href"])
        assert target == f"network/topics/{link['data-topic']}/"
        assert site.exists(target), target


def test_directory_loads_its_script_from_a_file_and_has_no_inline_script(site):
    soup = site.soup("network/")
    scripts = soup.find_all("script")
    assert scripts
    for script in scripts:
        assert script.get("src") or script.get("type") == "application/ld+json"
        assert not script.get_text().strip() or script.get("type") == "application/ld+json"
    src = next(s["src"] for s in scripts if s.get("src"))
    assert src == "../network/network.js"
    assert "data-network-cards" in (site.output / "network" / "network.js").read_text()


def test_topics_index_lists_every_topic_with_its_count(site, listed):
    counts: dict[str, int] = {}
    for member in listed.values():
        for topic in member["topics"]:
            counts[topic] = counts.get(topic, 0) + 1
    items = site.soup("network/topics/").select(".network-topic-list li")
    shown = {li.a.get_text(): li.select_one(".count").get_text() for li in items}
    assert shown == {topic: f"{n} member" + ("" if n == 1 else "s") for topic, n in counts.items()}


@pytest.mark.parametrize(
    "slug, topic",
    [
        ("accessibility", "accessibility"),
        ("python", "Python"),
        ("learning-analytics", "learning analytics"),
        ("open-source", "open source"),
    ],
)
def test_topic_page_lists_the_members_with_that_topic(site, listed, slug, topic):
    expected = sorted(m["name"] for m in listed.values() if topic in m["topics"])
    cards = cards_by_name(site, f"network/topics/{slug}/")
    assert sorted(cards) == expected
    for card in cards.values():
        member = next(m for m in listed.values() if m["name"] == card["properties"]["name"][0])
        assert_card_matches(card, member)


def test_card_topic_links_lead_to_existing_topic_pages(site):
    links = site.soup("network/").select(".network-card a.p-category")
    assert links
    for link in links:
        assert site.exists(site.resolve("network/", link["href"])), link["href"]


def test_every_page_links_the_blogroll_in_its_head(site):
    pages = site.html_pages()
    assert len(pages) > 10
    for page in pages:
        soup = site.soup(str(page.relative_to(site.output)))
        links = [tag for tag in soup.head.find_all("link") if "blogroll" in tag.get("rel", [])]
        # The site's blogroll once on every page; the directory and the topic pages add their
        # own (test_blogroll_standards).
        site_wide = [tag for tag in links if tag["href"].endswith("/network/blogroll.opml")]
        assert len(site_wide) == 1, page
        assert all(tag["type"] == "text/x-opml" for tag in links)


def test_topic_page_leads_to_the_reading_feed_on_that_topic(site):
    soup = site.soup("network/topics/accessibility/")
    link = soup.select_one(".network-reading-link a")
    target = site.resolve("network/topics/accessibility/", link["href"])
    assert target == "reading/topics/accessibility/"
    assert site.exists(target)
    atom = soup.head.find("link", type="application/atom+xml", title=lambda t: "accessibility" in t)
    assert site.resolve("network/topics/accessibility/", atom["href"]).endswith(
        "reading/topics/accessibility/atom.xml"
    )

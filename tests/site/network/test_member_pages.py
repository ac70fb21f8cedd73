"""One page per member: every public field, as an h-card and as schema.org JSON-LD."""

from __future__ import annotations

import json

import pytest

from tests.support.network_checks import assert_card_matches

LISTED_IDS = ["amara-okafor", "bruno-lima", "chen-mei", "dana-kowalska", "gus-berg", "hana-sato"]


def jsonld(site, url: str) -> dict:
    scripts = site.soup(url).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_fixture_lists_the_members_the_tests_expect(listed):
    assert sorted(listed) == LISTED_IDS


@pytest.mark.parametrize("member_id", LISTED_IDS)
def test_member_page_is_an_h_card_matching_the_file(site, listed, member_id):
    cards = site.member_cards(f"network/{member_id}/")
    assert len(cards) == 1
    assert_card_matches(cards[0], listed[member_id])


@pytest.mark.parametrize("member_id", LISTED_IDS)
def test_member_page_shows_every_public_field(site, listed, member_id):
    member = listed[member_id]
    soup = site.soup(f"network/{member_id}/")
    main = soup.find("main")
    text = main.get_text(" ")
    hrefs = {a["href"] for a in main.find_all("a")}
    assert member["url"] in hrefs
    for meeting in member.get("met", []):
        assert meeting["name"] in text
        assert meeting["kind"] in text
        if "url" in meeting:
            assert meeting["url"] in hrefs
    for profile in member.get("profiles", []):
        assert profile["url"] in hrefs
        assert profile["platform"] in text
    for feed in member.get("feeds", []):
        assert feed["url"] in hrefs
        if "title" in feed:
            assert feed["title"] in text
    for code in member.get("languages", []):
        assert main.find("span", lang=code).get_text() == code
    for key in ("role", "tie"):
        if key in member:
            assert member[key] in text
    assert main.find("time", attrs={"datetime": str(member["since"])})


@pytest.mark.parametrize("member_id", LISTED_IDS)
def test_member_page_carries_person_json_ld(site, listed, member_id):
    member = listed[member_id]
    data = jsonld(site, f"network/{member_id}/")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == member["name"]
    assert data["url"] == member["url"]
    assert data["description"] == member["why"]
    assert data["knowsAbout"] == member["topics"]
    assert data.get("jobTitle") == member.get("job_title")
    assert data.get("worksFor", {}).get("name") == member.get("org")
    address = data.get("address", {})
    assert address.get("addressLocality") == member.get("locality")
    assert address.get("addressCountry") == member.get("country")
    assert data.get("knowsLanguage", []) == member.get("languages", [])
    assert data.get("sameAs", []) == [p["url"] for p in member.get("profiles", [])]


def test_member_text_cannot_close_the_json_ld_script(site, listed):
    # Gus's why holds </script><script>alert(1)</script>: still one data block, no extra script.
    soup = site.soup("network/gus-berg/")
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    raw = scripts[0].string
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert json.loads(raw)["description"] == listed["gus-berg"]["why"]


def test_template_syntax_in_a_member_file_is_shown_literally(site, listed):
    why = listed["gus-berg"]["why"]
    assert "{{ 7*7 }}" in why
    for url in ("network/", "network/gus-berg/", "network/topics/python/"):
        notes = [
            c["properties"]["note"][0]
            for c in site.member_cards(url)
            if c["properties"]["name"] == ["Gus <Berg>"]
        ]
        assert notes == [why], url
        assert "49" not in site.soup(url).find("main").get_text()


def test_markup_in_a_name_is_text(site):
    soup = site.soup("network/gus-berg/")
    assert soup.find("h1").get_text() == "Gus <Berg>"
    assert soup.find("berg") is None
    assert soup.title.get_text().startswith("Gus <Berg>")


def test_member_links_never_claim_rel_me_and_xfn_is_off_by_default(site, listed):
    member_urls = set()
    for member in listed.values():
        member_urls.add(member["url"])
        member_urls.update(p["url"] for p in member.get("profiles", []))
    pages = ["network/"] + [f"network/{member_id}/" for member_id in listed]
    for url in pages:
        rel_urls = site.mf2(url)["rel-urls"]
        for href in member_urls & set(rel_urls):
            rels = set(rel_urls[href]["rels"])
            assert "me" not in rels, (url, href)
            assert rels <= {"noopener"}, (url, href, rels)
    # The owner's own profiles, in the footer, are the only rel="me" links.
    me = set(site.mf2("network/")["rels"].get("me", []))
    assert me == {url for _, url in site.settings["SOCIAL"]}


def test_feeds_are_listed_but_not_as_alternates_of_the_page(site, listed):
    rel_urls = site.mf2("network/bruno-lima/")["rel-urls"]
    for feed in listed["bruno-lima"]["feeds"]:
        assert feed["url"] not in rel_urls

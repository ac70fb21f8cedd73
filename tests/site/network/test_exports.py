"""The blogroll (OPML 2.0) and members.json, read with the tools their users have."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import listparser


def expected_feeds(listed: dict) -> list[tuple[str, dict, dict]]:
    return [
        (member_id, member, feed)
        for member_id, member in sorted(listed.items())
        for feed in member.get("feeds", [])
    ]


def test_blogroll_has_one_feed_per_member_feed_with_titles_and_topics(site, listed):
    result = listparser.parse(site.text("network/blogroll.opml"))
    assert not result.bozo, result.bozo_exception
    feeds = {feed.url: feed for feed in result.feeds}
    expected = expected_feeds(listed)
    assert len(result.feeds) == len(expected) == 6
    assert set(feeds) == {feed["url"] for _, _, feed in expected}
    for _, member, feed in expected:
        parsed = feeds[feed["url"]]
        assert parsed.title == feed.get("title", member["name"])
        assert parsed.tags == member["topics"]
    assert result.meta.title == "Robin's notebook: blogroll"
    assert result.meta.author.name == "Robin Example"
    assert result.meta.created_parsed is not None


def test_blogroll_outlines_carry_html_url_and_since_as_rfc822(site, listed):
    root = ET.fromstring(site.text("network/blogroll.opml"))
    assert root.get("version") == "2.0"
    outlines = {o.get("xmlUrl"): o for o in root.iter("outline")}
    for _, member, feed in expected_feeds(listed):
        outline = outlines[feed["url"]]
        assert outline.get("type") == "rss"
        assert outline.get("text") == outline.get("title")
        assert outline.get("htmlUrl") == feed.get("html_url", member["url"])
        assert outline.get("category") == ",".join(member["topics"])
        created = parsedate_to_datetime(outline.get("created"))
        assert str(member["since"]).startswith(str(created.year))


def test_archived_member_is_not_in_the_blogroll_or_the_json(site, yaml_members):
    archived_feed = yaml_members["eli-haddad"]["feeds"][0]["url"]
    assert archived_feed not in {
        f.url for f in listparser.parse(site.text("network/blogroll.opml")).feeds
    }
    ids = [m["id"] for m in json.loads(site.text("network/members.json"))["members"]]
    assert "eli-haddad" not in ids


def test_members_json_holds_the_public_data_of_listed_members(site, listed):
    document = json.loads(site.text("network/members.json"))
    assert document["version"] == 1
    records = {record["id"]: record for record in document["members"]}
    assert sorted(records) == sorted(listed)
    for member_id, member in listed.items():
        record = records[member_id]
        # The page URL, relative to the JSON file, leads to the member's page.
        assert site.exists(site.resolve("network/members.json", record["page_url"]))
        for key in (
            "name",
            "url",
            "why",
            "topics",
            "role",
            "tie",
            "org",
            "job_title",
            "locality",
            "country",
            "status",
        ):
            assert record[key] == member.get(key, "active" if key == "status" else None), key
        assert record["since"] == str(member["since"])
        assert record["languages"] == member.get("languages", [])
        assert record["profiles"] == member.get("profiles", [])
        assert [f["url"] for f in record["feeds"]] == [f["url"] for f in member.get("feeds", [])]
        assert [m["name"] for m in record["met"]] == [m["name"] for m in member.get("met", [])]
        # Relations are private unless the site publishes them.
        assert "relation" not in record
        if member.get("avatar"):
            avatar = site.resolve("network/members.json", record["avatar_url"])
            assert avatar == f"images/avatars/{member['avatar']}"
            assert (site.output / avatar).is_file()
        else:
            assert record["avatar_url"] is None

"""Posts are h-entries that IndieWeb readers and webmention tools can read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import mf2py

BASE = "https://robin.example/"


def parse_mf2(output: Path, page: str) -> dict:
    path = output / page
    return mf2py.parse(doc=path.read_text(encoding="utf-8"), url=BASE + page)


def instants(values: list[str]) -> list[datetime]:
    """mf2 dates as datetimes (mf2py writes offsets as +0100, the page as +01:00)."""
    return [datetime.fromisoformat(value) for value in values]


def h_entries(parsed: dict) -> list[dict]:
    found = []

    def walk(items):
        for item in items:
            if "h-entry" in item["type"]:
                found.append(item)
            walk(item.get("children", []))

    walk(parsed["items"])
    return found


def test_article_is_an_h_entry_with_name_date_author_content_and_categories(output: Path):
    parsed = parse_mf2(output, "posts/learning-in-the-open/index.html")
    entries = h_entries(parsed)
    assert len(entries) == 1
    props = entries[0]["properties"]
    assert props["name"] == ["Learning in the open"]
    assert instants(props["published"]) == instants(["2023-05-01T10:00:00+02:00"])
    author = props["author"][0]
    assert author["type"] == ["h-card"]
    assert author["properties"]["name"] == ["Robin Example"]
    assert author["properties"]["url"] == [BASE]
    assert props["url"] == [BASE + "posts/learning-in-the-open/"]
    assert "Notes are better shared." in props["content"][0]["value"]
    assert "<em>shared</em>" in props["content"][0]["html"]
    assert sorted(props["category"]) == ["Learning", "open practice", "pln"]


def test_updated_post_carries_its_modified_date(output: Path):
    entry = h_entries(parse_mf2(output, "posts/a-week-of-reading/index.html"))[0]
    assert instants(entry["properties"]["updated"]) == instants(["2024-02-05T09:00:00+01:00"])
    assert instants(entry["properties"]["published"]) == instants(["2024-02-03T09:00:00+01:00"])


def test_home_is_an_h_feed_of_h_entries_with_permalinks(output: Path):
    parsed = parse_mf2(output, "index.html")
    feeds = [item for item in parsed["items"] if "h-feed" in item["type"]]
    assert len(feeds) == 1
    entries = h_entries(parsed)
    assert [e["properties"]["name"] for e in entries] == [["A week of reading"]]
    assert entries[0]["properties"]["url"] == [BASE + "posts/a-week-of-reading/"]
    published = entries[0]["properties"]["published"]
    assert instants(published) == instants(["2024-02-03T09:00:00+01:00"])


def test_footer_h_card_and_rel_me_identify_the_owner(theme_site):
    output, settings = theme_site
    parsed = parse_mf2(output, "about/index.html")
    assert sorted(parsed["rels"]["me"]) == sorted(url for _, url in settings["SOCIAL"])
    cards = [item for item in parsed["items"] if item["type"] == ["h-card"]]
    assert cards[0]["properties"]["name"] == ["Robin Example"]

"""The text edit of `invoke feeds ID --write`: new items under `feeds:`, no other line touched."""

from __future__ import annotations

import pytest
import yaml

from pln_site.commands.platform_feeds import FeedLinesError, with_feeds_appended

NEW = [{"url": "https://m.example/@ana.rss", "title": "Ana: #notes", "platform": "Mastodon"}]


def test_items_go_after_the_last_feed_before_the_next_key_and_its_comment():
    text = "name: Ana\nfeeds:\n    - url: https://a.example/feed\n      title: A\n\n# later\nstatus: active\n"
    edited = with_feeds_appended(text, NEW)
    assert yaml.safe_load(edited)["feeds"] == [
        {"url": "https://a.example/feed", "title": "A"},
        *NEW,
    ]
    lines = edited.splitlines()
    assert [line for line in lines if line in text.splitlines()] == text.splitlines()
    assert lines[4] == "    - url: https://m.example/@ana.rss"  # the file's own indentation


def test_a_file_without_feeds_gets_them_at_its_end():
    edited = with_feeds_appended("name: Ana  # her name\nstatus: active", NEW)
    assert edited.startswith("name: Ana  # her name\nstatus: active\nfeeds:\n")
    assert yaml.safe_load(edited)["feeds"] == NEW


def test_an_empty_flow_list_becomes_a_block_and_keeps_its_comment():
    edited = with_feeds_appended("name: Ana\nfeeds: []  # none yet\nstatus: active\n", NEW)
    assert edited.splitlines()[1] == "feeds:  # none yet"
    assert yaml.safe_load(edited) == {"name": "Ana", "feeds": NEW, "status": "active"}


def test_a_flow_list_with_items_is_refused_not_rewritten():
    with pytest.raises(FeedLinesError, match="one line"):
        with_feeds_appended("feeds: [{url: 'https://a.example/feed'}]\n", NEW)

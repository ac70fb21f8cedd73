"""A titleless post (a micro post) is shown under the start of its text. That stand-in is what
a reader would read, never the CSS, script or markup a feed carried along."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pln_site.entries import StoredEntry
from pln_site.feeds.parse.feed import parse_feed
from pln_site.site.reading.river import entry_title
from tests.support.parse_fixtures import rss

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
CSS = "p.note { color: red; font-family: Georgia } .x{display:none}"


def stand_in_of(body: bytes, url: str = "https://m.example/feed") -> str:
    [parsed] = parse_feed(body, url=url).entries
    stored = StoredEntry(
        key=parsed.key,
        feed_url=url,
        member_id="ada",
        link=parsed.link,
        title=parsed.title,
        author=parsed.author,
        content_html=parsed.content_html,
        summary_html=parsed.summary_html,
        date=NOW,
        first_seen=NOW,
    )
    title, is_own = entry_title(stored)
    assert not is_own
    return title


def titleless(description: str) -> bytes:
    item = f"<item><link>https://m.example/1</link><description>{description}</description></item>"
    return rss(item).encode()


@pytest.mark.parametrize(
    "description",
    [
        f"<![CDATA[<style>{CSS}</style><p>Walked to the market today.</p>]]>",
        f"<![CDATA[<script>var css = '{CSS}';</script><p>Walked to the market today.</p>]]>",
        # Escaped twice: the sanitizer passes it as text that looks like markup.
        f"&lt;style&gt;{CSS}&lt;/style&gt;&lt;p&gt;Walked to the market today.&lt;/p&gt;",
        # Nested too deep to parse: kept as its text, still without the CSS.
        "<![CDATA[" + "<div>" * 600 + f"<style>{CSS}</style>Walked to the market today.]]>",
    ],
    ids=["style", "script", "escaped-twice", "too-deep"],
)
def test_the_stand_in_is_the_posts_words_without_css_or_script(description):
    assert stand_in_of(titleless(description)) == "Walked to the market today."


def test_json_feed_content_with_a_style_element():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {
                    "id": "1",
                    "url": "https://m.example/1",
                    "content_html": f"<style>{CSS}</style><p>Short note.</p>",
                }
            ],
        }
    ).encode()
    assert stand_in_of(body, "https://m.example/feed.json") == "Short note."


def test_a_long_post_is_cut_at_a_word_with_an_ellipsis():
    words = " ".join(["market"] * 40)
    stand_in = stand_in_of(titleless(f"<![CDATA[<style>{CSS}</style><p>{words}</p>]]>"))
    assert stand_in.endswith("…") and stand_in.startswith("market market")
    assert "{" not in stand_in and len(stand_in) <= 80

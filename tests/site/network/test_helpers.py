"""Edge cases of the small pieces the pages are built from, which the fixture site lacks."""

from __future__ import annotations

import datetime as dt
import json

import listparser
import pytest
from pelican.settings import DEFAULT_CONFIG

from pln_site.members.model import Member
from pln_site.site.network.jsonld import script_json
from pln_site.site.network.opml import blogroll_opml
from pln_site.site.network.present import partial_date
from pln_site.site.topics import group_topics

SUBS = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]


def member(member_id: str, topics: list[str], **fields) -> Member:
    return Member(
        id=member_id,
        name=fields.pop("name", member_id.title()),
        url=f"https://{member_id}.example/",
        why="Because.",
        since=fields.pop("since", "2020"),
        topics=topics,
        **fields,
    )


def test_topics_differing_in_case_or_punctuation_share_one_page():
    topics = group_topics(
        [
            member("a", ["Open Source"]),
            member("b", ["open source", "open-source"]),
            member("c", ["open source"]),
        ],
        SUBS,
    )
    assert [(t.name, t.slug, [m.id for m in t.members]) for t in topics] == [
        ("open source", "open-source", ["a", "b", "c"])
    ]


def test_a_topic_without_letters_still_gets_a_usable_slug():
    (topic,) = group_topics([member("a", ["++"])], SUBS)
    assert topic.slug.startswith("topic-") and len(topic.slug) > 6


def test_opml_categories_stay_flat_tags_even_with_commas_and_slashes():
    text = blogroll_opml(
        [member("a", ["AI/ML", "tea, coffee"], feeds=[{"url": "https://a.example/feed"}])],
        title="Blogroll & more",
        owner_name="R <me>",
        generated=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
    )
    result = listparser.parse(text)
    assert not result.bozo
    assert result.meta.title == "Blogroll & more"
    assert result.meta.author.name == "R <me>"
    assert result.feeds[0].tags == ["AI ML", "tea coffee"]


def test_json_ld_escapes_everything_that_could_end_the_script_element():
    data = {"description": "</script><!-- & -->"}
    text = str(script_json(data))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


@pytest.mark.parametrize(
    "text, words", [("2019", "2019"), ("2019-04", "April 2019"), ("2019-04-02", "2 April 2019")]
)
def test_partial_dates_in_words(text, words):
    assert partial_date(text) == words

"""Editing a member file's feeds in place: only the changed value or the added line differs."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml

from pln_site.members.feedfix import FeedFixError, FeedGone, FeedMoved, fixed_text
from pln_site.members.loader import load_members
from pln_site.members.problems import MemberFilesInvalid

OLD = "https://ada.example/feed.xml"
NEW = "https://ada.example/blog/feed.atom"
OTHER = "https://ada.example/links.xml"

FILE = f"""\
# Ada: met at the open education meetup.
name: Ada   # as she signs her posts
url: https://ada.example/
why: >-
  She writes down every lesson plan,
  drafts and all.
since: 2021-05
topics: [open education, 'archives']

feeds:
  # her blog, since 2019
  - url: {OLD}  # the only one that stays long
    title: "Ada's notes"

  - title: Links
    url: '{OTHER}'
    keep:
      - categories: [python]
status: active
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The lines that differ, as a diff's - and + lines."""
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
    return [line for line in diff if line[:1] in "-+"]


def test_a_moved_feed_changes_only_its_url():
    after = fixed_text(FILE, [FeedMoved(OLD, NEW)])
    assert changed_lines(FILE, after) == [
        f"-   - url: {OLD}  # the only one that stays long\n",
        f"+   - url: {NEW}  # the only one that stays long\n",
    ]


def test_a_gone_feed_gets_one_line_below_its_url_at_its_indent():
    after = fixed_text(FILE, [FeedGone(OTHER, "2024-05-01")])
    assert changed_lines(FILE, after) == ["+     gone: 2024-05-01\n"]
    assert after.splitlines()[15:17] == [f"    url: '{OTHER}'", "    gone: 2024-05-01"]


def test_two_feeds_one_moved_one_gone_in_one_edit():
    after = fixed_text(FILE, [FeedMoved(OLD, NEW), FeedGone(OTHER, "2024-05-01")])
    assert len(changed_lines(FILE, after)) == 3
    data = yaml.safe_load(after)
    assert [feed["url"] for feed in data["feeds"]] == [NEW, OTHER]
    assert [feed.get("gone") for feed in data["feeds"]][0] is None


def test_a_quoted_url_keeps_its_quotes():
    after = fixed_text(FILE, [FeedMoved(OTHER, NEW)])
    assert changed_lines(FILE, after) == [f"-     url: '{OTHER}'\n", f"+     url: '{NEW}'\n"]
    double = FILE.replace(f"'{OTHER}'", f'"{OTHER}"')
    assert f'url: "{NEW}"' in fixed_text(double, [FeedMoved(OTHER, NEW)])


def test_a_feed_in_flow_style_stays_in_flow_style():
    text = f"name: Ada\nfeeds: [{{url: {OLD}, title: Notes}}, {{url: {OTHER}}}]  # both\n"
    moved = "https://ada.example/feed.xml?tags=a,b"  # a comma would end a flow value
    after = fixed_text(text, [FeedMoved(OLD, moved), FeedGone(OTHER, "2024-05-01")])
    assert after == (
        f'name: Ada\nfeeds: [{{url: "{moved}", title: Notes}}, '
        f"{{url: {OTHER}, gone: 2024-05-01}}]  # both\n"
    )


def test_a_url_on_the_last_line_without_a_line_end():
    after = fixed_text(f"feeds:\n- url: {OLD}", [FeedGone(OLD, "2024-05-01")])
    assert after == f"feeds:\n- url: {OLD}\n  gone: 2024-05-01"


def test_windows_line_ends_stay():
    text = FILE.replace("\n", "\r\n")
    after = fixed_text(text, [FeedGone(OLD, "2024-05-01")])
    assert "\n" not in after.replace("\r\n", "")
    assert after.count("\r\n") == text.count("\r\n") + 1


def test_a_url_that_plain_yaml_would_misread_is_quoted():
    after = fixed_text(FILE, [FeedMoved(OLD, "https://ada.example/feed:")])
    assert yaml.safe_load(after)["feeds"][0]["url"] == "https://ada.example/feed:"
    assert 'url: "https://ada.example/feed:"' in after


def test_a_feed_marked_gone_already_is_left_as_it_is():
    once = fixed_text(FILE, [FeedGone(OLD, "2024-05-01")])
    assert fixed_text(once, [FeedGone(OLD, "2024-06-01")]) == once


def test_a_url_the_file_does_not_name_is_an_error():
    with pytest.raises(FeedFixError, match="no feed of the file has the URL"):
        fixed_text(FILE, [FeedMoved("https://bea.example/feed.xml", NEW)])


def test_a_gone_feed_loads_and_is_not_live(tmp_path: Path):
    network = tmp_path / "network"
    network.mkdir()
    (network / "ada.yaml").write_text(fixed_text(FILE, [FeedGone(OTHER, "2024-05-01")]))
    (member,) = load_members(network, tmp_path / "avatars")
    assert [feed.gone for feed in member.feeds] == [None, "2024-05-01"]
    assert [feed.url for feed in member.live_feeds] == [OLD]


def test_a_gone_that_is_no_date_names_its_line_and_field(tmp_path: Path):
    network = tmp_path / "network"
    network.mkdir()
    (network / "ada.yaml").write_text(FILE.replace("    keep:\n", "    gone: soon\n    keep:\n"))
    with pytest.raises(MemberFilesInvalid) as invalid:
        load_members(network, tmp_path / "avatars")
    (problem,) = invalid.value.problems
    assert (problem.line, problem.field) == (17, "feeds[1].gone")
    assert "YYYY-MM-DD" in problem.message

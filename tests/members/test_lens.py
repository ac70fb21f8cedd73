"""A feed's lens: its keep and skip rules, as a member file writes them, judge stored entries;
a rule the model cannot read is refused with its file, line, field and a hint."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from pln_site.entries import StoredEntry
from pln_site.members.lens import NO_KEEP_MATCHED, NO_RULES, Lenses
from pln_site.members.loader import load_members
from pln_site.members.problems import MemberFilesInvalid

FEED = "https://ada.example/feed.xml"
MEMBER = """\
name: Ada Example
url: https://ada.example/
why: Writes the clearest notes on open education I know.
since: 2021-05
topics: [open education]
feeds:
  - url: https://ada.example/feed.xml
"""


def member_with(tmp_path: Path, lens: str):
    network = tmp_path / "network"
    network.mkdir(exist_ok=True)
    (tmp_path / "avatars").mkdir(exist_ok=True)
    (network / "ada.yaml").write_text(MEMBER + textwrap.indent(textwrap.dedent(lens), "    "))
    return load_members(network, tmp_path / "avatars")


def entry(title: str, link: str | None = None, categories: tuple[str, ...] = ()) -> StoredEntry:
    moment = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    return StoredEntry(
        key=link or title, feed_url=FEED, member_id="ada", link=link, title=title, author=None,
        content_html="<p>Words.</p>", summary_html="", date=moment, first_seen=moment,
        categories=list(categories),
    )  # fmt: skip


def verdicts(members, *entries: StoredEntry) -> list[tuple[bool, str]]:
    lenses = Lenses(members)
    return [(lenses.judge(one).kept, lenses.judge(one).reason) for one in entries]


def test_a_feed_without_rules_keeps_everything(tmp_path):
    members = member_with(tmp_path, "")
    assert verdicts(members, entry("Anything")) == [(True, NO_RULES)]


def test_keep_rules_keep_only_what_matches_one_of_them(tmp_path):
    members = member_with(tmp_path, """\
        keep:
          - categories: [Python]
          - title: [open data]
        """)  # fmt: skip
    found = verdicts(
        members,
        entry("Notes", categories=("python", "misc")),  # categories: case does not matter
        entry("On OPEN   Data, again"),  # title words: any case, any spacing
        entry("Opened database"),  # not the whole words
        entry("Gardening"),
    )
    assert found == [
        (True, "keep[0] categories: [Python]"),
        (True, "keep[1] title: [open data]"),
        (False, NO_KEEP_MATCHED),
        (False, NO_KEEP_MATCHED),
    ]


def test_skip_wins_over_keep_and_paths_are_prefixes_of_the_link(tmp_path):
    members = member_with(tmp_path, """\
        keep:
          - categories: [food]
        skip:
          - path: ["/recipes/"]
          - title: [sponsored]
            categories: [food]
        """)  # fmt: skip
    found = verdicts(
        members,
        entry("Bread", "https://ada.example/recipes/bread", ("food",)),
        entry("Sponsored: pans", "https://ada.example/posts/pans", ("food",)),
        entry("Sponsored: trains", "https://ada.example/posts/trains", ("travel",)),
        entry("Markets", "https://ada.example/posts/recipes/markets", ("food",)),
    )
    assert found == [
        (False, "skip[0] path: [/recipes/]"),
        (False, "skip[1] categories: [food], title: [sponsored]"),  # both keys matched
        (False, NO_KEEP_MATCHED),  # one key of the skip rule matched, not both: not skipped
        (True, "keep[0] categories: [food]"),  # /recipes/ must start the path
    ]


def test_title_words_are_text_not_patterns(tmp_path):
    members = member_with(tmp_path, """\
        keep:
          - title: ["C++", "(.*"]
        """)  # fmt: skip
    found = verdicts(members, entry("Notes on C++ today"), entry("Anything at all"))
    assert [kept for kept, _rule in found] == [True, False]


def test_the_show_choice_is_read_per_feed(tmp_path):
    (member,) = member_with(tmp_path, "show: link\n")
    assert member.feeds[0].show == "link"


@pytest.mark.parametrize(
    ("lens", "line", "field", "words"),
    [
        ("keep:\n  - titel: [release]\n", 9, "feeds[0].keep[0].titel", "did you mean 'title'"),
        ("skip:\n  - path: recipes\n", 9, "feeds[0].skip[0].path", "must be a list"),
        ("skip:\n  - path: [recipes/]\n", 9, "feeds[0].skip[0].path[0]", '"/recipes/"'),
        ("keep:\n  - {}\n", 9, "feeds[0].keep[0]", "categories, title or path"),
        ("show: everything\n", 8, "feeds[0].show", "link, summary, full"),
    ],
)
def test_a_bad_rule_is_refused_with_its_line_field_and_hint(tmp_path, lens, line, field, words):
    with pytest.raises(MemberFilesInvalid) as caught:
        member_with(tmp_path, lens)
    (problem,) = caught.value.problems
    assert problem.path.name == "ada.yaml"
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message, problem.message  # the fix, in the message

"""Drafts, unfinished files, and the checks a new owner trips over first: country codes, dates
in the future, YAML errors at the line that is wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from pln_site.members.countries import country_code
from pln_site.members.loader import load_members
from pln_site.members.model import Status
from tests.members.test_validation import VALID, only_problem, problems_of, site, write

__all__ = ["site"]  # the fixture, shared with the validation tests

UNFINISHED = """\
name: Ada Example
url: https://ada.example/
why: "TODO: say why they are in your network and what you learn from them."
since: 2021-05
topics: [TODO]
"""


def test_a_draft_with_todo_loads_but_is_not_listed(site):
    write(site, "ada.yaml", UNFINISHED + "status: draft\n")
    (member,) = load_members(site / "network", site / "avatars")
    assert member.status is Status.draft
    assert member.is_draft and not member.is_listed


def test_todo_in_a_published_member_is_an_error_with_line_and_field(site):
    write(site, "ada.yaml", UNFINISHED)
    problems = problems_of(site)
    found = [(p.path.name, p.line, p.field) for p in problems]
    assert found == [("ada.yaml", 3, "why"), ("ada.yaml", 5, "topics[0]")]
    assert all("still says TODO" in p.message and "status: draft" in p.message for p in problems)


def test_todo_anywhere_in_an_active_member_is_found(site):
    write(site, "ada.yaml", VALID + "status: active\nmet:\n  - kind: blog\n    name: TODO\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (9, "met[0].name")


def test_a_word_that_only_contains_todo_is_no_placeholder(site):
    write(site, "ada.yaml", VALID.replace("python", "todo.txt and TODOLIST"))
    (member,) = load_members(site / "network", site / "avatars")
    assert "todo.txt and TODOLIST" in member.topics


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("UK", "did you mean 'GB'?"),
        ("gb", "did you mean 'GB'?"),
        ("Germany", "did you mean 'DE'?"),
        ("Brazl", "did you mean 'BR'?"),
        ("XX", "hint: ISO 3166-1 alpha-2"),
    ],
)
def test_a_country_must_be_an_iso_code_and_gets_a_suggestion(site, written, hint):
    write(site, "ada.yaml", VALID + f"country: {written}\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "country")
    assert f"{written!r} is not an ISO 3166-1 alpha-2 country code" in problem.message
    assert hint in problem.message


def test_real_country_codes_pass(site):
    write(site, "ada.yaml", VALID + "country: GB\n")
    (member,) = load_members(site / "network", site / "avatars")
    assert member.country == "GB"


def test_since_may_not_be_in_the_future(site):
    next_year = dt.date.today().year + 1
    write(site, "ada.yaml", VALID.replace("since: 2021-05", f"since: {next_year}"))
    problem = only_problem(site)
    assert (problem.line, problem.field) == (4, "since")
    assert f"{next_year} is in the future" in problem.message


def test_since_today_is_fine(site):
    today = dt.date.today().isoformat()
    write(site, "ada.yaml", VALID.replace("since: 2021-05", f"since: {today}"))
    (member,) = load_members(site / "network", site / "avatars")
    assert member.since == today


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        # The quote opened on line 1 is never closed: YAML notices at the end of the file.
        ('name: "Ada Example\nurl: https://ada.example/\nwhy: x\nsince: 2021\ntopics: [a]\n', 1, "name"),
        # A "[" on line 5 that is never closed.
        (VALID.replace("topics: [open education, python]", "topics: [open education")
         + "country: DE\n", 5, "topics"),
        # A key without its colon, inside a list of mappings.
        (VALID + "met:\n  - kind: blog\n    name\n", 8, "met"),
    ],
    ids=["unclosed-quote", "unclosed-bracket", "key-without-colon"],
)  # fmt: skip
def test_a_yaml_syntax_error_names_the_line_where_the_broken_token_starts(site, text, line, field):
    write(site, "ada.yaml", text)
    problem = only_problem(site)
    assert (problem.line, problem.field) == (line, field), str(problem)
    assert problem.message.startswith("YAML syntax error")


def test_a_refused_tag_names_its_field(site):
    write(site, "ada.yaml", VALID + "org: !!python/name:os.system\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "org")


@pytest.mark.parametrize(
    ("written", "code"),
    [("UK", "GB"), ("United Kingdom", "GB"), ("ke", "KE"), ("KEN", "KE"), ("XX", None)],
)
def test_what_an_h_card_says_for_a_country_becomes_its_code(written, code):
    # add-member reads `country` from an h-card's country-name with this same rule.
    assert country_code(written) == code

"""Every kind of mistake in a member file is reported with its file, line and field, all at once."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from pln_site.members.loader import load_members
from pln_site.members.memberfile import read_roster
from pln_site.members.problems import MemberFilesInvalid

VALID = """\
name: Ada Example
url: https://ada.example/
why: Writes the clearest notes on open education I know.
since: 2021-05
topics: [open education, python]
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "network").mkdir()
    (tmp_path / "avatars").mkdir()
    return tmp_path


def write(site: Path, name: str, text: str | bytes) -> Path:
    path = site / "network" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(site: Path) -> list:
    with pytest.raises(MemberFilesInvalid) as caught:
        load_members(site / "network", site / "avatars")
    return caught.value.problems


def only_problem(site: Path):
    problems = problems_of(site)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_file_loads_with_its_id_from_the_file_name(site):
    write(site, "ada.yaml", VALID)
    (member,) = load_members(site / "network", site / "avatars")
    assert member.id == "ada"
    assert member.topics == ["open education", "python"]
    assert member.since == "2021-05" and member.since_year == 2021


def test_unknown_key_names_line_and_suggests_the_right_one(site):
    path = write(site, "ada.yaml", VALID + "topcs: [x]\n")
    problem = only_problem(site)
    assert (problem.path, problem.line, problem.field) == (path, 6, "topcs")
    assert "did you mean 'topics'" in problem.message


def test_private_detail_has_no_field(site):
    write(site, "ada.yaml", VALID + "email: ada@example.org\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "email")
    assert "unknown field" in problem.message and "private" in problem.message


def test_missing_required_field(site):
    write(
        site,
        "ada.yaml",
        VALID.replace("why: Writes the clearest notes on open education I know.\n", ""),
    )
    problem = only_problem(site)
    assert problem.field == "why" and "required" in problem.message


def test_wrong_type(site):
    write(
        site,
        "ada.yaml",
        VALID.replace("topics: [open education, python]", "topics: open education"),
    )
    problem = only_problem(site)
    assert (problem.line, problem.field) == (5, "topics")
    assert "must be a list" in problem.message


def test_bad_enum_value_in_a_nested_list_suggests_the_closest(site):
    write(site, "ada.yaml", VALID + "met:\n  - kind: confrence\n    name: OER Camp\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (7, "met[0].kind")
    assert "did you mean 'conference'" in problem.message


@pytest.mark.parametrize(
    "field, value, line",
    [
        ("url", "javascript:alert(1)", 2),
        ("url", "ftp://files.example/", 2),
        ("url", "ada.example/about", 2),
    ],
)
def test_urls_must_be_absolute_http(site, field, value, line):
    write(site, "ada.yaml", VALID.replace("https://ada.example/", value))
    problem = only_problem(site)
    assert (problem.line, problem.field) == (line, field)
    assert "absolute http(s) URL" in problem.message


def test_bad_date(site):
    write(site, "ada.yaml", VALID.replace("2021-05", "2021-02-30"))
    problem = only_problem(site)
    assert (problem.line, problem.field) == (4, "since")
    assert "YYYY-MM-DD" in problem.message


def test_country_code(site):
    write(site, "ada.yaml", VALID + "country: Germany\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "country")


def test_yaml_syntax_error_names_the_line(site):
    write(site, "ada.yaml", VALID + "org: [unclosed\nlocality: Kyiv\n")
    problem = only_problem(site)
    assert problem.line >= 6 and "YAML syntax error" in problem.message


def test_duplicate_yaml_key(site):
    write(site, "ada.yaml", VALID + "name: Ada Again\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "name")
    assert "duplicate key" in problem.message and "line 1" in problem.message


def test_alias_bomb_is_refused_without_expanding(site):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{','.join(['*' + previous] * 9)}]\n"
    write(site, "bomb.yaml", bomb)
    problem = only_problem(site)
    assert problem.line == 1 and "aliases" in problem.message


def test_python_object_tags_are_never_built(site, tmp_path):
    marker = tmp_path / "ran"
    write(site, "evil.yaml", f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    problem = only_problem(site)
    assert problem.line == 1 and "tag" in problem.message
    assert not marker.exists()


def test_non_utf8_bytes(site):
    write(site, "ada.yaml", VALID.encode() + "locality: K\xf6ln\n".encode("latin-1"))
    problem = only_problem(site)
    assert problem.line == 6 and "UTF-8" in problem.message


def test_huge_file_is_refused_without_parsing(site):
    path = site / "network" / "big.yaml"
    with path.open("wb") as handle:
        handle.write(VALID.encode())
        handle.truncate(50 * 1024 * 1024)
    problem = only_problem(site)
    assert problem.path == path and "at most" in problem.message


def test_invalid_id_from_file_name(site):
    write(site, "Ada Lovelace.yaml", VALID)
    problem = only_problem(site)
    assert problem.field == "id" and "not a valid member id" in problem.message


def test_duplicate_ids(site):
    write(site, "ada.yaml", VALID)
    write(site, "ada.yml", VALID.replace("https://ada.example/", "https://other.example/"))
    problem = only_problem(site)
    assert problem.field == "id" and "duplicate member id" in problem.message


def test_duplicate_feed_urls_across_members(site):
    write(site, "ada.yaml", VALID + "feeds:\n  - url: https://ada.example/feed.xml\n")
    other = write(
        site,
        "bo.yaml",
        VALID.replace("Ada Example", "Bo Example")
        + "feeds:\n  - url: HTTPS://ADA.example/feed.xml/\n",
    )
    problem = only_problem(site)
    assert (problem.path, problem.line, problem.field) == (other, 7, "feeds[0].url")
    assert "ada.yaml on line 7" in problem.message


@pytest.mark.parametrize(
    "avatar", ["../../etc/passwd", "/etc/passwd", "..\\x.png", "gone.png", "a.txt"]
)
def test_avatar_must_be_an_image_inside_the_avatars_folder(site, avatar):
    write(site, "ada.yaml", VALID + f"avatar: '{avatar}'\n")
    problem = only_problem(site)
    assert (problem.line, problem.field) == (6, "avatar")


def test_avatar_symlink_out_of_the_folder_is_refused(site, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not yours")
    os.symlink(secret, site / "avatars" / "ada.png")
    write(site, "ada.yaml", VALID + "avatar: ada.png\n")
    problem = only_problem(site)
    assert problem.field == "avatar" and "link" in problem.message


def test_template_syntax_is_kept_as_text(site):
    write(site, "ada.yaml", VALID.replace("Writes the clearest", "Writes {{ 7*7 }} {% raw %}"))
    (member,) = load_members(site / "network", site / "avatars")
    assert member.why.startswith("Writes {{ 7*7 }} {% raw %}")


def test_all_problems_in_all_files_are_reported_at_once(site):
    write(site, "ada.yaml", VALID + "tie: stron\n")
    write(site, "bo.yaml", VALID.replace("since: 2021-05", "since: someday") + "role: guru\n")
    problems = problems_of(site)
    assert [(p.path.name, p.field) for p in problems] == [
        ("ada.yaml", "tie"),
        ("bo.yaml", "since"),
        ("bo.yaml", "role"),
    ]
    report = str(MemberFilesInvalid(problems))
    assert "3 problems in 2 member files." in report
    assert "ada.yaml:6: tie: 'stron' is not one of strong, weak (did you mean 'strong'?)" in report


def test_a_control_character_names_its_line(site):
    write(site, "ada.yaml", VALID.encode() + b"org: a\x00b\n")
    problem = only_problem(site)
    assert problem.line == 6 and "control character (U+0000)" in problem.message


def test_a_feed_spelled_another_way_is_the_same_feed_for_check_and_add_member(site):
    """`invoke check` and `add-member` share one rule of what the same feed is: scheme, "www.",
    the default port and a trailing slash aside."""
    write(site, "ada.yaml", VALID + "feeds:\n  - url: http://www.ada.example:80/feed.xml/\n")
    other = write(
        site,
        "bo.yaml",
        VALID.replace("Ada Example", "Bo Example")
        + "feeds:\n  - url: https://ada.example/feed.xml\n",
    )
    problem = only_problem(site)
    assert (problem.path, problem.field) == (other, "feeds[0].url")
    roster = read_roster(site / "network")
    assert roster.owner_of("https://ada.example/feed.xml") == "ada"


@pytest.mark.parametrize(
    "line, field, code",
    [
        ('org: "a\\0b"', "org", "U+0000"),
        ('org: "\\e[31mred"', "org", "U+001B"),
        ('locality: "bell\\x07"', "locality", "U+0007"),
        ('job_title: "form\\x0cfeed"', "job_title", "U+000C"),
        ('org: "next\\Nline"', "org", "U+0085"),
        ('org: "K\\uFFFEln"', "org", "U+FFFE"),
        ('profiles:\n  - platform: Web\n    url: "https://ada.example/\\x01"', "profiles[0].url", "U+0001"),
    ],
)  # fmt: skip
def test_an_escape_that_writes_a_control_character_is_a_problem(site, line, field, code):
    """The check is on the decoded value: YAML's own reader only sees a backslash."""
    path = write(site, "ada.yaml", VALID + line + "\n")
    problem = only_problem(site)
    assert (problem.path, problem.field) == (path, field)
    assert problem.line == 6 + line.count("\n")  # the line of the key that holds it
    assert code in problem.message and "hint:" in problem.message


def test_an_escape_in_a_list_names_the_item(site):
    write(site, "ada.yaml", VALID.replace("[open education, python]", '[python, "x\\x07"]'))
    problem = only_problem(site)
    assert (problem.line, problem.field) == (5, "topics[1]")


def test_an_unknown_key_with_an_escape_is_shown_not_obeyed(site):
    write(site, "ada.yaml", VALID + '"colour\\e[2J\\n": blue\n')
    problem = only_problem(site)
    assert problem.field == "colour\x1b[2J\n"  # the data is kept as it is...
    shown = str(problem)
    assert "\x1b" not in shown and "\n" not in shown  # ...and shown as visible stand-ins
    assert "ada.yaml:6: colour\u241b[2J\u240a: unknown field" in shown


def test_a_bidi_override_in_a_name_is_refused(site):
    write(site, "ada.yaml", VALID.replace("Ada Example", '"Invoice \\u202Efdp.exe"'))
    problem = only_problem(site)
    assert (problem.line, problem.field) == (1, "name")
    assert "U+202E" in problem.message and "\u202e" not in str(problem)


@pytest.mark.parametrize("char", ["\\u202A", "\\u202B", "\\u202D", "\\u2066", "\\u2067", "\\u2068"])
def test_every_bidi_control_is_refused_in_names_topics_and_platforms(site, char):
    write(
        site,
        "ada.yaml",
        VALID.replace("Ada Example", f'"Ada {char}Example"').replace("python", f'"py{char}"')
        + f'profiles:\n  - platform: "Web{char}"\n    url: https://ada.example/\n',
    )
    assert [p.field for p in problems_of(site)] == ["name", "topics[1]", "profiles[0].platform"]


def test_bidi_controls_and_tabs_in_prose_are_text(site):
    write(
        site,
        "ada.yaml",
        VALID.replace("Writes the clearest", '"Writes\\tthe \\u202Bעברית\\u202C clearest').replace(
            "I know.", 'I know."'
        )
        + 'org: "Org \\u202E name"\n',
    )
    (member,) = load_members(site / "network", site / "avatars")
    assert "\t" in member.why and "\u202b" in member.why and member.org == "Org \u202e name"


def test_a_url_with_a_control_character_is_one_problem_not_two(site):
    write(site, "ada.yaml", VALID + 'feeds:\n  - url: "https://ada.example/f\\x01"\n')
    problem = only_problem(site)
    assert problem.field == "feeds[0].url" and "U+0001" in problem.message


def test_a_raw_bidi_or_control_in_a_url_is_refused_by_the_model(site):
    write(site, "ada.yaml", VALID.replace("https://ada.example/", "https://ada.example/\u202e"))
    problem = only_problem(site)
    assert problem.field == "url" and "U+202E" in problem.message


@pytest.mark.parametrize(
    "spelling",
    [
        "http://ada.example/blog/feed.xml",
        "https://ada.example:443/blog/feed.xml",
        "https://ada.example./blog/feed.xml",
        "https://ada.example/blog/feed.xml?",
        "https://ada.example/blog/feed.xml#",
        "https://ada.example/%62log/feed%2Exml",
        "https://ada.example//blog//feed.xml",
    ],
)
def test_seven_spellings_of_one_feed_are_one_duplicate(site, spelling):
    write(site, "ada.yaml", VALID + "feeds:\n  - url: https://ada.example/blog/feed.xml\n")
    other = write(
        site,
        "bo.yaml",
        VALID.replace("Ada Example", "Bo Example") + f"feeds:\n  - url: '{spelling}'\n",
    )
    problem = only_problem(site)
    assert (problem.path, problem.field) == (other, "feeds[0].url")
    assert "duplicate feed" in problem.message


def test_loading_again_parses_only_the_files_that_changed(site, monkeypatch):
    """`invoke dev` loads the members after every save: a file as it was gives the same member
    back without being read as YAML again; an edited one, or one whose avatar may have come or
    gone, is checked afresh, and a broken file is still reported every time."""
    from pln_site.members import loader

    parsed: list[str] = []
    read_yaml = loader._read_yaml
    monkeypatch.setattr(
        loader, "_read_yaml", lambda path: parsed.append(path.name) or read_yaml(path)
    )
    write(site, "ada.yaml", VALID)
    write(
        site, "grace.yaml", VALID.replace("Ada Example", "Grace Example").replace("ada.", "grace.")
    )
    first = load_members(site / "network", site / "avatars")
    assert sorted(parsed) == ["ada.yaml", "grace.yaml"]
    again = load_members(site / "network", site / "avatars")
    assert again == first and again[0] is first[0]
    assert sorted(parsed) == ["ada.yaml", "grace.yaml"]
    write(
        site, "grace.yaml", VALID.replace("Ada Example", "Grace Hopper").replace("ada.", "grace.")
    )
    edited = load_members(site / "network", site / "avatars")
    assert [member.name for member in edited] == ["Ada Example", "Grace Hopper"]
    assert edited[0] is first[0]
    assert parsed[2:] == ["grace.yaml"]
    write(site, "ada.yaml", VALID + "avatar: ada.png\n")
    assert only_problem(site).field == "avatar"  # no such picture yet
    assert only_problem(site).field == "avatar"  # and still, from what was kept
    (site / "avatars" / "ada.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    reloaded = load_members(site / "network", site / "avatars")
    assert [member.avatar for member in reloaded] == ["ada.png", None]

"""Writing a new member file: a draft that reads back as written, comments that stay comments."""

from __future__ import annotations

import yaml

from pln_site.members.loader import load_members
from pln_site.members.memberfile import draft_data, member_yaml
from tests.members.test_validation import site

__all__ = ["site"]  # the fixture, shared with the validation tests


def test_a_draft_file_with_a_hostile_check_comment_reads_back_as_written(site):
    title = "Ada\nstatus: active\u2028topics: [x]\x85# — Site"
    data = draft_data('Ada: the "first" #1', "https://ada.example/", ["open education"])
    text = member_yaml(data, ["Imported for a test."], {"name": f"taken from {title!r} " + title})
    path = site / "network" / "ada.yaml"
    path.write_text(text, encoding="utf-8")
    assert yaml.safe_load(text) == data
    (member,) = load_members(site / "network", site / "avatars")
    assert member.is_draft and member.name == data["name"]
    comment, name_line = text.splitlines()[2:4]
    assert comment.startswith("# check: taken from ") and name_line.startswith("name: ")

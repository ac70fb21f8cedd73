"""`invoke check`: validate the member files without building, and say what was found."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from pln_site.members.loader import MEMBER_FILE_SUFFIXES, members_from_settings
from pln_site.members.model import Member, Status
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import display_path, terminal_text
from pln_site.settings import with_defaults


def check_members(settings: dict, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print every problem in the member files (exit code 1), or a summary and the drafts still
    to finish (0)."""
    try:
        members = members_from_settings(settings)
    except MemberFilesInvalid as error:
        # Problems quote the files: their field names and values are shown, never obeyed.
        print(terminal_text(error.report(), lines=True), file=err)
        return 1
    listed = [m for m in members if m.is_listed]
    archived = sum(1 for m in members if m.status is Status.archived)
    drafts = [m for m in members if m.is_draft]
    feeds = sum(len(m.feeds) for m in listed)
    drafted = f", {len(drafts)} draft{'s' if len(drafts) != 1 else ''}" if drafts else ""
    unlisted = f"{archived} archived{drafted}"
    print(
        f"{len(members)} member files are valid: {len(listed)} listed ({unlisted}), {feeds} feeds.",
        file=out,
    )
    if drafts:
        folder = _network_dir(settings)
        print("Drafts to finish (not published, not fetched):", file=out)
        for member in drafts:
            print(f"  {terminal_text(display_path(_file_of(folder, member)))}", file=out)
        print(
            "When one is finished, change its `status: draft` to `status: active`: the next "
            "build publishes it.",
            file=out,
        )
    return 0


def _network_dir(settings: dict) -> Path:
    return Path(settings["PATH"]) / with_defaults(settings)["NETWORK_PATH"]


def _file_of(folder: Path, member: Member) -> Path:
    """The member's file: the id is its name, with one of the suffixes a member file may have."""
    paths = (folder / f"{member.id}{suffix}" for suffix in MEMBER_FILE_SUFFIXES)
    return next((path for path in paths if path.is_file()), folder / f"{member.id}.yaml")

"""`invoke check`: validate the member files without building, and say what was found."""

from __future__ import annotations

import sys
from typing import TextIO

from pln_site.members.loader import members_from_settings
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import terminal_text


def check_members(settings: dict, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print every problem in the member files (exit code 1), or a one-line summary (0)."""
    try:
        members = members_from_settings(settings)
    except MemberFilesInvalid as error:
        # Problems quote the files: their field names and values are shown, never obeyed.
        print(terminal_text(error.report(), lines=True), file=err)
        return 1
    listed = sum(1 for m in members if m.is_listed)
    feeds = sum(len(m.feeds) for m in members if m.is_listed)
    print(
        f"{len(members)} member files are valid: {listed} listed "
        f"({len(members) - listed} archived), {feeds} feeds.",
        file=out,
    )
    return 0

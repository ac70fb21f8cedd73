"""Reading and checking the Mentions metadata of posts."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pln_site.errors import SiteError
from pln_site.messages import did_you_mean, display_path
from pln_site.site.roster import roster_for

log = logging.getLogger(__name__)

METADATA_KEY = "mentions"
# Markdown ("Mentions: a, b") and reStructuredText (":mentions: a, b") headers.
_HEADER = re.compile(r"^\s*:?mentions:", re.IGNORECASE)


@dataclass(frozen=True)
class UnknownMention:
    path: str
    line: int
    member_id: str
    hint: str

    def __str__(self) -> str:
        where = f"{display_path(Path(self.path))}:{self.line}"
        return f"{where}: mentions: unknown member id {self.member_id!r}{self.hint}"


class UnknownMentions(SiteError):
    """Posts mention ids that no member file has; `problems` lists every one."""

    def __init__(self, problems: list[UnknownMention]):
        self.problems = problems
        count = len(problems)
        lines = [str(problem) for problem in problems]
        lines.append(
            f"{count} unknown member id{'s' if count != 1 else ''} in Mentions "
            "(hint: a mention is the member's file name without .yaml)"
        )
        super().__init__("\n".join(lines))


def mention_ids(value: Any) -> list[str]:
    """The ids a Mentions value names: "ada, grace", "ada grace" or a list; duplicates once."""
    if value is None:
        return []
    parts: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    ids: list[str] = []
    for part in parts:
        for word in re.split(r"[,\s]+", str(part)):
            if word and word not in ids:
                ids.append(word)
    return ids


def header_line(source_path: str | None) -> int:
    """The line of the Mentions header in the post's source file (1 when it cannot be found)."""
    if not source_path:
        return 1
    try:
        with open(source_path, encoding="utf-8", errors="replace") as source:
            for number, line in enumerate(source, start=1):
                if _HEADER.match(line):
                    return number
    except OSError:
        pass
    return 1


def link_mentions(generator: Any) -> None:
    """Check every post's mentions (drafts too), attach the members, fill the context.

    Raises UnknownMentions listing every unknown id in every post.
    """
    posts = [
        *generator.articles,
        *generator.translations,
        *getattr(generator, "drafts", []),
        *getattr(generator, "drafts_translations", []),
    ]
    mentioning = [post for post in posts if mention_ids(post.metadata.get(METADATA_KEY))]
    for post in posts:
        post.mentioned_members = []
    if not mentioning:
        generator.context["mentions_by_member"] = {}
        return
    # Every member file, archived ones too: a mention of an archived member is no mistake.
    members = {member.id: member for member in roster_for(generator).all_members}
    problems: list[UnknownMention] = []
    for post in mentioning:
        for member_id in mention_ids(post.metadata.get(METADATA_KEY)):
            member = members.get(member_id)
            if member is None:
                problems.append(
                    UnknownMention(
                        post.source_path,
                        header_line(post.source_path),
                        member_id,
                        did_you_mean(member_id.lower(), members)
                        if member_id.lower() not in members
                        else f" (did you mean {member_id.lower()!r}? ids are lowercase)",
                    )
                )
            elif member.is_listed:  # an archived member has no page to link to
                post.mentioned_members.append(member)
    if problems:
        raise UnknownMentions(problems)
    by_member: dict[str, list[Any]] = {}
    for post in generator.articles:  # published posts only; Pelican keeps them newest first
        for member in post.mentioned_members:
            by_member.setdefault(member.id, []).append(post)
    generator.context["mentions_by_member"] = by_member
    log.info("mentions: %d posts draw on %d members' work", len(mentioning), len(by_member))

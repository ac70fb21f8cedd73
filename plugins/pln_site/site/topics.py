"""Topics: the members' `topics` grouped under one slug each, for topic pages and filters."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pelican.utils import slugify

from pln_site.members.model import Member


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    members: tuple[Member, ...]

    @property
    def count(self) -> int:
        return len(self.members)

    def __build_digest__(self) -> tuple[str, str, tuple[str, ...]]:
        """What a page shows of a topic (pln_site.site.buildcache.digests): its name, slug
        and who is in it. A page that shows the members' cards passes them on their own
        (the network's topic pages: `members`), so that editing one member's `why` leaves
        every page that only names the topic as it was."""
        return (self.name, self.slug, tuple(member.id for member in self.members))


def topic_slug(name: str, regex_subs: Iterable[tuple[str, str]] = ()) -> str:
    """The topic's slug, the way Pelican slugs tags; never empty (e.g. a topic written "++")."""
    return _slug(name, tuple((find, put) for find, put in regex_subs))


# Slugify is slow, and a build asks for the slugs of a few dozen topics thousands of times (500
# members' cards, pages and topic lists): each name is slugged once per process.
@functools.lru_cache(maxsize=4096)
def _slug(name: str, regex_subs: tuple[tuple[str, str], ...]) -> str:
    slug = slugify(name, regex_subs=regex_subs)
    if slug:
        return slug
    return "topic-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def group_topics(
    members: Iterable[Member], regex_subs: Iterable[tuple[str, str]] = ()
) -> list[Topic]:
    """Topics sorted by name; "Open Source" and "open source" share one slug and so one page.

    The shown name is the spelling most members use (ties: the first in sorted order).
    """
    regex_subs = list(regex_subs)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    by_slug: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        seen: set[str] = set()
        for name in member.topics:
            slug = topic_slug(name, regex_subs)
            spellings[slug][name] += 1
            if slug not in seen:  # one member, one entry, even if it lists a topic twice
                seen.add(slug)
                by_slug[slug].append(member)
    topics = []
    for slug, members_here in by_slug.items():
        name = sorted(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0][0]
        ordered = tuple(sorted(members_here, key=member_sort_key))
        topics.append(Topic(name=name, slug=slug, members=ordered))
    return sorted(topics, key=lambda topic: (topic.name.casefold(), topic.slug))


def member_sort_key(member: Member) -> tuple[str, str]:
    return (member.name.casefold(), member.id)

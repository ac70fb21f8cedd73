"""A feed's lens: which of its stored entries the site shows, by its `keep` and `skip` rules.

Pure: the rules come from the member file (members/model.py, FeedRef), the entries from the
store. The store keeps every entry, so that changing a rule needs no new fetch; the build shows
what the lens keeps (site/reading/generator.py), and `invoke lens ID` shows both sides first.

If a feed gives `keep` rules, an entry must match at least one of them; an entry that matches
any `skip` rule is skipped, whatever `keep` said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from pln_site.entries import StoredEntry
from pln_site.members.model import FeedRef, LensRule, Member

#: Why an entry of a feed without rules was kept.
NO_RULES = "no rules"
NO_KEEP_MATCHED = "no keep rule matched"


@dataclass(frozen=True)
class Verdict:
    kept: bool
    reason: str  # the rule that decided, as the member file would write it, or NO_*


def judge(entry: StoredEntry, feed: FeedRef | None) -> Verdict:
    """Whether the site shows `entry` of `feed` (None: a feed the member file no longer names,
    which has no rules), and which rule decided."""
    if feed is None or not (feed.keep or feed.skip):
        return Verdict(True, NO_RULES)
    for index, rule in enumerate(feed.skip):
        if matches(rule, entry):
            return Verdict(False, f"skip[{index}] {describe(rule)}")
    if not feed.keep:
        return Verdict(True, "no skip rule matched")
    for index, rule in enumerate(feed.keep):
        if matches(rule, entry):
            return Verdict(True, f"keep[{index}] {describe(rule)}")
    return Verdict(False, NO_KEEP_MATCHED)


class Lenses:
    """The lenses of the listed members' feeds, by feed URL and member."""

    def __init__(self, members: list[Member]) -> None:
        self._feeds = {(member.id, ref.url): ref for member in members for ref in member.feeds}

    def feed(self, entry: StoredEntry) -> FeedRef | None:
        return self._feeds.get((entry.member_id, entry.feed_url))

    def judge(self, entry: StoredEntry) -> Verdict:
        return judge(entry, self.feed(entry))

    def shows(self, entry: StoredEntry) -> bool:
        return self.judge(entry).kept


def matches(rule: LensRule, entry: StoredEntry) -> bool:
    """Every key the rule gives matches (each key: any one of its values)."""
    if rule.categories is not None:
        have = {category.casefold() for category in entry.categories}
        if not any(wanted.casefold() in have for wanted in rule.categories):
            return False
    if rule.title is not None:
        if not any(_words(phrase).search(entry.title) for phrase in rule.title):
            return False
    if rule.path is not None:
        path = _link_path(entry.link)
        if path is None or not any(path.startswith(prefix) for prefix in rule.path):
            return False
    return True


def describe(rule: LensRule) -> str:
    """The rule as a line of its member file: `categories: [python], title: [release]`."""
    parts = [
        f"{key}: [{', '.join(values)}]"
        for key, values in (
            ("categories", rule.categories),
            ("title", rule.title),
            ("path", rule.path),
        )
        if values is not None
    ]
    return ", ".join(parts)


@cache
def _words(phrase: str) -> re.Pattern[str]:
    """The phrase as whole words, whatever the case; spaces in it match any run of spaces."""
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _link_path(link: str | None) -> str | None:
    if not link:
        return None
    try:
        return urlsplit(link).path or "/"
    except ValueError:
        return None

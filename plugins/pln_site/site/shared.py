"""What the page plugins give each other, typed: the page plugins never import each other.

The members, their topics and the rules for their pages and avatars come from the roster
(pln_site.site.roster), which every plugin reads. What the reading plugin gives other pages is
a `ReadingData` in the build's context under READING_KEY ("reading"), put there by its
`generate_context` (Pelican runs every `generate_context` before any `generate_output`). Pages
read it with `reading_data(context)`, templates as `reading`; without the reading plugin it is
absent, and pages show no posts.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pln_site.entries import StoredEntry
from pln_site.site.topics import Topic

READING_KEY = "reading"


def own_title(entry: StoredEntry) -> str:
    """The entry's own title, "untitled" without one."""
    return entry.title or "untitled"


def no_page(_topic: Topic) -> str | None:
    return None


def no_language(_entry: StoredEntry) -> str | None:
    return None


@dataclass(frozen=True)
class ReadingData:
    """The reading feed, as other plugins' pages show it."""

    # member id -> that member's newest stored posts, newest first (only listed members).
    posts_by_member: Mapping[str, Sequence[StoredEntry]]
    # Whether the build found a feed store to read (False: `invoke fetch` has not run yet).
    store_found: bool = True
    # The name a list shows for a post: its title, or for a titleless note a stand-in cut from
    # its text.
    title_of: Callable[[StoredEntry], str] = own_title
    # The URL of the reading page of a topic (posts of the members who work on it), None when
    # the reading plugin writes no topic pages.
    topic_page_url: Callable[[Topic], str | None] = no_page
    # The URL of the Atom feed of a topic's posts, None when there is none.
    topic_atom_url: Callable[[Topic], str | None] = no_page
    # The language of a post's title and text (a BCP 47 tag, for `lang`), None when unknown.
    language_of: Callable[[StoredEntry], str | None] = no_language
    # member id -> what their posts as shown are made from (their shaped entries' digest,
    # RiverItem.made_from): what the build cache knows their posts by.
    made_from: Mapping[str, str] = field(default_factory=dict)
    # member id -> the (feed, key) of their posts in posts_by_member, when known without
    # reading them (the reading plugin reads a member's posts only when a page shows them).
    post_ids: Mapping[str, Sequence[tuple[str, str]]] | None = None
    # The `count` newest posts of all members, when the reading plugin knows them without
    # reading every member's (else they are merged from posts_by_member).
    newest_posts: Callable[[int], list[StoredEntry]] | None = None
    # A member's newest post, when the reading plugin knows it without reading all of theirs
    # (else the first of posts_by_member).
    newest_of: Callable[[str], StoredEntry | None] | None = None

    def __build_digest__(self) -> tuple[Any, ...]:
        """What pages can show of the reading feed, for the build cache: each member's posts
        (MemberPosts), whether there is a store, and its rules."""
        posts = {member_id: self._posts_known(member_id) for member_id in self.posts_by_member}
        functions = (self.title_of, self.topic_page_url, self.topic_atom_url, self.language_of)
        return (posts, self.store_found, functions)

    def _posts_known(self, member_id: str) -> Any:
        """A member's posts as the build cache knows them, without reading them when it can."""
        made_from = self.made_from.get(member_id)
        ids = self.post_ids.get(member_id) if self.post_ids is not None else None
        if made_from and ids is not None:
            return posts_made_from(made_from, ids)
        return self.posts_of(member_id)

    def posts_of(self, member_id: str) -> MemberPosts:
        """A member's newest posts, read when a page shows them, not when the build cache
        asks what a page is made from (when the reading plugin knows which they are)."""
        ids = self.post_ids.get(member_id, ()) if self.post_ids is not None else None

        def read() -> Sequence[StoredEntry]:
            return self.posts_by_member.get(member_id, ())

        return MemberPosts(read, self.made_from.get(member_id), ids)

    def latest(self, member_id: str) -> StoredEntry | None:
        """The member's newest post, None when the store has none."""
        if self.newest_of is not None:
            return self.newest_of(member_id)
        posts = self.posts_of(member_id)
        return posts[0] if posts else None

    def newest(self, count: int) -> list[StoredEntry]:
        """The `count` newest posts of all members, newest first. Each member's list holds
        their newest posts, so up to that list's length the answer is the whole store's."""
        if self.newest_posts is not None:
            return self.newest_posts(count)
        merged = heapq.merge(
            *self.posts_by_member.values(), key=lambda entry: entry.date, reverse=True
        )
        return list(itertools.islice(merged, max(count, 0)))


class MemberPosts(Sequence[StoredEntry]):
    """A member's newest posts, newest first, as pages list them, read (`read()`) when a
    page first shows one. The build cache knows them by what they are made from (`made_from`:
    their member's shaped entries, which cover the titles `ReadingData.title_of` gives a
    note, unlike a post's fields without its text) and which they are (`ids`, when known
    unread); without it, by the posts themselves."""

    def __init__(
        self,
        read: Callable[[], Iterable[StoredEntry]],
        made_from: str | None = None,
        ids: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        self._read = read
        self._posts: list[StoredEntry] | None = None
        self.made_from = made_from
        self.ids = ids

    @property
    def posts(self) -> list[StoredEntry]:
        if self._posts is None:
            self._posts = list(self._read())
        return self._posts

    def __getitem__(self, index: Any) -> Any:
        return self.posts[index]

    def __len__(self) -> int:  # also what `if posts` asks: known unread when the ids are
        return len(self.ids) if self.ids is not None else len(self.posts)

    def __build_digest__(self) -> Any:
        if not self.made_from:
            return list(self.posts)
        ids = self.ids
        if ids is None:
            ids = [(entry.feed_url, entry.key) for entry in self.posts]
        return posts_made_from(self.made_from, ids)


def posts_made_from(made_from: str, ids: Iterable[tuple[str, str]]) -> str:
    """A member's posts as the build cache knows them: what they are made from and which they
    are (one string: cheaper to walk)."""
    shown = "\0".join(f"{feed}\0{key}" for feed, key in ids)
    return f"made from\0{made_from}\0{shown}"


class PostList(list[Any]):
    """Posts of the blog as a list shows them (their link, title, date, category, tags), not
    their text: the build cache knows them so (digests.py), as it knows the site's own lists.
    A page given one is made again when a post's listing changes, not when its text does."""


def reading_data(context: Mapping[str, Any]) -> ReadingData | None:
    """The reading plugin's data in `context`, None without the reading plugin."""
    found = context.get(READING_KEY)
    return found if isinstance(found, ReadingData) else None

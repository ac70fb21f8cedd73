"""Reading the stored entries of the listed members and shaping them for the reading pages,
member by member: a member whose file and entries did not change since the last build is not
shaped again, and when nothing changed at all the store is not asked (shapedcache.py). Which
entries show (each post once, across members) and their ids in the output feeds are worked out
for the whole river.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from pln_site.entries import StoredEntry
from pln_site.errors import SiteError
from pln_site.feeds.imagefolder import KeptImage
from pln_site.members.lens import Lenses, judge
from pln_site.members.model import Member
from pln_site.messages import display_path
from pln_site.settings import store_path
from pln_site.site.reading.crossposts import EntryId, PostMarks, collapse, entry_id, post_marks
from pln_site.site.reading.excerptcache import ExcerptCache
from pln_site.site.reading.feedids import original_id_of, output_ids
from pln_site.site.reading.pictures import PictureShelf
from pln_site.site.reading.river import LATEST_PER_MEMBER, EntryText, entry_text
from pln_site.site.reading.shapedcache import (
    KeptMember,
    MemberShaped,
    NewestPost,
    RiverPlace,
    ShapedCache,
    ShapedIndex,
    file_state,
    items_made_from,
    pictures_unchanged,
)
from pln_site.store import EntryHead, Sites, Store
from pln_site.urls import same_url_key, site_host

log = logging.getLogger(__name__)


class ShapedRiver:
    """The entries the pages show (each post once, without its HTML, newest first), their ids
    in the output feeds, what the pages show of each, each post's copies in the member's other
    feeds, and by member what their river items are made from (RiverItem.made_from).

    A member's shaped entries are read (`shaped_of`) when a page first needs one of them: which
    entries the river shows, whose each one is and what each member's are made from are known
    without them, so a build whose reading pages are all taken from the last one (a post
    edited) reads none of the members' files."""

    def __init__(
        self,
        places: list[RiverPlace],
        ids: dict[EntryId, str],
        made_from: dict[str, str],
        shaped_of: Callable[[str], MemberShaped],
        key: str = "",
        newest: dict[str, NewestPost] | None = None,
    ) -> None:
        self.places = places  # (feed, key, member) in the river's order
        self.ids = ids
        self.made_from = made_from
        # Each member's newest post, when the index knew it: the cards show it unread.
        self.newest_known = newest or {}
        # A digest of all it was made from (ShapedCache.quick_key); it may change when they did not.
        self.key = key
        self._shaped_of = shaped_of
        self._shaped: dict[str, MemberShaped] = {}
        self._entries: list[StoredEntry] | None = None
        self._owners: dict[EntryId, str] | None = None
        self._members: set[str] | None = None
        self._latest: dict[str, list[EntryId]] | None = None
        self._ids_of: dict[str, dict[EntryId, StoredEntry]] = {}  # member -> their entries by id

    @classmethod
    def empty(cls) -> ShapedRiver:
        return cls([], {}, {}, _nobody)

    def member(self, member_id: str) -> MemberShaped:
        """`member_id`'s shaped entries, read once."""
        found = self._shaped.get(member_id)
        if found is None:
            found = self._shaped[member_id] = self._shaped_of(member_id)
        return found

    @property
    def entries(self) -> list[StoredEntry]:
        """Every entry the river shows, in its order (every member's entries are read)."""
        if self._entries is None:
            position = {(feed, key): number for number, (feed, key, _) in enumerate(self.places)}
            members = dict.fromkeys(member_id for _, _, member_id in self.places)
            entries = [entry for member_id in members for entry in self.member(member_id).entries]
            entries.sort(key=lambda e: position.get((e.feed_url, e.key), len(position)))
            self._entries = entries
        return self._entries

    def entry(self, entry_id: EntryId) -> StoredEntry | None:
        """The shown entry `entry_id` (only its member's entries are read)."""
        member_id = self._owners_by_id().get(entry_id)
        if member_id is None:
            return None
        return self._by_id(member_id).get(entry_id)

    def newest(self, count: int) -> list[StoredEntry]:
        """The `count` newest entries (only their members' entries are read)."""
        found = (self.entry((feed, key)) for feed, key, _ in self.places[: max(count, 0)])
        return [entry for entry in found if entry is not None]

    def latest(self) -> dict[str, list[EntryId]]:
        """Member id -> their newest entries (at most LATEST_PER_MEMBER), in the river's order."""
        if self._latest is None:
            self._latest = {}
            for feed, key, member_id in self.places:
                mine = self._latest.setdefault(member_id, [])
                if len(mine) < LATEST_PER_MEMBER:
                    mine.append((feed, key))
        return self._latest

    def posts_of(self, member_id: str) -> list[StoredEntry]:
        """`member_id`'s newest entries, as `latest` names them (only theirs are read)."""
        found = (self.entry(entry_id) for entry_id in self.latest().get(member_id, ()))
        return [entry for entry in found if entry is not None]

    def newest_of(self, member_id: str) -> StoredEntry | None:
        """`member_id`'s newest entry (theirs are read only when the index did not keep it)."""
        known = self.newest_known.get(member_id)
        if known is not None:
            return known.entry
        posts = self.posts_of(member_id)
        return posts[0] if posts else None

    def title_of(self, entry: StoredEntry) -> str | None:
        """The title the pages give `entry`; None for an entry the river does not show."""
        known = self.newest_known.get(entry.member_id)
        if known is not None and entry_id(known.entry) == entry_id(entry):
            return known.title
        text = self.text_of(entry)
        return text.title if text is not None else None

    def text_of(self, entry: StoredEntry) -> EntryText | None:
        """What the pages show of `entry`; None for an entry the river does not show."""
        if entry.member_id not in self._in_river():
            return None
        return self.member(entry.member_id).texts.get((entry.feed_url, entry.key))

    def copies_of(self, entry: StoredEntry) -> list[StoredEntry]:
        """The copies of the post `entry` in its member's other feeds."""
        if entry.member_id not in self._in_river():
            return []
        return self.member(entry.member_id).copies.get((entry.feed_url, entry.key), [])

    def _in_river(self) -> set[str]:
        """The members with entries in the river."""
        if self._members is None:
            self._members = {member_id for _, _, member_id in self.places}
        return self._members

    def _owners_by_id(self) -> dict[EntryId, str]:
        if self._owners is None:
            self._owners = {(feed, key): member_id for feed, key, member_id in self.places}
        return self._owners

    def _by_id(self, member_id: str) -> dict[EntryId, StoredEntry]:
        found = self._ids_of.get(member_id)
        if found is None:
            entries = self.member(member_id).entries
            found = self._ids_of[member_id] = {(e.feed_url, e.key): e for e in entries}
        return found


def _nobody(member_id: str) -> MemberShaped:
    raise KeyError(member_id)


class ShownEntries(Mapping[EntryId, StoredEntry]):
    """The river's entries by id, each member's read when one of theirs is asked for."""

    def __init__(self, river: ShapedRiver) -> None:
        self.river = river

    def __getitem__(self, entry_id: EntryId) -> StoredEntry:
        found = self.river.entry(entry_id)
        if found is None:
            raise KeyError(entry_id)
        return found

    def __iter__(self) -> Iterator[EntryId]:
        return ((feed, key) for feed, key, _ in self.river.places)

    def __len__(self) -> int:
        return len(self.river.places)


class MemberPostsOf(Mapping[str, Sequence[StoredEntry]]):
    """Member id -> their newest posts (ShapedRiver.latest), each member's read when asked."""

    def __init__(self, river: ShapedRiver) -> None:
        self.river = river

    def __getitem__(self, member_id: str) -> Sequence[StoredEntry]:
        if member_id not in self.river.latest():
            raise KeyError(member_id)
        return self.river.posts_of(member_id)

    def __contains__(self, member_id: object) -> bool:  # without reading theirs
        return member_id in self.river.latest()

    def __iter__(self) -> Iterator[str]:
        return iter(self.river.latest())

    def __len__(self) -> int:
        return len(self.river.latest())


class RiverShaper:
    """One build's shaping of the river: `pictures` is the build's shelf, which learns the
    pictures the pages show."""

    def __init__(
        self,
        settings: dict[str, Any],
        members: dict[str, Member],
        sites: Sites,
        pictures: PictureShelf,
    ) -> None:
        self.settings = settings
        self.members = members
        self.sites = sites
        self.pictures = pictures
        # Each feed's keep/skip rules and what it consents to show (members/lens.py).
        self.lenses = Lenses(list(members.values()))

    def shaped(self, store: Store) -> ShapedRiver:
        """The listed members' entries, shaped, each post once, in the river's order."""
        cache = ShapedCache(self.settings)
        quick_key = cache.quick_key(self.members.values())
        index = cache.load_index(quick_key)
        if index is not None and index.files_unchanged(cache) and self._pictures_as_then(index):
            for kept in index.members.values():
                self._use_pictures(kept.asked)
            made_from = {
                member_id: items_made_from(kept.token, self.members[member_id])
                for member_id, kept in index.members.items()
                if kept.token
            }
            shaped_of = partial(_kept_shaped, cache, index)
            return ShapedRiver(
                index.river, index.ids, made_from, shaped_of, quick_key, index.newest
            )
        remembered = cache.load_remembered(
            {"link_key": same_url_key, "site_host": site_host, "original_id": original_id_of}
        )
        sites = replace(self.sites, host_of=remembered["site_host"])
        heads = store.shown_heads(list(self.members), sites, remembered["link_key"])
        by_member: dict[str, list[EntryHead]] = {}
        for head in heads:
            by_member.setdefault(head.member_id, []).append(head)
        any_pictures = self.pictures.has_pictures
        signatures = {
            member_id: cache.signature(self.members[member_id], found, any_pictures=any_pictures)
            for member_id, found in by_member.items()
        }
        position = _positions([(head.feed_url, head.key) for head in heads])
        excerpts: ExcerptCache | None = None  # read only when some member is shaped
        shaped: dict[str, MemberShaped] = {}
        reshaped = 0
        for member_id, signature in signatures.items():
            found = cache.load_member(member_id, signature)
            if found is None or not pictures_unchanged(found.asked, self.pictures.kept):
                if excerpts is None:
                    excerpts = ExcerptCache(_excerpt_cache_path(self.settings))
                found = self._shape_member(store, by_member[member_id], position, excerpts)
                cache.save_member(member_id, signature, found)
                reshaped += 1
            shaped[member_id] = found
            self._use_pictures(found.asked)
        if excerpts is not None:
            # Only a build that shaped everyone knows which excerpts no entry needs any more.
            excerpts.save(prune=reshaped == len(signatures))
        log.info("reading: %d of %d members' entries shaped again", reshaped, len(signatures))
        entries = [entry for found in shaped.values() for entry in found.entries]
        entries.sort(key=lambda e: position.get((e.feed_url, e.key), len(position)))
        places = [(entry.feed_url, entry.key, entry.member_id) for entry in entries]
        ids = output_ids(entries, sites, remembered["original_id"])
        made_from = {
            member_id: items_made_from(found.token, self.members[member_id])
            for member_id, found in shaped.items()
            if found.token
        }
        cache.save_remembered(remembered)
        cache.forget_others(set(shaped))
        files = {
            member_id: KeptMember(
                signatures[member_id], found.token, found.asked,
                file_state(cache.member_file(member_id)),
            )
            for member_id, found in shaped.items()
        }  # fmt: skip
        newest = _newest_posts(entries, shaped)
        cache.save_index(quick_key, ShapedIndex(files, places, ids, newest))
        return ShapedRiver(places, ids, made_from, shaped.__getitem__, quick_key, newest)

    def _pictures_as_then(self, index: ShapedIndex) -> bool:
        """Whether every picture the kept entries looked up is kept (or not) as it was then."""
        kept_now = self.pictures.kept
        return all(pictures_unchanged(kept.asked, kept_now) for kept in index.members.values())

    def _use_pictures(self, asked: dict[str, KeptImage | None]) -> None:
        """The build's shelf publishes the pictures these shaped entries show."""
        self.pictures.used.update((kept.file, kept) for kept in asked.values() if kept)

    def _shape_member(
        self,
        store: Store,
        heads: list[EntryHead],
        position: dict[EntryId, int],
        excerpts: ExcerptCache,
    ) -> MemberShaped:
        """Read one member's shown entries, cut each one's title and body as it is read, and
        keep the entry without its HTML (the whole store's HTML is never in memory at once);
        then each post once (crossposts.py)."""
        full = bool(self.settings["PLANET_FULL_CONTENT"])
        excerpt_chars = int(self.settings["PLANET_EXCERPT_LENGTH"])
        self.pictures.asked = {}
        texts: dict[EntryId, EntryText] = {}
        marks: dict[EntryId, PostMarks] = {}
        kept = []
        rowids = [head.rowid for head in heads]
        for entry in store.iter_member_entries(heads[0].member_id, rowids):
            # The one place the lens applies: what it skips is on no page, feed or index.
            feed = self.lenses.feed(entry)
            if not judge(entry, feed).kept:
                continue
            texts[entry.feed_url, entry.key] = entry_text(
                entry,
                full=full,
                excerpt_chars=excerpt_chars,
                excerpt=excerpts.excerpt,
                pictures=self.pictures,
                site_url=str(self.settings.get("SITEURL") or ""),
                show=self._consent(entry, feed),
                note_text_of=excerpts.note_text,
            )
            found = post_marks(entry, excerpts.note_text)
            if found.text or found.syndicated:  # most entries have neither
                marks[entry.feed_url, entry.key] = found
            kept.append(entry.without_html())
        # In the river's order, whatever order one member's rows come in.
        kept.sort(key=lambda entry: position[entry.feed_url, entry.key])
        collapsed = collapse(kept, marks, self._is_home)
        return MemberShaped(collapsed.entries, texts, collapsed.copies, self.pictures.asked)

    def _consent(self, entry: StoredEntry, feed: Any) -> str | None:
        """How much of `entry` may be republished: its feed's `show`, else its member's, else
        None (PLANET_FULL_CONTENT decides)."""
        if feed is not None and feed.show:
            return str(feed.show)
        member = self.members.get(entry.member_id)
        return str(member.show) if member is not None and member.show else None

    def _is_home(self, entry: StoredEntry) -> bool:
        """Whether `entry` comes from its member's own site: a feed of theirs with no
        platform."""
        member = self.members.get(entry.member_id)
        feeds = member.feeds if member is not None else []
        return any(ref.url == entry.feed_url and not ref.platform for ref in feeds)


def _kept_shaped(cache: ShapedCache, index: ShapedIndex, member_id: str) -> MemberShaped:
    """A member's kept shaped entries, as the index says they were kept."""
    found = cache.load_member(member_id, index.members[member_id].signature)
    if found is None:  # changed since the build began: another build of the site at once?
        cache.forget_index()
        raise SiteError(
            f"the kept entries of the member {member_id!r} in {display_path(cache.folder)} "
            "changed while this build was reading them",
            hint="build again: they will be made afresh",
        )
    return found


def _newest_posts(
    entries: list[StoredEntry], shaped: Mapping[str, MemberShaped]
) -> dict[str, NewestPost]:
    """Each member's first entry in the river's order, with the title the pages give it."""
    newest: dict[str, NewestPost] = {}
    seen: set[str] = set()
    for entry in entries:
        if entry.member_id not in seen:
            seen.add(entry.member_id)
            text = shaped[entry.member_id].texts.get((entry.feed_url, entry.key))
            if text is not None:  # else the title is the entry's own: read it with theirs
                newest[entry.member_id] = NewestPost(entry, text.title)
    return newest


def _positions(order: list[EntryId]) -> dict[EntryId, int]:
    """Each entry's place in the river: made once per build, not once per member shaped."""
    return {entry_id: number for number, entry_id in enumerate(order)}


def _excerpt_cache_path(settings: dict) -> Path:
    """Beside the store: cache/planet.sqlite3 keeps its excerpts in cache/planet-excerpts.json."""
    store = store_path(settings)
    return store.with_name(f"{store.stem}-excerpts.json")

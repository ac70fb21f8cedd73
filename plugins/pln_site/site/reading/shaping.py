"""Reading the stored entries of the listed members and shaping them for the reading pages,
member by member: a member whose file and entries did not change since the last build is not
shaped again, and when nothing changed at all the store is not asked (shapedcache.py). Which
entries show (each post once, across members) and their ids in the output feeds are worked out
for the whole river.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from pln_site.entries import StoredEntry
from pln_site.members.lens import Lenses, judge
from pln_site.members.model import Member
from pln_site.settings import store_path
from pln_site.site.reading.crossposts import EntryId, PostMarks, collapse, post_marks
from pln_site.site.reading.excerptcache import ExcerptCache
from pln_site.site.reading.feedids import original_id_of, output_ids
from pln_site.site.reading.pictures import PictureShelf
from pln_site.site.reading.river import EntryText, entry_text
from pln_site.site.reading.shapedcache import (
    MemberShaped,
    ShapedCache,
    ShapedIndex,
    items_made_from,
    pictures_unchanged,
)
from pln_site.store import EntryHead, Sites, Store
from pln_site.urls import same_url_key, site_host

log = logging.getLogger(__name__)


@dataclass
class ShapedRiver:
    """The entries the pages show (each post once, without its HTML, newest first), their ids
    in the output feeds, what the pages show of each, each post's copies in the member's other
    feeds, and by member what their river items are made from (RiverItem.made_from)."""

    entries: list[StoredEntry]
    ids: dict[EntryId, str]
    texts: dict[EntryId, EntryText] = field(default_factory=dict)
    copies: dict[EntryId, list[StoredEntry]] = field(default_factory=dict)
    made_from: dict[str, str] = field(default_factory=dict)
    # A digest of all it was made from (ShapedCache.quick_key); it may change when they did not.
    key: str = ""


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
        if index is not None:
            kept = {mid: cache.load_member(mid, sig) for mid, sig in index.members.items()}
            if all(self._still_good(found) for found in kept.values()):
                position = _positions(index.order)
                river = self._merged(cast(dict[str, MemberShaped], kept), position, index.ids)
                river.key = quick_key
                return river
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
        order = [(head.feed_url, head.key) for head in heads]
        position = _positions(order)
        excerpts: ExcerptCache | None = None  # read only when some member is shaped
        shaped: dict[str, MemberShaped] = {}
        reshaped = 0
        for member_id, signature in signatures.items():
            found = cache.load_member(member_id, signature)
            if not self._still_good(found):
                if excerpts is None:
                    excerpts = ExcerptCache(_excerpt_cache_path(self.settings))
                found = self._shape_member(store, by_member[member_id], position, excerpts)
                cache.save_member(member_id, signature, found)
                reshaped += 1
            shaped[member_id] = cast(MemberShaped, found)
        if excerpts is not None:
            # Only a build that shaped everyone knows which excerpts no entry needs any more.
            excerpts.save(prune=reshaped == len(signatures))
        log.info("reading: %d of %d members' entries shaped again", reshaped, len(signatures))
        river = self._merged(shaped, position, {})
        river.ids = output_ids(river.entries, sites, remembered["original_id"])
        river.key = quick_key
        cache.save_remembered(remembered)
        cache.forget_others(set(shaped))
        cache.save_index(quick_key, ShapedIndex(signatures, order, river.ids))
        return river

    def _still_good(self, found: MemberShaped | None) -> bool:
        """Whether kept shaped entries may stand: found, and their pictures kept as they were."""
        return found is not None and pictures_unchanged(found.asked, self.pictures.kept)

    def _merged(
        self, shaped: dict[str, MemberShaped], position: dict[EntryId, int], ids: dict[EntryId, str]
    ) -> ShapedRiver:
        """Every member's shaped entries as one river, by `position` (in the store's listing)."""
        river = ShapedRiver([entry for found in shaped.values() for entry in found.entries], ids)
        river.entries.sort(key=lambda e: position.get((e.feed_url, e.key), len(position)))
        for member_id, found in shaped.items():
            if found.token:
                river.made_from[member_id] = items_made_from(found, self.members[member_id])
            river.texts.update(found.texts)
            river.copies.update(found.copies)
            self.pictures.used.update((kept.file, kept) for kept in found.asked.values() if kept)
        return river

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


def _positions(order: list[EntryId]) -> dict[EntryId, int]:
    """Each entry's place in the river: made once per build, not once per member shaped."""
    return {entry_id: number for number, entry_id in enumerate(order)}


def _excerpt_cache_path(settings: dict) -> Path:
    """Beside the store: cache/planet.sqlite3 keeps its excerpts in cache/planet-excerpts.json."""
    store = store_path(settings)
    return store.with_name(f"{store.stem}-excerpts.json")

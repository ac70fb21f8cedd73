"""ReadingGenerator: the river pages, topic rivers and output feeds, built from the store and
the roster; it gives other plugins' pages the members' posts (pln_site.site.shared).

The build never touches the network: it reads what `invoke fetch` stored. A missing store is
not an error (a fresh checkout has none); the river then says how to fill it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from pelican import signals

from pln_site.datetext import site_timezone
from pln_site.entries import StoredEntry
from pln_site.members.lens import Lenses, judge
from pln_site.settings import store_path
from pln_site.site.base import SiteGenerator
from pln_site.site.feedlinks import distinct_updates
from pln_site.site.reading import shapedcache
from pln_site.site.reading.crossposts import (
    AlsoOn,
    EntryId,
    PostMarks,
    also_on,
    collapse,
    feed_label,
    post_marks,
)
from pln_site.site.reading.excerptcache import ExcerptCache
from pln_site.site.reading.hotlinks import HotLink, HotLinks, hot_link_html, hot_links
from pln_site.site.reading.outfeeds import (
    FeedInfo,
    FeedItem,
    FeedOrigin,
    atom_feed,
    json_feed,
    rss_feed,
)
from pln_site.site.reading.pictures import PictureShelf
from pln_site.site.reading.river import (
    EntryText,
    RiverItem,
    capped,
    entry_language,
    entry_text,
    entry_title,
    member_sites,
    paginate,
    posts_by_member,
    river_items,
)
from pln_site.site.reading.shapedcache import MemberShaped, pictures_unchanged
from pln_site.site.roster import roster_for
from pln_site.site.shared import READING_KEY, ReadingData
from pln_site.site.topics import Topic
from pln_site.store import EntryHead, FeedHealth, Sites, Store, StoredLink

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ID_SCHEMES = frozenset({"http", "https", "tag", "urn"})
# RFC 4151's tag URI, with a lower-case authority (the W3C Feed Validator refuses others):
# feeds send "tag:https://host,2024:..." and the like, which are kept only as our own ids.
_DNS_NAME = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
_TAG_CHARS = r"[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*"
TAG_URI = re.compile(
    rf"tag:(?:[a-z0-9._-]+@)?{_DNS_NAME},\d{{4}}(?:-\d{{2}}(?:-\d{{2}})?)?:{_TAG_CHARS}"
    rf"(?:#{_TAG_CHARS})?"
)


class ReadingGenerator(SiteGenerator):
    templates_dir = TEMPLATES_DIR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Raises MemberFilesInvalid, which stops the build before anything is written.
        self.roster = roster_for(self)
        self.members = self.roster.by_id  # the listed members, by id
        self.topics: list[Topic] = self.roster.topics
        # Whose site is whose: which copy of a shared link or id is whose (see Sites).
        self.sites = member_sites(self.members.values())
        # Each feed's keep/skip rules and what it consents to show (members/lens.py).
        self.lenses = Lenses(list(self.members.values()))
        self.per_member = int(self.settings["PLANET_MAX_PER_MEMBER"])
        self.entries: list[StoredEntry] = []  # without their HTML: self.texts holds what shows
        self.texts: dict[tuple[str, str], EntryText] = {}
        # A cross-posted post's original -> its copies in the member's other feeds.
        self.copies: dict[EntryId, list[StoredEntry]] = {}
        # Member id -> what their items are made from (shapedcache.MemberShaped.token).
        self.made_from: dict[str, str] = {}
        self.origins: dict[str, FeedOrigin] = {}
        self.ids: dict[tuple[str, str], str] = {}  # (feed, key) -> the output feeds' id
        self.store_found = False
        # What the shown entries of the last PLANET_HOT_DAYS cite (hotlinks.py).
        self.links: list[StoredLink] = []
        self.hot = HotLinks(hot=[], between_members=[])
        # The entries' pictures that `invoke fetch` brought home; the pages show no others.
        self.pictures = PictureShelf.from_settings(self.settings)

    # -- context ----------------------------------------------------------------------------

    def generate_context(self) -> None:
        self.entries, health = self._read_store()
        self.origins = self._origins(health)
        by_member = posts_by_member(self.entries)
        self.hot = hot_links(
            self.links,
            {(entry.feed_url, entry.key): entry for entry in self.entries},
            self.members,
            self.sites,
            min_members=int(self.settings["PLANET_HOT_MIN_MEMBERS"]),
            title_of=self.title_of,
            member_page_url=self.roster.member_page_url,
        )
        # What other plugins' pages show of the feed (the directory's "latest posts").
        self.context[READING_KEY] = ReadingData(
            posts_by_member=by_member,
            store_found=self.store_found,
            # For titleless posts (notes): a stand-in from their text, as the river shows them.
            title_of=self.title_of,
            topic_page_url=self.topic_page_url,
            topic_atom_url=self.topic_atom_url,
            language_of=self.language_of,
        )
        log.info("reading: %d entries from %d members", len(self.entries), len(by_member))

    def title_of(self, entry: StoredEntry) -> str:
        known = self.texts.get((entry.feed_url, entry.key))
        return known.title if known else entry_title(entry)[0]

    def _is_home(self, entry: StoredEntry) -> bool:
        """Whether `entry` comes from its member's own site: a feed of theirs with no
        platform."""
        member = self.members.get(entry.member_id)
        feeds = member.feeds if member is not None else []
        return any(ref.url == entry.feed_url and not ref.platform for ref in feeds)

    def _also_on(self, entry: StoredEntry) -> tuple[AlsoOn, ...]:
        member = self.members.get(entry.member_id)
        return also_on(
            entry,
            self.copies.get((entry.feed_url, entry.key), ()),
            lambda copy: feed_label(member, copy.feed_url),
        )

    def language_of(self, entry: StoredEntry) -> str | None:
        return entry_language(entry, self.members.get(entry.member_id))

    def _read_store(self) -> tuple[list[StoredEntry], list[FeedHealth]]:
        path = store_path(self.settings)
        if not path.is_file():
            # Opening a Store would create it: a build only ever reads.
            log.warning(
                "reading: no store at %s yet (run `invoke fetch` or `pln-site fetch`); "
                "the river is empty",
                path,
            )
            return [], []
        try:
            with Store(path, read_only=True) as store:
                entries = self._shaped_entries(store)
                health = store.feed_health()
                hot_days = dt.timedelta(days=int(self.settings["PLANET_HOT_DAYS"]))
                self.links = store.links_since(self.now - hot_days)
        except sqlite3.DatabaseError as error:
            log.error("reading: the store %s cannot be read (%s); the river is empty", path, error)
            return [], []
        self.store_found = True
        return entries, health

    def _shaped_entries(self, store: Store) -> list[StoredEntry]:
        """The listed members' entries, shaped, each post once, in the river's order. A member
        whose file and entries did not change since the last build is not shaped again, and
        when nothing changed at all the store is not asked (shapedcache.py)."""
        cache = shapedcache.ShapedCache(self.settings)
        quick_key = cache.quick_key()
        index = cache.load_index(quick_key)
        if index is not None:
            kept = {mid: cache.load_member(mid, sig) for mid, sig in index.members.items()}
            if all(self._still_good(found) for found in kept.values()):
                self.ids = index.ids
                return self._merged(cast(dict[str, MemberShaped], kept), index.order)
        heads = store.shown_heads(member_ids=list(self.members), sites=self.sites)
        by_member: dict[str, list[EntryHead]] = {}
        for head in heads:
            by_member.setdefault(head.member_id, []).append(head)
        any_pictures = self.pictures.has_pictures
        signatures = {
            member_id: cache.signature(self.members[member_id], found, any_pictures=any_pictures)
            for member_id, found in by_member.items()
        }
        order = [(head.feed_url, head.key) for head in heads]
        excerpts: ExcerptCache | None = None  # read only when some member is shaped
        shaped: dict[str, MemberShaped] = {}
        reshaped = 0
        for member_id, signature in signatures.items():
            found = cache.load_member(member_id, signature)
            if not self._still_good(found):
                if excerpts is None:
                    excerpts = ExcerptCache(_excerpt_cache_path(self.settings))
                found = self._shape_member(store, by_member[member_id], order, excerpts)
                cache.save_member(member_id, signature, found)
                reshaped += 1
            shaped[member_id] = cast(MemberShaped, found)
        if excerpts is not None:
            # Only a build that shaped everyone knows which excerpts no entry needs any more.
            excerpts.save(prune=reshaped == len(signatures))
        log.info("reading: %d of %d members' entries shaped again", reshaped, len(signatures))
        entries = self._merged(shaped, order)
        self.ids = output_ids(entries, self.sites)
        cache.forget_others(set(shaped))
        cache.save_index(quick_key, shapedcache.ShapedIndex(signatures, order, self.ids))
        return entries

    def _still_good(self, found: MemberShaped | None) -> bool:
        """Whether kept shaped entries may stand: found, and their pictures kept as they were."""
        return found is not None and pictures_unchanged(found.asked, self.pictures.kept)

    def _merged(self, shaped: dict[str, MemberShaped], order: list[EntryId]) -> list[StoredEntry]:
        """Every member's shaped entries as one river, in `order` (the store's listing)."""
        position = {entry_id: number for number, entry_id in enumerate(order)}
        entries = [entry for found in shaped.values() for entry in found.entries]
        entries.sort(key=lambda entry: position.get((entry.feed_url, entry.key), len(position)))
        for member_id, found in shaped.items():
            if found.token:
                self.made_from[member_id] = found.token
            self.texts.update(found.texts)
            self.copies.update(found.copies)
            self.pictures.used.update((kept.file, kept) for kept in found.asked.values() if kept)
        return entries

    def _shape_member(
        self, store: Store, heads: list[EntryHead], order: list[EntryId], excerpts: ExcerptCache
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
        position = {entry_id: number for number, entry_id in enumerate(order)}
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

    def _origins(self, health: list[FeedHealth]) -> dict[str, FeedOrigin]:
        """feed URL -> what the feed is called, for <source> in the output feeds."""
        origins: dict[str, FeedOrigin] = {}
        known = {feed.url: feed for feed in health}
        newest: dict[str, dt.datetime] = {}  # feed URL -> its newest entry's date
        for entry in self.entries:
            if entry.feed_url not in newest or entry.date > newest[entry.feed_url]:
                newest[entry.feed_url] = entry.date
        for member in self.members.values():
            for ref in member.feeds:
                stored = known.get(ref.url)
                title = ref.title or (stored.title if stored else None) or member.name
                html_url = ref.html_url or (stored.html_url if stored else None) or member.url
                origins[ref.url] = FeedOrigin(
                    url=ref.url, title=title, html_url=html_url, updated=newest.get(ref.url)
                )
        for feed in health:  # feeds a member file no longer names still have stored entries
            if feed.url not in origins:
                owner = self.members.get(feed.member_id)
                title = feed.title or (owner.name if owner else feed.url)
                origins[feed.url] = FeedOrigin(
                    url=feed.url,
                    title=title,
                    html_url=feed.html_url,
                    updated=newest.get(feed.url),
                )
        return origins

    # -- output -----------------------------------------------------------------------------

    def generate_output(self, writer: Any) -> None:
        self.roster.write_avatars()
        for published in self.pictures.publish(Path(self.output_path)):
            # As Pelican's writer says it of a page: a picture no page shows any more is then
            # removed from the output (buildcache/outputs.py).
            signals.content_written.send(str(published), context=self.context)
        items = self._items(self.entries)
        topic_rivers = [(topic, self._topic_items(topic, items)) for topic in self.topics]
        common = {
            "reading_topics": [(topic, len(found)) for topic, found in topic_rivers if found],
            "reading_topic_url": self.topic_url,
            "reading_topic_atom_url": self.topic_atom_url,
            "reading_store_found": self.store_found,
            # Whether anybody is listed yet: all a river page needs to know of the roster.
            "reading_nobody_listed": not self.members,
            "reading_hot_links": self.hot.hot[: int(self.settings["PLANET_HOT_ON_RIVER"])],
            "reading_links_url": self.links_page_url(),
        }
        self._write_river(writer, items, common)
        for topic, found in topic_rivers:
            self._write_topic(writer, topic, found, common)
        self._write_feeds(writer, items, common)
        self._write_links(writer, common)

    def links_page_url(self) -> str | None:
        """The hot links page, None when it is off."""
        if not (self.settings["PLANET_LINKS_URL"] and self.settings["PLANET_LINKS_SAVE_AS"]):
            return None
        return str(self.settings["PLANET_LINKS_URL"])

    def _write_links(self, writer: Any, common: dict) -> None:
        url = self.links_page_url()
        if url:
            self.write_page(
                writer,
                self.settings["PLANET_LINKS_SAVE_AS"],
                "reading_links",
                url,
                hot_links=self.hot,
                reading_hot_days=int(self.settings["PLANET_HOT_DAYS"]),
                reading_links_atom_url=self.settings["PLANET_LINKS_ATOM_SAVE_AS"]
                and self.settings["PLANET_LINKS_ATOM_URL"],
                **common,
            )
        save_as = self.settings["PLANET_LINKS_ATOM_SAVE_AS"]
        if not save_as:
            return
        # Newest first, as readers list a feed; the page ranks by how many cite each link.
        chosen = sorted(self.hot.hot, key=lambda hot: hot.newest, reverse=True)
        chosen = chosen[: int(self.settings["PLANET_FEED_MAX_ITEMS"]) or None]
        updates = distinct_updates([hot.newest for hot in chosen])
        items = [
            self._hot_link_item(hot, updated, save_as)
            for hot, updated in zip(chosen, updates, strict=True)
        ]
        sitename = str(self.settings.get("SITENAME", "")).strip()
        info = self._feed_info(
            f"{sitename}: hot links" if sitename else "Hot links",
            "Pages that several people in my network linked to lately.",
            url or self.settings["PLANET_INDEX_URL"],
            self.settings["PLANET_LINKS_ATOM_URL"],
            save_as,
            items,
        )
        self.write_text(writer, save_as, atom_feed(info, items))

    def _hot_link_item(self, hot: HotLink, updated: dt.datetime, save_as: str) -> FeedItem:
        def member_link(citation: Any) -> str | None:
            page = citation.member_page_url
            return self.feed_link_from(save_as, page) if page else citation.member.url

        return FeedItem(
            id=_uuid_urn(f"hot link\n{hot.anchor}"),
            url=hot.url,
            title=hot.title,
            has_title=True,
            html=hot_link_html(hot, member_link),
            is_full=True,
            published=min(citation.date for citation in hot.citations),
            updated=updated,
            author_name=", ".join(member.name for member in hot.members),
            author_url=None,
        )

    def _items(self, entries: Sequence[StoredEntry]) -> list[RiverItem]:
        return river_items(
            entries,
            self.members,
            text_of=lambda entry: self.texts[entry.feed_url, entry.key],
            tz=self._timezone(),
            member_page_url=self.roster.member_page_url,
            avatar_url=self.roster.shown_avatar_url,
            initials=self.roster.initials,
            also_on_of=self._also_on,
            made_from_of=lambda entry: self.made_from.get(entry.member_id),
        )

    def _topic_items(self, topic: Topic, items: list[RiverItem]) -> list[RiverItem]:
        ids = {member.id for member in topic.members}
        return [item for item in items if item.entry.member_id in ids]

    def topic_url(self, topic: Topic) -> str:
        return self.settings["PLANET_TOPIC_URL"].format(slug=topic.slug)

    def topic_page_url(self, topic: Topic) -> str | None:
        """The topic's reading page, None when topic pages are off."""
        if not (self.settings["PLANET_TOPIC_URL"] and self.settings["PLANET_TOPIC_SAVE_AS"]):
            return None
        return self.topic_url(topic)

    def topic_atom_url(self, topic: Topic) -> str | None:
        if not self.settings["PLANET_TOPIC_ATOM_SAVE_AS"]:
            return None
        return self.settings["PLANET_TOPIC_ATOM_URL"].format(slug=topic.slug)

    def _timezone(self) -> dt.tzinfo:
        return site_timezone(self.settings.get("TIMEZONE"))

    def _write_river(self, writer: Any, items: list[RiverItem], common: dict) -> None:
        pages = paginate(
            items,
            int(self.settings["PLANET_PER_PAGE"]),
            first_url=self.settings["PLANET_INDEX_URL"],
            first_save_as=self.settings["PLANET_INDEX_SAVE_AS"],
            page_url=self.settings["PLANET_PAGE_URL"],
            page_save_as=self.settings["PLANET_PAGE_SAVE_AS"],
            per_member=self.per_member,
        )
        text_pages = self.settings.get("PLANET_SEARCH_TEXT_PAGES")
        for page in pages:
            self.write_page(
                writer,
                page.save_as,
                "reading_index",
                page.url,
                river_page=page,
                reading_text_searchable=text_pages is None or page.number <= int(text_pages),
                **common,
            )

    def _write_topic(self, writer: Any, topic: Any, items: list[RiverItem], common: dict) -> None:
        url = self.topic_url(topic)
        save_as = self.settings["PLANET_TOPIC_SAVE_AS"].format(slug=topic.slug)
        # A topic river is one page: its newest entries, with a feed for the rest of the way.
        page = paginate(
            capped(items, int(self.settings["PLANET_PER_PAGE"]), self.per_member),
            len(items) or 1,
            first_url=url,
            first_save_as=save_as,
            page_url=url,
            page_save_as=save_as,
        )[0]
        self.write_page(
            writer,
            save_as,
            "reading_topic",
            url,
            topic=topic,
            river_page=page,
            reading_topic_total=len(items),
            # The directory's page of the topic (who they are), None without one.
            directory_topic_url=self.roster.topic_page_url(topic),
            **common,
        )

    # -- feeds ------------------------------------------------------------------------------

    def _write_feeds(self, writer: Any, items: list[RiverItem], common: dict) -> None:
        cap = int(self.settings["PLANET_FEED_MAX_ITEMS"])
        newest = self._feed_items(capped(items, cap, self.per_member))
        sitename = str(self.settings.get("SITENAME", "")).strip()
        title = f"{sitename}: reading" if sitename else "Reading"
        description = "Posts from the people in my network, newest first."
        home = self.settings["PLANET_INDEX_URL"]
        for kind, write in (("ATOM", atom_feed), ("RSS", rss_feed), ("JSON", json_feed)):
            save_as = self.settings.get(f"PLANET_{kind}_SAVE_AS")
            if not save_as:
                continue
            info = self._feed_info(
                title, description, home, self.settings[f"PLANET_{kind}_URL"], save_as, newest
            )
            self.write_text(writer, save_as, write(info, newest))
        topic_save_as = self.settings.get("PLANET_TOPIC_ATOM_SAVE_AS")
        if not topic_save_as:
            return
        for topic in self.topics:
            ids = {member.id for member in topic.members}
            mine = [item for item in items if item.entry.member_id in ids]
            chosen = self._feed_items(capped(mine, cap, self.per_member))
            save_as = topic_save_as.format(slug=topic.slug)
            info = self._feed_info(
                f"{title}, {topic.name}",
                f"Posts on {topic.name} from the people in my network, newest first.",
                self.topic_url(topic),
                self.topic_atom_url(topic) or save_as,
                save_as,
                chosen,
            )
            self.write_text(writer, save_as, atom_feed(info, chosen))

    def _feed_info(
        self,
        title: str,
        description: str,
        home_url: str,
        self_url: str,
        save_as: str,
        items: list[FeedItem],
    ) -> FeedInfo:
        absolute_self = self.absolute(self_url)
        updated = max((item.updated or item.published for item in items), default=self.now)
        return FeedInfo(
            title=title,
            description=description,
            home_url=self.feed_link_from(save_as, home_url),
            self_url=self.feed_link_from(save_as, self_url),
            id=absolute_self or _uuid_urn(f"{self.settings.get('SITENAME', '')}\n{self_url}"),
            updated=updated,
        )

    def _feed_items(self, items: Sequence[RiverItem]) -> list[FeedItem]:
        """The items of one output feed, newest first, no two updated in the same second."""
        updates = distinct_updates([item.entry.date for item in items])
        return [
            self._feed_item(item, updated) for item, updated in zip(items, updates, strict=True)
        ]

    def _feed_item(self, item: RiverItem, updated: dt.datetime) -> FeedItem:
        entry, member = item.entry, item.member
        avatar = self.feed_absolute(item.avatar_url) if item.avatar_url else None
        return FeedItem(
            id=self.ids.get((entry.feed_url, entry.key)) or _derived_id(entry),
            url=entry.link,
            title=item.title,
            has_title=item.has_title,
            html=str(item.body_html),
            is_full=item.is_full,
            published=entry.date,
            updated=updated,
            language=item.lang,
            author_name=member.name,
            author_url=member.url,
            author_avatar=avatar,
            categories=list(entry.categories),
            origin=self.origins.get(entry.feed_url)
            or FeedOrigin(url=entry.feed_url, title=member.name, html_url=member.url),
        )


def _excerpt_cache_path(settings: dict) -> Path:
    """Beside the store: cache/planet.sqlite3 keeps its excerpts in cache/planet-excerpts.json."""
    store = store_path(settings)
    return store.with_name(f"{store.stem}-excerpts.json")


def output_ids(entries: Iterable[StoredEntry], sites: Sites) -> dict[tuple[str, str], str]:
    """(feed, key) -> each entry's id in the output feeds; no two entries share one, so that a
    reader never takes one member's entry for an edit of another's.

    An entry keeps its original id (an absolute IRI, as an aggregator should keep it) unless
    another entry claims the same id and has the better claim, or the id is on another
    member's site and not on its own member's: a copied id. Of the entries claiming one id,
    the entry it was derived for comes first (an original id equal to it is forged), then one
    of a member on whose site the id is, then the one first seen; the others get an id derived
    from their member, feed and key. Ids stay the same from build to build.
    """
    claims: dict[str, list[StoredEntry]] = {}
    originals: dict[tuple[str, str], str | None] = {}
    for entry in entries:
        original = originals[entry.feed_url, entry.key] = _original_id(entry)
        claims.setdefault(original or _derived_id(entry), []).append(entry)
    taken = set(claims)  # a fresh id never lands on an id another entry claims
    ids: dict[tuple[str, str], str] = {}
    for claimed, claimants in claims.items():
        owners = sites.owners(claimed)
        first = min(
            claimants,
            key=lambda entry: _claim_rank(
                entry, originals[entry.feed_url, entry.key], claimed, owners
            ),
        )
        for entry in claimants:
            # An id on other members' site, not on this member's: a copy, never kept.
            copied = bool(owners) and entry.member_id not in owners
            if entry is first and not copied:
                ids[entry.feed_url, entry.key] = claimed
            else:
                ids[entry.feed_url, entry.key] = _fresh_id(entry, taken)
    return ids


def _claim_rank(
    entry: StoredEntry, original: str | None, claimed: str, owners: frozenset[str]
) -> tuple:
    return (
        original == claimed,  # False first: the id was derived for this entry
        entry.member_id not in owners,
        entry.first_seen,
        entry.member_id,
        entry.feed_url,
        entry.key,
    )


def _fresh_id(entry: StoredEntry, taken: set[str]) -> str:
    """An id for an entry that may not keep the one it claims: from its member, feed and key
    (and a counter, should even that be claimed already)."""
    base = f"{entry.member_id}\n{entry.feed_url}\n{entry.key}"
    found, count = _uuid_urn(base), 0
    while found in taken:
        count += 1
        found = _uuid_urn(f"{base}\n{count}")
    taken.add(found)
    return found


def _original_id(entry: StoredEntry) -> str | None:
    """The entry's own id when it is an absolute IRI, else None."""
    key = entry.key.strip()
    try:
        scheme = urlsplit(key).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ID_SCHEMES or any(char.isspace() for char in key):
        return None
    if scheme == "tag" and TAG_URI.fullmatch(key) is None:
        return None
    return key


def _derived_id(entry: StoredEntry) -> str:
    """A stable UUID URN made from the feed and the entry's key (for an entry whose key is no
    IRI: a link, or a hash)."""
    return _uuid_urn(f"{entry.feed_url}\n{entry.key}")


def _uuid_urn(text: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, text).urn

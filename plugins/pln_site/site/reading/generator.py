"""ReadingGenerator: the river pages, topic rivers and output feeds, built from the store and
the roster; it gives other plugins' pages the members' posts (pln_site.site.shared).

The build never touches the network: it reads what `invoke fetch` stored. A missing store is
not an error (a fresh checkout has none); the river then says how to fill it.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals

from pln_site.datetext import site_timezone
from pln_site.entries import StoredEntry
from pln_site.settings import store_path
from pln_site.site.base import SiteGenerator, build_moment
from pln_site.site.feedlinks import distinct_updates
from pln_site.site.reading.crossposts import (
    AlsoOn,
    also_on,
    feed_label,
)
from pln_site.site.reading.feedids import derived_id, uuid_urn
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
    RiverMember,
    capped,
    entry_language,
    entry_title,
    member_sites,
    paginate,
    river_items,
)
from pln_site.site.reading.shaping import MemberPostsOf, RiverShaper, ShapedRiver, ShownEntries
from pln_site.site.roster import roster_for
from pln_site.site.shared import READING_KEY, ReadingData
from pln_site.site.topics import Topic
from pln_site.store import FeedHealth, Store, StoredLink

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The templates of the reading pages (the feeds are text: they read only what they are given).
READING_TEMPLATES = ("reading_index", "reading_topic", "reading_links")


class ReadingGenerator(SiteGenerator):
    templates_dir = TEMPLATES_DIR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Raises MemberFilesInvalid, which stops the build before anything is written.
        self.roster = roster_for(self)
        self.members = self.roster.by_id  # the listed members, by id
        # ...and as the reading pages show them: what the pages are given and made from.
        self.shown = {member_id: RiverMember.of(m) for member_id, m in self.members.items()}
        self.topics: list[Topic] = self.roster.topics
        # Whose site is whose: which copy of a shared link or id is whose (see Sites).
        self.sites = member_sites(self.members.values())
        self.per_member = int(self.settings["PLANET_MAX_PER_MEMBER"])
        # The shown entries (without their HTML: the river says what shows of each), each
        # member's read only when a page needs them (shaping.ShapedRiver).
        self.river = ShapedRiver.empty()
        self.health: list[FeedHealth] = []
        self.origins: dict[str, FeedOrigin] = {}  # made with the reading pages, if they are
        self.store_found = False
        # What the shown entries of the last PLANET_HOT_DAYS cite (hotlinks.py).
        self.links: list[StoredLink] = []
        self.hot = HotLinks(hot=[], between_members=[])
        # The entries' pictures that `invoke fetch` brought home; the pages show no others.
        self.pictures = PictureShelf.from_settings(self.settings)

    # -- context ----------------------------------------------------------------------------

    def generate_context(self) -> None:
        self.river, self.health = self._read_store()
        latest = self.river.latest()
        self.hot = hot_links(
            self.links,
            ShownEntries(self.river),
            self.shown,
            self.sites,
            min_members=int(self.settings["PLANET_HOT_MIN_MEMBERS"]),
            title_of=self.title_of,
            member_page_url=self._member_page_url,
        )
        # What other plugins' pages show of the feed (the directory's "latest posts").
        self.context[READING_KEY] = ReadingData(
            posts_by_member=MemberPostsOf(self.river),
            post_ids=latest,
            newest_posts=self.river.newest,
            newest_of=self.river.newest_of,
            store_found=self.store_found,
            # For titleless posts (notes): a stand-in from their text, as the river shows them.
            title_of=self.title_of,
            topic_page_url=self.topic_page_url,
            topic_atom_url=self.topic_atom_url,
            language_of=self.language_of,
            made_from=self.river.made_from,
        )
        log.info("reading: %d entries from %d members", len(self.river.places), len(latest))

    @property
    def entries(self) -> list[StoredEntry]:
        """Every entry the river shows, in its order (every member's are read)."""
        return self.river.entries

    def title_of(self, entry: StoredEntry) -> str:
        known = self.river.title_of(entry)
        return known if known is not None else entry_title(entry)[0]

    def _member_page_url(self, shown: RiverMember) -> str | None:
        return self.roster.member_page_url(shown.id)

    def _avatar_url(self, shown: RiverMember) -> str | None:
        return self.roster.shown_avatar_url(self.members[shown.id])

    def _members_as_shown(self) -> tuple[Any, ...]:
        """What the reading pages show of the roster: each listed member as the river shows
        them, with their page's and avatar's addresses, and the topics (names, slugs, who is
        in each)."""
        return (
            [(m, self._member_page_url(m), self._avatar_url(m)) for m in self.shown.values()],
            self.topics,
        )

    def _also_on(self, entry: StoredEntry) -> tuple[AlsoOn, ...]:
        member = self.shown.get(entry.member_id)
        return also_on(
            entry, self.river.copies_of(entry), lambda copy: feed_label(member, copy.feed_url)
        )

    def language_of(self, entry: StoredEntry) -> str | None:
        return entry_language(entry, self.shown.get(entry.member_id))

    def _read_store(self) -> tuple[ShapedRiver, list[FeedHealth]]:
        path = store_path(self.settings)
        if not path.is_file():
            # Opening a Store would create it: a build only ever reads.
            log.warning(
                "reading: no store at %s yet (run `invoke fetch` or `pln-site fetch`); "
                "the river is empty",
                path,
            )
            return ShapedRiver.empty(), []
        try:
            with Store(path, read_only=True) as store:
                river = RiverShaper(self.settings, self.members, self.sites, self.pictures).shaped(
                    store
                )
                health = store.feed_health()
                hot_days = dt.timedelta(days=int(self.settings["PLANET_HOT_DAYS"]))
                self.links = store.links_since(self.now - hot_days)
        except sqlite3.DatabaseError as error:
            log.error("reading: the store %s cannot be read (%s); the river is empty", path, error)
            return ShapedRiver.empty(), []
        self.store_found = True
        return river, health

    def _origins(self, health: list[FeedHealth]) -> dict[str, FeedOrigin]:
        """feed URL -> what the feed is called, for <source> in the output feeds (made with
        them: it reads every member's entries)."""
        origins: dict[str, FeedOrigin] = {}
        known = {feed.url: feed for feed in health}
        newest: dict[str, dt.datetime] = {}  # feed URL -> its newest entry's date
        for entry in self.entries:
            if entry.feed_url not in newest or entry.date > newest[entry.feed_url]:
                newest[entry.feed_url] = entry.date
        for member in self.shown.values():
            for ref in member.feeds:
                stored = known.get(ref.url)
                title = ref.title or (stored.title if stored else None) or member.name
                html_url = ref.html_url or (stored.html_url if stored else None) or member.url
                origins[ref.url] = FeedOrigin(
                    url=ref.url, title=title, html_url=html_url, updated=newest.get(ref.url)
                )
        for feed in health:  # feeds a member file no longer names still have stored entries
            if feed.url not in origins:
                owner = self.shown.get(feed.member_id)
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
        # Every reading page and feed is made from the store (the shaped entries' key), the
        # members as the pages show them and the hot links (which move on with the clock):
        # with those as they were, an edited post or a member's new `why` leaves them all as
        # the last build wrote them.
        made_from = (self.river.key, self.store_found, self._members_as_shown(), self.hot)
        write_all = partial(self._write_all, writer)
        self.write_set(writer, "reading", made_from, READING_TEMPLATES, write_all)

    def _write_all(self, writer: Any) -> None:
        self.origins = self._origins(self.health)
        items = self._items(self.entries)
        topic_rivers = self._topic_rivers(items)
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
        self._write_feeds(writer, items, topic_rivers)
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
        self.write_text(writer, save_as, partial(atom_feed, info, items))

    def _hot_link_item(self, hot: HotLink, updated: dt.datetime, save_as: str) -> FeedItem:
        def member_link(citation: Any) -> str | None:
            page = citation.member_page_url
            return self.feed_link_from(save_as, page) if page else citation.member.url

        return FeedItem(
            id=uuid_urn(f"hot link\n{hot.anchor}"),
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
            self.shown,
            text_of=self._text_of,
            tz=self._timezone(),
            member_page_url=self._member_page_url,
            avatar_url=self._avatar_url,
            initials=self.roster.initials,
            also_on_of=self._also_on,
            made_from_of=lambda entry: self.river.made_from.get(entry.member_id),
        )

    def _text_of(self, entry: StoredEntry) -> EntryText:
        text = self.river.text_of(entry)
        if text is None:
            raise KeyError((entry.feed_url, entry.key))  # every shown entry has its text
        return text

    def _topic_rivers(self, items: list[RiverItem]) -> list[tuple[Topic, list[RiverItem]]]:
        """Each topic with its items, in the river's order: one pass over the river, not one
        per topic (30 topics and 20,000 entries made 600,000 checks)."""
        rivers: list[tuple[Topic, list[RiverItem]]] = [(topic, []) for topic in self.topics]
        rivers_of: dict[str, list[list[RiverItem]]] = {}
        for topic, mine in rivers:
            for member in topic.members:
                rivers_of.setdefault(member.id, []).append(mine)
        for item in items:
            for mine in rivers_of.get(item.entry.member_id, ()):
                mine.append(item)
        return rivers

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

    def _write_feeds(
        self,
        writer: Any,
        items: list[RiverItem],
        topic_rivers: list[tuple[Topic, list[RiverItem]]],
    ) -> None:
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
            self.write_text(writer, save_as, partial(write, info, newest))
        topic_save_as = self.settings.get("PLANET_TOPIC_ATOM_SAVE_AS")
        if not topic_save_as:
            return
        for topic, mine in topic_rivers:
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
            self.write_text(writer, save_as, partial(atom_feed, info, chosen))

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
        updated = max((item.updated or item.published for item in items), default=None)
        return FeedInfo(
            title=title,
            description=description,
            home_url=self.feed_link_from(save_as, home_url),
            self_url=self.feed_link_from(save_as, self_url),
            id=absolute_self or uuid_urn(f"{self.settings.get('SITENAME', '')}\n{self_url}"),
            updated=updated or self._last_change(),
        )

    def _last_change(self) -> dt.datetime:
        """When an empty feed was last updated: when the river last changed (its newest entry;
        with none, the start of the build's day). Not the build's time: a feed made again on
        every build could never be taken from the last one (the build cache)."""
        newest = self.river.newest(1)  # the river's order: newest first
        return newest[0].date if newest else build_moment()

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
            id=self.river.ids.get((entry.feed_url, entry.key)) or derived_id(entry),
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

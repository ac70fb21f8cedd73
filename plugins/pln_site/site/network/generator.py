"""NetworkGenerator: the directory's pages, from the roster, with the reading feed's posts
when the reading plugin gives them (pln_site.site.shared).

The roster is loaded when Pelican creates its generators, which is before it empties the output
folder (DELETE_OUTPUT_DIRECTORY) and before any generator writes: a broken member file stops
the build with the old output untouched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from pln_site.members.model import Member
from pln_site.site.base import SiteGenerator
from pln_site.site.network import present
from pln_site.site.network.additions import additions_atom, newest_members
from pln_site.site.network.charts import bar_chart, growth_chart
from pln_site.site.network.export import members_json, recommendations_json
from pln_site.site.network.graph import network_graph
from pln_site.site.network.jsonld import person_data, script_json
from pln_site.site.network.opml import blogroll_opml
from pln_site.site.network.stats import network_stats
from pln_site.site.roster import roster_for
from pln_site.site.shared import PostList, no_language, own_title, reading_data
from pln_site.site.topics import Topic
from pln_site.urls import site_host

log = logging.getLogger(__name__)

PLUGIN_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PLUGIN_DIR / "templates"
SCRIPT_FILE = PLUGIN_DIR / "static" / "network.js"
SORT_ORDERS = ("name", "newest", "oldest")  # "name" is the directory's own order
# The templates of the directory's pages (the rest are text files).
NETWORK_TEMPLATES = (
    "network_index",
    "network_card",
    "network_member",
    "network_topics",
    "network_topic",
    "network_stats",
    "network_graph",
)


class NetworkGenerator(SiteGenerator):
    templates_dir = TEMPLATES_DIR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Raises MemberFilesInvalid, which stops the build before anything is written.
        self.roster = roster_for(self)
        self.members = self.roster.members
        self.topics: list[Topic] = self.roster.topics
        # A member's card is the same on every directory and topic page but for SITEURL (relative
        # to each page): render it once with a placeholder nobody can guess, then fill that in.
        self._card_siteurl = "network-card-siteurl-" + secrets.token_hex(16)
        self._cards: dict[str, str] = {}

    # -- context ----------------------------------------------------------------------------

    def generate_context(self) -> None:
        self.context.update(
            network_members=self.members,
            network_members_by_id=self.roster.by_id,
            network_topics=self.topics,
            member_url=self.roster.member_url_rule(),
            topic_url=self.roster.topic_url_rule(),
            network_topic_slug=self.roster.topic_slug_rule(),
            network_card=self.card_html,
            network_avatar_url=self.roster.avatar_url_rule(),
            network_initials=self.roster.initials,
            network_partial_date=present.partial_date,
            network_site_host=site_host,
            network_xfn_rel=self.xfn_rel,
            network_is_quiet=self.is_quiet,
            network_facets=present.facets(self.members),
            network_newest=newest_members(self.members, int(self.settings["NETWORK_NEW_COUNT"])),
        )
        log.info(
            "network: %d members listed, %d archived",
            len(self.members),
            len(self.roster.all_members) - len(self.members),
        )

    def card_html(self, member: Member, siteurl: str) -> Markup:
        """The member's card (the `card` macro) as a page whose SITEURL is `siteurl` shows it."""
        html = self._cards.get(member.id)
        if html is None:
            context = {**self.context, **self._common(), "member": member}
            context["SITEURL"] = self._card_siteurl
            html = self.get_template("network_card").render(context)
            self._cards[member.id] = html
        return Markup(html.replace(self._card_siteurl, str(escape(siteurl))))

    def sorted_url(self, order: str) -> str:
        if order == "name":
            return self.settings["NETWORK_INDEX_URL"]
        return self.settings["NETWORK_SORTED_URL"].format(order=order)

    def xfn_rel(self, member: Member) -> str | None:
        return present.xfn_rel(member, bool(self.settings["NETWORK_PUBLISH_RELATIONS"]))

    def is_quiet(self, entry: Any) -> bool:
        date = getattr(entry, "date", None)
        return present.is_quiet(date, int(self.settings["NETWORK_QUIET_DAYS"]), self.now)

    # -- output -----------------------------------------------------------------------------

    def generate_output(self, writer: Any) -> None:
        self.roster.write_avatars()
        # Every page is made from the roster, the members' posts and the blog's posts that
        # mention a member, as a list shows them: an edited post's text leaves them all as the
        # last build wrote them.
        mentions = self._mentions()
        made_from = (self.roster, reading_data(self.context), mentions)
        write_all = partial(self._write_all, writer, mentions)
        self.write_set(writer, "network", made_from, NETWORK_TEMPLATES, write_all)

    def _mentions(self) -> dict[str, PostList]:
        """Member id -> the blog's posts that draw on their work (the mentions plugin's)."""
        found = self.context.get("mentions_by_member") or {}
        return {member_id: PostList(posts) for member_id, posts in found.items()}

    def _write_all(self, writer: Any, mentions: dict[str, PostList]) -> None:
        # The members' own pages first: in `invoke dev` the page of the member just edited is
        # shown once it is written, and the directory's lists of 500 cards take a while.
        self._write_members(writer, mentions)
        self._write_directory(writer)
        self._write_topics(writer)
        self._write_stats(writer)
        self._write_graph(writer)
        self._write_opml(writer)
        self._write_json(writer)
        self._write_additions(writer)
        self._write_script(writer)

    def _common(self) -> dict[str, Any]:
        sort_links = [(order, self.sorted_url(order)) for order in SORT_ORDERS]
        return {
            "network_sort_links": sort_links,
            "network_publish_relations": bool(self.settings["NETWORK_PUBLISH_RELATIONS"]),
            # The members' posts, when the reading plugin gives them; None: no posts shown.
            "reading": reading_data(self.context),
        }

    def _write_one(self, writer: Any, page: str, **extra: Any) -> None:
        """The directory's single page `page` ("stats"): template network_<page>, at the
        settings NETWORK_<PAGE>_SAVE_AS and NETWORK_<PAGE>_URL."""
        name = page.upper()
        self.write_page(
            writer,
            self.settings[f"NETWORK_{name}_SAVE_AS"],
            f"network_{page}",
            self.settings[f"NETWORK_{name}_URL"],
            **extra,
            **self._common(),
        )

    def _write_directory(self, writer: Any) -> None:
        for order in SORT_ORDERS:
            if order == "name":
                save_as = self.settings["NETWORK_INDEX_SAVE_AS"]
            else:
                save_as = self.settings["NETWORK_SORTED_SAVE_AS"].format(order=order)
            self.write_page(
                writer,
                save_as,
                "network_index",
                self.sorted_url(order),
                members=present.sort_members(self.members, order),
                sort_order=order,
                **self._common(),
            )

    def _write_members(self, writer: Any, mentions: dict[str, PostList]) -> None:
        # Each page is given its member's posts and mentions, not the whole reading feed: the
        # build cache then renders it again only when those change.
        reading = reading_data(self.context)
        for member in self.members:
            page_url = self.roster.member_url(member)
            absolute_page = self.absolute(page_url)
            avatar = self.roster.avatar_url(member)
            # JSON-LD has no base URL of its own: links go in only when they are absolute.
            data = person_data(member, absolute_page, self.absolute(avatar) if avatar else None)
            self.write_page(
                writer,
                self.settings["NETWORK_MEMBER_SAVE_AS"].format(id=member.id),
                "network_member",
                page_url,
                member=member,
                person_jsonld=script_json(data),
                member_posts=reading.posts_of(member.id) if reading else [],
                entry_title_of=reading.title_of if reading else own_title,
                entry_language_of=reading.language_of if reading else no_language,
                member_mentions=mentions.get(member.id, PostList()),
                **self._common(),
            )

    def _write_topics(self, writer: Any) -> None:
        self._write_one(writer, "topics")
        for topic in self.topics:
            self.write_page(
                writer,
                self.settings["NETWORK_TOPIC_SAVE_AS"].format(slug=topic.slug),
                "network_topic",
                self.roster.topic_url(topic),
                topic=topic,
                members=list(topic.members),
                **self._common(),
            )

    def _write_stats(self, writer: Any) -> None:
        dimensions = network_stats(self.members, self.topics)
        charts = {d.key: bar_chart(d.rows) for d in dimensions}
        years = next((d.rows for d in dimensions if d.key == "year"), [])
        self._write_one(
            writer, "stats", dimensions=dimensions, charts=charts, growth=growth_chart(years)
        )

    def _write_graph(self, writer: Any) -> None:
        self._write_one(writer, "graph", graph=network_graph(self.members, self.topics))

    def _write_opml(self, writer: Any) -> None:
        """The blogroll, the well-known recommendations (the same outlines: Micro.blog reads
        them there) and one blogroll per topic; an empty *_SAVE_AS turns one off."""
        sitename = self.settings.get("SITENAME", "")
        self.write_text(
            writer,
            self.settings["NETWORK_OPML_SAVE_AS"],
            self._opml(self.members, f"{sitename}: blogroll" if sitename else "Blogroll"),
        )
        self.write_text(
            writer,
            self.settings["NETWORK_RECOMMENDATIONS_OPML_SAVE_AS"],
            self._opml(
                self.members, f"{sitename}: recommendations" if sitename else "Recommendations"
            ),
        )
        topic_save_as = self.settings["NETWORK_TOPIC_OPML_SAVE_AS"]
        if not topic_save_as:
            return
        for topic in self.topics:
            title = f"blogroll on {topic.name}"
            self.write_text(
                writer,
                topic_save_as.format(slug=topic.slug),
                self._opml(topic.members, f"{sitename}: {title}" if sitename else title),
            )

    def _opml(self, members: Sequence[Member], title: str) -> Callable[[], str]:
        """The blogroll of `members`, made only when it is not reused (write_text)."""
        return partial(
            blogroll_opml,
            members,
            title=title,
            owner_name=self.settings.get("AUTHOR"),
            generated=self.now,
            owner_id=self.absolute(""),
        )

    def _write_additions(self, writer: Any) -> None:
        save_as = self.settings["NETWORK_NEW_ATOM_SAVE_AS"]
        if not save_as:
            return

        def link(url: str) -> str:
            return self.feed_link_from(save_as, url)

        sitename = self.settings.get("SITENAME", "")
        text = additions_atom(
            newest_members(self.members, max(int(self.settings["NETWORK_NEW_COUNT"]), 20)),
            title=f"{sitename}: new in my network" if sitename else "New in my network",
            feed_link=link(self.settings.get("NETWORK_NEW_ATOM_URL") or save_as),
            directory_link=link(self.settings["NETWORK_INDEX_URL"]),
            member_link=lambda member: link(self.roster.member_url(member)),
            generated=self.now,
            author=self.settings.get("AUTHOR"),
        )
        self.write_text(writer, save_as, text)

    def _write_json(self, writer: Any) -> None:
        save_as = self.settings["NETWORK_JSON_SAVE_AS"]

        def link(url: str | None) -> str | None:
            return self.link_from(save_as, url) if url is not None else None

        text = members_json(
            self.members,
            page_url=lambda m: self.link_from(save_as, self.roster.member_url(m)),
            avatar_url=lambda m: link(self.roster.avatar_url(m)),
            publish_relations=bool(self.settings["NETWORK_PUBLISH_RELATIONS"]),
            generated=self.now,
            site={
                "name": self.settings.get("SITENAME", ""),
                "url": self.absolute("") or link("") or "",
                "directory_url": link(self.settings["NETWORK_INDEX_URL"]) or "",
            },
        )
        self.write_text(writer, save_as, text)
        self.write_text(
            writer,
            self.settings["NETWORK_RECOMMENDATIONS_JSON_SAVE_AS"],
            recommendations_json(self.members),
        )

    def _write_script(self, writer: Any) -> None:
        self.write_text(
            writer, self.settings["NETWORK_SCRIPT_SAVE_AS"], SCRIPT_FILE.read_text(encoding="utf-8")
        )

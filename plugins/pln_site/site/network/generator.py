"""NetworkGenerator: loads the member files, fills the shared context, writes the directory.

Member files are loaded and validated when Pelican creates its generators, which is before it
empties the output folder (DELETE_OUTPUT_DIRECTORY) and before any generator writes: a broken
member file stops the build with the old output untouched.
"""

from __future__ import annotations

import logging
import posixpath
import secrets
import shutil
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader
from markupsafe import Markup, escape
from pelican.generators import Generator

from pln_site.members.loader import members_from_settings
from pln_site.members.model import Member
from pln_site.site.network import avatars, present
from pln_site.site.network.additions import additions_atom, newest_members
from pln_site.site.network.charts import bar_chart, growth_chart
from pln_site.site.network.export import members_json
from pln_site.site.network.graph import network_graph
from pln_site.site.network.jsonld import person_data, script_json
from pln_site.site.network.opml import blogroll_opml
from pln_site.site.network.stats import network_stats
from pln_site.site.topics import Topic, group_topics, topic_slug
from pln_site.text import initials

log = logging.getLogger(__name__)

PLUGIN_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PLUGIN_DIR / "templates"
SCRIPT_FILE = PLUGIN_DIR / "static" / "network.js"
SORT_ORDERS = ("name", "newest", "oldest")  # "name" is the directory's own order


class NetworkGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Theme templates first (so a theme can override any of ours), then the plugin's own,
        # then Pelican's simple theme.
        self.env.loader.loaders.insert(1, FileSystemLoader(str(TEMPLATES_DIR)))
        # Member text reaches these pages: escape everything not explicitly marked safe.
        self.env.autoescape = True
        # Templates do not change during a build: skip the file check each page's
        # extends/import would make (a stat per template per page).
        self.env.auto_reload = False
        # Raises MemberFilesInvalid, which stops the build before anything is written.
        self.all_members: list[Member] = members_from_settings(self.settings)
        self.members = present.sort_members((m for m in self.all_members if m.is_listed), "name")
        self._slug_subs = self.settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        self.topics: list[Topic] = group_topics(self.members, self._slug_subs)
        self._topic_by_slug = {topic.slug: topic for topic in self.topics}
        self._now = present.build_time()
        self._slugs: dict[str, str] = {}
        # A member's card is the same on every directory and topic page but for SITEURL (relative
        # to each page): render it once with a placeholder nobody can guess, then fill that in.
        self._card_siteurl = "network-card-siteurl-" + secrets.token_hex(16)
        self._cards: dict[str, str] = {}

    # -- context ----------------------------------------------------------------------------

    def generate_context(self) -> None:
        self.context.update(
            network_members=self.members,
            network_members_by_id={m.id: m for m in self.members},
            network_topics=self.topics,
            member_url=self.member_url,
            topic_url=self.topic_url,
            network_topic_slug=self.topic_slug,
            network_card=self.card_html,
            network_avatar_url=self.shown_avatar_url,
            network_initials=initials,
            network_partial_date=present.partial_date,
            network_xfn_rel=self.xfn_rel,
            network_is_quiet=self.is_quiet,
            network_facets=present.facets(self.members),
            network_newest=newest_members(
                self.members, int(self.settings.get("NETWORK_NEW_COUNT", 5))
            ),
        )
        log.info(
            "network: %d members listed, %d archived",
            len(self.members),
            len(self.all_members) - len(self.members),
        )

    def member_url(self, member: Member | str) -> str:
        member_id = member if isinstance(member, str) else member.id
        return self.settings["NETWORK_MEMBER_URL"].format(id=member_id)

    def topic_url(self, topic: Topic | str) -> str:
        """The topic page's URL, from a Topic or a topic's name as a member file writes it."""
        slug = topic.slug if isinstance(topic, Topic) else self.topic_slug(topic)
        return self.settings["NETWORK_TOPIC_URL"].format(slug=slug)

    def topic_slug(self, name: str) -> str:
        # Every card and member page asks for the slugs of its topics; slugify is slow.
        slug = self._slugs.get(name)
        if slug is None:
            slug = self._slugs[name] = topic_slug(name, self._slug_subs)
        return slug

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

    def avatar_url(self, member: Member) -> str | None:
        """The site URL of the member's local avatar, or None: the page shows initials then."""
        if not member.avatar:
            return None
        source = posixpath.join(self.settings["NETWORK_AVATARS_PATH"], member.avatar)
        static = self.context.get("static_content", {}).get(source)
        if static is None:
            # Not (yet) known as a static file, e.g. when images/ is not in STATIC_PATHS.
            log.warning(
                "network: avatar %s of %s is not copied to the site (is it under "
                "STATIC_PATHS?); showing initials",
                source,
                member.id,
            )
            return None
        return static.url

    def shown_avatar_url(self, member: Member) -> str | None:
        """The avatar as pages show it: raster images as a small copy, SVG as they are.

        The exports (JSON, JSON-LD) keep linking the original.
        """
        url = self.avatar_url(member)
        if url and avatars.is_raster(member.avatar):
            # Written by _write_avatars, after Pelican has emptied the output folder.
            return posixpath.join(posixpath.dirname(url), avatars.resized_name(member.avatar))
        return url

    def xfn_rel(self, member: Member) -> str | None:
        return present.xfn_rel(member, bool(self.settings["NETWORK_PUBLISH_RELATIONS"]))

    def is_quiet(self, entry: Any) -> bool:
        date = getattr(entry, "date", None)
        return present.is_quiet(date, int(self.settings["NETWORK_QUIET_DAYS"]), self._now)

    # -- output -----------------------------------------------------------------------------

    def generate_output(self, writer: Any) -> None:
        self._write_directory(writer)
        self._write_members(writer)
        self._write_topics(writer)
        self._write_stats(writer)
        self._write_graph(writer)
        self._write_opml(writer)
        self._write_json(writer)
        self._write_additions(writer)
        self._write_script(writer)
        self._write_avatars()

    def _write(self, writer: Any, save_as: str, template: str, url: str, **extra: Any) -> None:
        if not save_as:  # an empty *_SAVE_AS turns a page off, as in Pelican
            return
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            page_url=url,
            **extra,
        )

    def _write_text(self, writer: Any, save_as: str, text: str) -> None:
        """A non-HTML file through Pelican's writer (which refuses to write a path twice)."""
        if not save_as:
            return
        template = self.env.from_string("{{ body }}")
        writer.write_file(save_as, template, self.context, body=Markup(text))

    def _common(self) -> dict[str, Any]:
        sort_links = [(order, self.sorted_url(order)) for order in SORT_ORDERS]
        return {
            "network_sort_links": sort_links,
            "network_publish_relations": bool(self.settings["NETWORK_PUBLISH_RELATIONS"]),
            "reading_latest": self.context.get("reading_latest"),
            "reading_by_member": self.context.get("reading_by_member"),
            # A post's title, or for a titleless note a stand-in from its text (planet plugin).
            "reading_entry_title": self.context.get("reading_entry_title"),
        }

    def _write_directory(self, writer: Any) -> None:
        for order in SORT_ORDERS:
            if order == "name":
                save_as = self.settings["NETWORK_INDEX_SAVE_AS"]
            else:
                save_as = self.settings["NETWORK_SORTED_SAVE_AS"].format(order=order)
            self._write(
                writer,
                save_as,
                "network_index",
                self.sorted_url(order),
                members=present.sort_members(self.members, order),
                sort_order=order,
                **self._common(),
            )

    def _write_members(self, writer: Any) -> None:
        for member in self.members:
            page_url = self.member_url(member)
            absolute_page = self._absolute(page_url)
            avatar = self.avatar_url(member)
            # JSON-LD has no base URL of its own: links go in only when they are absolute.
            data = person_data(member, absolute_page, self._absolute(avatar) if avatar else None)
            self._write(
                writer,
                self.settings["NETWORK_MEMBER_SAVE_AS"].format(id=member.id),
                "network_member",
                page_url,
                member=member,
                person_jsonld=script_json(data),
                **self._common(),
            )

    def _write_topics(self, writer: Any) -> None:
        self._write(
            writer,
            self.settings["NETWORK_TOPICS_SAVE_AS"],
            "network_topics",
            self.settings["NETWORK_TOPICS_URL"],
            **self._common(),
        )
        for topic in self.topics:
            self._write(
                writer,
                self.settings["NETWORK_TOPIC_SAVE_AS"].format(slug=topic.slug),
                "network_topic",
                self.topic_url(topic),
                topic=topic,
                members=list(topic.members),
                **self._common(),
            )

    def _write_stats(self, writer: Any) -> None:
        dimensions = network_stats(self.members, self.topics)
        charts = {d.key: bar_chart(d.rows) for d in dimensions}
        years = next((d.rows for d in dimensions if d.key == "year"), [])
        self._write(
            writer,
            self.settings["NETWORK_STATS_SAVE_AS"],
            "network_stats",
            self.settings["NETWORK_STATS_URL"],
            dimensions=dimensions,
            charts=charts,
            growth=growth_chart(years),
            **self._common(),
        )

    def _write_graph(self, writer: Any) -> None:
        self._write(
            writer,
            self.settings.get("NETWORK_GRAPH_SAVE_AS", ""),
            "network_graph",
            self.settings.get("NETWORK_GRAPH_URL", ""),
            graph=network_graph(self.members, self.topics),
            **self._common(),
        )

    def _write_opml(self, writer: Any) -> None:
        sitename = self.settings.get("SITENAME", "")
        text = blogroll_opml(
            self.members,
            title=f"{sitename}: blogroll" if sitename else "Blogroll",
            owner_name=self.settings.get("AUTHOR"),
            generated=self._now,
            owner_id=self._absolute(""),
        )
        self._write_text(writer, self.settings["NETWORK_OPML_SAVE_AS"], text)

    def _write_additions(self, writer: Any) -> None:
        save_as = self.settings.get("NETWORK_NEW_ATOM_SAVE_AS", "")
        if not save_as:
            return
        siteurl = self.settings.get("SITEURL", "")

        def link(url: str) -> str:
            return present.url_from(save_as, url, siteurl)

        sitename = self.settings.get("SITENAME", "")
        text = additions_atom(
            newest_members(self.members, max(int(self.settings.get("NETWORK_NEW_COUNT", 5)), 20)),
            title=f"{sitename}: new in my network" if sitename else "New in my network",
            feed_link=link(self.settings.get("NETWORK_NEW_ATOM_URL") or save_as),
            directory_link=link(self.settings["NETWORK_INDEX_URL"]),
            member_link=lambda member: link(self.member_url(member)),
            generated=self._now,
            author=self.settings.get("AUTHOR"),
        )
        self._write_text(writer, save_as, text)

    def _write_json(self, writer: Any) -> None:
        save_as = self.settings["NETWORK_JSON_SAVE_AS"]
        siteurl = self.settings.get("SITEURL", "")

        def link(url: str | None) -> str | None:
            return present.url_from(save_as, url, siteurl) if url is not None else None

        text = members_json(
            self.members,
            page_url=lambda m: link(self.member_url(m)),
            avatar_url=lambda m: link(self.avatar_url(m)),
            publish_relations=bool(self.settings["NETWORK_PUBLISH_RELATIONS"]),
            generated=self._now,
            site={
                "name": self.settings.get("SITENAME", ""),
                "url": self._absolute("") or link("") or "",
                "directory_url": link(self.settings["NETWORK_INDEX_URL"]) or "",
            },
        )
        self._write_text(writer, save_as, text)

    def _write_script(self, writer: Any) -> None:
        self._write_text(
            writer, self.settings["NETWORK_SCRIPT_SAVE_AS"], SCRIPT_FILE.read_text(encoding="utf-8")
        )

    def _write_avatars(self) -> None:
        """Resize the raster avatars next to their originals (a copy when that fails)."""
        output = Path(self.settings["OUTPUT_PATH"])
        for member in self.members:
            if not member.avatar or not avatars.is_raster(member.avatar):
                continue
            source = posixpath.join(self.settings["NETWORK_AVATARS_PATH"], member.avatar)
            static = self.context.get("static_content", {}).get(source)
            if static is None:
                continue
            original = Path(self.path) / source
            folder = output / posixpath.dirname(static.save_as)
            target = folder / avatars.resized_name(member.avatar)
            if not avatars.resize_avatar(original, target):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, target)

    def _absolute(self, url: str) -> str | None:
        """`url` on the published site, when SITEURL is absolute; else None."""
        siteurl = self.settings.get("SITEURL", "")
        if not siteurl.startswith(("http://", "https://")):
            return None
        return f"{siteurl.rstrip('/')}/{url}"

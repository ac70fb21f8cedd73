"""The roster: the site's members, loaded and checked once per build and shared by every plugin
that shows them (the directory, the reading pages, mentions), with the rules every page follows
for them: the member's page URL, the avatar's URL (or the initials shown instead), the topics.

A plugin gets it with `roster_for(generator)`, never from another plugin. Page generators ask
for it when Pelican creates them, which is before Pelican empties the output folder and before
anything is written: a broken member file stops the build with the old output untouched.
"""

from __future__ import annotations

import logging
import posixpath
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pelican import signals

from pln_site.members.loader import members_from_settings
from pln_site.members.model import Member
from pln_site.settings import NETWORK, with_defaults
from pln_site.site import avatars
from pln_site.site.plugin import enabled
from pln_site.site.topics import Topic, group_topics, member_sort_key, topic_slug
from pln_site.text import initials

log = logging.getLogger(__name__)

# Where the build's roster is kept: in the context that Pelican shares among its generators
# (templates may read it too).
ROSTER_KEY = "roster"


class Roster:
    """The members of one build. `context` is the build's shared context: avatars are looked up
    in its `static_content`, which is complete once pages are written."""

    def __init__(self, settings: Mapping[str, Any], context: Mapping[str, Any]) -> None:
        # The directory's settings, with defaults even when the directory is off: where the
        # member files and avatars are, and the URL rules.
        self.settings = with_defaults(settings, [NETWORK])
        self._context = context
        # Raises MemberFilesInvalid, naming every file, line and field at fault. Every valid
        # file, archived and draft ones too (a post may mention them, without a link)...
        self.all_members: list[Member] = members_from_settings(self.settings)
        # ...and the members every page, export and feed shows: the listed ones. Drafts and
        # archived members are left out here, once, so no page can show them.
        self.members = sorted((m for m in self.all_members if m.is_listed), key=member_sort_key)
        self.by_id = {member.id: member for member in self.members}
        self.slug_substitutions = list(self.settings.get("SLUG_REGEX_SUBSTITUTIONS") or [])
        self.topics: list[Topic] = group_topics(self.members, self.slug_substitutions)
        # Whether the directory writes member and topic pages that other pages may link to.
        self.directory = enabled(NETWORK, settings)
        self._unshown_avatars: set[str] = set()
        self._avatars_written = False

    # -- members and topics ------------------------------------------------------------------

    @staticmethod
    def initials(name: str) -> str:
        """What a page shows for a member without an avatar."""
        return initials(name)

    def member_url(self, member: Member | str) -> str:
        """The URL of the member's directory page, from a Member or an id."""
        member_id = member if isinstance(member, str) else member.id
        return self.settings["NETWORK_MEMBER_URL"].format(id=member_id)

    # -- the rules templates call (see `TemplateRule`) -----------------------------------------

    def member_url_rule(self) -> TemplateRule:
        return TemplateRule(self.member_url, lambda: self.settings["NETWORK_MEMBER_URL"])

    def topic_url_rule(self) -> TemplateRule:
        return TemplateRule(self.topic_url, self._topic_rules)

    def topic_slug_rule(self) -> TemplateRule:
        return TemplateRule(self.topic_slug, self._topic_rules)

    def avatar_url_rule(self) -> TemplateRule:
        def made_of() -> dict[str, str | None]:
            return {m.id: self.shown_avatar_url(m) for m in self.all_members if m.avatar}

        return TemplateRule(self.shown_avatar_url, made_of)

    def _topic_rules(self) -> tuple[Any, ...]:
        return (self.settings["NETWORK_TOPIC_URL"], self.slug_substitutions)

    def member_page_url(self, member: Member | str) -> str | None:
        """The member's page on this site when the directory writes one, else None (pages link
        the member's own site then)."""
        if not (self.directory and self.settings["NETWORK_MEMBER_URL"]):
            return None
        if not self.settings["NETWORK_MEMBER_SAVE_AS"]:
            return None
        return self.member_url(member)

    def topic_slug(self, name: str) -> str:
        return topic_slug(name, self.slug_substitutions)

    def topic_url(self, topic: Topic | str) -> str:
        """The directory's topic page URL, from a Topic or a topic's name as a member file
        writes it."""
        slug = topic.slug if isinstance(topic, Topic) else self.topic_slug(topic)
        return self.settings["NETWORK_TOPIC_URL"].format(slug=slug)

    def topic_page_url(self, topic: Topic) -> str | None:
        """The directory's page of `topic` when the directory writes one, else None."""
        if not (self.directory and self.settings["NETWORK_TOPIC_SAVE_AS"]):
            return None
        return self.topic_url(topic)

    def __build_digest__(self) -> tuple[Any, ...]:
        """What pages can show of the roster (see pln_site.site.buildcache.digests): every
        member, whether the directory writes pages, and where each avatar was copied."""
        copied = {}
        for member in self.all_members:
            static = self._static(member) if member.avatar else None
            copied[member.id] = static.url if static is not None else None
        return (self.all_members, self.directory, copied)

    # -- avatars -----------------------------------------------------------------------------

    def _avatar_source(self, member: Member) -> str:
        return posixpath.join(self.settings["NETWORK_AVATARS_PATH"], str(member.avatar))

    def _static(self, member: Member) -> Any | None:
        return self._context.get("static_content", {}).get(self._avatar_source(member))

    def avatar_url(self, member: Member) -> str | None:
        """The site URL of the member's avatar as copied (the exports link it), or None: the
        pages show initials then."""
        if not member.avatar:
            return None
        static = self._static(member)
        if static is None:
            # Not (yet) known as a static file, e.g. when images/ is not in STATIC_PATHS.
            if member.id not in self._unshown_avatars:
                self._unshown_avatars.add(member.id)
                log.warning(
                    "network: avatar %s of %s is not copied to the site (is it under "
                    "STATIC_PATHS?); showing initials",
                    self._avatar_source(member),
                    member.id,
                )
            return None
        return static.url

    def shown_avatar_url(self, member: Member) -> str | None:
        """The avatar as pages show it: raster images as a small copy (see `write_avatars`),
        SVG as they are."""
        url = self.avatar_url(member)
        if url and member.avatar and avatars.is_raster(member.avatar):
            return posixpath.join(posixpath.dirname(url), avatars.resized_name(member.avatar))
        return url

    def write_avatars(self) -> None:
        """Write the small copies of the raster avatars next to their originals (a copy of the
        original when resizing fails), once per build. Call it when writing pages: Pelican has
        emptied the output folder by then."""
        if self._avatars_written:
            return
        self._avatars_written = True
        output = Path(self.settings["OUTPUT_PATH"])
        for member in self.members:
            if not member.avatar or not avatars.is_raster(member.avatar):
                continue
            static = self._static(member)
            if static is None:
                continue
            original = Path(self.settings["PATH"]) / self._avatar_source(member)
            folder = output / posixpath.dirname(static.save_as)
            target = folder / avatars.resized_name(member.avatar)
            if not avatars.resize_avatar(original, target):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, target)
            # Said as Pelican's writer says it of a page: the build's list of what it wrote
            # (buildcache/outputs.py) then removes the copy once the member is gone.
            signals.content_written.send(str(target), context=self._context)


class TemplateRule:
    """A roster method as templates call it, known to the build cache by what its answers
    depend on (`made_of`): a page that links some members this way depends on those members,
    not on every member (see pln_site.site.buildcache.digests)."""

    def __init__(self, method: Callable[..., Any], made_of: Callable[[], Any]) -> None:
        self._method = method
        self._made_of = made_of

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._method(*args, **kwargs)

    def __build_digest__(self) -> Any:
        return self._made_of()


def roster_for(generator: Any) -> Roster:
    """The roster of `generator`'s build: loaded on the first call, the same one afterwards."""
    roster = generator.context.get(ROSTER_KEY)
    if not isinstance(roster, Roster):
        roster = Roster(generator.settings, generator.context)
        generator.context[ROSTER_KEY] = roster
    return roster

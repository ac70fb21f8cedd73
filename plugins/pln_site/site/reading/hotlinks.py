"""Hot links: the pages that several members' shown posts cited lately, and the links members'
posts make to each other's sites, from the links `invoke fetch` stored (feeds/links.py).

Two links cite one page when urls.cited_page_key says so (the same page once tracking
parameters are gone). A member citing their own site is not counted; a link to a member's
site is "members linking to each other", kept apart from the hot links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from pln_site.entries import StoredEntry
from pln_site.site.reading.river import RiverMember
from pln_site.store import Sites, StoredLink
from pln_site.urls import cited_page_key, without_tracking


@dataclass(frozen=True)
class Citation:
    """One post's link to the page: who, in which post, and the words around the link."""

    member: RiverMember
    member_page_url: str | None  # the member's page here, None: link their own site
    post_title: str
    post_url: str | None
    text: str  # the anchor text, plain
    quote: str  # plain text around the link
    date: dt.datetime


@dataclass
class HotLink:
    """One cited page, with every shown post that cites it, newest first."""

    url: str  # as the newest citation wrote it, without tracking parameters
    anchor: str  # the fragment id of its place on the links page
    citations: list[Citation] = field(default_factory=list)
    owners: list[RiverMember] = field(default_factory=list)  # members whose site it is on

    @property
    def members(self) -> list[RiverMember]:
        """The members who cite it, each once, the newest citer first."""
        found: dict[str, RiverMember] = {}
        for citation in self.citations:
            found.setdefault(citation.member.id, citation.member)
        return list(found.values())

    @property
    def newest(self) -> dt.datetime:
        return self.citations[0].date

    @property
    def title(self) -> str:
        """The newest citation's anchor text that says something, else the URL."""
        return next((c.text for c in self.citations if c.text.strip()), self.url)


@dataclass(frozen=True)
class HotLinks:
    hot: list[HotLink]  # cited by at least min_members, most cited first, then newest
    between_members: list[HotLink]  # links to members' own sites, the same order


def hot_links(
    links: Iterable[StoredLink],
    shown: Mapping[tuple[str, str], StoredEntry],
    members: Mapping[str, RiverMember],
    sites: Sites,
    *,
    min_members: int,
    title_of: Callable[[StoredEntry], str],
    member_page_url: Callable[[RiverMember], str | None],
) -> HotLinks:
    """Group the stored links of shown entries (`shown`: (feed, key) -> entry, the entries
    the pages show, after the lens) by the page they cite."""
    pages: dict[str, HotLink] = {}
    cited: set[tuple[str, str, str]] = set()  # (page, feed, key): an entry cites a page once
    for link in sorted(links, key=lambda link: link.date, reverse=True):
        entry = shown.get((link.feed_url, link.key))
        member = members.get(link.member_id)
        if entry is None or member is None or member.id in sites.owners(link.url):
            continue
        page = cited_page_key(link.url)
        if (page, link.feed_url, link.key) in cited:
            continue
        cited.add((page, link.feed_url, link.key))
        if page not in pages:
            pages[page] = HotLink(
                url=without_tracking(link.url),
                anchor="link-" + hashlib.sha256(page.encode()).hexdigest()[:12],
                owners=[members[id] for id in sorted(sites.owners(link.url)) if id in members],
            )
        pages[page].citations.append(
            Citation(
                member=member,
                member_page_url=member_page_url(member),
                post_title=title_of(entry),
                post_url=entry.link,
                text=link.text,
                quote=link.quote,
                date=entry.date,
            )
        )
    ranked = sorted(pages.values(), key=lambda hot: (-len(hot.members), -hot.newest.timestamp()))
    return HotLinks(
        hot=[hot for hot in ranked if not hot.owners and len(hot.members) >= min_members],
        between_members=[hot for hot in ranked if hot.owners],
    )


def hot_link_html(hot: HotLink, member_link: Callable[[Citation], str | None]) -> str:
    """What an output feed says of one hot link: who cited it, in which post, in whose words.
    Every text is escaped here: this HTML goes out as the entry's content."""
    items = []
    for citation in hot.citations:
        name = escape(citation.member.name)
        href = member_link(citation)
        who = Markup('<a href="{}">{}</a>').format(href, name) if href else name
        post = (
            Markup('<a href="{}">{}</a>').format(citation.post_url, citation.post_title)
            if citation.post_url
            else escape(citation.post_title)
        )
        items.append(Markup("<li>{} in {}: <q>{}</q></li>").format(who, post, citation.quote))
    count = len(hot.members)
    lead = Markup("<p>Cited by {} {}.</p>").format(count, "member" if count == 1 else "members")
    return str(lead + Markup("<ul>{}</ul>").format(Markup("").join(items)))

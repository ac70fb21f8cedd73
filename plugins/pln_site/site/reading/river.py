"""The river: stored entries of listed members, shaped for the reading pages.

Pure functions and plain records, no Pelican: which entries belong on the river, whose site is
whose, each member's latest posts, the items as the templates show them (notes whole, a
cross-posted post with its copies: notes.py, crossposts.py), days and pages, and the cap on how
many of one member's entries a first page or a feed holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from markupsafe import Markup

from pln_site.entries import StoredEntry
from pln_site.members.model import FeedRef, Member
from pln_site.site.reading.crossposts import AlsoOn
from pln_site.site.reading.excerpt import demote_headings, excerpt_html, is_cut
from pln_site.site.reading.notes import is_note
from pln_site.site.reading.pictures import Picture, PictureShelf
from pln_site.store import Sites
from pln_site.text import stand_in_text

T = TypeVar("T")

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

#: The heading level of an entry's title on the reading pages (reading_macros.html): the
#: headings of its text are moved below it.
ENTRY_TITLE_LEVEL = 3
#: A note has no title: its text's headings go below the day's heading (an h2) instead.
NOTE_HEADING_LEVEL = ENTRY_TITLE_LEVEL - 1
STAND_IN_MAX_CHARS = 80
UNTITLED = "Untitled post"
LATEST_PER_MEMBER = 10
# Page numbers shown on each side of the current page; the first and last are always shown.
# Listing every page on every page would make a long river cost the square of its length.
PAGE_WINDOW = 2


@dataclass(frozen=True)
class RiverMember:
    """A member as the reading pages and feeds show them: their name and site beside each
    entry, their feeds (a platform's label, a feed's title and page) and their languages (an
    entry's `lang`). The reading pages are given this, not the whole member file, and are made
    from it: a new `why`, topic note or meeting leaves every reading page as it was."""

    id: str
    name: str
    url: str
    feeds: tuple[FeedRef, ...]
    languages: tuple[str, ...]

    @classmethod
    def of(cls, member: Member) -> RiverMember:
        languages = tuple(str(code) for code in member.languages)
        return cls(member.id, str(member.name), str(member.url), tuple(member.feeds), languages)

    def __build_digest__(self) -> str:
        """For the build cache: every field as the repr (plain data, one call)."""
        return repr(self)


@dataclass(frozen=True)
class RiverItem:
    """One entry as a river page shows it."""

    entry: StoredEntry  # a build's copy holds no HTML: the fields below are what it shows
    member: RiverMember
    title: str  # the entry's own title, or a stand-in made from its text
    has_title: bool  # False: `title` is a stand-in, not the author's
    body_html: Markup  # excerpt or full content; both come from sanitized HTML
    is_full: bool  # True: body_html is the full content (e-content), else an excerpt
    is_cut: bool  # True: body_html is an excerpt that left text out (a "continue" link follows)
    picture: Picture | None  # beside an excerpt: the entry's first picture kept (local)
    show: str  # "link" (title and date only), "summary" or "full": EntryText.show
    local_date: dt.datetime  # the entry's date in the site's time zone
    member_page_url: str | None  # the member's page on this site (site-relative), if any
    avatar_url: str | None  # the member's avatar (site-relative), if any
    initials: str
    lang: str | None = None  # the language of the entry's title and text (BCP 47), if known
    is_note: bool = False  # a short titleless post: shown whole, with no heading (notes.py)
    also_on: tuple[AlsoOn, ...] = ()  # the post's copies in the member's other feeds
    # What the item is made from, when its member's shaped entries say it (shapedcache.py,
    # MemberShaped.token): their member file, their entries, the pictures, the settings and
    # the code. None: walk the fields.
    made_from: str | None = None

    def __build_digest__(self) -> tuple[str, ...] | tuple[str, Any]:
        """What a page shows of this item, for the build cache (buildcache/digests.py): what
        it is made from, with what comes from other members too (the member's page and avatar
        address: slugs are shared); without that, its fields as their reprs (all plain data,
        and cheaper than walking them), its member apart (walked once for all their items)."""
        if self.made_from is not None:
            entry = self.entry
            urls = f"{self.member_page_url}\0{self.avatar_url}\0{self.initials}"
            return (self.made_from, entry.feed_url, entry.key, urls)
        shown = [repr(getattr(self, f.name)) for f in fields(self) if f.name != "member"]
        return ("\0".join(shown), self.member)


@dataclass
class RiverDay:
    """The items of one day (in the site's time zone), newest first."""

    date: dt.date
    items: list[RiverItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return day_label(self.date)


@dataclass(frozen=True)
class RiverPage:
    """One page of a paginated river."""

    number: int
    count: int  # how many pages the river has
    url: str
    save_as: str
    items: list[RiverItem]
    previous_url: str | None
    next_url: str | None
    page_urls: list[str]  # every page's URL, page 1 first

    def __build_digest__(self) -> Any:
        """What the page shows, for the build cache: when every item knows what it is made
        from, those at one go (a river of 20,000 items is otherwise walked item by item on
        every build), else its fields."""
        made: list[str] = []
        for item in self.items:
            if item.made_from is None:
                return {f.name: getattr(self, f.name) for f in fields(self)}
            made.append("\0".join(item.__build_digest__()))
        others = [getattr(self, f.name) for f in fields(self) if f.name != "items"]
        return ("\n".join(made), others)

    @property
    def days(self) -> list[RiverDay]:
        return group_by_day(self.items)

    @property
    def page_window(self) -> list[tuple[int | None, str | None]]:
        """(number, url) of the pages to list: the first, the last and those near this one;
        (None, None) stands for a run of pages left out."""
        return page_window(self.number, self.page_urls)


def member_sites(members: Iterable[Any]) -> Sites:
    """Whose site is whose, from the member files: each member's `url` and their feeds' URLs
    and sites. What a feed says of itself is not asked: it could claim anyone's site."""
    return Sites.of(
        {
            member.id: [
                member.url,
                *(ref.url for ref in member.feeds),
                *(ref.html_url for ref in member.feeds),
            ]
            for member in members
        }
    )


def capped(items: Sequence[RiverItem], limit: int, per_member: int) -> list[RiverItem]:
    """The newest `limit` items with at most `per_member` of any one member (0: no cap), so
    that one member's burst of posts cannot fill a feed or a first page. Undated old posts
    (StoredEntry.undated) are not among the newest: dated when we met them, they would reach
    a feed reader as news."""
    news = [item for item in items if not item.entry.undated]
    return _split_capped(news, limit, per_member)[0]


def _split_capped(
    items: Sequence[RiverItem], limit: int, per_member: int
) -> tuple[list[RiverItem], list[RiverItem]]:
    """(what `capped` keeps, the rest), each in the order of `items`."""
    kept: list[RiverItem] = []
    rest: list[RiverItem] = []
    counts: dict[str, int] = {}
    for item in items:
        member_id = item.entry.member_id
        if len(kept) < limit and (not per_member or counts.get(member_id, 0) < per_member):
            kept.append(item)
            counts[member_id] = counts.get(member_id, 0) + 1
        else:
            rest.append(item)
    return kept, rest


def stand_in_title(entry: StoredEntry, max_chars: int = STAND_IN_MAX_CHARS) -> str:
    """A short plain-text name for a titleless entry (a micro post): the start of its text."""
    for html in (entry.content_html, entry.summary_html):
        text = stand_in_text(html, max_chars)
        if text:
            return text
    return UNTITLED


def entry_title(entry: StoredEntry) -> tuple[str, bool]:
    """(the title to show, whether it is the entry's own)."""
    own = entry.title.strip()
    return (own, True) if own else (stand_in_title(entry), False)


Excerpter = Callable[[str, int], str]


def entry_body(
    entry: StoredEntry, *, full: bool, excerpt_chars: int, excerpt: Excerpter = excerpt_html
) -> str:
    """Sanitized HTML for the entry's text: the full content, or an excerpt of it."""
    if full:
        return entry.content_html or entry.summary_html
    # An author's own summary reads better than the first words of the post.
    return excerpt(entry.summary_html or entry.content_html, excerpt_chars)


@dataclass(frozen=True)
class EntryText:
    """What the pages show of an entry's HTML. A build cuts it as it reads each entry and
    keeps it instead of the HTML (StoredEntry.without_html)."""

    title: str  # the entry's own title, or a stand-in made from its text
    has_title: bool  # False: `title` is a stand-in, not the author's
    body_html: Markup  # excerpt or full content; both come from sanitized HTML
    is_full: bool  # True: body_html is the full content (e-content), else an excerpt
    is_cut: bool = False  # True: an excerpt that left text out (cut, or the author's summary)
    picture: Picture | None = None  # beside an excerpt: the entry's first picture kept
    show: str = "summary"  # what its feed's `show` allows: "link" (no text), "summary", "full"
    is_note: bool = False  # a short titleless post (notes.is_note): `title` is a stand-in


def _summary_of_more(entry: StoredEntry) -> bool:
    """Whether the excerpt is the author's summary of a post that has more to it (a feed with
    both gives content_html and summary_html that differ)."""
    return bool(entry.summary_html) and entry.content_html not in ("", entry.summary_html)


def entry_text(
    entry: StoredEntry,
    *,
    full: bool,
    excerpt_chars: int,
    excerpt: Excerpter = excerpt_html,
    pictures: PictureShelf | None = None,
    site_url: str = "",
    show: str | None = None,
    note_text_of: Callable[[str], str | None] | None = None,
) -> EntryText:
    """What the pages show of `entry`. Its pictures are the ones `pictures` holds (brought home
    by the fetch), served from this site; without a shelf, a full text shows none.

    `show` is what the entry's feed consents to (FeedRef.show): "link" shows no text and no
    picture, "summary" an excerpt, "full" the text; None: `full` decides. A note is shown
    whole unless its feed shows links only: its text is shorter than most excerpts, and a
    cut toot loses its point."""
    note = is_note(entry.title, entry.content_html or entry.summary_html, text_of=note_text_of)
    if show == "link":
        # Not even a stand-in title: for a titleless note, that would be the start of its text.
        own = entry.title.strip()
        return EntryText(
            title=own or UNTITLED,
            has_title=bool(own) and not note,
            body_html=Markup(""),
            is_full=False,
            show="link",
            is_note=note,
        )
    if note:
        # A title that is only the note's start (some feeds make one) is not the author's.
        title, has_title, full = stand_in_title(entry), False, True
    else:
        title, has_title = entry_title(entry)
        if show is not None:
            full = show == "full"
    shelf = pictures or PictureShelf(None)
    # The store holds sanitizer output only; the excerpt is cut from it.
    body = entry_body(entry, full=full, excerpt_chars=excerpt_chars, excerpt=excerpt)
    if full:
        body = shelf.localized(body, site_url)
    return EntryText(
        title=title,
        has_title=has_title,
        body_html=Markup(demote_headings(body, NOTE_HEADING_LEVEL if note else ENTRY_TITLE_LEVEL)),
        is_full=full,
        is_cut=not full and (is_cut(body) or _summary_of_more(entry)),
        picture=None if full else shelf.lead_picture(entry.content_html or entry.summary_html),
        show="full" if full else "summary",
        is_note=note,
    )


def river_items(
    entries: Iterable[StoredEntry],
    members: dict[str, RiverMember],
    *,
    text_of: Callable[[StoredEntry], EntryText],
    tz: dt.tzinfo,
    member_page_url: Callable[[RiverMember], str | None],
    avatar_url: Callable[[RiverMember], str | None],
    initials: Callable[[str], str],
    also_on_of: Callable[[StoredEntry], tuple[AlsoOn, ...]] = lambda entry: (),
    made_from_of: Callable[[StoredEntry], str | None] = lambda entry: None,
) -> list[RiverItem]:
    """The entries (of members in `members`) as the river pages show them, with the title
    and body `text_of` gives for each (entry_text, or what a build kept of it), the copies of
    each post `also_on_of` gives (crossposts.py) and what `made_from_of` says each is made
    from (RiverItem.made_from)."""
    items = []
    # What each item shows of its member, worked out once a member, not once an entry.
    shown: dict[str, tuple[str | None, str | None, str]] = {}
    for entry in entries:
        member = members.get(entry.member_id)
        if member is None:
            continue
        if entry.member_id not in shown:
            shown[entry.member_id] = (
                member_page_url(member),
                avatar_url(member),
                initials(member.name),
            )
        page_url, avatar, letters = shown[entry.member_id]
        text = text_of(entry)
        items.append(
            RiverItem(
                entry=entry,
                member=member,
                title=text.title,
                has_title=text.has_title,
                body_html=text.body_html,
                is_full=text.is_full,
                is_cut=text.is_cut,
                picture=text.picture,
                show=text.show,
                local_date=entry.date.astimezone(tz),
                member_page_url=page_url,
                avatar_url=avatar,
                initials=letters,
                lang=entry_language(entry, member),
                is_note=text.is_note,
                also_on=also_on_of(entry),
                made_from=made_from_of(entry),
            )
        )
    return items


def entry_language(entry: StoredEntry, member: Any) -> str | None:
    """The language of an entry's title and text, for `lang`: the member's, when their file
    lists exactly one (it knows better than a feed labelled "en" by its blog's theme, as many
    Persian and Arabic feeds are), else what the feed says (a BCP 47 tag), else the first the
    member file lists; None when neither says (no `lang` then: a guess would make screen
    readers read it wrong)."""
    languages = [str(code) for code in (getattr(member, "languages", None) or ())]
    if len(languages) == 1:
        return languages[0]
    if entry.language:
        return entry.language
    return languages[0] if languages else None


def group_by_day(items: Iterable[RiverItem]) -> list[RiverDay]:
    """Consecutive items of the same local day together; the order of `items` is kept."""
    days: list[RiverDay] = []
    for item in items:
        date = item.local_date.date()
        if not days or days[-1].date != date:
            days.append(RiverDay(date))
        days[-1].items.append(item)
    return days


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in pieces of `size`; always at least one (maybe empty) piece."""
    size = max(int(size), 1)
    return [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]


def paginate(
    items: Sequence[RiverItem],
    per_page: int,
    *,
    first_url: str,
    first_save_as: str,
    page_url: str,
    page_save_as: str,
    per_member: int = 0,
) -> list[RiverPage]:
    """Pages of the river: page 1 at `first_url`, page n at `page_url.format(number=n)`.

    Page 1 holds at most `per_member` entries of one member (0: no cap); those it leaves out
    lead page 2, so that nothing is lost and a burst from one member does not fill page 1.
    """
    size = max(int(per_page), 1)
    first, rest = _split_capped(items, size, per_member)
    pieces: list[Sequence[RiverItem]] = [first, *chunks(rest, size)] if rest else [first]
    urls = [first_url] + [page_url.format(number=n) for n in range(2, len(pieces) + 1)]
    saves = [first_save_as] + [page_save_as.format(number=n) for n in range(2, len(pieces) + 1)]
    return [
        RiverPage(
            number=index + 1,
            count=len(pieces),
            url=urls[index],
            save_as=saves[index],
            items=list(piece),
            previous_url=urls[index - 1] if index > 0 else None,
            next_url=urls[index + 1] if index + 1 < len(pieces) else None,
            page_urls=urls,
        )
        for index, piece in enumerate(pieces)
    ]


def page_window(
    current: int, urls: Sequence[str], around: int = PAGE_WINDOW
) -> list[tuple[int | None, str | None]]:
    """The page numbers a pagination shows for page `current` (1-based) of len(urls) pages."""
    count = len(urls)
    shown = {1, count, *range(max(1, current - around), min(count, current + around) + 1)}
    window: list[tuple[int | None, str | None]] = []
    previous = 0
    for number in sorted(shown):
        if number - previous == 2:  # one page left out: show it rather than an ellipsis
            window.append((number - 1, urls[number - 2]))
        elif number - previous > 2:
            window.append((None, None))
        window.append((number, urls[number - 1]))
        previous = number
    return window


def day_label(date: dt.date) -> str:
    """A day as "Wednesday, 1 May 2024": English names, whatever the machine's locale."""
    return f"{WEEKDAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"

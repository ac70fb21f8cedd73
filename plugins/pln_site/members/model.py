"""The member model: what one `content/network/<id>.yaml` file may say.

Pydantic checks every file against these classes. `extra="forbid"` everywhere: an unknown key is an
error, so a typo or a private detail (an e-mail, a phone number) never reaches a public page.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pln_site.members.countries import closest_country_code, is_country_code
from pln_site.messages import suggestion
from pln_site.text import BIDI_CONTROLS
from pln_site.urls import forbidden_url_character, is_http_url

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class MetKind(StrEnum):
    conference = "conference"
    chat = "chat"
    hashtag = "hashtag"
    blog = "blog"
    course = "course"
    work = "work"
    in_person = "in-person"
    other = "other"


class Relation(StrEnum):
    """The XFN subset a member page may publish (only with NETWORK_PUBLISH_RELATIONS)."""

    contact = "contact"
    acquaintance = "acquaintance"
    friend = "friend"
    met = "met"
    co_worker = "co-worker"
    colleague = "colleague"


class Role(StrEnum):
    mentor = "mentor"
    collaborator = "collaborator"
    expert = "expert"
    curator = "curator"
    provocateur = "provocateur"
    peer = "peer"


class Tie(StrEnum):
    strong = "strong"
    weak = "weak"


class Status(StrEnum):
    active = "active"
    dormant = "dormant"
    archived = "archived"
    #: Written by the commands that start a file (new-member, add-member, import-opml): checked
    #: like any file, but never published or fetched until the owner turns it to active.
    draft = "draft"


#: Statuses whose members appear on pages and are fetched.
LISTED = frozenset({Status.active, Status.dormant})


def _check_web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            "must be an absolute http(s) URL (hint: write it as https://example.org/...)"
        )
    if any(ch.isspace() for ch in value):
        raise ValueError("must not contain spaces (hint: encode them as %20)")
    char = forbidden_url_character(value)
    if char is not None:
        raise ValueError(
            f"must not contain U+{ord(char):04X}, a control, noncharacter or bidi formatting "
            "character (hint: remove it, or percent-encode it if the address really has it)"
        )
    if not is_http_url(value):  # the one rule the fetcher and the pages apply too
        raise ValueError("must be an absolute http(s) URL with a host (hint: https://example.org/)")
    return value


def _check_no_bidi_controls(value: str) -> str:
    """Names and ids are shown where no markup can isolate them (page titles, feed titles,
    OPML, the stats' pictures, terminals): an override there would reorder what follows."""
    match = BIDI_CONTROLS.search(value)
    if match:
        raise ValueError(
            f"must not hold U+{ord(match.group()):04X}, a bidi override, embedding or isolate "
            "control (hint: remove it; names in right-to-left scripts show rightly without it)"
        )
    return value


WebUrl = Annotated[str, Field(min_length=8, max_length=2000), AfterValidator(_check_web_url)]
PlainText = Annotated[str, Field(min_length=1, max_length=300)]
#: A name or a label that names a page or a facet: plain text without bidi controls.
Name = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_check_no_bidi_controls)]


def _parse_partial_date(value: object) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (YAML may hand us an int or a date)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY, YYYY-MM or YYYY-MM-DD")
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            dt.date(int(text), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            dt.date(int(text[:4]), int(text[5:]), 1)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            dt.date.fromisoformat(text)
        else:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date (hint: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021-05)"
        ) from None
    return text


PartialDate = Annotated[str, BeforeValidator(_parse_partial_date)]


def _check_not_future(value: str) -> str:
    """A partial date may not begin after today: "since 2031" is a slip, not a plan."""
    year, month, day = (int(part) for part in (value + "-01-01")[:10].split("-"))
    if dt.date(year, month, day) > dt.date.today():
        raise ValueError(
            f"{value} is in the future (hint: `since` is when they joined your network: "
            "today or earlier)"
        )
    return value


PastDate = Annotated[PartialDate, AfterValidator(_check_not_future)]


def _check_country(value: str) -> str:
    if is_country_code(value):
        return value
    code = closest_country_code(value)
    hint = suggestion(code) if code else " (hint: ISO 3166-1 alpha-2 codes in capitals: DE, BR, KE)"
    raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")


def _check_language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError("must be a language code (hint: en, pt-BR, yue)")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Meeting(_Strict):
    """Where and how the owner met this member."""

    kind: MetKind
    name: PlainText
    url: WebUrl | None = None
    date: PartialDate | None = None


PlatformName = Annotated[
    str, Field(min_length=1, max_length=40), AfterValidator(_check_no_bidi_controls)
]


class Profile(_Strict):
    """A presence on a platform (Mastodon, GitHub, a podcast...)."""

    platform: PlatformName
    url: WebUrl


class Show(StrEnum):
    """How much of a member's writing the reading pages and output feeds republish."""

    link = "link"  # the title and date, linking to the post: no text, no picture
    summary = "summary"  # an excerpt (the author's summary, else the first words)
    full = "full"  # the whole cleaned text


def _check_path_prefix(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError(
            f"{value!r} is not a URL path (hint: write the start of the posts' path, e.g. "
            '"/recipes/")'
        )
    return value


RuleWord = Annotated[str, Field(min_length=1, max_length=100)]


class LensRule(_Strict):
    """One `keep` or `skip` rule of a feed: it matches an entry when every key it gives
    matches, and a key matches when any one of its values does."""

    # A category or tag of the entry, compared without regard to case.
    categories: Annotated[list[RuleWord], Field(min_length=1)] | None = None
    # Words or phrases in the title: case-insensitive, whole words ("go" is not "good").
    title: Annotated[list[RuleWord], Field(min_length=1)] | None = None
    # The start of the path of the entry's link ("/recipes/").
    path: (
        Annotated[
            list[Annotated[RuleWord, AfterValidator(_check_path_prefix)]], Field(min_length=1)
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _says_something(self) -> LensRule:
        if self.categories is None and self.title is None and self.path is None:
            raise ValueError(
                "a rule must give categories, title or path (hint: e.g. `- categories: [python]`)"
            )
        return self


class FeedRef(_Strict):
    """A feed the reading feed fetches for this member, and its lens: which of its entries
    the pages show (pln_site.members.lens)."""

    url: WebUrl
    title: PlainText | None = None
    html_url: WebUrl | None = None
    # The lens is how this site reads them, not who they are: left out of the public exports
    # (members.json), where a skip rule could say more about them than they published.
    keep: list[LensRule] = Field(default=[], exclude=True)  # given: an entry must match one
    skip: list[LensRule] = Field(default=[], exclude=True)  # what matches one is shown nowhere
    # How much of its entries is republished; None: the site's PLANET_FULL_CONTENT decides.
    show: Show | None = Field(default=None, exclude=True)
    # The platform this feed belongs to (one of the member's `profiles`), shown beside their
    # entries on the river; `invoke feeds ID` fills it in.
    platform: PlatformName | None = None
    # When the feed was found gone (HTTP 410; `invoke fix-feeds` writes it): it is not fetched
    # and no page or export offers it, while its entries already stored stay on the river.
    gone: PartialDate | None = Field(default=None, exclude=True)


class Member(_Strict):
    """One person in the network. `id` comes from the file name, never from the file."""

    id: str = Field(exclude=True)
    name: Name
    url: WebUrl
    why: Annotated[str, Field(min_length=1, max_length=1000)]
    since: PastDate
    topics: Annotated[
        list[
            Annotated[
                str, Field(min_length=1, max_length=60), AfterValidator(_check_no_bidi_controls)
            ]
        ],
        Field(min_length=1),
    ]
    met: list[Meeting] = []
    relation: list[Relation] = []
    role: Role | None = None
    tie: Tie | None = None
    org: PlainText | None = None
    job_title: PlainText | None = None
    locality: PlainText | None = None
    country: Annotated[str, AfterValidator(_check_country)] | None = None
    languages: list[Annotated[str, AfterValidator(_check_language)]] = []
    profiles: list[Profile] = []
    feeds: list[FeedRef] = []
    avatar: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    status: Status = Status.active
    # How much of their writing the site republishes, for every feed of theirs that does not
    # say (FeedRef.show); None: PLANET_FULL_CONTENT decides. Not in the exports, as the feed's.
    show: Show | None = Field(default=None, exclude=True)

    def __build_digest__(self) -> str:
        """What a page can show of this member, for the build cache (site/buildcache): every
        field, as the repr (plain data all of it, and one call instead of a walk of each)."""
        return repr(self)

    @field_validator("feeds")
    @classmethod
    def _platforms_are_profiles(cls, feeds: list[FeedRef], info: ValidationInfo) -> list[FeedRef]:
        """A feed's platform names one of the member's profiles: a typo would label their
        entries with a platform they are not on."""
        names = [profile.platform for profile in info.data.get("profiles", [])]
        for number, feed in enumerate(feeds):
            if feed.platform is not None and feed.platform not in names:
                known = ", ".join(dict.fromkeys(names)) or "none"
                raise ValueError(
                    f"feed {number + 1} ({feed.url}): platform {feed.platform!r} is not the "
                    f"platform of one of their profiles (hint: their profiles' platforms: {known})"
                )
        return feeds

    @property
    def live_feeds(self) -> list[FeedRef]:
        """The feeds that are fetched and offered to readers: all but the ones marked gone."""
        return [feed for feed in self.feeds if feed.gone is None]

    @property
    def since_year(self) -> int:
        return int(self.since[:4])

    @property
    def is_listed(self) -> bool:
        """Whether the member is on the pages and fetched: archived members stay in the files
        but leave the public directory, drafts have not joined it yet."""
        return self.status in LISTED

    @property
    def is_draft(self) -> bool:
        return self.status is Status.draft


# The keys a member file may hold, for did-you-mean hints on typos.
MEMBER_KEYS = [name for name in Member.model_fields if name != "id"]
NESTED_KEYS = {
    "met": list(Meeting.model_fields),
    "profiles": list(Profile.model_fields),
    "feeds": list(FeedRef.model_fields),
    "keep": list(LensRule.model_fields),
    "skip": list(LensRule.model_fields),
}

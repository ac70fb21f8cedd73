"""`invoke add-member URL`: a new member file from what a person's homepage says about them."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import TextIO

from pln_site.discover.avatar import AVATAR_SIZE, AvatarProblem, save_avatar
from pln_site.discover.feeds import FeedSearch, find_feeds
from pln_site.discover.homepage import HomePage, read_homepage
from pln_site.discover.pages import HTML_ACCEPT, IMAGE_ACCEPT, PageFetcher
from pln_site.discover.platform_feeds import ProfileRef, find_platform_feeds
from pln_site.feeds.parse.feed import decode_document
from pln_site.members import memberfile
from pln_site.members.model import ID_PATTERN
from pln_site.messages import display_path, suggestion, terminal_text
from pln_site.urls import is_http_url

log = logging.getLogger(__name__)

# Fields a page fills in that may be left out when they do not pass the model (too long...).
OPTIONAL_FIELDS = ("org", "job_title", "locality", "country", "profiles", "avatar")


@dataclass
class AddReport:
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)  # field -> what to check in it


def add_member(
    url: str,
    settings: dict,
    *,
    member_id: str | None = None,
    allow_private: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Write content/network/<id>.yaml for the person at `url`; never overwrites a file.

    `allow_private` lets the fetches reach 127.0.0.1 and private addresses, for trying the
    command on a local test page (PLANET_ALLOW_PRIVATE_ADDRESSES for this run only).

    Exit codes: 0 written, 1 nothing written (the message says why), 2 bad arguments.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    url = url.strip()
    if not is_http_url(url):
        print(f"{url!r} is not an http(s) URL (hint: https://their.site/)", file=err)
        return 2
    if member_id is not None and not ID_PATTERN.fullmatch(member_id):
        made = memberfile.slug(member_id)
        hint = suggestion(made) if made else ""
        print(
            terminal_text(
                f"{member_id!r} is not a valid member id: lowercase letters, digits, -{hint}"
            ),
            file=err,
        )
        return 2
    roster = memberfile.read_roster(memberfile.network_dir(settings))
    if owner := roster.owner_of(url):
        print(
            terminal_text(
                f"{url} is in your network already: {display_path(roster.path_for(owner))}"
            ),
            file=err,
        )
        return 1
    if member_id is not None and member_id in roster.ids:
        print(f"{display_path(roster.path_for(member_id))} exists already", file=err)
        return 1
    if allow_private:
        settings = {**settings, "PLANET_ALLOW_PRIVATE_ADDRESSES": True}
    fetcher = PageFetcher(settings)
    answer = fetcher.get(url, HTML_ACCEPT)
    if answer.error or answer.body is None:
        print(
            terminal_text(f"Could not fetch {url}: {answer.error or f'HTTP {answer.status}'}"),
            file=err,
        )
        if "PLANET_ALLOW_PRIVATE_ADDRESSES" in (answer.error or ""):  # the guard's refusal
            print(
                "  (hint: for a test page on this machine or your local network, add "
                "--allow-private)",
                file=err,
            )
        return 1
    home = answer.moved_to or url
    page = read_homepage(decode_document(answer.body, answer.content_type), answer.final_url)
    search = find_feeds(home, page.feeds, fetcher)
    if owner := roster.owner_of(home, *(feed.url for feed in search.feeds)):
        print(
            terminal_text(
                f"{home} is in your network already: {display_path(roster.path_for(owner))} "
                "has its homepage or one of its feeds"
            ),
            file=err,
        )
        return 1
    if member_id is None:
        member_id = memberfile.propose_id(page.name or page.title, home, roster.ids)

    report = AddReport()
    data = _member_data(page, home, search, report)
    _platform_feeds(data, page, search, fetcher, report)
    avatar = _save_photo(page, member_id, settings, fetcher, report)
    if avatar is not None:
        data["avatar"] = avatar.name
    valid = _drop_invalid(member_id, data, report)
    if valid is None:
        if avatar is not None:
            avatar.unlink()
        print("Nothing written: the page gave too little to make a valid member file.", file=err)
        return 1
    path = roster.path_for(member_id)
    try:
        text = memberfile.member_yaml(valid, _header(url, page), report.checks)
        memberfile.write_new_file(path, text)
    except FileExistsError as exists:
        if avatar is not None:
            avatar.unlink()
        print(f"{display_path(exists.filename or path)} exists already; nothing written", file=err)
        return 1
    _print_report(out, path, member_id, report)
    return 0


def _member_data(page: HomePage, home: str, search: FeedSearch, report: AddReport) -> dict:
    name = page.name or page.title or home
    if page.name:
        report.found.append(f"name: {page.name} (h-card: {page.card_found})")
    elif page.title:
        report.missing.append(
            f"no h-card name; the name is the page's title, {page.title!r}: check it"
        )
        report.checks["name"] = "taken from the page's title: their site has no h-card name"
    else:
        report.missing.append("no name on the page; the name is the site's address: change it")
        report.checks["name"] = "their site gives no name: this is its address"
    if page.card_found is None:
        report.missing.append("no h-card on the page (name, photo, org and place come from one)")
    data = memberfile.draft_data(name, home)
    for key, label, value in (
        ("org", "organisation", page.org),
        ("job_title", "job title", page.job_title),
        ("locality", "place", page.locality),
        ("country", "country", page.country),
    ):
        if value:
            data[key] = value
            report.found.append(f"{label}: {value}")
    if page.country_text:
        report.missing.append(
            f"country {page.country_text!r} has no ISO code that fits; add `country: XX` by hand"
        )
    if page.profiles:
        data["profiles"] = [{"platform": p, "url": u} for p, u in page.profiles]
        report.found.append("profiles (rel=me): " + ", ".join(u for _, u in page.profiles))
    _feeds(data, search, report)
    return data


def _feeds(data: dict, search: FeedSearch, report: AddReport) -> None:
    for failure in search.failures:
        report.missing.append(f"declared feed does not work: {failure}")
    for duplicate in search.duplicates:
        report.found.append(f"left out {duplicate}")
    if not search.feeds:
        where = "declared none that works, and none" if search.declared else "declares no feed;"
        report.missing.append(
            f"no feed: the page {where} was found at the usual paths (/feed, /feed.xml, "
            "/rss.xml, /atom.xml, /index.xml, /feed.json...); add `feeds:` by hand if it has one"
        )
        return
    how = "at a usual path" if search.tried_common_paths else "declared by the page"
    refs = []
    for feed in search.feeds:
        ref: dict[str, str] = {"url": feed.url}
        if feed.title:
            ref["title"] = feed.title
        if feed.html_url:
            ref["html_url"] = feed.html_url
        refs.append(ref)
        title = f" {feed.title!r}" if feed.title else ""
        report.found.append(
            f"feed{title}: {feed.url} ({how}; {feed.kind}, {feed.entry_count} entries)"
        )
    data["feeds"] = refs


def _platform_feeds(
    data: dict, page: HomePage, search: FeedSearch, fetcher: PageFetcher, report: AddReport
) -> None:
    """The feeds of their profiles (rel=me), verified, after their site's own."""
    if not page.profiles:
        return
    profiles = [ProfileRef(platform, url) for platform, url in page.profiles]
    found = find_platform_feeds(profiles, fetcher, known_feeds=[f.url for f in search.feeds])
    for line in found.failures:
        report.missing.append(f"profile feed does not work: {line}")
    for platform_feed in found.found:
        feed = platform_feed.feed
        ref: dict[str, str] = {"url": feed.url}
        if feed.title:
            ref["title"] = feed.title
        if feed.html_url:
            ref["html_url"] = feed.html_url
        ref["platform"] = platform_feed.platform
        data.setdefault("feeds", []).append(ref)
        report.found.append(
            f"{platform_feed.platform} feed: {feed.url} (from {platform_feed.profile_url}; "
            f"{feed.kind}, {feed.entry_count} entries)"
        )


def _save_photo(page: HomePage, member_id: str, settings: dict, fetcher: PageFetcher, report):
    if not page.photo:
        report.missing.append("no photo in an h-card: the pages show initials")
        return None
    answer = fetcher.get(page.photo, IMAGE_ACCEPT)
    if answer.error or answer.body is None:
        report.missing.append(f"photo {page.photo} could not be fetched: {answer.error}")
        return None
    try:
        path = save_avatar(answer.body, memberfile.avatars_dir(settings), member_id)
    except AvatarProblem as problem:
        report.missing.append(f"photo {page.photo}: {problem}")
        return None
    report.found.append(
        f"photo: saved as {display_path(path)} ({AVATAR_SIZE}x{AVATAR_SIZE}, metadata removed)"
    )
    return path


def _drop_invalid(member_id: str, data: dict, report: AddReport) -> dict | None:
    """`data` without the optional fields the model refuses; None if a required one is bad."""
    for _ in range(len(OPTIONAL_FIELDS) + 1):
        problems = memberfile.validate(member_id, data)
        if not problems:
            return data
        field_name = problems[0].split(".", 1)[0].split(":", 1)[0]
        if field_name not in OPTIONAL_FIELDS or field_name not in data:
            report.missing.extend(problems)
            for problem in problems:
                log.warning("add-member: %s", problem)
            return None
        report.missing.append(f"left out {field_name}: {problems[0]}")
        del data[field_name]
        if field_name == "profiles":  # a feed's platform names a profile: gone with them
            for ref in data.get("feeds", []):
                ref.pop("platform", None)
    return None


def _header(url: str, page: HomePage) -> list[str]:
    lines = [
        f"Added with `invoke add-member {url}` on {memberfile.today()}.",
        "A draft: checked, but not published until you write `why` and `topics` (marked TODO)",
        "and change `status: draft` to `status: active`.",
        "Everything below came from their homepage: check it before you publish.",
    ]
    if page.note:
        lines += ["", "Their h-card's note, to help with `why` (not published):", page.note]
    return lines


def _print_report(out: TextIO, path, member_id: str, report: AddReport) -> None:
    # Names, titles and URLs in the report come from their pages: shown, never obeyed.
    print(terminal_text(f"Wrote {display_path(path)} (id: {member_id})"), file=out)
    if report.found:
        print("Found:", file=out)
        for line in report.found:
            print(f"  {terminal_text(line)}", file=out)
    if report.missing:
        print("Not found or not used:", file=out)
        for line in report.missing:
            print(f"  {terminal_text(line)}", file=out)
    print(memberfile.NEXT_STEP, file=out)

"""A small web of personal sites on 127.0.0.1 whose owners recommend each other and people
outside the network, through every blogroll form `invoke suggest` reads: `<link
rel="blogroll">` to OPML, `rel="alternate" type="text/x-opml"`, the well-known
recommendations.opml and .json, an h-feed of h-cards and XFN links on a homepage.

Each host is served by its own LocalFeedServer (tests.support.workflows.Web); every route is
conditional (ETag, Last-Modified, 304), as a real static host's."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from pln_site.devserver import Route
from tests.support.fetching import atom_entry, atom_feed, days_ago
from tests.support.workflows import Web

HTML = "text/html; charset=utf-8"


def page(head: str = "", body: str = "", title: str = "Home") -> Route:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )
    return Route.feed(text, content_type=HTML)


def opml(*outlines: dict[str, str], title: str = "Blogroll") -> Route:
    lines = "".join(
        "<outline " + " ".join(f'{k}="{v}"' for k, v in outline.items()) + "/>"
        for outline in outlines
    )
    text = (
        f'<?xml version="1.0"?><opml version="2.0"><head><title>{title}</title></head>'
        f"<body>{lines}</body></opml>"
    )
    return Route.feed(text, content_type="text/x-opml")


def recommendations_json(*records: dict[str, str]) -> Route:
    return Route.feed(json.dumps(list(records)), content_type="application/json")


def weekly_feed(site: str, language: str, posts: int = 4) -> Route:
    """An Atom feed in `language` with a post every week, the latest three days ago."""
    entries = [
        atom_entry(f"{site}p{n}", f"Post {n}", days_ago(3 + 7 * n), link=f"{site}p{n}")
        for n in range(posts)
    ]
    body = atom_feed(*entries, site=site).replace(
        b"<feed xmlns", f'<feed xml:lang="{language}" xmlns'.encode(), 1
    )
    return Route.feed(body, content_type="application/atom+xml")


def hcard_page(name: str, *, country: str | None = None, feed: str = "/feed.xml") -> Route:
    adr = f'<span class="p-country-name">{country}</span>' if country else ""
    return page(
        head=f'<link rel="alternate" type="application/atom+xml" href="{feed}">',
        body=f'<div class="h-card"><a class="p-name u-url" href="/">{name}</a>{adr}</div>',
    )


def member_file(folder: Path, member_id: str, body: str) -> None:
    (folder / f"{member_id}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")


def network_files(folder: Path) -> None:
    """Four listed members (all write English; Amara and Kenji are on Mastodon), one archived
    member and one draft; the fixture's own member files are removed first."""
    for old in folder.glob("*.yaml"):
        old.unlink()
    common = "why: They write well.\nsince: 2020\ntopics: [open education]\n"
    for member_id, name, extra in (
        (
            "amara",
            "Amara",
            "country: NG\nlanguages: [en]\nprofiles:\n"
            "  - {platform: Mastodon, url: 'https://social.example/@amara'}\n",
        ),
        (
            "kenji",
            "Kenji",
            "country: JP\nlanguages: [en, ja]\nprofiles:\n"
            "  - {platform: Mastodon, url: 'https://social.example/@kenji'}\n",
        ),
        ("lucia", "Lucia", "country: ES\nlanguages: [en, es]\n"),
        ("omar", "Omar", "languages: [en]\n"),
        ("eli", "Eli", "status: archived\n"),
        ("nadia", "Nadia", "status: draft\n"),
    ):
        host = f"{member_id}.example"
        member_file(folder, member_id, f"name: {name}\nurl: http://{host}/\n{common}{extra}")


def blogroll_web(web: Web) -> None:
    """The members' sites and the outsiders they recommend.

    Bea is recommended three times (Amara's OPML, Kenji's JSON, Lucia's XFN link) and widens
    nothing: she writes in English like every member. Rui is recommended twice (Amara's OPML,
    Kenji's JSON) and writes in Portuguese, which no member does. Tomas is in Kenji's h-feed
    only. Eli (archived), Kenji (a member), Nadia (a draft) and the owner's own site are
    recommended too, and are never candidates. Omar's blogroll is broken.
    """
    rui, bea = "http://rui.example/", "http://bea.example/"
    web.site(
        "amara.example",
        {
            "/": page('<link rel="blogroll" type="text/x-opml" href="/blogroll.opml">'),
            "/blogroll.opml": opml(
                {
                    "type": "rss",
                    "text": "Rui Costa",
                    "xmlUrl": f"{rui}feed.xml",
                    "htmlUrl": rui,
                    "description": "Portuguese notes on open science",
                },
                {"type": "rss", "text": "Bea", "xmlUrl": f"{bea}feed.xml", "htmlUrl": bea},
                {
                    "type": "rss",
                    "text": "Kenji",
                    "xmlUrl": "https://kenji.example/feed.xml",
                    "htmlUrl": "https://kenji.example/",
                },
                {"type": "rss", "text": "Nadia", "xmlUrl": "https://nadia.example/feed.xml"},
            ),
        },
    )
    web.site(
        "kenji.example",
        {
            "/": page(
                body=(
                    '<div class="h-card"><a class="p-name u-url" href="/">Kenji</a></div>'
                    '<div class="h-feed"><h2 class="p-name">People I read</h2>'
                    '<div class="h-card"><a class="p-name u-url" href="http://tomas.example/">Tomas</a>'
                    "</div></div>"
                )
            ),
            "/.well-known/recommendations.json": recommendations_json(
                {"url": rui, "title": "Rui", "reason": "Careful and kind"},
                {"url": bea, "title": "Bea Marsh"},
                {"url": "https://eli.example/", "title": "Eli"},
            ),
        },
    )
    web.site(
        "lucia.example",
        {
            "/": page(
                '<link rel="alternate" type="text/x-opml" href="/links.opml">',
                '<p>Read <a rel="friend met" href="http://bea.example/">Bea</a> and '
                '<a rel="me" href="https://social.example/@lucia">me elsewhere</a>.</p>',
            ),
            "/links.opml": opml(
                {"type": "link", "text": "Owner", "url": "https://owner.example/"},
                {
                    "type": "rss",
                    "text": "Eli",
                    "xmlUrl": "https://eli.example/feed.xml",
                    "htmlUrl": "https://eli.example/",
                },
            ),
        },
    )
    web.site(
        "omar.example",
        {
            "/": page('<link rel="blogroll" type="text/x-opml" href="/broken.opml">'),
            "/broken.opml": Route(status=500),
        },
    )
    web.site(
        "rui.example",
        {
            "/": hcard_page("Rui Costa"),
            "/feed.xml": weekly_feed(rui, "pt"),
        },
    )
    web.site(
        "bea.example",
        {
            "/": hcard_page("Bea Marsh"),
            "/feed.xml": weekly_feed(bea, "en"),
        },
    )
    web.site("tomas.example", {"/": page(body="<p>No card, no feed.</p>")})

"""A large site for the build benchmarks: M members, P posts and a store of E entries.

Entry text comes from the real-world corpus (parsed and cleaned by the planet's own parser, as
`invoke fetch` would store it), reused with new keys and dates; without the corpus, synthetic
feeds stand in.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import replace
from pathlib import Path

import yaml

from .feeds import corpus_feeds, synthetic_feed

TOPICS = [
    "open education",
    "community building",
    "oral history",
    "data visualisation",
    "accessibility",
    "python",
    "linguistics",
    "urban gardening",
    "climate",
    "libraries",
    "research software",
    "mathematics",
    "music theory",
    "cycling",
    "photography",
    "ethics",
    "teaching",
    "open science",
    "typography",
    "web standards",
    "privacy",
    "history of science",
    "ecology",
    "poetry",
    "game design",
    "statistics",
    "translation",
    "maps",
    "radio",
    "chess",
]
COUNTRIES = ["KE", "DE", "BR", "JP", "IN", "FR", "NG", "US", "MX", "ID", "EG", "CA", "AU", "PL"]
WORDS = (
    "learning network open notes reading garden practice community archive method tool draft "
    "question answer lesson course library map data story people place idea reason habit"
).split()


def _sample_entries():
    """Cleaned entries to reuse as stored posts (from the corpus, else synthetic feeds)."""
    from pln_site.entries import FeedParseError
    from pln_site.feeds.parse.feed import parse_feed

    bodies = [body for _suffix, body in corpus_feeds()] or [synthetic_feed(i) for i in range(20)]
    entries = []
    for body in bodies:
        try:
            entries.extend(parse_feed(body, url="https://feeds.example/feed.xml").entries)
        except FeedParseError:
            continue
    return [entry for entry in entries if entry.content_html or entry.summary_html]


def _member(index: int, rng: random.Random) -> tuple[str, dict]:
    member_id = f"member-{index:04d}"
    data = {
        "name": f"Member {index:04d} {rng.choice(WORDS).title()}",
        "url": f"https://{member_id}.example/",
        "why": " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".",
        "since": f"{rng.randint(2008, 2025)}-{rng.randint(1, 12):02d}",
        "topics": rng.sample(TOPICS, 3),
        "met": [
            {
                "kind": "conference",
                "name": f"Gathering {rng.randint(1, 40)}",
                "date": f"{rng.randint(2010, 2025)}",
            }
        ],
        "country": rng.choice(COUNTRIES),
        "languages": ["en"],
        "profiles": [{"platform": "Mastodon", "url": f"https://social.example/@{member_id}"}],
        "feeds": [{"url": f"https://{member_id}.example/feed.xml"}],
    }
    return member_id, data


def _post(index: int, rng: random.Random) -> str:
    date = dt.datetime(2026, 1, 1) - dt.timedelta(days=index * 2)
    paragraphs = "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(80)).capitalize() + "." for _ in range(6)
    )
    tags = ", ".join(rng.sample(TOPICS, 3))
    return (
        f"Title: Post number {index}\nDate: {date:%Y-%m-%d %H:%M}\n"
        f"Category: {rng.choice(['Learning', 'Notes', 'Reading'])}\nTags: {tags}\n"
        f"Slug: post-{index:04d}\nSummary: The summary of post {index}.\n\n"
        f"## A heading\n\n{paragraphs}\n\n- a list item\n- [a link](https://example.org/{index})\n"
    )


def make_site(root: Path, *, members: int, entries: int, posts: int, seed: int = 1) -> Path:
    """Write content/ (posts, network) and store.sqlite3 under `root`; returns the content dir."""
    from pln_site.entries import FeedSource
    from pln_site.store import Retention, Store

    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    (content / "posts").mkdir(parents=True)
    (content / "network").mkdir()
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\n\nAbout this site.\n")
    for index in range(posts):
        (content / "posts" / f"post-{index:04d}.md").write_text(_post(index, rng))
    sources = []
    for index in range(members):
        member_id, data = _member(index, rng)
        (content / "network" / f"{member_id}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        )
        sources.append(FeedSource(member_id, data["feeds"][0]["url"]))
    samples = _sample_entries()
    now = dt.datetime.now(dt.UTC)
    per_member = [entries // members + (1 if i < entries % members else 0) for i in range(members)]
    number = 0
    with Store(root / "store.sqlite3") as store:
        for source, count in zip(sources, per_member, strict=True):
            chosen = []
            for _ in range(count):
                sample = samples[number % len(samples)]
                moment = now - dt.timedelta(minutes=37 * number + rng.randint(0, 30))
                link = f"https://{source.member_id}.example/posts/{number}"
                chosen.append(replace(sample, key=link, link=link, published=moment, updated=None))
                number += 1
            fetched = _fetched(source, now, chosen, f"bench-{source.member_id}")
            store.save(fetched, Retention(max_entries=count + 1, max_age_days=0))
    return content


# -- the edits of the incremental build scenarios ----------------------------------------------


def edit_post(root: Path, index: int = 0) -> None:
    """Add a sentence to one post, as its writer does between two looks at the page."""
    path = root / "content" / "posts" / f"post-{index:04d}.md"
    path.write_text(path.read_text() + f"\nOne more sentence, {dt.datetime.now():%H:%M:%S.%f}.\n")


EDIT_MARK = " Also, "  # what edit_member adds to a why: the next edit replaces it


def edit_member(root: Path, index: int = 0) -> None:
    """Change one member's why (the same length after every edit: a why that grew with each
    run would fail the member check after a dozen runs on one site)."""
    path = root / "content" / "network" / f"member-{index:04d}.yaml"
    data = yaml.safe_load(path.read_text())
    why = data["why"].split(EDIT_MARK)[0]
    data["why"] = f"{why}{EDIT_MARK}{dt.datetime.now():%H:%M:%S.%f}."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def fetch_new_entries(root: Path, share: float = 0.1, seed: int = 2) -> int:
    """One new entry for `share` of the members' feeds, written to the store as a fetch
    writes it; returns how many feeds changed."""
    from pln_site.entries import FeedSource
    from pln_site.store import Retention, Store

    members = sorted((root / "content" / "network").glob("member-*.yaml"))
    rng = random.Random(seed)
    changed = rng.sample(members, max(1, round(len(members) * share)))
    sample = _sample_entries()[0]
    now = dt.datetime.now(dt.UTC)
    with Store(root / "store.sqlite3") as store:
        for path in changed:
            member_id = path.stem
            link = f"https://{member_id}.example/posts/new-{now:%H%M%S%f}"
            entry = replace(sample, key=link, link=link, published=now, updated=None)
            source = FeedSource(member_id, f"https://{member_id}.example/feed.xml")
            update = _fetched(source, now, [entry], f"bench-{member_id}-{now.timestamp()}")
            store.save(update, Retention(max_entries=1000, max_age_days=0))
    return len(changed)


def _fetched(source, now: dt.datetime, entries: list, body_hash: str):
    """What a fetch that found `entries` in `source`'s feed tells the store."""
    from pln_site.store import FeedChanged

    return FeedChanged(
        source=source,
        at=now,
        status=200,
        etag=None,
        last_modified=None,
        body_hash=body_hash,
        title=None,
        html_url=None,
        entries=tuple(entries),
    )

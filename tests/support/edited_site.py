"""A copy of the fixture site, its theme and a feed store, edited step by step as an owner
edits a site (posts, members, templates, settings, stored entries) and built on demand."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.store import FeedChanged, Retention, Store
from tests.support.project import FIXTURE_SITE, PROJECT, build_site

# The exports and feeds carry the build's time: pinned, two builds can be compared.
PINNED = "1767225600"  # 2026-01-01
NOW = dt.datetime(2025, 12, 20, 12, tzinfo=dt.UTC)
KEEP_ALL = Retention(max_entries=100, max_age_days=0)
AMARA = FeedSource("amara-okafor", "https://amara.example/feed.xml")
DANA = FeedSource("dana-kowalska", "https://dana.example/rss.xml")


class Site:
    """The fixture site, its theme and a feed store, edited step by step."""

    def __init__(self, root: Path, *, settled: bool = True) -> None:
        self.root = root
        # True: the store is as a fetch left it a while ago, each write at a second of its own
        # (a build knows it by its size and time). False: just written, as a build started
        # right after a fetch finds it (a build cannot trust its size and time then).
        self.settled = settled
        self._writes = 0
        self.content = root / "content"
        self.theme = root / "theme"
        self.store = root / "store" / "planet.sqlite3"
        shutil.copytree(FIXTURE_SITE / "content", self.content)
        shutil.copytree(PROJECT / "theme", self.theme)
        self.settings: dict[str, str] = {}
        self.entries: dict[FeedSource, dict[str, ParsedEntry]] = {AMARA: {}, DANA: {}}
        self.step = 0
        with Store(self.store):
            pass  # an empty store: the river's pages exist from the first build
        self._settle_store()

    def build(self, output: Path, cache: Path) -> dict[str, bytes]:
        build_site(
            self.content,
            output,
            THEME=str(self.theme),
            CACHE_PATH=str(cache),
            PLANET_STORE_PATH=str(self.store),
            **self.settings,
        )
        return {
            path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*"))
            # Pagefind's bundles (one per part of the site) name their files by a hash.
            if path.is_file() and not path.relative_to(output).parts[0].startswith("pagefind")
        }

    # -- the edits --------------------------------------------------------------------------

    def posts(self) -> list[Path]:
        return sorted((self.content / "posts").glob("*.md"))

    def members(self) -> list[Path]:
        return sorted((self.content / "network").glob("*.yaml"))

    def edit_post_text(self, pick: int) -> None:
        post = _pick(self.posts(), pick)
        post.write_text(post.read_text(encoding="utf-8") + f"\nMore words, step {self.step}.\n")

    def edit_post_title(self, pick: int) -> None:
        _replace_line(_pick(self.posts(), pick), "Title", f"A title of step {self.step}")

    def edit_post_tags(self, pick: int) -> None:
        _replace_line(_pick(self.posts(), pick), "Tags", f"pln, step-{self.step % 3}")

    def add_post(self, pick: int) -> None:
        day = 1 + pick % 27
        (self.content / "posts" / f"post-{self.step}.md").write_text(
            f"Title: Post of step {self.step}\nDate: 2025-0{1 + pick % 9}-{day:02d} 09:00\n"
            f"Category: {'notes' if pick % 2 else 'essays'}\nTags: pln\n"
            f"Mentions: {'amara-okafor' if pick % 3 == 0 else 'dana-kowalska'}\n\n"
            f"The text of step {self.step}.\n",
            encoding="utf-8",
        )

    def delete_post(self, pick: int) -> None:
        posts = self.posts()
        if len(posts) > 1:
            _pick(posts, pick).unlink()

    def edit_member_name(self, pick: int) -> None:
        _replace_line(_pick(self.members(), pick), "name", f"Person {self.step}", yaml=True)

    def edit_member_why(self, pick: int) -> None:
        _replace_line(_pick(self.members(), pick), "why", f"Taught me step {self.step}.", yaml=True)

    def edit_member_topics(self, pick: int) -> None:
        topics = ["python", "open education", f"topic {self.step % 2}"][: 1 + pick % 3]
        _replace_line(_pick(self.members(), pick), "topics", f"[{', '.join(topics)}]", yaml=True)

    def archive_member(self, pick: int) -> None:
        member = _pick(self.members(), pick)
        if "status:" not in member.read_text(encoding="utf-8"):
            with member.open("a", encoding="utf-8") as file:
                file.write("status: archived\n")

    def add_member(self, pick: int) -> None:
        (self.content / "network" / f"new-person-{self.step}.yaml").write_text(
            f"name: New Person {self.step}\nurl: https://new{self.step}.example/\n"
            f"why: Met at step {self.step}.\nsince: 2025\ntopics: [python]\n",
            encoding="utf-8",
        )

    def edit_template(self, pick: int) -> None:
        name = ["base.html", "article.html", "index.html"][pick % 3]
        template = self.theme / "templates" / name
        template.write_text(
            template.read_text(encoding="utf-8") + f"{{# step {self.step} #}}\n", encoding="utf-8"
        )

    def edit_setting(self, pick: int) -> None:
        self.settings["SITENAME"] = f"Site of step {self.step}"

    def add_entry(self, pick: int, published: dt.datetime | None = None) -> None:
        source = AMARA if pick % 2 else DANA
        self._save(source, f"entry-{self.step}", f"Entry of step {self.step}", published=published)

    def edit_entry(self, pick: int) -> None:
        source = AMARA if pick % 2 else DANA
        keys = sorted(self.entries[source])
        if keys:
            self._save(source, _pick(keys, pick), f"Retitled at step {self.step}")

    def edit_note(self, pick: int) -> None:
        """A titleless post (a toot), stored anew or rewritten in place: pages name it by a
        stand-in cut from its text."""
        source = AMARA if pick % 2 else DANA
        known = self.entries[source].get("note")
        text = f"A short note of step {self.step}"
        self._save(source, "note", "", text=text, published=known.published if known else None)

    def _save(
        self,
        source: FeedSource,
        key: str,
        title: str,
        *,
        text: str = "",
        published: dt.datetime | None = None,
    ) -> None:
        self.entries[source][key] = ParsedEntry(
            key=key,
            link=f"{source.url.rsplit('/', 1)[0]}/{key}",
            title=title,
            author=None,
            content_html=f"<p>{text or title}: some text.</p>",
            summary_html="",
            published=published or NOW - dt.timedelta(hours=len(self.entries[source])),
            updated=None,
        )
        update = FeedChanged(
            source=source,
            at=NOW,
            status=200,
            etag=None,
            last_modified=None,
            body_hash=f"step-{self.step}",
            title=None,
            html_url=None,
            entries=tuple(self.entries[source].values()),
        )
        with Store(self.store) as store:
            store.save(update, KEEP_ALL)
        self._settle_store()

    def _settle_store(self) -> None:
        if not self.settled:
            return
        self._writes += 1
        moment = time.time() - 3600 + self._writes
        for path in (self.store, Path(f"{self.store}-wal")):
            if path.exists():
                os.utime(path, (moment, moment))


EDITS = [name for name in vars(Site) if name.startswith(("edit_", "add_", "delete_", "archive_"))]


def _pick(items: list, pick: int):
    return items[pick % len(items)]


def _replace_line(path: Path, field: str, value: str, *, yaml: bool = False) -> None:
    """Set `field` in a post's header or a member file's top level, keeping every other line."""
    text = path.read_text(encoding="utf-8")
    shown = f'"{value}"' if yaml and not value.startswith("[") else value
    line = f"{field}: {shown}"
    pattern = re.compile(rf"^{field}:.*$", re.MULTILINE)
    text = pattern.sub(line, text, count=1) if pattern.search(text) else f"{line}\n{text}"
    path.write_text(text, encoding="utf-8")

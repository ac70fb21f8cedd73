"""Incremental builds are exact: after any sequence of edits, a build that reuses the pages of
the last one writes, byte for byte, what a clean build of the same site writes.

Each example is a random sequence of the edits an owner makes (a post's text, title or tags, a
new or deleted post; a member's name, why or topics, a new or archived member; a template; a
setting; new and changed entries in the feed store). After every edit the same site is built
twice: into its own output folder with its build cache (the incremental build), and into a new
folder with an empty cache (the clean build). Every file of the two must be the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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

    def __init__(self, root: Path) -> None:
        self.root = root
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
            if path.is_file() and "pagefind" not in path.relative_to(output).parts
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

    def add_entry(self, pick: int) -> None:
        self._save(AMARA if pick % 2 else DANA, f"entry-{self.step}", f"Entry of step {self.step}")

    def edit_entry(self, pick: int) -> None:
        source = AMARA if pick % 2 else DANA
        keys = sorted(self.entries[source])
        if keys:
            self._save(source, _pick(keys, pick), f"Retitled at step {self.step}")

    def _save(self, source: FeedSource, key: str, title: str) -> None:
        self.entries[source][key] = ParsedEntry(
            key=key,
            link=f"{source.url.rsplit('/', 1)[0]}/{key}",
            title=title,
            author=None,
            content_html=f"<p>{title}: some text.</p>",
            summary_html="",
            published=NOW - dt.timedelta(hours=len(self.entries[source])),
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


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(min_value=0, max_value=50)),
        min_size=4,
        max_size=6,
    )
)
def test_after_any_edits_the_incremental_build_is_the_clean_build(
    tmp_path_factory, monkeypatch, edits
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path_factory.mktemp("site"))
    incremental = site.root / "output"
    site.build(incremental, site.root / "cache")
    reused = 0
    for site.step, (edit, pick) in enumerate(edits, start=1):
        getattr(site, edit)(pick)
        built = site.build(incremental, site.root / "cache")
        reused += len(built) - len(rendered_pages(site.root / "cache"))
        clean = site.build(site.root / f"clean-{site.step}", site.root / f"cache-{site.step}")
        assert built.keys() == clean.keys(), f"after {edits[: site.step]}"
        changed = [name for name in clean if built[name] != clean[name]]
        assert changed == [], f"after {edits[: site.step]}"
    # Not a build that renders everything each time: most edits leave most pages as they were.
    assert reused > 0


def build_record(cache: Path) -> dict:
    [record] = (cache / "buildcache").glob("pages-*.json")
    return json.loads(record.read_text(encoding="utf-8"))


def rendered_pages(cache: Path) -> set[str]:
    """The pages the last build rendered from their templates (not taken from the one before),
    as its record in the cache says."""
    return set(build_record(cache)["rendered"])


@pytest.mark.parametrize(
    ("edit", "pick", "expected", "untouched"),
    [
        # A post: its page and the lists it is in; no member or river page.
        ("edit_post_text", 0, {"posts/hello-network/index.html", "index.html"}, ("network/", "reading/")),
        # A member whom no post names and who has no entries: their page and the directory's
        # lists (and their topics' pages); no other member's page, no post, tag or category
        # page, not the river.
        ("edit_member_why", 1, {"network/bruno-lima/index.html", "network/index.html"},
         ("network/amara-okafor/", "posts/", "tag/", "category/", "reading/index.html")),
        # A new entry of Amara's: the river and her page; no other member's page, no post.
        ("add_entry", 1, {"reading/index.html", "network/amara-okafor/index.html"},
         ("network/bruno-lima/", "posts/", "tag/", "category/", "archives")),
    ],
)  # fmt: skip
def test_an_edit_renders_again_only_the_pages_made_from_what_changed(
    tmp_path, monkeypatch, edit, pick, expected, untouched
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED)
    site = Site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    before = site.build(output, cache)
    site.step = 1
    getattr(site, edit)(pick)
    after = site.build(output, cache)
    rendered = rendered_pages(cache)
    assert expected <= rendered
    assert not {name for name in rendered if name.startswith(untouched)}
    # What was rendered again is what changed (and a page that changed was rendered again).
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed <= rendered | {name for name in after if not name.endswith(".html")}
    # Every page's making could be traced (an untraced one is rendered every build).
    assert {name for name in after if name.endswith(".html")} <= set(build_record(cache)["pages"])

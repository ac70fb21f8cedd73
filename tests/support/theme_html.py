"""A tiny blog built with the theme, and a small HTML reader for the theme's tests.

The builds load no plugins (PLUGINS=[]): these tests are about the theme alone, and plugin
pages are tested with the plugins.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tests.support.project import build_site

# The URLs the network and planet plugins publish (their documented defaults).
PLUGIN_URLS = {
    "NETWORK_INDEX_URL": "network/",
    "NETWORK_OPML_URL": "network/blogroll.opml",
    "PLANET_INDEX_URL": "reading/",
    "PLANET_ATOM_URL": "reading/atom.xml",
    "PLANET_RSS_URL": "reading/rss.xml",
    "PLANET_JSON_URL": "reading/feed.json",
}

POSTS = {
    "open-notes.md": """\
        Title: Learning in the open
        Date: 2023-05-01 10:00
        Category: Learning
        Tags: pln, open practice
        Summary: Why I write my notes where others can read them.

        Notes are better *shared*. I learnt this from
        [a friend's post](https://friend.example/posts/notes) and from
        [another one](http://other.example/why).

        A long address that must wrap on a phone:
        https://averyveryveryverylongdomainnamethatgoesonandon.example/and/a/path/that/keeps/going/on

            a_long_line_of_code_that_should_scroll_inside_its_box_instead_of_the_page = do_something(1, 2, 3)
        """,
    "river-week.md": """\
        Title: A week of reading
        Date: 2024-02-03 09:00
        Modified: 2024-02-05 09:00
        Category: Learning
        Tags: pln, reading

        What I read this week, and who wrote it.
        """,
}

PAGES = {
    "about.md": """\
        Title: About
        Status: published

        Who I am and why this site exists.
        """,
}


def write_content(root: Path, posts: dict[str, str] = POSTS, pages: dict[str, str] = PAGES) -> Path:
    """Write a content folder with `posts` and `pages` (file name -> Markdown) under `root`."""
    for folder, files in (("posts", posts), ("pages", pages)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build_theme_site(tmp: Path, posts=POSTS, pages=PAGES, **overrides) -> tuple[Path, dict]:
    """Build the tiny blog with the theme only; returns the output folder and the settings."""
    content = write_content(tmp / "content", posts, pages)
    output = tmp / "output"
    settings = build_site(content, output, **{"PLUGINS": [], **overrides})
    return output, settings


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    # Tags of the open elements around this one, outermost first, with their classes.
    ancestors: list[tuple[str, set[str]]] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, tag: str | None = None, cls: str | None = None) -> bool:
        return any(
            (tag is None or t == tag) and (cls is None or cls in c) for t, c in self.ancestors
        )


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[tuple[Element, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        element = Element(
            tag,
            {name: value or "" for name, value in attrs},
            [(e.tag, classes) for e, classes in self.stack],
        )
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append((element, element.classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for element, _ in self.stack:
            element.text += data


@dataclass
class Page:
    path: Path
    elements: list[Element]

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with `tag` whose attributes equal `attrs`; `class_` matches one class."""
        wanted_class = attrs.pop("class_", None)
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag)
            and (wanted_class is None or wanted_class in e.classes)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}> in {self.path}"
        return found[0]

    def resolve(self, url: str) -> Path:
        """The output file a relative URL of this page points to (a folder means its index)."""
        target = url.split("#")[0].split("?")[0]
        resolved = (self.path.parent / target).resolve()
        if url.split("#")[0].endswith("/") or resolved.is_dir():
            resolved = resolved / "index.html"
        return resolved


def parse_page(path: Path) -> Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return Page(path, collector.elements)


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))

"""SiteGenerator: what every pln_site page generator shares. Its plugin's templates after the
theme's, autoescape, writing pages and plain files through Pelican's writer, links written
into a file, and the one build time.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import DictLoader, FileSystemLoader
from markupsafe import Markup
from pelican.generators import Generator

from pln_site.site.feedlinks import feed_absolute
from pln_site.urls import site_absolute


def pinned_build_time() -> dt.datetime | None:
    """The build time SOURCE_DATE_EPOCH sets (so that a build can be reproduced byte for byte),
    or None when it sets none."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


def build_time() -> dt.datetime:
    """The time the pages are built at: now, or SOURCE_DATE_EPOCH when set."""
    return pinned_build_time() or dt.datetime.now(dt.UTC)


def build_moment() -> dt.datetime:
    """The build's time as far as pages may depend on it without being made again on every
    build: SOURCE_DATE_EPOCH when set, else the start of the build's day (UTC). The build's
    fingerprint covers exactly this (site/fingerprint.py)."""
    return pinned_build_time() or build_time().replace(hour=0, minute=0, second=0, microsecond=0)


def link_from(page_save_as: str, target_url: str, siteurl: str | None) -> str:
    """A link to `target_url` written into the file `page_save_as`.

    Absolute when the site has an absolute SITEURL; else relative to the file, so that the
    link works wherever the site is served from (as Pelican's RELATIVE_URLS does).
    """
    absolute = site_absolute(siteurl, target_url)
    if absolute is not None:
        return absolute
    folder = posixpath.dirname(page_save_as) or "."
    relative = posixpath.relpath(target_url or ".", folder)
    if (not target_url or target_url.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative


# The template of a finished non-HTML file: its text, as it is. A named template (not one made
# from a string) so that the build cache can tell what such a page is made from.
TEXT_TEMPLATE = "pln_site_text_file"


class MadeText:
    """A finished file's text, made only when the page is rendered: the build cache knows it by
    `make` (a function with its arguments, such as `functools.partial(atom_feed, info, items)`),
    so a file made from what it was made from last time is not made again."""

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make

    def __build_digest__(self) -> Callable[[], str]:
        return self.make

    def __html__(self) -> str:  # the text as it is: autoescape leaves it alone
        return self.make()

    __str__ = __html__


class SiteGenerator(Generator):
    """A Pelican generator of one pln_site plugin's pages. Subclasses set `templates_dir`."""

    templates_dir: ClassVar[Path]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The theme's templates first (so that a theme can override any of ours), then the
        # plugin's own, then Pelican's simple theme.
        self.env.loader.loaders.insert(1, FileSystemLoader(str(self.templates_dir)))
        self.env.loader.loaders.append(DictLoader({TEXT_TEMPLATE: "{{ body }}"}))
        # Member and feed text reach these pages: escape everything not explicitly marked safe.
        self.env.autoescape = True
        # Templates do not change during a build: skip the file check each page's
        # extends/import would make (a stat per template per page).
        self.env.auto_reload = False
        self.now = build_time()

    def write_page(self, writer: Any, save_as: str, template: str, url: str, **extra: Any) -> None:
        """The page `template` at `save_as`; an empty *_SAVE_AS turns a page off, as in
        Pelican."""
        if not save_as:
            return
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            page_url=url,
            **extra,
        )

    def write_text(self, writer: Any, save_as: str, text: str | Callable[[], str]) -> None:
        """A finished non-HTML file (a feed, a script, JSON), written as it is, through Pelican's
        writer (which refuses to write one path twice). `text` may be the function that makes
        it, with its arguments (a partial): then it is made only when the file is not reused
        from the last build (MadeText)."""
        if not save_as:
            return
        body = Markup(text) if isinstance(text, str) else MadeText(text)
        writer.write_file(save_as, self.env.get_template(TEXT_TEMPLATE), self.context, body=body)

    def write_set(
        self,
        writer: Any,
        name: str,
        made_from: Any,
        templates: Sequence[str],
        write: Callable[[], None],
    ) -> None:
        """Write a set of pages with `write`, unless the build cache takes them all from the
        last build: when they were made from the same `made_from` (what all of their own
        values are computed from) and the site-wide values their `templates` read are the
        same (site/buildcache/pages.py). Without the build cache, `write` runs."""
        made_from_last_build = getattr(writer, "pages_made_from", None)
        if made_from_last_build is None:
            write()
            return
        found = [self.get_template(template) for template in templates]
        with made_from_last_build(name, made_from, found, self.context) as taken:
            if not taken:
                write()

    def absolute(self, url: str) -> str | None:
        """`url` on the published site, when SITEURL is absolute; else None."""
        return site_absolute(self.settings.get("SITEURL"), url)

    def link_from(self, save_as: str, url: str) -> str:
        """A link to `url` written into the file `save_as` (see `link_from`)."""
        return link_from(save_as, url, self.settings.get("SITEURL"))

    def feed_absolute(self, url: str) -> str | None:
        """`url` as a feed writes it: whole on the feed base (SITEURL, else FEED_DOMAIN: see
        pln_site.site.feedlinks); None when the site has neither."""
        return feed_absolute(self.settings, url)

    def feed_link_from(self, save_as: str, url: str) -> str:
        """A link to `url` written into the feed `save_as`: whole on the feed base, else
        relative to the feed's file."""
        return self.feed_absolute(url) or self.link_from(save_as, url)

"""A digest of what one page is made from: the values its templates read.

A page's template (with the templates it extends, includes and imports) names the context
values it reads (`names_read`). The digest of the page is the digest of those values, walked
down to plain data: the page's own values (what the generator passed for this page: its post,
its member, its part of the river) in full, the site-wide ones (the list of all posts, the
roster, the reading data) as lists show them. For a post or page of Pelican's that means: a
post of the page's own is its text and every field; a post that only sits in a site-wide list
(the menu, a neighbour's link) is its link, title, date, category, tags, authors and status,
but not its text, so editing one post's text leaves the other posts' pages as they were.

Anything the walk cannot reduce to data (an object of an unknown kind, a template name
computed at render time) gives a digest no later build matches: that page is rendered again,
never shown stale. An object may say what it is made of with a `__build_digest__()` method
that returns plain data (the roster does: its members and their avatars' addresses).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import logging
import os
import types
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from jinja2 import Environment, TemplateNotFound, meta
from pelican.contents import Content
from pelican.generators import Generator
from pelican.paginator import Page as PaginatedPage
from pelican.urlwrappers import URLWrapper

log = logging.getLogger(__name__)

# What a site-wide list shows of a post: enough for its link and listing, not its text.
LISTED_FIELDS = ("url", "save_as", "title", "slug", "lang", "status", "date", "modified")
# Attributes no page reads through a value: the build's whole context and its settings (the
# settings are in the build's fingerprint already).
SKIPPED_ATTRIBUTES = frozenset({"_context", "context", "settings", "_settings"})


class Untraceable(Exception):
    """A value whose making cannot be known: its page is always rendered."""


def names_read(env: Environment, template_name: str) -> frozenset[str] | None:
    """The context names the template `template_name` and every template it extends, includes
    or imports may read; None when one of them is chosen at render time."""
    names: set[str] = set()
    seen: set[str] = set()
    waiting = [template_name]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else None
        except TemplateNotFound:
            return None
        if source is None:
            return None
        tree = env.parse(source)
        names |= meta.find_undeclared_variables(tree)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            waiting.append(referenced)
    return frozenset(names)


class PageDigests:
    """Digests of the values of one build's pages, each site-wide value walked only once."""

    def __init__(self, site_context: Mapping[str, Any]) -> None:
        self._site_context = site_context
        # id -> (value, digest): the value is kept so that its id cannot be reused meanwhile.
        self._memo: dict[tuple[int, bool], tuple[Any, bytes]] = {}

    def page(self, names: Iterable[str], context: Mapping[str, Any]) -> str | None:
        """The digest of the page whose template reads `names` from `context`; None when one
        of them cannot be traced."""
        digest = hashlib.blake2b(digest_size=20)
        try:
            for name in sorted(names):
                value = context.get(name)
                own = value is not self._site_context.get(name)
                digest.update(name.encode("utf-8"))
                digest.update(self._value(value, full=own, path=set()))
        except Untraceable as unknown:
            log.debug(
                "buildcache: %s is rendered every build: its %r holds a %s, which cannot be traced",
                context.get("output_file"), name, unknown,
            )  # fmt: skip
            return None
        return digest.hexdigest()

    # -- walking a value down to data ---------------------------------------------------------

    def _value(self, value: Any, *, full: bool, path: set[int]) -> bytes:
        if value is None or isinstance(value, bool | int | float):
            return repr(value).encode("utf-8")
        if isinstance(value, str):  # Markup too
            return _hash(b"s", value.encode("utf-8", "surrogatepass"))
        if isinstance(value, dt.date | dt.time | dt.timedelta | dt.tzinfo | PurePath | enum.Enum):
            return _hash(b"v", repr(value).encode("utf-8"))
        if isinstance(value, bytes):
            return _hash(b"b", value)
        key = (id(value), full)
        known = self._memo.get(key)
        if known is not None:
            return known[1]
        if id(value) in path:  # a value that contains itself
            return b"cycle"
        path.add(id(value))
        try:
            digest = self._composite(value, full=full, path=path)
        finally:
            path.discard(id(value))
        self._memo[key] = (value, digest)
        return digest

    def _composite(self, value: Any, *, full: bool, path: set[int]) -> bytes:
        def walk(part: Any) -> bytes:
            return self._value(part, full=full, path=path)

        kind = type(value).__qualname__.encode("utf-8")
        if isinstance(value, types.ModuleType | type):  # known by its name; its code is in
            return _hash(kind, value.__name__.encode("utf-8"))  # the build's fingerprint
        made_of = getattr(value, "__build_digest__", None)
        if callable(made_of):
            return _hash(kind, walk(made_of()))
        if isinstance(value, Mapping):
            items = sorted((walk(k), walk(v)) for k, v in value.items())
            return _hash(kind, *(part for item in items for part in item))
        if isinstance(value, set | frozenset):
            return _hash(kind, *sorted(walk(item) for item in value))
        if isinstance(value, list | tuple):
            return _hash(kind, *(walk(item) for item in value))
        if isinstance(value, Content):
            return _hash(kind, walk(_content_fields(value, full)))
        if isinstance(value, URLWrapper):  # a category, tag or author
            return _hash(kind, walk((value.name, value.slug, value.url, value.save_as)))
        if isinstance(value, PaginatedPage):
            fields = (value.number, value.object_list, value.paginator.num_pages, value.base_name)
            return _hash(kind, walk(fields))
        if isinstance(value, Generator):
            # Its state is the build's context and settings: what a page reads of them is
            # walked where the page names it.
            return _hash(b"generator", kind)
        if callable(value):
            return _hash(b"callable", walk(_callable_fields(value)))
        if dataclasses.is_dataclass(value):
            named = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return _hash(kind, walk(named))
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            kept = {k: v for k, v in attributes.items() if k not in SKIPPED_ATTRIBUTES}
            return _hash(kind, walk(kept))
        raise Untraceable(type(value).__qualname__)


def _content_fields(content: Content, full: bool) -> dict[str, Any]:
    """A post or page as its own page shows it (`full`: every attribute, and its text with its
    {filename} links made into URLs), or as a list shows it."""
    fields: dict[str, Any] = {name: getattr(content, name, None) for name in LISTED_FIELDS}
    fields["category"] = getattr(content, "category", None)
    fields["tags"] = getattr(content, "tags", None)
    fields["authors"] = getattr(content, "authors", None)
    fields["translations"] = [t.url for t in getattr(content, "translations", ())]
    if full:
        # Plugins add attributes (the members a post mentions): all of them count.
        fields.update(
            (name, value)
            for name, value in vars(content).items()
            if name not in SKIPPED_ATTRIBUTES and name != "translations"
        )
        fields["content"] = content.content
        fields["summary"] = content.summary
    return fields


def _callable_fields(function: Any) -> tuple[Any, ...]:
    """A function as what it computes from: its name, its code, the values it closes over and,
    for a method, its object (the code itself is in the build's fingerprint)."""
    target = getattr(function, "__func__", function)
    code = getattr(target, "__code__", None)
    cells = tuple(cell.cell_contents for cell in getattr(target, "__closure__", None) or ())
    owner = getattr(function, "__self__", None)
    partial_parts = (getattr(function, "func", None), getattr(function, "args", None))
    name = (getattr(target, "__module__", ""), getattr(target, "__qualname__", repr(type(target))))
    if code is None and owner is None and partial_parts == (None, None):
        # A builtin or a callable object: a name is all it is known by.
        if not hasattr(target, "__qualname__"):
            raise Untraceable(type(function).__qualname__)
    return (name, code.co_code if code else None, getattr(target, "__defaults__", None),
            cells, owner, partial_parts)  # fmt: skip


def _hash(*parts: bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()

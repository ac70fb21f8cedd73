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
import types
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, meta, nodes
from pelican.contents import Content
from pelican.generators import Generator
from pelican.paginator import Page as PaginatedPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from pln_site.site.shared import PostList

log = logging.getLogger(__name__)

# What a site-wide list shows of a post: enough for its link and listing, not its text.
LISTED_FIELDS = ("url", "save_as", "title", "slug", "lang", "status", "date", "modified")
# Attributes no page reads through a value: the build's whole context and its settings (the
# settings are in the build's fingerprint already).
SKIPPED_ATTRIBUTES = frozenset({"_context", "context", "settings", "_settings"})


class Untraceable(Exception):
    """A value whose making cannot be known: its page is always rendered."""


def names_read(
    env: Environment, template_name: str, trees: dict[str, nodes.Template] | None = None
) -> frozenset[str] | None:
    """The context names the template `template_name` may read: its own, those of every
    template it extends or includes, and of the macros it calls from templates it imports
    (only those: a page that shows no member card does not depend on what cards show). None
    when a template is chosen at render time."""
    try:
        reader = _NamesRead(env, {} if trees is None else trees)
        return frozenset(reader.of_template(template_name))
    except (_Dynamic, TemplateSyntaxError):  # an unknown filter, say: the rendering tells
        return None


class _Dynamic(Exception):
    """A template named by an expression, or an imported name used in a way not followed."""


class _NamesRead:
    def __init__(self, env: Environment, trees: dict[str, nodes.Template]) -> None:
        self.env = env
        self.trees = trees  # by file: the same template file is parsed once per build

    def tree(self, name: str) -> nodes.Template:
        try:
            loader: Any = self.env.loader
            source, filename, _ = loader.get_source(self.env, name)
        except (TemplateNotFound, AttributeError):
            raise _Dynamic(name) from None
        key = filename or f"<{name}>\n{source}"
        if key not in self.trees:
            try:
                self.trees[key] = self.env.parse(source, name, filename)
            except TemplateSyntaxError:  # the page's rendering says so, with file and line
                raise _Dynamic(name) from None
        return self.trees[key]

    def of_template(self, name: str, seen: set[str] | None = None) -> set[str]:
        """Names read by the template `name` and the templates it extends and includes."""
        seen = set() if seen is None else seen
        if name in seen:
            return set()
        seen.add(name)
        tree = self.tree(name)
        names = set(meta.find_undeclared_variables(tree))
        included: list[nodes.Expr] = [n.template for n in tree.find_all(nodes.Extends)]
        included += [n.template for n in tree.find_all(nodes.Include)]
        for expression in included:
            for other in _constant_names(expression):
                names |= self.of_template(other, seen)
        for imported in tree.find_all(nodes.Import):
            used = _used_macros(tree, imported.target)
            names |= self.of_macros(_constant_name(imported.template), used)
        for picked in tree.find_all(nodes.FromImport):
            chosen = {entry if isinstance(entry, str) else entry[0] for entry in picked.names}
            names |= self.of_macros(_constant_name(picked.template), chosen)
        return names

    def of_macros(self, name: str, used: set[str] | None) -> set[str]:
        """Names read by importing the template `name` and calling its macros `used` (None:
        any of them)."""
        tree = self.tree(name)
        if any(True for _ in tree.find_all((nodes.Extends, nodes.Include, nodes.Import,
                                            nodes.FromImport))):  # fmt: skip
            return self.of_template(name)  # not followed further: everything it may read
        macros = {macro.name: macro for macro in tree.find_all(nodes.Macro)}
        top_level = nodes.Template([n for n in tree.body if not isinstance(n, nodes.Macro)])
        names = set(meta.find_undeclared_variables(_in_env(top_level, self.env)))
        waiting = list(macros) if used is None else list(used)
        done: set[str] = set()
        while waiting:
            macro_name = waiting.pop()
            if macro_name in done:
                continue
            done.add(macro_name)
            macro = macros.get(macro_name)
            if macro is None:  # not a macro (a variable the template sets): all it may read
                return self.of_template(name)
            body = nodes.Template([*macro.body, *(nodes.Output([d]) for d in macro.defaults)])
            read = set(meta.find_undeclared_variables(_in_env(body, self.env)))
            read -= {arg.name for arg in macro.args} | {"caller", "varargs", "kwargs"}
            waiting.extend(read & macros.keys())  # a macro calling its neighbours
            names |= read - macros.keys()
        return names


def _in_env(tree: nodes.Template, env: Environment) -> nodes.Template:
    tree.set_environment(env)
    return tree


def _constant_name(expression: nodes.Expr) -> str:
    [name] = _constant_names(expression) or [""]
    if not name:
        raise _Dynamic(repr(expression))
    return name


def _constant_names(expression: nodes.Expr) -> list[str]:
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, nodes.Const) and isinstance(expression.value, list | tuple):
        values = list(expression.value)
    elif isinstance(expression, nodes.List | nodes.Tuple):
        values = [i.value if isinstance(i, nodes.Const) else None for i in expression.items]
    else:
        raise _Dynamic(repr(expression))
    if not all(isinstance(value, str) for value in values):
        raise _Dynamic(repr(expression))
    return values


def _used_macros(tree: nodes.Template, alias: str) -> set[str] | None:
    """The macros called as `alias.name` in `tree`; None when `alias` is also used otherwise
    (passed on, looked up by a computed name)."""
    attributes = [
        node.attr
        for node in tree.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name) and node.node.name == alias
    ]
    names = tree.find_all(nodes.Name)
    uses = sum(1 for node in names if node.name == alias and node.ctx == "load")
    return set(attributes) if uses == len(attributes) else None


_ABSENT = object()  # a name the site's context does not hold: never site-wide


class PageDigests:
    """Digests of the values of one build's pages, each site-wide value walked only once."""

    def __init__(self, site_context: Mapping[str, Any]) -> None:
        self._site_context = site_context
        # id -> (value, digest): the value is kept so that its id cannot be reused meanwhile.
        self._memo: dict[tuple[int, bool], tuple[Any, bytes]] = {}
        # name -> (site-wide value, the part of a page's digest it gives): most of the forty-odd
        # names a page reads are settings, the same object on every page.
        self._site_parts: dict[str, tuple[Any, bytes]] = {}

    def page(self, names: Iterable[str], context: Mapping[str, Any]) -> str | None:
        """The digest of the page whose template reads `names` from `context`; None when one
        of them cannot be traced."""
        digest = hashlib.blake2b(digest_size=20)
        try:
            for name in sorted(names):
                digest.update(self._part(name, context.get(name)))
        except Untraceable as unknown:
            log.debug(
                "buildcache: %s is rendered every build: its %r holds a %s, which is untraced",
                context.get("output_file"), name, unknown,
            )  # fmt: skip
            return None
        return digest.hexdigest()

    def _part(self, name: str, value: Any) -> bytes:
        """What `name` given `value` adds to a page's digest."""
        site_wide = value is self._site_context.get(name, _ABSENT)
        known = self._site_parts.get(name)
        if site_wide and known is not None and known[0] is value:
            return known[1]
        walked = self._value(value, full=not site_wide, path=set())
        part = _hash(name.encode("utf-8"), walked)
        if site_wide:
            self._site_parts[name] = (value, part)
        return part

    # -- walking a value down to data ---------------------------------------------------------

    def _value(self, value: Any, *, full: bool, path: set[int]) -> bytes:
        if value is None or isinstance(value, bool | int | float):
            return repr(value).encode("utf-8")
        if isinstance(value, str):  # Markup too; as it is: its parent hashes it, length first
            return b"s" + value.encode("utf-8", "surrogatepass")
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
            if all(isinstance(k, str) for k in value):  # the common case: sorted by key
                pairs = [(k.encode("utf-8", "surrogatepass"), walk(v)) for k, v in value.items()]
                pairs.sort(key=lambda pair: pair[0])
            else:
                pairs = sorted((walk(k), walk(v)) for k, v in value.items())
            return _hash(kind, *(part for pair in pairs for part in pair))
        if isinstance(value, set | frozenset):
            return _hash(kind, *sorted(walk(item) for item in value))
        if isinstance(value, PostList):  # posts as a list shows them, whoever's page it is
            return _hash(kind, *(self._value(post, full=False, path=path) for post in value))
        if isinstance(value, list | tuple):
            return _hash(kind, *(walk(item) for item in value))
        if isinstance(value, Content):
            return _hash(kind, walk(_content_fields(value, full)))
        if isinstance(value, URLWrapper):  # a category, tag or author
            return _hash(kind, walk((value.name, value.slug, value.url, value.save_as)))
        if isinstance(value, Paginator):
            # Every page of a paginated list (a page's links to the others), its posts as a
            # list shows them: an index page shows its own page's posts (a PaginatedPage) in
            # full, not all of them, so one post's new text is not every index page's.
            shape = (value.name, value.url, value.per_page, value.orphans)
            posts = (self._value(post, full=False, path=path) for post in value.object_list)
            return _hash(kind, walk(shape), *posts)
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
    for a method, its object, for a partial its function and arguments, keywords too (the code
    itself is in the build's fingerprint)."""
    target = getattr(function, "__func__", function)
    code = getattr(target, "__code__", None)
    cells = tuple(cell.cell_contents for cell in getattr(target, "__closure__", None) or ())
    owner = getattr(function, "__self__", None)
    partial_parts = tuple(getattr(function, name, None) for name in ("func", "args", "keywords"))
    name = (getattr(target, "__module__", ""), getattr(target, "__qualname__", repr(type(target))))
    if code is None and owner is None and partial_parts == (None, None, None):
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

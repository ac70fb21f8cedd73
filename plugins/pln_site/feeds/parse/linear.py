"""Two steps of feedparser whose time grows with the square of a hostile feed, replaced by
linear ones that give the same results.

1. An author given as one string. feedparser looks for an e-mail address in it with one regular
   expression, searched from every position: each start in a run of letters, dots or digits
   scans the run to its end, so 100 KB of letters took over 30 s. An address has an "@", and
   where the run before an "@" starts and whether a domain follows it decide the match; here
   the runs and domains are read once each.
2. Categories. Each new one was compared with every one before it in a list (10,000 distinct
   categories took over 30 s); here the ones seen are also kept in a set.

(A third, finding an attribute by its qualified name, is fixed in speedups' SAX reader.)
The tests compare the results with and without these changes on random and real feeds.
"""

from __future__ import annotations

import re
from typing import Any

import feedparser.mixin
from feedparser.util import FeedParserDict

_Mixin: Any = feedparser.mixin._FeedParserMixin

# feedparser's own pattern (mixin._sync_author_detail), split at its "@".
EMAIL_PATTERN = (
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_LOCAL_RUN = re.compile(r"[a-zA-Z0-9_\-.+]*")
_DOMAIN = re.compile(
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?)(\?subject=\S+)?"
)


def find_email(text: str) -> str | None:
    """What `re.search(EMAIL_PATTERN, text).group(0)` finds, in time linear in `text`."""
    previous = -1
    at = text.find("@")
    while at >= 0:
        # The run of address characters just before this "@" (it cannot reach back past the
        # previous "@"): read backwards once, as a match at the start of the reversed stretch.
        run = _LOCAL_RUN.match(text[previous + 1 : at][::-1])
        length = run.end() if run else 0
        if length and (domain := _DOMAIN.match(text, at + 1)):
            return text[at - length : domain.end()]
        previous, at = at, text.find("@", at + 1)
    return None


def _sync_author_detail(self: Any, key: str = "author") -> None:
    # feedparser 6.0's method, with find_email in place of its re.search.
    context = self._get_context()
    detail = context.get(f"{key}s", [FeedParserDict()])[-1]
    if detail:
        name = detail.get("name")
        email = detail.get("email")
        if name and email:
            context[key] = f"{name} ({email})"
        elif name:
            context[key] = name
        elif email:
            context[key] = email
    else:
        author, email = context.get(key), None
        if not author:
            return
        email = find_email(author)
        if email:
            author = author.replace(email, "")
            author = author.replace("()", "")
            author = author.replace("<>", "")
            author = author.replace("&lt;&gt;", "")
            author = author.strip()
            if author and (author[0] == "("):
                author = author[1:]
            if author and (author[-1] == ")"):
                author = author[:-1]
            author = author.strip()
        if author or email:
            context.setdefault(f"{key}_detail", detail)
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email


def _tag_key(tag: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (dict.get(tag, "term"), dict.get(tag, "scheme"), dict.get(tag, "label"))


def _add_tag(self: Any, term: Any, scheme: Any, label: Any) -> None:
    # feedparser 6.0's method, with a set beside the list. feedparser may still change the last
    # tag (a <category> whose text comes after its attributes), so that one is compared as it
    # is now, and goes into the set only once a later tag follows it.
    context = self._get_context()
    tags = context.setdefault("tags", [])
    if (not term) and (not scheme) and (not label):
        return
    states = self.__dict__.setdefault("_linear_tags_seen", {})
    # [the list (held, so that its id stays its own), the keys of its tags, how many are in]
    state = states.setdefault(id(tags), [tags, set(), 0])
    seen, counted = state[1], state[2]
    if counted < len(tags) - 1:
        seen.update(_tag_key(tag) for tag in tags[counted:-1])
        state[2] = len(tags) - 1
    key = (term, scheme, label)
    if key in seen or (tags and _tag_key(tags[-1]) == key):
        return
    tags.append(FeedParserDict(term=term, scheme=scheme, label=label))


_ORIGINALS: dict[str, Any] = {}


def apply() -> None:
    """Replace both steps (once; later calls do nothing)."""
    for name, replacement in (("_sync_author_detail", _sync_author_detail), ("_add_tag", _add_tag)):
        if name not in _ORIGINALS:
            _ORIGINALS[name] = getattr(_Mixin, name)
            setattr(_Mixin, name, replacement)


def undo() -> None:
    """feedparser's own steps again (the tests compare the two)."""
    for name, original in _ORIGINALS.items():
        setattr(_Mixin, name, original)
    _ORIGINALS.clear()

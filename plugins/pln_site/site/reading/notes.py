"""Notes: short posts without a title of their own (a toot, a skeet, a micro post).

The river shows a note as Mastodon and micro.blog do: its whole text, under its author and a
permalink on its date, with no heading made up for it. The rule is the microformats' one (post
type discovery): an entry with no name, or a name that is only the start of its text, is a
note; here it must also be short, as a long titleless post still reads better under the start
of its text as a stand-in title (river.stand_in_title) and cut to an excerpt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from pln_site.text import stand_in_text

#: The longest text (in characters of plain text) a note may have: Mastodon's default limit,
#: above Bluesky's (300) and micro.blog's (280), so that a post from any of them is a note.
NOTE_MAX_CHARS = 500
#: HTML longer than this many times NOTE_MAX_CHARS is no note, whatever its text: a toot's
#: links and mentions take a few hundred characters of markup each, and reading a long post's
#: whole text only to find it long would cost every build.
MARKUP_PER_CHAR = 16
_ELLIPSES = ("…", "...")


def is_note(
    title: str,
    html: str,
    max_chars: int = NOTE_MAX_CHARS,
    text_of: Callable[[str], str | None] | None = None,
) -> bool:
    """Whether an entry with this title (plain text) and sanitized HTML is a note. An entry
    with neither text nor a title is not one: it has nothing to show but a link. `text_of`
    stands for note_text (a cache of it, say)."""
    text = text_of(html) if text_of else note_text(html, max_chars)
    if text is None:
        return False
    own = title.strip()
    return not own or title_is_text_start(own, text)


def note_text(html: str, max_chars: int = NOTE_MAX_CHARS) -> str | None:
    """The whole plain text of sanitized `html` when it is short enough for a note (and not
    empty HTML), else None."""
    if not html or len(html) > MARKUP_PER_CHAR * max_chars:
        return None
    text = stand_in_text(html, len(html))  # never longer than the HTML: not cut
    return text if len(text) <= max_chars else None


def title_is_text_start(title: str, text: str) -> bool:
    """Whether `title` is the start of `text` as a feed cuts it for a titleless post: the whole
    text, a start that ends with an ellipsis, or one cut within a word. A title that opens its
    text at a word's end ("Office hours" over "Office hours moved.") is the author's own: post
    type discovery would take it for a note, and headings are what such posts lose first."""
    squeezed_title, squeezed_text = _squeezed(title), _squeezed(text)
    if not squeezed_title:
        return False
    if squeezed_title == squeezed_text:
        return True
    for ellipsis in _ELLIPSES:
        if squeezed_title.endswith(ellipsis):
            start = squeezed_title.removesuffix(ellipsis).rstrip()
            return bool(start) and squeezed_text.startswith(start)
    if not squeezed_text.startswith(squeezed_title):
        return False
    return squeezed_title[-1].isalnum() and squeezed_text[len(squeezed_title)].isalnum()


def _squeezed(text: str) -> str:
    """`text` as compared: one space for each run of white space, case and width folded."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

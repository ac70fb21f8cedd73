"""Plain text, one rule each: feed or page HTML as text, control characters, bidi controls,
cutting text to a length, and initials for a name. Titles, names and categories are plain text
everywhere; the templates escape them like any other string."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

import nh3

from pln_site.xmltext import NONCHARACTER_SUSPECTS, is_noncharacter

PLAIN_TEXT_MAX_CHARS = 300
#: HTML nested deeper than this is an attack, not writing: the HTML5 tree builder's work grows
#: with the square of the depth (50,000 nested <div>s take seconds, nested lists over a minute),
#: so such HTML is kept as its text, without building a tree at all.
MAX_NESTING = 512
# Elements that never hold others, or whose end tag is optional: they add no depth to count.
_FLAT_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
        "tfoot", "option", "optgroup", "rb", "rt", "rp", "rtc", "colgroup", "caption", "html",
        "head", "body",
    }
)  # fmt: skip

#: Two more costs of the HTML5 tree builders (html5ever in nh3, html5lib) that are not depth.
#: Each attribute of a tag is checked against the ones before it, so one tag with many
#: attributes costs their square (a 1 MB tag of distinct names took nh3 5 s); real feeds have
#: at most 19 on a tag.
MAX_ATTRIBUTES = 256
#: Formatting elements left open are re-opened after every block that closes them, so a few
#: dozen distinct open <b>s and a run of "</p><p>x" make the tree many times the size of the
#: input (16 of them: 1 MB in, 35 MB and 2.5 s out). The work counted is the open formatting
#: elements at each tag (real feeds keep at most 3 open); past this share of the length, it is
#: an attack.
FORMATTING_WORK_PER_CHAR = 0.5
_FORMATTING_ELEMENTS = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt"}
    | {"u"}
)
# Below this length no attribute count or open formatting element can cost much.
_CHEAP_CHARS = 4096
# What an HTML5 tokenizer reads at a "<": a comment (one that opens with "<!-->" or "<!--->"
# is closed there), a bogus comment or a doctype (to the next ">"), or a tag, whose "<" and stray
# quotes do not end it, and whose quoted attribute values may hold ">". What is not read as
# markup (inside a comment or a quoted value) hides no tag from the count. Possessive and lazy
# quantifiers that stop at their ends: each one is read once, without backtracking.
_MARKUP = re.compile(
    r"""<!--(?:-?>|.*?(?:--!?>|\Z))"""
    r"""|<(?:[!?]|/(?![A-Za-z]))[^>]*+>?"""
    r"""|<(/?)([A-Za-z][^\s/>]*+)((?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+')?+|["'])*+)""",
    re.DOTALL,
)
# Elements whose content is text up to their end tag; after <plaintext>, everything is.
_TEXT_ELEMENTS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
_QUOTED_VALUE = re.compile(r"""=\s*+(?:"[^"]*+"|'[^']*+')""")
# A tag with MAX_ATTRIBUTES attributes is at least this long (a name and a separator each).
_LONG_TAG_CHARS = 2 * MAX_ATTRIBUTES

_WHITESPACE = re.compile(r"\s+")

# C0 controls other than tab/newline are never meaningful in text (often pasted garbage);
# C1 controls in real feeds are nearly always windows-1252 punctuation decoded as Latin-1
# ("don\x92t"), so they become the character that was meant. Lone surrogates (JSON can spell
# them: "\ud800") and noncharacters are no text either: no UTF-8 file or XML document can
# carry the first, and the HTML sanitizer refuses them. A regex rather than str.translate:
# almost no text has any, and searching is much faster than mapping.
_CONTROL_CHAR = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{NONCHARACTER_SUSPECTS}]"
)


def _meant_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code > 0xFFFF:  # past U+1FFFE: only the noncharacters among these go
        return "" if is_noncharacter(char) else char
    if not 0x80 <= code <= 0x9F:
        return ""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return ""


def strip_control_chars(text: str) -> str:
    """`text` without control characters (C1 ones read as the windows-1252 they meant), lone
    surrogates and noncharacters."""
    return _CONTROL_CHAR.sub(_meant_char, text)


# The bidi controls that reorder the text after them until closed: embeddings and overrides
# (LRE, RLE, LRO, RLO, closed by PDF) and isolates (LRI, RLI, FSI, closed by PDI).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENS_EMBEDDING = frozenset("\u202a\u202b\u202d\u202e")
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")
_PDF, _PDI = "\u202c", "\u2069"


def without_unbalanced_bidi(text: str) -> str:
    """`text` without the bidi controls that are not closed in it (or close nothing).

    An override left open ("Invoice <U+202E>fdp.exe") reorders whatever follows the text: the
    author's name, a date, the next title. Balanced pairs stay: they only arrange the text
    between them, as right-to-left writing may need. Pages also isolate feed text in <bdi>;
    this is for where text goes without markup (the output feeds, titles, terminals).
    """
    if BIDI_CONTROLS.search(text) is None:  # nearly always
        return text
    opened: list[tuple[int, bool]] = []  # (position, is an isolate), innermost last
    dropped: set[int] = set()
    for match in BIDI_CONTROLS.finditer(text):
        char, at = match.group(), match.start()
        if char in _OPENS_EMBEDDING or char in _OPENS_ISOLATE:
            opened.append((at, char in _OPENS_ISOLATE))
        elif char == _PDF:  # closes the innermost embedding, never across an isolate
            if opened and not opened[-1][1]:
                opened.pop()
            else:
                dropped.add(at)
        elif any(is_isolate for _, is_isolate in opened):  # PDI: closes the innermost isolate
            while not opened.pop()[1]:  # and the embeddings opened inside it (UAX #9, X6a)
                pass
        else:
            dropped.add(at)
    dropped.update(at for at, _ in opened)
    return "".join(char for at, char in enumerate(text) if at not in dropped)


def too_deep(value: str, limit: int = MAX_NESTING) -> bool:
    """True when elements in `value` nest more than `limit` deep (counted from the tags alone)."""
    if value.count("<") <= limit:  # cannot nest that deep: the common case costs one count
        return False
    tags = ((end, name) for end, name, _ in html_tags(value) if name not in _FLAT_ELEMENTS)
    return nesting_exceeds(tags, limit)


def html_tags(value: str) -> Iterator[tuple[bool, str, str]]:
    """The tags of the HTML `value` in order, as (is an end tag, lowercased name, the text of its
    attributes), skipping comments, doctypes and the content of <script>, <textarea>..."""
    position = 0
    while match := _MARKUP.search(value, position):
        position = match.end()
        name = match.group(2)
        if name is None:  # a comment or the like
            continue
        is_end, name = bool(match.group(1)), name.lower()
        yield is_end, name, match.group(3)
        if is_end:
            continue
        if name == "plaintext":
            return
        if name in _TEXT_ELEMENTS:
            end = _end_tag_at(value, name, position)
            if end < 0:
                return
            position = end


def costly_markup(value: str) -> str | None:
    """Why parsing `value` as HTML would cost more than time in proportion to its length (in
    words: "nested more than 512 deep"...), or None when it would not."""
    if too_deep(value):
        return f"nested more than {MAX_NESTING} deep"
    if len(value) < _CHEAP_CHARS or "<" not in value:
        return None
    return _costly_tags(value)


def _costly_tags(value: str) -> str | None:
    # Open formatting elements as the HTML5 "list of active formatting elements" holds them: at
    # most three alike (same name and attributes); an end tag closes the last of its name.
    alike: dict[tuple[str, str], int] = {}
    open_by_name: dict[str, list[tuple[str, str]]] = {}
    open_count = 0
    work = 0
    work_limit = len(value) * FORMATTING_WORK_PER_CHAR
    for is_end, name, attributes in html_tags(value):
        if len(attributes) > _LONG_TAG_CHARS and _attribute_count(attributes) > MAX_ATTRIBUTES:
            return f"a tag with more than {MAX_ATTRIBUTES} attributes"
        if name not in _FORMATTING_ELEMENTS:
            work += open_count
            if work > work_limit:
                return "formatting elements left open to be re-opened many times"
        elif not is_end:
            key = (name, attributes)
            count = alike.get(key, 0)
            alike[key] = count + 1
            open_count += count < 3
            open_by_name.setdefault(name, []).append(key)
        elif open_by_name.get(name):
            key = open_by_name[name].pop()
            alike[key] -= 1
            open_count -= alike[key] < 3
    return None


# nh3 (html5ever) builds one text node in time that grows with the square of its length when the
# text holds "&", a no-break space, "©" and their like (2 MiB of "©": 30 s). An empty comment
# every so many characters of a long run of text splits the node while it is built, and nh3
# drops comments, so what comes out is the same (2 MiB of "©": 0.08 s).
_TEXT_PIECE_CHARS = 2048
_SPLIT_COMMENT = "<!---->"
_REFERENCE_TAIL = re.compile(r"&[#A-Za-z0-9]{0,40}\Z")  # a character reference not yet ended
_NOT_SPLIT_IN = _TEXT_ELEMENTS | {"noscript"}  # their text is not markup: a comment would show


def with_short_text_nodes(value: str) -> str:
    """`value` with `<!---->` between pieces of its long runs of text (see above), never inside a
    tag, a comment, a character reference, a CR LF pair or an element whose text is not markup."""
    if len(value) < 4 * _TEXT_PIECE_CHARS:
        return value
    kept: list[str] = []
    text_from = 0  # where the current run of text starts
    position = 0
    while True:
        match = _MARKUP.search(value, position)
        text_to = match.start() if match else len(value)
        kept.append(_split_text(value[text_from:text_to]))
        if match is None:
            break
        position = text_from = match.end()
        kept.append(match.group())
        name = (match.group(2) or "").lower()
        if match.group(2) is not None and not match.group(1):
            if name == "plaintext":
                kept.append(value[position:])
                break
            if name in _NOT_SPLIT_IN:
                end = _end_tag_at(value, name, position)
                end = len(value) if end < 0 else end
                kept.append(value[position:end])
                position = text_from = end
    return "".join(kept)


def _split_text(text: str) -> str:
    if len(text) <= _TEXT_PIECE_CHARS:
        return text
    pieces: list[str] = []
    start = 0
    while len(text) - start > _TEXT_PIECE_CHARS:
        cut = start + _TEXT_PIECE_CHARS
        if reference := _REFERENCE_TAIL.search(text, cut - 41, cut):
            cut = reference.start()  # before the "&" of a reference the cut would go through
        if text[cut - 1] == "\r":
            cut -= 1  # CR LF is one line break; apart, it would be two
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return _SPLIT_COMMENT.join(pieces)


def _end_tag_at(value: str, name: str, start: int) -> int:
    """Where the first end tag of `name` after `start` begins, in any case; -1 when none does."""
    pattern = _END_TAGS.get(name)
    if pattern is None:
        # An end tag only when whitespace, "/" or ">" follows its name, as HTML5 reads it.
        pattern = _END_TAGS[name] = re.compile(f"</{name}(?=[\\s/>])", re.IGNORECASE)
    found = pattern.search(value, start)
    return found.start() if found else -1


_END_TAGS: dict[str, re.Pattern[str]] = {}


def _attribute_count(attributes: str) -> int:
    """At least the number of attributes in a tag's text after its name."""
    # Quoted values may hold spaces; each name is a word, or follows an "=" (a="1"b="2").
    names = _QUOTED_VALUE.sub("=", attributes)
    return len(names.split()) + names.count("=")


def nesting_exceeds(tags: Iterable[tuple[bool, str]], limit: int) -> bool:
    """True when tags, in order ((True, name) for an end tag, (False, name) for a start tag),
    nest more than `limit` deep.

    As parsers read them: an end tag closes the innermost open element of its name and those
    opened inside it, and one with no open element of its name closes nothing (counting every
    end tag as one step out, stray "</div>"s hid thousands of open <b>s).
    """
    stack: list[str] = []
    open_by_name: dict[str, int] = {}
    for is_end, name in tags:
        if not is_end:
            stack.append(name)
            open_by_name[name] = open_by_name.get(name, 0) + 1
            if len(stack) > limit:
                return True
        elif open_by_name.get(name):
            while (closed := stack.pop()) != name:
                open_by_name[closed] -= 1
            open_by_name[name] -= 1
    return False


def text_without_tags(value: str) -> str:
    """The text of `value` with every tag dropped, and with the content of <style>, <script>
    and the other elements whose content is code or a fallback (CSS is no text to show), without
    parsing it."""
    # The tokenizer's reading of the tags (html_tags), not a parser: no tree is built, so
    # nothing grows with the depth, and each part of `value` is read once.
    kept: list[str] = []
    position = 0
    length = len(value)
    while position < length and (match := _MARKUP.search(value, position)):
        kept += (value[position : match.start()], " ")
        position = match.end()
        if value.startswith(">", position):
            position += 1  # a tag's match stops before the ">" that ends it
        name = (match.group(2) or "").lower()
        if not name or match.group(1):
            continue  # a comment, a doctype or an end tag
        if name == "plaintext":
            position = length
        elif name in _TEXT_ELEMENTS:
            end = _end_tag_at(value, name, position)
            position = length if end < 0 else end
    kept.append(value[position:])
    return html.unescape("".join(kept))


def plain_text(
    value: str | None, max_chars: int = PLAIN_TEXT_MAX_CHARS, *, is_html: bool = True
) -> str:
    """Feed text (titles, names, categories) as plain text.

    Tags are stripped, character references decoded once, whitespace collapsed, and the result
    cut to `max_chars` at a word boundary with an ellipsis. With `is_html=False` the value is
    already text (a feed said so): "<" and "&" in it are kept as the characters they are.
    """
    if not value:
        return ""
    value = strip_control_chars(value)  # before nh3, which refuses lone surrogates
    if is_html and costly_markup(value):
        value = text_without_tags(value)
    elif is_html and ("<" in value or "&" in value):
        # nh3 drops every tag (and script/style content) and returns escaped text; unescaping
        # that once decodes the input's own references exactly once.
        value = html.unescape(nh3.clean(with_short_text_nodes(value), tags=set()))
    # Again after decoding references; bidi controls left open are dropped (see
    # without_unbalanced_bidi), and once more after cutting, which may cut off a pair's end.
    text = without_unbalanced_bidi(strip_control_chars(value))
    text = _WHITESPACE.sub(" ", text).strip()
    cut = truncate_text(text, max_chars)
    return text if cut is text else without_unbalanced_bidi(cut)


def stand_in_text(value: str | None, max_chars: int) -> str:
    """The start of what a reader sees of sanitized HTML `value`: a stand-in title for a
    titleless post, never markup, CSS or script. Markup a feed escaped twice ("&lt;style&gt;
    p {color: red}&lt;/style&gt;Hello") passes the sanitizer as text; it is read as HTML once
    more, so that neither its tags nor the content of its <style> or <script> show."""
    if not value:
        return ""
    text = plain_text(value, len(value))
    if "<" in text and next(html_tags(text), None) is not None:
        text = plain_text(text, len(text))
    return plain_text(text, max_chars, is_html=False)


def truncate_text(text: str, max_chars: int) -> str:
    """`text` cut to at most `max_chars` characters at a word boundary, with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def initials(name: str) -> str:
    """Up to two letters for the avatar fallback: "Amara Okafor" -> "AO", "Chen" -> "C"."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()

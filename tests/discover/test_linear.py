"""Malformed markup made readable by HTMLParser in linear time, each line where it was."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from pln_site.discover.linear import readable_in_linear_time, well_formed
from tests.support.effort import cpu_seconds


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, int, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, self.getpos()[0], dict(attrs)))


def tags(text: str) -> list[tuple[str, int, dict[str, str | None]]]:
    reader = _Tags()
    reader.feed(text)
    reader.close()
    return reader.seen


def test_well_formed_is_expat_s_verdict():
    assert well_formed("<opml><body/></opml>")
    assert not well_formed("<opml><body>")
    assert not well_formed("<a x=1/>")


def test_start_tags_are_written_again_with_double_quotes_on_their_lines():
    text = '<outline text=\'Ada "A"\' n=1\n  flag xmlUrl="https://a.example/">\n<b>'
    readable = readable_in_linear_time(text)
    assert readable.count("\n") == text.count("\n")
    assert tags(readable) == tags(text)
    assert readable.startswith('<outline text="Ada &quot;A&quot;" n="1" flag')


@pytest.mark.parametrize(
    "never_ends", ["<a", "<!-- no end", "<![CDATA[ no end", "<?x", "</a", "<a x='><a'"]
)
def test_a_construct_that_never_ends_becomes_text(never_ends):
    readable = readable_in_linear_time("<outline text='A'/>" + never_ends)
    assert tags(readable) == [("outline", 1, {"text": "A"})]
    assert "<" not in readable[len('<outline text="A"/>') :]


def test_constructs_that_end_are_kept():
    text = "<!-- a comment --><![CDATA[ x ]]><?pi?></outline>"
    assert readable_in_linear_time(text) == text


def test_a_marked_section_html_parser_cannot_read_is_left_for_it_to_refuse():
    assert readable_in_linear_time("<![foo[ x") == "<![foo[ x"


@pytest.mark.parametrize("unit", ["<a", "<!--", "<![CDATA[", "</a", "<?x"])
def test_the_rewritten_text_is_read_fast(unit):
    with cpu_seconds() as effort:
        tags(readable_in_linear_time(unit * 100_000))
    assert effort.seconds < 5, f"{unit!r}: {effort.seconds:.1f} s of CPU"

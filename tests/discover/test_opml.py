"""The one OPML reader: listparser's feeds and every outline with its line, read strictly (a
blogroll from the web: well-formed XML only) or tolerantly (an export: malformed ones too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_site.discover.opml import NotOpml, NotWellFormed, parse_opml
from tests.support.effort import cpu_seconds

SAMPLES = Path(__file__).resolve().parent.parent / "support" / "opml"

EXPORT = """<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
<outline text="Friends" title="Friends">
  <outline text="Ada" type="rss" xmlUrl="https://ada.example/feed" htmlUrl="https://ada.example/"/>
  <outline text="Kim's bookmark" type="link" url="https://kim.example/"/>
</outline>
<outline text="Empty folder"></outline>
</body></opml>
"""


@pytest.mark.parametrize("tolerant", [False, True], ids=["strict", "tolerant"])
def test_the_feeds_come_from_listparser_and_every_outline_with_its_line(tolerant):
    opml = parse_opml(EXPORT, tolerant=tolerant)
    assert [(feed["url"], feed["title"]) for feed in opml.feeds] == [
        ("https://ada.example/feed", "Ada")
    ]
    assert [(o.line, o.attributes.get("text"), o.holds_outlines) for o in opml.outlines] == [
        (3, "Friends", True),
        (4, "Ada", False),
        (5, "Kim's bookmark", False),
        (7, "Empty folder", False),
    ]


@pytest.mark.parametrize("tolerant", [False, True], ids=["strict", "tolerant"])
def test_attribute_names_are_lowercase_and_values_as_written(tolerant):
    text = (
        '<opml version="2.0"><body><outline XMLURL="https://a.example/f" Text=" A "/></body></opml>'
    )
    (outline,) = parse_opml(text, tolerant=tolerant).outlines
    assert outline.attributes == {"xmlurl": "https://a.example/f", "text": " A "}


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir()))
def test_both_readings_agree_on_a_well_formed_export(sample):
    text = (SAMPLES / sample).read_text("utf-8")
    strict, tolerant = parse_opml(text), parse_opml(text, tolerant=True)
    assert strict.feeds == tolerant.feeds
    assert strict.outlines == tolerant.outlines


@pytest.mark.parametrize("tolerant", [False, True], ids=["strict", "tolerant"])
def test_a_document_that_is_not_opml_is_refused(tolerant):
    rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    with pytest.raises(NotOpml):
        parse_opml(rss, tolerant=tolerant)


def test_strictly_a_malformed_file_is_refused_with_expat_s_words():
    with pytest.raises(NotWellFormed, match="no element found|unclosed token"):
        parse_opml("<opml version='2.0'><body><outline")


def test_tolerantly_a_malformed_file_is_read_and_its_open_outlines_kept():
    text = EXPORT.replace("</body></opml>\n", '<outline text="Last" xmlUrl="https://z.example/f">')
    opml = parse_opml(text, tolerant=True)
    assert "https://z.example/f" in [feed["url"] for feed in opml.feeds]
    last = opml.outlines[-1]
    assert (last.line, last.attributes["text"], last.holds_outlines) == (8, "Last", False)


def test_tolerantly_a_valueless_attribute_is_empty():
    text = '<opml version="2.0"><body><outline text="A" isComment xmlUrl="https://a.example/f">'
    (outline,) = parse_opml(text, tolerant=True).outlines
    assert outline.attributes["iscomment"] == ""


def test_tolerantly_a_marked_section_html_parser_cannot_read_is_not_well_formed():
    with pytest.raises(NotWellFormed, match="marked section"):
        parse_opml(EXPORT + "<![foo[ x", tolerant=True)


def test_tolerantly_a_file_ending_in_unclosed_tags_is_read_fast():
    # HTMLParser alone took the square of the file on this (100 KB took 20 s).
    with cpu_seconds() as effort:
        opml = parse_opml(EXPORT + "<a" * 200_000, tolerant=True)
    assert [feed["url"] for feed in opml.feeds] == ["https://ada.example/feed"]
    assert effort.seconds < 5, f"{effort.seconds:.1f} s of CPU"

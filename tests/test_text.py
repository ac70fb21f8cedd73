"""Plain text, one rule each: text from HTML, control characters, bidi controls, cut lengths,
initials."""

from __future__ import annotations

import pytest

from pln_site.text import (
    initials,
    plain_text,
    strip_control_chars,
    truncate_text,
    without_unbalanced_bidi,
)


@pytest.mark.parametrize(
    "name, letters",
    [
        ("Amara Okafor", "AO"),
        ("Chen", "C"),
        ("José da Silva", "JS"),
        ("<>", "?"),
        # The river and the directory once disagreed here ("J" against "JL").
        ("Jean-Luc", "JL"),
        ("Anne-Marie Dubois", "AD"),
    ],
)
def test_initials(name, letters):
    assert initials(name) == letters


def test_plain_text_drops_tags_and_decodes_references_once():
    assert plain_text("<b>Fish &amp;amp; chips</b>\n  today") == "Fish &amp; chips today"
    assert plain_text("a < b & c", is_html=False) == "a < b & c"


def test_control_characters_go_and_c1_ones_become_what_was_meant():
    assert strip_control_chars("don\x92t\x00") == "don\u2019t"


def test_text_is_cut_at_a_word_with_an_ellipsis():
    cut = truncate_text("one two three four five", 12)
    assert cut == "one two…" and len(cut) <= 12
    assert truncate_text("short", 12) == "short"


def test_lone_surrogates_and_noncharacters_are_no_text():
    # JSON can spell a lone surrogate ("\ud800"); no UTF-8 file can hold one, nh3 refuses it.
    assert strip_control_chars("a\ud800b\udfffc\ufffe\uffff\ufdd0\U0010ffffd") == "abcd"
    assert plain_text("Fish \ud800&amp; <b>chips</b> \ufffe") == "Fish & chips"
    assert plain_text("&#x1;&#xFFFE;a") == "a"  # references decoded to controls go too


RLO, RLE, PDF, RLI, PDI, LRO = "\u202e", "\u202b", "\u202c", "\u2067", "\u2069", "\u202d"


@pytest.mark.parametrize(
    "text, kept",
    [
        (f"Invoice {RLO}fdp.exe", "Invoice fdp.exe"),  # left open: dropped
        (f"a {RLE}שלום{PDF} b", f"a {RLE}שלום{PDF} b"),  # balanced: kept as written
        (f"a {RLI}שלום{PDI} b", f"a {RLI}שלום{PDI} b"),
        (f"x {PDF} y {PDI}", "x  y "),  # closing nothing: dropped
        (f"{RLI}a {RLO}b{PDI} c", f"{RLI}a {RLO}b{PDI} c"),  # PDI closes the override in it
        (f"{RLO}a {RLI}b{PDF}", "a b"),  # PDF cannot close across an isolate: all dropped
        (f"{RLO}{LRO}x{PDF}", f"{LRO}x{PDF}"),  # the outer one is left open
        ("plain text", "plain text"),
    ],
)
def test_bidi_controls_left_open_are_dropped(text, kept):
    assert without_unbalanced_bidi(text) == kept


def test_feed_text_never_leaves_an_override_open():
    assert plain_text(f"Invoice {RLO}fdp.exe") == "Invoice fdp.exe"
    # Cutting the text may cut off the end of a pair: then the start goes as well.
    cut = plain_text(f"a {RLO}" + "word " * 100 + PDF, 50)
    assert RLO not in cut and cut.endswith("…")

"""Plain text, one rule each: text from HTML, control characters, cut lengths, initials."""

from __future__ import annotations

import pytest

from pln_site.text import initials, plain_text, strip_control_chars, truncate_text


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

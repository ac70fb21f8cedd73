"""What the benchmarks led to: excerpts cut from the start of a post and kept between builds, and a
pagination that does not list every page on every page. Each must give the same result as
the slow way."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pln_site.site.reading.excerpt as excerpt_module
from pln_site.site.reading.excerpt import excerpt_html, is_cut
from pln_site.site.reading.excerptcache import ExcerptCache
from pln_site.site.reading.river import page_window

WORDS = st.sampled_from(["alpha", "beta", "gamma", "&amp;", "x", "long-word", " ", "  ", "\n"])
TEXT = st.lists(WORDS, max_size=12).map(" ".join)
TAGS = st.sampled_from(["p", "em", "strong", "a", "code", "pre", "li", "img", "table"])


@st.composite
def html_documents(draw):
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        if tag == "img":
            parts.append('<img src="https://i.example/a.png" alt="a">')
        else:
            parts.append(f"<{tag}>{draw(TEXT)}</{tag}>")
        parts.append(draw(TEXT))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(html_documents(), st.integers(1, 120), html_documents())
def test_what_follows_a_cut_changes_nothing(document, limit, more):
    """An excerpt stops reading at its cut: whatever follows the text it cut cannot change it."""
    cut = excerpt_html(document, limit)
    if is_cut(cut):
        assert excerpt_html(f"{document}<p>{more}</p>", limit) == cut


def test_a_long_post_is_read_only_as_far_as_its_excerpt(monkeypatch):
    read = []
    tokens = excerpt_module._tokens

    def counted(value):
        for token in tokens(value):
            read.append(token)
            yield token

    monkeypatch.setattr(excerpt_module, "_tokens", counted)
    post = "".join(
        f"<p>Paragraph {n} of a long post, with <em>some</em> words.</p>" for n in range(5000)
    )
    assert is_cut(excerpt_module.excerpt_html(post, 120))
    assert len(read) < 40  # of 20,000 tags


def test_the_excerpt_cache_returns_what_excerpt_html_returns_and_keeps_it(tmp_path):
    path = tmp_path / "planet-excerpts.json"
    html = "<p>" + "word " * 200 + "</p>"
    first = ExcerptCache(path)
    assert first.excerpt(html, 50) == excerpt_html(html, 50)
    first.save()
    second = ExcerptCache(path)
    assert second.excerpt(html, 50) == excerpt_html(html, 50)
    assert second.hits == 1
    assert second.excerpt(html, 60) == excerpt_html(html, 60)  # the length is part of the key
    assert second.hits == 1


def test_the_excerpt_cache_keeps_only_what_the_last_build_used(tmp_path):
    path = tmp_path / "planet-excerpts.json"
    old = ExcerptCache(path)
    old.excerpt("<p>gone</p>", 10)
    old.save()
    new = ExcerptCache(path)
    new.excerpt("<p>kept</p>", 10)
    new.save()
    stored = json.loads(path.read_text())["excerpts"]
    assert list(stored.values()) == ["<p>kept</p>"]


@pytest.mark.parametrize("content", ["not json", '{"version": "0", "excerpts": {}}', "[]"])
def test_a_damaged_or_old_cache_is_ignored(tmp_path, content):
    path = tmp_path / "planet-excerpts.json"
    path.write_text(content)
    cache = ExcerptCache(path)
    assert cache.excerpt("<p>text</p>", 10) == "<p>text</p>"
    assert cache.hits == 0
    cache.save()
    assert json.loads(path.read_text())["excerpts"]


def test_a_forged_cache_entry_of_the_wrong_type_is_ignored(tmp_path):
    path = tmp_path / "planet-excerpts.json"
    cache = ExcerptCache(path)
    cache.excerpt("<p>text</p>", 10)
    cache.save()
    data = json.loads(path.read_text())
    data["excerpts"] = {key: ["not", "text"] for key in data["excerpts"]}
    path.write_text(json.dumps(data))
    again = ExcerptCache(path)
    assert again.excerpt("<p>text</p>", 10) == "<p>text</p>"
    assert again.hits == 0


def _numbers(current: int, count: int) -> list[int | None]:
    return [number for number, _ in page_window(current, [f"p{n}" for n in range(1, count + 1)])]


def test_short_rivers_list_every_page():
    assert _numbers(3, 7) == [1, 2, 3, 4, 5, 6, 7]
    assert _numbers(1, 1) == [1]


def test_long_rivers_list_the_ends_and_the_neighbourhood():
    assert _numbers(1, 600) == [1, 2, 3, None, 600]
    assert _numbers(300, 600) == [1, None, 298, 299, 300, 301, 302, None, 600]
    assert _numbers(600, 600) == [1, None, 598, 599, 600]
    assert _numbers(4, 600) == [1, 2, 3, 4, 5, 6, None, 600]


@given(st.integers(1, 400), st.data())
def test_every_window_holds_its_page_the_ends_and_correct_urls(count, data):
    current = data.draw(st.integers(1, count))
    urls = [f"page/{n}/" for n in range(1, count + 1)]
    window = page_window(current, urls)
    shown = [number for number, _ in window if number is not None]
    assert shown == sorted(set(shown))
    assert {1, count, current} <= set(shown)
    assert len(window) <= 9
    for number, url in window:
        assert (number is None) == (url is None)
        if number is not None:
            assert url == urls[number - 1]
    for (a, _), (b, _) in zip(window, window[1:], strict=False):
        if a is not None and b is not None:
            assert b == a + 1  # a gap is always marked

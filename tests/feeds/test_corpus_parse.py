"""Every real-world feed in the corpus parses to entries or fails with a FeedParseError."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pln_site.entries import FeedParseError, ParsedFeed
from pln_site.feeds.parse.feed import parse_feed
from tests.support.parse_fixtures import balanced, parse_html

# Files the corpus marks as not a readable feed on purpose (no entries to recover).
MAY_FAIL = {"fixture-feedparser-undeclared-itunes-prefix.xml"}


def manifest(corpus_dir: Path) -> dict[str, dict[str, str]]:
    with (corpus_dir.parent / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def parse_file(corpus_dir: Path, name: str) -> ParsedFeed:
    return parse_feed((corpus_dir / name).read_bytes(), url=f"https://corpus.example/{name}")


def test_every_file_parses_or_fails_with_a_reason(corpus_dir):
    rows = manifest(corpus_dir)
    assert len(rows) >= 70
    problems = []
    parsed_count = 0
    for name, row in sorted(rows.items()):
        try:
            feed = parse_file(corpus_dir, name)
        except FeedParseError as error:
            if not str(error) or name not in MAY_FAIL:
                problems.append(f"{name}: FeedParseError {error}")
            continue
        except Exception as error:  # noqa: BLE001 - the point is that nothing else escapes
            problems.append(f"{name}: {type(error).__name__}: {error}")
            continue
        parsed_count += 1
        well_formed = "NOT-WELLFORMED" not in row["auto_features"]
        if well_formed and len(feed.entries) != int(row["entries"]):
            problems.append(f"{name}: {len(feed.entries)} entries, manifest says {row['entries']}")
        for entry in feed.entries:
            if entry.link is not None and not entry.link.startswith(("http://", "https://")):
                problems.append(f"{name}: link {entry.link!r}")
            for html in (entry.content_html, entry.summary_html):
                elements = set(parse_html(html).elements)
                if elements & {"script", "iframe", "style", "object", "embed", "svg", "form"}:
                    problems.append(f"{name}: {elements}")
            for date in (entry.published, entry.updated):
                if date is not None and date.utcoffset() is None:
                    problems.append(f"{name}: naive date {date}")
    assert problems == []
    assert parsed_count >= len(rows) - len(MAY_FAIL)


@pytest.mark.parametrize(
    ("name", "feed_title", "entry_title"),
    [
        ("fixture-feedparser-koi8r-undeclared-ru.xml", None, "Как пережить новогоднюю ночь"),
        ("jn-rss2-iso-8859-1-pt.rss", "Jornal de Notícias - Últimas Notícias",
         "Mãe de utente é a nova presidente da Raríssimas"),
        ("feedcreator-rss10-iso-8859-1-de.rdf", "Golem.de",
         "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"),
        ("hexo-atom-mmmwhy-zh.xml", "一只肥羊", "Transformer 中的 position embedding 的设计"),
        ("rss2-declared-utf16-actually-8bit-eliotjones-en.xml", "Eliot Jones", None),
    ],
)  # fmt: skip
def test_non_utf8_and_mislabelled_files_give_correct_text(
    corpus_dir, name, feed_title, entry_title
):
    feed = parse_file(corpus_dir, name)
    if feed_title is not None:
        assert feed.title == feed_title
    if entry_title is not None:
        assert feed.entries[0].title == entry_title


def test_undeclared_windows_1255_hebrew(corpus_dir):
    feed = parse_file(corpus_dir, "fixture-feedparser-windows1255-undeclared-he.xml")
    assert parse_html(feed.entries[0].content_html).text.startswith("האם תדפיס נייר")


def test_cp1252_punctuation_in_utf8_is_repaired(corpus_dir):
    feed = parse_file(corpus_dir, "fixture-feedparser-demoronize-cp1252-in-utf8.xml")
    assert "don\u2019t" in parse_html(feed.entries[0].content_html).text


def test_utf16_with_bom_reads(corpus_dir):
    feed = parse_file(corpus_dir, "fixture-feedparser-utf16le-bom.xml")
    assert feed.entries == []
    assert feed.format.startswith("rss")


def test_relative_links_resolve_against_the_feed_url(corpus_dir):
    feed = parse_file(corpus_dir, "fixture-reader-relative-links.rss")
    [entry] = feed.entries
    assert entry.link == "https://corpus.example/blog/post/1"
    assert feed.html_url == "https://corpus.example/file.html"
    urls = parse_html(entry.summary_html).urls()
    assert urls == ["https://corpus.example/target"]


def test_not_well_formed_but_recoverable_feeds_carry_a_warning(corpus_dir):
    feed = parse_file(corpus_dir, "hexo-atom-mmmwhy-zh.xml")
    assert len(feed.entries) == 20
    assert feed.warning and "not well-formed" in feed.warning


def test_tag_soup_content_is_repaired(corpus_dir):
    feed = parse_file(corpus_dir, "fixture-venus-tag-soup-content.xml")
    html = feed.entries[0].content_html
    parsed = parse_html(html)
    # "<i;>" is an element named "i;" to an HTML5 parser (and a browser): not allowed, dropped.
    assert parsed.elements == ["b"]
    assert parsed.text == "This is very confused"
    assert balanced(html)

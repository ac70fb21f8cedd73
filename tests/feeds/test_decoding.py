"""Feeds decoded as browsers decode them: BOM, HTTP charset, XML declaration, UTF-8, then a
fallback chosen with evidence. Each feed here is text we encode ourselves into the bytes a
careless server sends."""

from __future__ import annotations

import pytest

from pln_site.devserver import Route
from pln_site.entries import FeedSource
from pln_site.feeds.parse.feed import decode_document, parse_feed
from pln_site.feeds.update import fetch_all
from tests.support.fetching import BASE_SETTINGS
from tests.support.parse_fixtures import FEED_URL

PORTUGUESE = ["Simulações de física", "Líder do ano", "Educação pública", "Avaliação e exames"]
# Short titles: charset-normalizer alone read these Latin-1 bytes as cp1250 or cp1257.
PORTUGUESE_SHORT = ["Simulações em sala", "O Líder", "Ações", "Lições"]
RUSSIAN = ["Привет, мир", "Новости программирования", "Жизнь и работа", "Заметки о книгах"]
CHINESE = ["中文博客的标题", "关于编程和生活的文章", "今天的天气很好", "学习笔记与读书"]
JAPANESE = ["日本語のブログです", "プログラミングについて", "今日の天気は晴れ", "読書のメモと感想"]
KOREAN = ["한국어 블로그 제목", "프로그래밍과 생활", "오늘의 날씨는 맑음", "독서 노트와 감상"]
GREEK = ["Καλημέρα κόσμε", "Νέα για τον προγραμματισμό", "Σημειώσεις βιβλίων", "Ζωή και δουλειά"]


def undeclared_rss(titles: list[str], *, language: str | None = None) -> str:
    """RSS with no XML declaration and no charset anywhere."""
    items = "".join(
        f"<item><title>{title}</title><link>https://blog.example/{n}</link>"
        f"<description>{title}. {title}.</description></item>"
        for n, title in enumerate(titles)
    )
    tag = f"<language>{language}</language>" if language else ""
    return f'<rss version="2.0"><channel><title>{titles[0]}</title>{tag}{items}</channel></rss>'


def titles_of(body: bytes, content_type: str | None = None) -> list[str]:
    feed = parse_feed(body, url=FEED_URL, content_type=content_type)
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize(
    ("titles", "encoding"),
    [
        (PORTUGUESE, "latin-1"),
        (PORTUGUESE_SHORT, "latin-1"),  # once read as Baltic: "Simulań§es", "O LĒder"
        (PORTUGUESE, "cp1252"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (CHINESE, "gb2312"),
        (JAPANESE, "shift_jis"),
        (KOREAN, "euc-kr"),
        (GREEK, "cp1253"),
    ],
)
def test_undeclared_8bit_feeds_read_right(titles, encoding):
    assert titles_of(undeclared_rss(titles).encode(encoding)) == titles


@pytest.mark.parametrize(
    ("titles", "encoding", "language"),
    [(PORTUGUESE, "latin-1", "pt-BR"), (RUSSIAN, "cp1251", "ru"), (GREEK, "cp1253", "el")],
)
def test_the_feeds_declared_language_chooses_the_codepage(titles, encoding, language):
    # Two short titles give a sniffer little to go on; the feed's language says enough.
    short = titles[:2]
    body = undeclared_rss(short, language=language).encode(encoding)
    assert titles_of(body) == short


def test_a_wrong_http_charset_is_passed_over_for_valid_utf8():
    body = undeclared_rss(PORTUGUESE).encode("utf-8")
    assert titles_of(body, "application/rss+xml; charset=iso-8859-1") == PORTUGUESE


@pytest.mark.parametrize(
    "label", ["iso-8859-1", "windows-1251", "koi8-r", "gb2312", "shift_jis", "euc-kr"]
)
def test_utf8_bytes_under_a_wrong_label_are_read_as_utf8(label):
    body = undeclared_rss(RUSSIAN + PORTUGUESE + CHINESE).encode("utf-8")
    document = decode_document(body, f"application/rss+xml; charset={label}")
    assert all(title in document for title in RUSSIAN + PORTUGUESE + CHINESE)
    declared = f'<?xml version="1.0" encoding="{label}"?>'.encode() + body
    assert all(title in decode_document(declared) for title in RUSSIAN + CHINESE)


def test_a_mislabelled_xml_declaration_that_does_not_fit_the_bytes_is_passed_over():
    # "utf-16" declared on 8-bit bytes: no BOM, no NUL bytes, so it cannot be true.
    body = ('<?xml version="1.0" encoding="utf-16"?>' + undeclared_rss(RUSSIAN)).encode("cp1251")
    assert titles_of(body) == RUSSIAN


def test_http_charset_wins_over_the_xml_declaration():
    body = ('<?xml version="1.0" encoding="utf-8"?>' + undeclared_rss(RUSSIAN)).encode("koi8-r")
    assert titles_of(body, "text/xml; charset=koi8-r") == RUSSIAN


def test_a_bom_wins_over_everything():
    body = b"\xef\xbb\xbf" + undeclared_rss(CHINESE).encode("utf-8")
    assert titles_of(body, "text/xml; charset=gb2312") == CHINESE


def test_decode_document_without_any_evidence_is_windows_1252():
    # Bytes 0x80-0x9f are printable in windows-1252 (what browsers read "latin-1" as).
    assert decode_document(b"<rss><title>\x93quoted\x94 \x80 5</title></rss>") == (
        "<rss><title>\u201cquoted\u201d \u20ac 5</title></rss>"
    )


# Too short for a sniffer to tell: one title of a few words.
FEW_WORDS = {"pt": "Ações e Lições", "ru": "Привет, мир"}


@pytest.mark.parametrize(
    ("languages", "encoding", "title"),
    [(("pt-BR",), "latin-1", FEW_WORDS["pt"]), (("ru", "uk"), "cp1251", FEW_WORDS["ru"])],
)
def test_the_members_languages_choose_the_codepage_through_a_real_fetch(
    server, store, languages, encoding, title
):
    body = (
        f'<rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
        f"<link>https://m.example/1</link></item></channel></rss>"
    ).encode(encoding)
    server.route("/feed.xml", Route(body=body, content_type="application/rss+xml"))
    source = FeedSource("ada", server.url("/feed.xml"), languages=languages)
    fetch_all([source], store, BASE_SETTINGS)
    assert [entry.title for entry in store.entries()] == [title]
    assert [health.title for health in store.feed_health()] == [title]


def test_members_languages_of_two_codepages_leave_it_to_the_bytes():
    body = undeclared_rss(RUSSIAN).encode("cp1251")
    feed = parse_feed(body, url=FEED_URL, languages=("en", "ru"))
    assert [entry.title for entry in feed.entries] == RUSSIAN


def test_invoke_fetch_gives_each_feed_its_members_languages(tmp_path):
    from pln_site.commands.fetch import feed_sources
    from pln_site.members.loader import load_members

    network = tmp_path / "network"
    network.mkdir()
    (network / "ivan.yaml").write_text(
        "name: Ivan Petrov\nurl: https://ivan.example/\nwhy: Writes well.\nsince: 2020\n"
        "topics: [testing]\nlanguages: [ru, uk]\n"
        "feeds:\n  - url: https://ivan.example/feed.xml\n",
        encoding="utf-8",
    )
    [source] = feed_sources(load_members(network, tmp_path / "avatars"))
    assert (source.url, source.languages) == ("https://ivan.example/feed.xml", ("ru", "uk"))

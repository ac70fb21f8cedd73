"""Issue item 2: XML attacks through the real fetch path, in bounded work and memory, reading
no local file and fetching no DTD or entity.

parse.py drops the DOCTYPE before feedparser sees the document, so no entity can be declared;
unit-level tests of that are in tests/planet/test_parse.py. Here every attack is served over HTTP
by a LocalFeedServer and goes through fetch > parse > store, as a member's feed would.
"""

from __future__ import annotations

import tracemalloc

import pytest

from pln_site.devserver import Route
from pln_site.store import Store
from tests.support.effort import cpu_seconds

LOL = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
SECRET = "hostile-xml-secret-7f3a"


def rss_body(title: str, *, doctype: str = "", item_title: str | None = None) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://blog.example/</link><item><guid>http://blog.example/1</guid>"
        f"<title>{item_title or title}</title><description>{title}</description></item>"
        "</channel></rss>"
    ).encode()


def attacks(secret_file: str, dtd_url: str) -> dict[str, bytes]:
    big = "A" * 100_000
    return {
        "billion-laughs": rss_body("&lol9;", doctype=f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LOL}]>'),
        "quadratic-blowup": rss_body(
            "&a;" * 20_000, doctype=f'<!DOCTYPE rss [<!ENTITY a "{big}">]>'
        ),
        "external-entity-file": rss_body(
            "&x;", doctype=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        ),
        "external-entity-http": rss_body(
            "&x;", doctype=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{dtd_url}">]>'
        ),
        "external-dtd": rss_body("&ext;", doctype=f'<!DOCTYPE rss SYSTEM "{dtd_url}">'),
        "public-dtd": rss_body(
            "&ext;", doctype=f'<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{dtd_url}">'
        ),
        "parameter-entity": rss_body(
            "t", doctype=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd_url}"> %p;]>'
        ),
        "parameter-entity-file": rss_body(
            "t", doctype=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{secret_file}"> %p;]>'
        ),
        "xinclude": (
            '<?xml version="1.0"?><rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f"<channel><title>t</title><item><guid>g</guid><title>t</title><description>"
            f'<xi:include href="file://{secret_file}" parse="text"/></description></item>'
            "</channel></rss>"
        ).encode(),
        "xml-stylesheet": (
            f'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="{dtd_url}"?>'
        ).encode()
        + rss_body("t")[len('<?xml version="1.0"?>') :],
        "doctype-in-utf16": rss_body(
            "&x;", doctype=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        )
        .decode()
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
        .encode("utf-16"),
        "deep-nesting": rss_body("t").replace(
            b"<description>t", b"<description>" + b"<x>" * 200_000 + b"</x>" * 200_000
        ),
    }


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return str(path)


CASES = list(attacks("/x", "http://x/").keys())


@pytest.mark.parametrize("case", CASES)
def test_xml_attack_is_harmless(server, fetch, store, store_path, secret_file, case):
    server.route("/evil.dtd", Route(body=f'<!ENTITY ext "{SECRET}">'.encode()))
    body = attacks(secret_file, server.url("/evil.dtd"))[case]
    server.route("/feed.xml", Route.feed(body))
    tracemalloc.start()
    try:
        with cpu_seconds() as effort:
            (feed,) = fetch(server.url("/feed.xml")).feeds
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Either read (without the entities) or refused with a reason; never a crash.
    assert feed.outcome in ("ok", "failed"), feed
    if feed.outcome == "failed":
        assert feed.reason and feed.reason.startswith("not a feed:"), feed.reason
    assert effort.seconds < 5, f"{case} took {effort.seconds:.1f} s of CPU"
    assert peak < 100 * 1024 * 1024, f"{case} used {peak / 2**20:.0f} MiB"
    assert server.hits("/evil.dtd") == 0, "a DTD or entity was fetched"
    store.close()
    raw = store_path.read_bytes() + b"".join(
        p.read_bytes() for p in store_path.parent.glob("*.sqlite3-wal")
    )
    assert SECRET.encode() not in raw, "local file content reached the store"
    with Store(store_path) as reopened:
        for entry in reopened.entries():
            assert len(entry.title) <= 300
            assert "lollollol" not in entry.content_html + entry.title


def test_the_canary_would_be_seen(server, fetch, store_path):
    # The check above looks in the right place: a feed that carries the secret as text shows it.
    server.route("/feed.xml", Route.feed(rss_body(SECRET)))
    (feed,) = fetch(server.url("/feed.xml")).feeds
    assert feed.outcome == "ok"
    assert SECRET.encode() in store_path.read_bytes() + b"".join(
        p.read_bytes() for p in store_path.parent.glob("*.sqlite3-wal")
    )

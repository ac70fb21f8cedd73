"""The store's record of Webmentions: schema 4 added to an older file without losing its
entries, each (source, target) once, and a failed resend never forgets an earlier success."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pln_site.store import Store, WebmentionTry
from pln_site.store.schema import MIGRATIONS
from tests.support.old_stores import store_of_schema

SOURCE = "https://robin.example/posts/one/"
TARGET = "https://ada.example/notes/1"
DAY = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)


def test_a_store_of_schema_3_is_migrated_and_keeps_its_entries(tmp_path: Path):
    path = store_of_schema(tmp_path / "planet.sqlite3", 3)
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [entry.title for entry in store.entries()] == ["Kept"]
        assert store.webmention_tries() == {}
        store.record_webmention(WebmentionTry(SOURCE, TARGET, DAY, error="no Webmention endpoint"))
        assert not store.webmention_tries()[(SOURCE, TARGET)].sent
    with Store(path, read_only=True) as store:
        assert [entry.title for entry in store.entries()] == ["Kept"]


def test_one_row_per_pair_and_a_failed_resend_keeps_the_success(tmp_path: Path):
    later = DAY + dt.timedelta(days=3)
    with Store(tmp_path / "planet.sqlite3") as store:
        endpoint = "https://ada.example/webmention"
        store.record_webmention(WebmentionTry(SOURCE, TARGET, DAY, endpoint, 202, sent_at=DAY))
        store.record_webmention(
            WebmentionTry(SOURCE, TARGET, later, endpoint, 500, error="the endpoint answered 500")
        )
        tries = store.webmention_tries()
    assert list(tries) == [(SOURCE, TARGET)]
    tried = tries[(SOURCE, TARGET)]
    assert tried.sent and tried.sent_at == DAY and tried.status == 202
    assert tried.tried_at == later and tried.error == "the endpoint answered 500"

"""The store's file and schema: made on first use, migrated, refused when it cannot be used."""

from __future__ import annotations

import os
import sqlite3

import pytest

from pln_site.errors import SiteError
from pln_site.store import Store, StoreUnavailable
from pln_site.store.schema import MIGRATIONS


def test_a_new_store_creates_its_folder_and_schema(tmp_path):
    path = tmp_path / "deep" / "cache" / "planet.sqlite3"
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.entries() == [] and store.feed_health() == []
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feeds", "entries"} <= tables


def test_a_store_from_newer_code_is_refused(tmp_path):
    path = tmp_path / "planet.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer than this code") as refused:
        Store(path)
    assert str(refused.value) == (
        f"the store {path} cannot be used: it has schema version {len(MIGRATIONS) + 1}, newer "
        f"than this code ({len(MIGRATIONS)}) (hint: update the project or delete the store)"
    )
    assert isinstance(refused.value, SiteError) and refused.value.exit_code == 3
    with pytest.raises(StoreUnavailable, match="newer than this code"):
        Store(path, read_only=True)


def test_an_older_store_is_migrated_for_writing_and_refused_for_reading(tmp_path):
    path = tmp_path / "planet.sqlite3"
    sqlite3.connect(path).close()  # an empty file: schema version 0
    with pytest.raises(StoreUnavailable) as refused:
        Store(path, read_only=True)
    assert str(refused.value) == (
        f"the store {path} cannot be read: it has schema version 0, older than this code "
        f"({len(MIGRATIONS)}) (hint: run `invoke fetch` once to update it)"
    )
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
    with Store(path, read_only=True) as store:
        assert store.schema_version == len(MIGRATIONS) and store.feed_health() == []


def test_reading_a_missing_store_creates_nothing(tmp_path):
    path = tmp_path / "cache" / "planet.sqlite3"
    with pytest.raises(StoreUnavailable) as missing:
        Store(path, read_only=True)
    assert str(missing.value).startswith(f"the store {path} cannot be opened: no such file")
    assert not path.parent.exists()


def test_a_store_from_older_code_is_brought_up_to_date_for_a_reader_who_may_write_it(tmp_path):
    # After pulling new code, the next `invoke build` (a reader) must not stop at the store.
    path = tmp_path / "planet.sqlite3"
    _store_of_schema_1(path)
    with Store(path, read_only=True) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [health.url for health in store.feed_health()] == ["https://a.example/f"]


def test_a_store_from_older_code_that_the_reader_may_not_write_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "planet.sqlite3"
    _store_of_schema_1(path)
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("this user may write any file (root): the refusal cannot be seen")
        with pytest.raises(StoreUnavailable, match="run `invoke fetch` once to update it"):
            Store(path, read_only=True)
    finally:
        path.chmod(0o644)


def _store_of_schema_1(path):
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO feeds (url, member_id) VALUES ('https://a.example/f', 'ada')")
        db.execute("PRAGMA user_version = 1")

"""The store's trouble, worded for the person who runs the command: a SiteError with a hint."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pln_site.errors import SiteError
from pln_site.store import FetchLocked, Store, StoreUnavailable

PATH = Path("cache") / "planet.sqlite3"


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (
            PermissionError(13, "Permission denied", "cache"),
            f"the store {PATH} cannot be opened: permission denied: cache (hint: make cache "
            "and the files in it writable, or point PLANET_STORE_PATH at a folder you can write)",
        ),
        (
            sqlite3.OperationalError("database or disk is full"),
            f"the store {PATH} cannot be opened: database or disk is full (hint: is the disk "
            "full? free some space, or point PLANET_STORE_PATH at another disk)",
        ),
        (
            sqlite3.DatabaseError("file is not a database"),
            f"the store {PATH} cannot be opened: file is not a database (hint: the file is "
            "damaged or not a store: move it away; `invoke fetch` makes a new one)",
        ),
        (
            NotADirectoryError(20, "Not a directory"),
            f"the store {PATH} cannot be opened: not a directory (hint: cache must be a "
            "folder; move the file that is in the way)",
        ),
        (RuntimeError(), f"the store {PATH} cannot be opened: RuntimeError"),
    ],
    ids=["permission", "disk-full", "damaged", "not-a-folder", "no-hint"],
)
def test_store_unavailable_names_the_file_the_action_the_cause_and_a_hint(cause, expected):
    error = StoreUnavailable(PATH, "opened", cause)
    assert str(error) == expected
    assert (error.path, error.action, error.cause) == (PATH, "opened", cause)


def test_store_unavailable_is_a_site_error_and_still_an_sqlite_error():
    error = StoreUnavailable(PATH, "read", "it broke", hint="mend it")
    assert str(error) == f"the store {PATH} cannot be read: it broke (hint: mend it)"
    assert (error.message, error.hint) == (f"the store {PATH} cannot be read: it broke", "mend it")
    assert isinstance(error, SiteError) and error.exit_code == 3
    assert isinstance(error, sqlite3.DatabaseError) and isinstance(error, RuntimeError)


def test_fetch_locked_is_a_site_error_that_exits_1():
    assert str(FetchLocked("42")) == (
        "another fetch is running (pid 42); try again when it has finished"
    )
    assert isinstance(FetchLocked(None), SiteError) and FetchLocked(None).exit_code == 1


def test_a_damaged_file_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "planet.sqlite3"
    path.write_bytes(b"this is no SQLite file, only some text " * 200)
    for read_only in (False, True):
        with pytest.raises(StoreUnavailable) as damaged:
            Store(path, read_only=read_only)
        assert str(damaged.value).startswith(f"the store {path} cannot be opened: ")
        assert "(hint: the file is damaged or not a store: move it away" in str(damaged.value)

"""The SQLite connection: opened for writing (WAL) or for reading only, and transactions and
reads that turn the file's own trouble into StoreUnavailable."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pln_site.store.errors import StoreUnavailable, is_storage_trouble

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection to the store file; for writing, its folder is made first.

    Read-only, the file must exist, and it may sit in a folder this process cannot write.
    """
    if read_only:
        if not path.is_file():
            raise StoreUnavailable(path, "opened", FileNotFoundError("no such file"))
        db = _connect_read_only(path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a writer takes the
        # write lock up front instead of failing halfway through.
        db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.row_factory = sqlite3.Row
        if not read_only:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        db.close()
        raise
    return db


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    db = sqlite3.connect(
        uri + "?mode=ro", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
    )
    try:
        db.execute("PRAGMA user_version").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        if os.access(path.parent, os.W_OK):
            raise
    # A WAL store in a folder this process cannot write: SQLite cannot make its shared-memory
    # file there. Nobody can be writing the store through this folder, so reading it as an
    # unchanging file is safe.
    log.info("reading %s as an immutable file (its folder is read-only)", path)
    return sqlite3.connect(
        uri + "?immutable=1", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS
    )


@contextmanager
def transaction(db: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken up front; rolled back on any error."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        if not is_storage_trouble(error):
            raise
        raise StoreUnavailable(path, "written", error) from None
    try:
        yield db
        db.execute("COMMIT")
    except BaseException as error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error) and is_storage_trouble(error):
            raise StoreUnavailable(path, "written", error) from None
        raise


@contextmanager
def reading(db: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """Reads whose trouble with the file is StoreUnavailable ("cannot be read")."""
    try:
        yield db
    except sqlite3.Error as error:
        if not is_storage_trouble(error):
            raise
        raise StoreUnavailable(path, "read", error) from None

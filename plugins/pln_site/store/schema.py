"""The store's tables, and the migrations that bring an older file up to date.

The schema carries a version (`PRAGMA user_version`) and grows by appending to MIGRATIONS, never
by editing a migration that has shipped.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from pln_site.store.connection import transaction
from pln_site.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

MIGRATIONS: list[str] = [
    # 1: feeds and entries.
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        member_id TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        status INTEGER,
        last_attempt TEXT,
        last_success TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        moved_to TEXT,
        gone INTEGER NOT NULL DEFAULT 0,
        retry_after TEXT,
        title TEXT,
        html_url TEXT
    );
    CREATE TABLE entries (
        feed_url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
        key TEXT NOT NULL,
        member_id TEXT NOT NULL,
        link TEXT,
        title TEXT NOT NULL,
        author TEXT,
        content_html TEXT NOT NULL,
        summary_html TEXT NOT NULL,
        published TEXT,
        updated TEXT,
        first_seen TEXT NOT NULL,
        date TEXT NOT NULL,
        categories TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (feed_url, key)
    );
    CREATE INDEX entries_by_date ON entries (date DESC);
    CREATE INDEX entries_by_member ON entries (member_id, date DESC);
    """,
    # 2: each entry's language (BCP 47, None: unknown), and whether it is an undated old post
    # met in its feed's first fetch (listed after every dated entry: see docs/reading.md).
    """
    ALTER TABLE entries ADD COLUMN language TEXT;
    ALTER TABLE entries ADD COLUMN undated INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX entries_by_listing ON entries (undated, date DESC, first_seen DESC);
    """,
    # 3: the links each entry cites (the reading's hot links), gone with their entry.
    """
    CREATE TABLE entry_links (
        feed_url TEXT NOT NULL,
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        text TEXT NOT NULL,
        quote TEXT NOT NULL,
        PRIMARY KEY (feed_url, key, position),
        FOREIGN KEY (feed_url, key) REFERENCES entries (feed_url, key) ON DELETE CASCADE
    );
    """,
    # 4: the Webmentions from the owner's posts (`invoke webmentions`), one row per (source,
    # target): the last try, and once an endpoint accepted one, when, where to and its answer.
    """
    CREATE TABLE webmentions (
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        tried_at TEXT NOT NULL,
        endpoint TEXT,
        status INTEGER,
        sent_at TEXT,
        error TEXT,
        PRIMARY KEY (source, target)
    );
    """,
    # 5: how many fetches in a row a feed answered a permanent redirect to its moved_to (0 when
    # it last answered at its own address): `invoke fix-feeds` rewrites a member file only after
    # several in a row, so one hijacked redirect cannot move a feed.
    """
    ALTER TABLE feeds ADD COLUMN moved_streak INTEGER NOT NULL DEFAULT 0;
    """,
    # 6: the members' blogrolls as `invoke suggest` last read them, one row per URL (a homepage,
    # a declared or well-known OPML or JSON file): the validators for a conditional read, the
    # last attempt, success and error, and as JSON the people of the last good copy and, for a
    # homepage, the blogroll URLs it declared.
    """
    CREATE TABLE blogrolls (
        url TEXT PRIMARY KEY,
        member_id TEXT NOT NULL,
        form TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_attempt TEXT NOT NULL,
        last_success TEXT,
        last_error TEXT,
        status INTEGER,
        people TEXT NOT NULL DEFAULT '[]',
        declares TEXT NOT NULL DEFAULT '[]'
    );
    """,
    # 7: each entry's revision, from one counter that every insert of an entry and every update
    # that changes it moves on (whoever writes: the triggers are in the file; a fetch that
    # stores an entry as it was leaves it), so that a build can tell the entries it shaped
    # before from new or changed ones without reading their HTML. A column added later must
    # be added to the update trigger's list too.
    """
    CREATE TABLE entry_revisions (last INTEGER NOT NULL);
    INSERT INTO entry_revisions (last) VALUES (0);
    ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER entries_revised_on_insert AFTER INSERT ON entries BEGIN
        UPDATE entry_revisions SET last = last + 1;
        UPDATE entries SET revision = (SELECT last FROM entry_revisions)
            WHERE rowid = NEW.rowid;
    END;
    CREATE TRIGGER entries_revised_on_update AFTER UPDATE ON entries
        WHEN NEW.revision = OLD.revision AND (
            NEW.feed_url IS NOT OLD.feed_url OR NEW.key IS NOT OLD.key
            OR NEW.member_id IS NOT OLD.member_id OR NEW.link IS NOT OLD.link
            OR NEW.title IS NOT OLD.title OR NEW.author IS NOT OLD.author
            OR NEW.content_html IS NOT OLD.content_html
            OR NEW.summary_html IS NOT OLD.summary_html OR NEW.published IS NOT OLD.published
            OR NEW.updated IS NOT OLD.updated OR NEW.first_seen IS NOT OLD.first_seen
            OR NEW.date IS NOT OLD.date OR NEW.categories IS NOT OLD.categories
            OR NEW.language IS NOT OLD.language OR NEW.undated IS NOT OLD.undated
        ) BEGIN
        UPDATE entry_revisions SET last = last + 1;
        UPDATE entries SET revision = (SELECT last FROM entry_revisions)
            WHERE rowid = NEW.rowid;
    END;
    """,
]


def statements(script: str) -> list[str]:
    """The SQL statements of `script`, one by one (a trigger's body holds semicolons too)."""
    found, pending = [], ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                found.append(pending.strip())
            pending = ""
    return found


def schema_version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]  # sqlite3 rows are untyped
    return version


def migrate(db: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    """Bring the store at `path` to the current schema; read-only, only check that it is.

    A store from newer code is refused either way: this code cannot know its tables.
    """
    current, version = len(MIGRATIONS), schema_version(db)
    if version > current:
        raise StoreUnavailable(
            path,
            "used",
            f"it has schema version {version}, newer than this code ({current})",
            hint="update the project or delete the store",
        )
    if read_only:
        if version < current:
            raise StoreUnavailable(
                path,
                "read",
                f"it has schema version {version}, older than this code ({current})",
                hint="run `invoke fetch` once to update it",
            )
        return
    with transaction(db, path):
        version = schema_version(db)  # again: another process may have migrated it meanwhile
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in statements(script):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
            log.info("store %s migrated to schema version %d", path, number)

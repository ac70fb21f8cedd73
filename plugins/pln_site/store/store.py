"""The planet's store: one SQLite file with each feed's HTTP state and the entries it gave.

`invoke fetch` writes it (one transaction per feed, under a lock file so that two fetches cannot
interleave); the build only reads it. The schema carries a version (`PRAGMA user_version`) and
grows by appending to MIGRATIONS, never by editing a migration that has shipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pln_site.feeds.entry import FeedSource, ParsedEntry, StoredEntry

log = logging.getLogger(__name__)

UTC = dt.UTC

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
]

LOCK_WAIT_SECONDS = 5.0


class StoreUnavailable(sqlite3.DatabaseError, RuntimeError):
    """The store file cannot be opened, read or written (permissions, a full disk, damage).

    A DatabaseError, so that code which already catches SQLite's errors still does.
    """

    def __init__(
        self, path: Path, action: str, cause: BaseException | str, *, hint: str | None = None
    ):
        self.path, self.action, self.cause = path, action, cause
        text = cause if isinstance(cause, str) else _cause_text(cause)
        hint = hint or _hint_for(path, cause)
        super().__init__(
            f"the store {path} cannot be {action}: {text}" + (f" (hint: {hint})" if hint else "")
        )


def _cause_text(cause: BaseException) -> str:
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower() + (f": {cause.filename}" if cause.filename else "")
    return str(cause) or type(cause).__name__


def _hint_for(path: Path, cause: BaseException | str) -> str | None:
    text = str(cause).lower()
    folder = path.parent
    if isinstance(cause, PermissionError) or "readonly" in text or "read-only" in text:
        return (
            f"make {folder} and the files in it writable, or point PLANET_STORE_PATH at a "
            "folder you can write"
        )
    if isinstance(cause, NotADirectoryError | FileExistsError):
        return f"{folder} must be a folder; move the file that is in the way"
    if "disk is full" in text or "i/o error" in text or "too large" in text:
        return "is the disk full? free some space, or point PLANET_STORE_PATH at another disk"
    if "not a database" in text or "malformed" in text:
        return "the file is damaged or not a store: move it away; `invoke fetch` makes a new one"
    if "unable to open" in text:
        return f"check that {folder} exists, is a folder and is writable"
    if "locked" in text:
        return "another program holds the store; try again when it has finished"
    return None


def _storage_trouble(error: sqlite3.Error) -> bool:
    """Errors of the file and the disk, as opposed to mistakes in this code's SQL."""
    return isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError


class FetchLocked(Exception):
    """Another fetch holds the store's lock."""

    def __init__(self, pid: str | None):
        self.pid = pid
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"another fetch is running{who}; try again when it has finished")


@dataclass(frozen=True)
class FeedState:
    """What the fetcher needs to know about a feed before fetching it."""

    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    gone: bool
    retry_after: dt.datetime | None
    moved_to: str | None
    consecutive_failures: int


@dataclass(frozen=True)
class FeedHealth:
    """One feed's state, for `invoke status` and the build's per-member notes."""

    url: str
    member_id: str
    last_attempt: dt.datetime | None
    last_success: dt.datetime | None
    status: int | None
    consecutive_failures: int
    last_error: str | None
    moved_to: str | None
    gone: bool
    retry_after: dt.datetime | None
    entry_count: int
    title: str | None = None
    html_url: str | None = None


def _text(moment: dt.datetime | None) -> str | None:
    """Dates are stored as fixed-width UTC ISO text, so that text order is time order."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def display_date(
    published: dt.datetime | None,
    updated: dt.datetime | None,
    first_seen: dt.datetime,
    now: dt.datetime,
) -> dt.datetime:
    """Published, else updated, else first seen; a date in the future is not believed."""
    claimed = published or updated
    if claimed is None or claimed > now:
        return first_seen
    return claimed


class Store:
    """The SQLite store; a context manager. Creates its folder and schema on first use.

    With `read_only`, nothing is created or changed (`invoke status`, the build): the file must
    exist with the current schema, and it may sit in a folder the process cannot write.
    Every trouble with the file itself (missing folder, no permission, a full disk, a damaged
    file) raises StoreUnavailable, whose message names the file, says what failed and hints why.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        try:
            self._open()
        except StoreUnavailable:
            self.close()
            raise
        except (sqlite3.Error, OSError) as error:
            self.close()
            if isinstance(error, sqlite3.Error) and not _storage_trouble(error):
                raise
            raise StoreUnavailable(self.path, "opened", error) from None

    def _open(self) -> None:
        if self.read_only:
            if not self.path.is_file():
                raise StoreUnavailable(self.path, "opened", FileNotFoundError("no such file"))
            self._db = self._connect_read_only()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a writer takes the
            # write lock up front instead of failing halfway through.
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self._db.row_factory = sqlite3.Row
        if not self.read_only:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        db = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, timeout=10)
        try:
            db.execute("PRAGMA user_version").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
            if os.access(self.path.parent, os.W_OK):
                raise
        # A WAL store in a folder this process cannot write: SQLite cannot make its shared-memory
        # file there. Nobody can be writing the store through this folder, so reading it as an
        # unchanging file is safe.
        log.info("reading %s as an immutable file (its folder is read-only)", self.path)
        return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None, timeout=10)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreUnavailable(
                self.path,
                "used",
                f"it has schema version {version}, newer than this code ({len(MIGRATIONS)})",
                hint="update the project or delete the store",
            )
        if self.read_only:
            if version < len(MIGRATIONS):
                raise StoreUnavailable(
                    self.path,
                    "read",
                    f"it has schema version {version}, older than this code ({len(MIGRATIONS)})",
                    hint="run `invoke fetch` once to update it",
                )
            return
        with self._transaction():
            version = self.schema_version
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
                log.info("store %s migrated to schema version %d", self.path, number)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            if not _storage_trouble(error):
                raise
            raise StoreUnavailable(self.path, "written", error) from None
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error) and _storage_trouble(error):
                raise StoreUnavailable(self.path, "written", error) from None
            raise

    # -- the lock ------------------------------------------------------------------------------
    @contextmanager
    def fetch_lock(self, wait: float | None = None) -> Iterator[None]:
        """Hold the fetch lock; waits up to `wait` seconds (LOCK_WAIT_SECONDS), then raises
        FetchLocked naming the process that holds it."""
        wait = LOCK_WAIT_SECONDS if wait is None else wait
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = open(lock_path, "a+")  # noqa: SIM115 - held for the whole block
        except OSError as error:
            raise StoreUnavailable(self.path, "locked for fetching", error) from None
        try:
            deadline = time.monotonic() + wait
            while not _try_lock(handle):
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise FetchLocked(handle.read().strip() or None)
                time.sleep(0.1)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                handle.flush()
                _unlock(handle)
        finally:
            handle.close()

    # -- what the fetcher reads and writes -----------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        try:
            yield self._db
        except sqlite3.Error as error:
            if not _storage_trouble(error):
                raise
            raise StoreUnavailable(self.path, "read", error) from None

    def feed_state(self, url: str) -> FeedState | None:
        with self._reading() as db:
            row = db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return FeedState(
            url=row["url"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            body_hash=row["body_hash"],
            gone=bool(row["gone"]),
            retry_after=_moment(row["retry_after"]),
            moved_to=row["moved_to"],
            consecutive_failures=row["consecutive_failures"],
        )

    def _ensure_feed(self, db: sqlite3.Connection, source: FeedSource) -> None:
        db.execute(
            "INSERT INTO feeds (url, member_id) VALUES (?, ?) "
            "ON CONFLICT (url) DO UPDATE SET member_id = excluded.member_id",
            (source.url, source.member_id),
        )

    def save_entries(
        self,
        source: FeedSource,
        entries: Sequence[ParsedEntry],
        *,
        now: dt.datetime,
        status: int,
        etag: str | None,
        last_modified: str | None,
        body_hash: str,
        moved_to: str | None,
        title: str | None,
        html_url: str | None,
        max_entries: int,
        max_age_days: int,
    ) -> int:
        """Store a freshly parsed feed; returns how many of its entries are new."""
        with self._transaction() as db:
            self._ensure_feed(db, source)
            first_seen = dict(
                db.execute("SELECT key, first_seen FROM entries WHERE feed_url = ?", (source.url,))
            )
            rows = []
            for position, entry in enumerate(entries):
                # Entries seen for the first time in one fetch keep the feed's order: each one is
                # "first seen" a microsecond before the one above it.
                seen = _moment(first_seen.get(entry.key)) or now - dt.timedelta(
                    microseconds=position
                )
                date = display_date(entry.published, entry.updated, seen, now)
                rows.append((entry, seen, date))
            rows = _newest(rows, max_entries, max_age_days, now)
            db.executemany(
                """INSERT INTO entries (feed_url, key, member_id, link, title, author, content_html,
                       summary_html, published, updated, first_seen, date, categories)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (feed_url, key) DO UPDATE SET
                       member_id = excluded.member_id, link = excluded.link,
                       title = excluded.title, author = excluded.author,
                       content_html = excluded.content_html, summary_html = excluded.summary_html,
                       published = excluded.published, updated = excluded.updated,
                       date = excluded.date, categories = excluded.categories""",
                [
                    (
                        source.url,
                        entry.key,
                        source.member_id,
                        entry.link,
                        entry.title,
                        entry.author,
                        entry.content_html,
                        entry.summary_html,
                        _text(entry.published),
                        _text(entry.updated),
                        _text(seen),
                        _text(date),
                        json.dumps(list(entry.categories)),
                    )
                    for entry, seen, date in rows
                ],
            )
            self._apply_retention(db, source.url, max_entries, max_age_days, now)
            kept = {
                key
                for (key,) in db.execute(
                    "SELECT key FROM entries WHERE feed_url = ?", (source.url,)
                )
            }
            db.execute(
                """UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, status = ?,
                       last_attempt = ?, last_success = ?, consecutive_failures = 0,
                       last_error = NULL, moved_to = ?, retry_after = NULL,
                       title = ?, html_url = ?
                   WHERE url = ?""",
                (
                    etag,
                    last_modified,
                    body_hash,
                    status,
                    _text(now),
                    _text(now),
                    moved_to,
                    title,
                    html_url,
                    source.url,
                ),
            )
        return len(kept - set(first_seen))

    def save_unchanged(
        self,
        source: FeedSource,
        *,
        now: dt.datetime,
        status: int,
        etag: str | None,
        last_modified: str | None,
        moved_to: str | None,
    ) -> None:
        """The feed answered, with nothing new (304, or the same body as last time)."""
        with self._transaction() as db:
            self._ensure_feed(db, source)
            db.execute(
                """UPDATE feeds SET etag = coalesce(?, etag),
                       last_modified = coalesce(?, last_modified), status = ?,
                       last_attempt = ?, last_success = ?, consecutive_failures = 0,
                       last_error = NULL, moved_to = ?, retry_after = NULL
                   WHERE url = ?""",
                (etag, last_modified, status, _text(now), _text(now), moved_to, source.url),
            )

    def save_failure(
        self,
        source: FeedSource,
        *,
        now: dt.datetime,
        error: str,
        status: int | None = None,
        retry_after: dt.datetime | None = None,
        gone: bool = False,
        moved_to: str | None = None,
    ) -> None:
        """Record a failed attempt; the feed's stored entries stay as they were."""
        with self._transaction() as db:
            self._ensure_feed(db, source)
            db.execute(
                """UPDATE feeds SET status = ?, last_attempt = ?,
                       consecutive_failures = consecutive_failures + 1, last_error = ?,
                       retry_after = ?, gone = ?, moved_to = coalesce(?, moved_to)
                   WHERE url = ?""",
                (status, _text(now), error, _text(retry_after), int(gone), moved_to, source.url),
            )

    def prune(self, max_age_days: int, now: dt.datetime) -> int:
        """Drop entries older than the age limit from every feed; returns how many went."""
        if not max_age_days:
            return 0
        cutoff = _text(now - dt.timedelta(days=max_age_days))
        with self._transaction() as db:
            return db.execute("DELETE FROM entries WHERE date < ?", (cutoff,)).rowcount

    def _apply_retention(
        self,
        db: sqlite3.Connection,
        feed_url: str,
        max_entries: int,
        max_age_days: int,
        now: dt.datetime,
    ) -> None:
        db.execute(
            """DELETE FROM entries WHERE feed_url = ? AND key NOT IN (
                   SELECT key FROM entries WHERE feed_url = ?
                   ORDER BY date DESC, first_seen DESC LIMIT ?)""",
            (feed_url, feed_url, max_entries),
        )
        if max_age_days:
            cutoff = _text(now - dt.timedelta(days=max_age_days))
            db.execute("DELETE FROM entries WHERE feed_url = ? AND date < ?", (feed_url, cutoff))

    # -- what the build reads ------------------------------------------------------------------
    def entries(
        self, member_ids: Iterable[str] | None = None, limit: int | None = None
    ) -> list[StoredEntry]:
        """Entries newest first; an entry that several feeds carry (same link) appears once,
        from the feed that had it first."""
        return list(self.iter_entries(member_ids, limit))

    def iter_entries(
        self, member_ids: Iterable[str] | None = None, limit: int | None = None
    ) -> Iterator[StoredEntry]:
        """entries(), one at a time, straight from the database: a caller that keeps only what
        it shows of each entry never holds every entry's HTML at once (20,000 entries' HTML
        is 150 MB of memory). Consume it while the store is open."""
        where, params = "", []
        if member_ids is not None:
            ids = list(member_ids)
            where = f" WHERE member_id IN ({', '.join('?' for _ in ids)})"
            params = ids
        order = " ORDER BY date DESC, first_seen DESC"
        with self._reading() as db:
            heads = db.execute(f"SELECT rowid, link, first_seen FROM entries{where}{order}", params)
            kept = _first_of_each_link(heads.fetchall())
            if limit is not None:
                kept = kept[:limit]
            wanted = set(kept)
            for row in db.execute(f"SELECT rowid, * FROM entries{where}{order}", params):
                if row["rowid"] in wanted:
                    yield _stored_entry(row)
                    wanted.discard(row["rowid"])
                    if not wanted:
                        break

    def feed_health(self) -> list[FeedHealth]:
        with self._reading() as db:
            rows = db.execute(
                """SELECT feeds.*,
                       (SELECT count(*) FROM entries WHERE entries.feed_url = feeds.url)
                       AS entry_count
                   FROM feeds ORDER BY member_id, url"""
            ).fetchall()
        return [
            FeedHealth(
                url=row["url"],
                member_id=row["member_id"],
                last_attempt=_moment(row["last_attempt"]),
                last_success=_moment(row["last_success"]),
                status=row["status"],
                consecutive_failures=row["consecutive_failures"],
                last_error=row["last_error"],
                moved_to=row["moved_to"],
                gone=bool(row["gone"]),
                retry_after=_moment(row["retry_after"]),
                entry_count=row["entry_count"],
                title=row["title"],
                html_url=row["html_url"],
            )
            for row in rows
        ]


def _newest(rows: list, max_entries: int, max_age_days: int, now: dt.datetime) -> list:
    """The entries worth writing: within the age limit, the newest `max_entries` of them.

    Writing only those (rather than writing all and trimming) keeps an old entry that the feed
    still lists from coming back as "new" on every fetch.
    """
    if max_age_days:
        cutoff = now - dt.timedelta(days=max_age_days)
        rows = [row for row in rows if row[2] >= cutoff]
    rows = sorted(rows, key=lambda row: (row[2], row[1]), reverse=True)
    return rows[:max_entries]


def _first_of_each_link(heads: list[sqlite3.Row]) -> list[int]:
    """The rowids to keep, in order: of entries sharing a link, the one first seen."""
    earliest: dict[str, sqlite3.Row] = {}
    for head in heads:
        link = head["link"]
        if link and (link not in earliest or head["first_seen"] < earliest[link]["first_seen"]):
            earliest[link] = head
    return [head["rowid"] for head in heads if not head["link"] or earliest[head["link"]] is head]


def _stored_entry(row: sqlite3.Row) -> StoredEntry:
    return StoredEntry(
        key=row["key"],
        feed_url=row["feed_url"],
        member_id=row["member_id"],
        link=row["link"],
        title=row["title"],
        author=row["author"],
        content_html=row["content_html"],
        summary_html=row["summary_html"],
        date=dt.datetime.fromisoformat(row["date"]),
        first_seen=dt.datetime.fromisoformat(row["first_seen"]),
        categories=json.loads(row["categories"]),
    )


# A lock held on an open file: the operating system drops it when the process dies, so a
# crashed fetch never leaves a stale lock behind.
try:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

except ImportError:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

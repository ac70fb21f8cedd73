"""Stores as older code left them: the first migrations only, one feed and one entry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pln_site.store.schema import MIGRATIONS

FEED = "https://ada.example/feed"


def store_of_schema(path: Path, version: int, *, feed: str = FEED, title: str = "Kept") -> Path:
    """A store file at `path` of schema `version`, holding one entry of `feed` by ada."""
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:version]:
            db.executescript(script)
        db.execute("INSERT INTO feeds (url, member_id) VALUES (?, 'ada')", (feed,))
        db.execute(
            "INSERT INTO entries (feed_url, key, member_id, link, title, content_html,"
            " summary_html, first_seen, date) VALUES (?, 'k', 'ada', 'https://ada.example/1',"
            " ?, '', '', '2024-05-30T00:00:00.000000+00:00', '2024-05-30T00:00:00.000000+00:00')",
            (feed, title),
        )
        db.execute(f"PRAGMA user_version = {version}")
    db.close()
    return path

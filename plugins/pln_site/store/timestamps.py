"""How the store writes moments: fixed-width UTC ISO text, so that text order is time order
(the entries' `date` index sorts them newest first)."""

from __future__ import annotations

import datetime as dt


def to_column(moment: dt.datetime | None) -> str | None:
    """A moment as stored; a naive moment is taken to be UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_column(text: str | None) -> dt.datetime | None:
    """A stored moment, aware and in UTC; None for an empty column."""
    return dt.datetime.fromisoformat(text) if text else None

"""Builders of small feeds for the fetch tests."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

UTC = dt.UTC


def atom_entry(
    entry_id: str,
    title: str,
    published: dt.datetime | None = None,
    *,
    link: str | None = None,
    updated: dt.datetime | None = None,
    content: str | None = "<p>Some words.</p>",
    summary: str | None = None,
) -> str:
    """An Atom entry; `content=None` leaves its content out (a feed of summaries only)."""
    parts = [f"<id>{escape(entry_id)}</id>", f"<title>{escape(title)}</title>"]
    if link:
        parts.append(f'<link rel="alternate" href="{escape(link)}"/>')
    if published:
        parts.append(f"<published>{published.isoformat()}</published>")
    if updated:
        parts.append(f"<updated>{updated.isoformat()}</updated>")
    if summary is not None:
        parts.append(f'<summary type="html">{escape(summary)}</summary>')
    if content is not None:
        parts.append(f'<content type="html">{escape(content)}</content>')
    return "<entry>" + "".join(parts) + "</entry>"


def atom_feed(*entries: str, title: str = "Notes", site: str = "https://ada.example/") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>{escape(site)}</id>"
        f'<link rel="alternate" href="{escape(site)}"/>'
        "<updated>2024-01-01T00:00:00Z</updated>" + "".join(entries) + "</feed>"
    ).encode()


def days_ago(days: float) -> dt.datetime:
    return (dt.datetime.now(UTC) - dt.timedelta(days=days)).replace(microsecond=0)


def simple_feed(count: int = 2, prefix: str = "post", site: str = "https://ada.example/") -> bytes:
    """A feed of `count` entries, one a day, newest first."""
    return atom_feed(
        *(
            atom_entry(
                f"{site}{prefix}-{n}", f"Post {n}", days_ago(n + 1), link=f"{site}{prefix}-{n}"
            )
            for n in range(count)
        ),
        site=site,
    )


BASE_SETTINGS = {
    "PLANET_ALLOW_PRIVATE_ADDRESSES": True,  # the test server listens on 127.0.0.1
    # Feeds name pictures on hosts that are not the test server: a test that wants them
    # (tests/feeds/test_images.py) switches this on, so that no test asks the internet.
    "PLANET_IMAGES": False,
    "PLANET_TIMEOUT": 5,
    "PLANET_CONNECT_TIMEOUT": 2,
    "SITEURL": "https://robin.example",
}

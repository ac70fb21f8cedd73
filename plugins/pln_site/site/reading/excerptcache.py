"""Excerpts kept between builds, keyed by a hash of the HTML they were cut from.

Cutting an excerpt means parsing HTML, and a river of thousands of entries pays that on every
build; the entries rarely change between builds. The cache is a JSON file next to the store
(derived from it, so it lives and goes with it); a build rewrites it with the excerpts it used,
so it never grows past the store. A damaged or foreign file is ignored and replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from pln_site.files import write_atomically
from pln_site.site.reading.excerpt import excerpt_html
from pln_site.site.reading.notes import note_text

log = logging.getLogger(__name__)

# Part of every key: a change to how excerpts are cut must bump it, so old ones are not reused.
EXCERPT_VERSION = "2"


class ExcerptCache:
    """`excerpt(html, max_chars)` with memory; `save()` writes what this build used."""

    def __init__(self, path: Path):
        self.path = path
        self.known, self.notes_known = self._load()
        self.used: dict[str, str] = {}
        self.notes_used: dict[str, str | None] = {}
        self.hits = 0

    def _load(self) -> tuple[dict[str, str], dict[str, str | None]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, {}
        except (OSError, ValueError) as error:
            log.info("reading: ignoring the excerpt cache %s (%s)", self.path, error)
            return {}, {}
        if not isinstance(data, dict) or data.get("version") != EXCERPT_VERSION:
            return {}, {}
        excerpts, notes = data.get("excerpts"), data.get("notes")
        if not isinstance(excerpts, dict) or not isinstance(notes, dict):
            return {}, {}
        return (
            {k: v for k, v in excerpts.items() if isinstance(k, str) and isinstance(v, str)},
            {k: v for k, v in notes.items() if isinstance(k, str) and isinstance(v, str | None)},
        )

    def excerpt(self, html: str, max_chars: int) -> str:
        key = hashlib.blake2b(f"{max_chars}\n{html}".encode(), digest_size=16).hexdigest()
        found = self.known.get(key)
        if found is None:
            found = excerpt_html(html, max_chars)
        else:
            self.hits += 1
        self.used[key] = found
        return found

    def note_text(self, html: str) -> str | None:
        """notes.note_text with memory: whether an entry is a note is asked of every entry
        twice (its text, its cross-posts) on every build."""
        key = hashlib.blake2b(html.encode(), digest_size=16).hexdigest()
        if key in self.notes_known:
            found = self.notes_known[key]
        else:
            found = self.notes_used[key] if key in self.notes_used else note_text(html)
        self.notes_used[key] = found
        return found

    def save(self, *, prune: bool = True) -> None:
        """Write the excerpts this build used (atomically), and with `prune` false the ones
        it did not (a build that cut only some entries); a failure only costs speed."""
        excerpts, notes = self.used, self.notes_used
        if not prune:
            excerpts, notes = {**self.known, **excerpts}, {**self.notes_known, **notes}
        if excerpts == self.known and notes == self.notes_known:
            return
        document = json.dumps({"version": EXCERPT_VERSION, "excerpts": excerpts, "notes": notes})
        try:
            write_atomically(self.path, document)
        except OSError as error:
            log.warning("reading: could not write the excerpt cache %s (%s)", self.path, error)

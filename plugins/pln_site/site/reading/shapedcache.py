"""The entries as the last build read and shaped them, kept while nothing they come from changed.

Reading every stored entry and shaping it (its title, excerpt, note text and cross-post marks,
the pictures it shows), then finding each post's copies and giving each entry its id in the
output feeds, is most of a build with little new: about 3 s at 20,000 entries, for a post edit
that changes none of it. What it gives depends only on the store, the member files (their feeds'
rules, consent, whose site is whose), the pictures the fetch kept, the settings and the code;
the key is a digest of all of them (pln_site.site.fingerprint). Any change to one shapes every
entry again.

The file is JSON, never pickle: the cache folder may come from elsewhere (a CI cache restored),
and reading it must not run code. A damaged or foreign file is ignored and replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from markupsafe import Markup

from pln_site.entries import StoredEntry
from pln_site.feeds.images import KeptImage
from pln_site.files import write_atomically
from pln_site.members.loader import MEMBER_FILE_SUFFIXES
from pln_site.settings import images_path, store_path
from pln_site.site.fingerprint import (
    build_fingerprint,
    content_files,
    files_digest,
    stat_key,
)
from pln_site.site.reading.crossposts import EntryId
from pln_site.site.reading.pictures import Picture
from pln_site.site.reading.river import EntryText

log = logging.getLogger(__name__)

# Part of the key: a change to what is kept, or how, must bump it.
SHAPED_VERSION = "2"
_DATES = ("date", "first_seen")


@dataclass
class Shaped:
    """What shaping the stored entries gave: the entries the pages show (each post once,
    without its HTML), what the pages show of each, each post's copies in the member's other
    feeds, each entry's id in the output feeds, and the pictures they show."""

    entries: list[StoredEntry]
    texts: dict[EntryId, EntryText]
    copies: dict[EntryId, list[StoredEntry]]
    ids: dict[EntryId, str]
    pictures: dict[str, KeptImage]


def shaped_key(settings: dict[str, Any]) -> str:
    """A digest of everything shaping the entries reads."""
    members = content_files(settings, traced=True, suffixes=MEMBER_FILE_SUFFIXES)
    store = store_path(settings)
    parts = [SHAPED_VERSION, build_fingerprint(settings), files_digest(members)]
    for path in (store, Path(f"{store}-wal"), images_path(settings) / "index.json"):
        parts.append(stat_key(path).hex() if path.is_file() else f"{path}: none")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def cache_file(settings: dict[str, Any]) -> Path:
    """Beside the store: cache/planet.sqlite3 keeps its shaped entries in
    cache/planet-shaped.json."""
    store = store_path(settings)
    return store.with_name(f"{store.stem}-shaped.json")


def load(path: Path, key: str) -> Shaped | None:
    """The shaped entries kept under `key`; None when there are none (or not for this key)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return Shaped(
            entries=[_entry(item) for item in data["entries"]],
            texts={(feed, k): _text(text) for feed, k, text in data["texts"]},
            copies={
                (feed, k): [_entry(copy) for copy in copies] for feed, k, copies in data["copies"]
            },
            ids={(feed, k): str(found) for feed, k, found in data["ids"]},
            pictures={item[0]: KeptImage(*item) for item in data["pictures"]},
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as error:
        log.info("reading: ignoring the shaped entries in %s (%s)", path, error)
        return None


def save(path: Path, key: str, shaped: Shaped) -> None:
    """Keep `shaped` under `key` (written whole, one record at a time: the file of 20,000
    entries is never in memory at once); a failure only costs speed."""

    def write(out: BinaryIO) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8")
        text.write(f'{{"key": {json.dumps(key)}')
        _write_list(text, "entries", (_entry_data(entry) for entry in shaped.entries))
        texts = ([feed, k, _text_data(shown)] for (feed, k), shown in shaped.texts.items())
        _write_list(text, "texts", texts)
        copies = (
            [feed, k, [_entry_data(copy) for copy in found]]
            for (feed, k), found in shaped.copies.items()
        )
        _write_list(text, "copies", copies)
        _write_list(text, "ids", ([feed, k, found] for (feed, k), found in shaped.ids.items()))
        pictures = ([kept.file, kept.width, kept.height] for kept in shaped.pictures.values())
        _write_list(text, "pictures", pictures)
        text.write("}")
        text.flush()
        text.detach()  # the file is closed by its owner

    try:
        write_atomically(path, write)
    except OSError as error:
        log.warning("reading: could not keep the shaped entries in %s (%s)", path, error)


def _write_list(text: TextIO, name: str, items: Iterable[Any]) -> None:
    text.write(f', "{name}": [')
    for number, item in enumerate(items):
        text.write(("," if number else "") + json.dumps(item))
    text.write("]")


def _entry_data(entry: StoredEntry) -> dict[str, Any]:
    data = asdict(entry)
    for name in _DATES:
        data[name] = data[name].isoformat()
    return data


def _entry(data: dict[str, Any]) -> StoredEntry:
    known = {f.name for f in fields(StoredEntry)}
    if set(data) != known:
        raise ValueError(f"an entry with the fields {sorted(data)}")
    for name in _DATES:
        data[name] = dt.datetime.fromisoformat(data[name])
    return StoredEntry(**data)


def _text_data(text: EntryText) -> dict[str, Any]:
    data = asdict(text)
    data["body_html"] = str(text.body_html)
    return data


def _text(data: dict[str, Any]) -> EntryText:
    picture = data.pop("picture")
    return EntryText(
        **{**data, "body_html": Markup(data["body_html"])},
        picture=Picture(**picture) if picture else None,
    )

"""The entries as the last build read and shaped them, kept per member while nothing they come
from changed.

Reading every stored entry and shaping it (its title, excerpt, note text and cross-post marks,
the pictures it shows) is most of a build with little new: about 3 s at 20,000 entries. What a
member's shaped entries depend on is that member alone: their member file, which of their
entries the river shows and each one's revision in the store (schema 7: every write of an entry
moves it on), the pictures looked up and what the fetch kept of each, the settings and the code.
Of the member file, shaping reads the member's id, site, feeds (with their keep, skip and show
rules) and show (`shaping_view`): a new `why`, name or topic shapes nothing again, and the
pages that show those know them from the member (shaping.ShapedRiver.made_from).
So a member edit or a fetch that brought ten members news reshapes those members only; the
rest is read from one small file each. Which entries show at all (each post once, across
members) and their ids in the output feeds are worked out afresh every time, from the entries'
heads: that needs no HTML.

The slow path asks three questions of every shown entry's link and id (urls.same_url_key,
urls.site_host, feedids.original_id_of): pure functions of a string, whose answers are kept in
urls.json (`Remembered`) under the code's and settings' fingerprint: at 20,000 entries that is
most of a member edit's work before any page.

When nothing shaping reads changed since the last build (the store, the listed members'
shaping views, the pictures, the settings and the code: `quick_key`), the index file gives the
whole result without asking the store anything: which entries the river shows, in its order,
whose each one is, and of each member what their kept file is made from (its token) and the
pictures it looked up. Their files are then read only when a page needs their entries
(shaping.ShapedRiver): a post edit needs none of the 20,000.

A process that builds again (`invoke dev`) keeps what it decoded of each member's file, and
decodes only a file whose text changed (`_LastDecoded`).

The files are JSON, never pickle: the cache folder may come from elsewhere (a CI cache
restored), and reading it must not run code. A damaged or foreign file is ignored and replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from markupsafe import Markup

from pln_site.entries import StoredEntry
from pln_site.feeds.imagefolder import KeptImage
from pln_site.files import write_atomically
from pln_site.members.model import Member
from pln_site.settings import images_path, store_path
from pln_site.site.fingerprint import build_fingerprint, stat_key
from pln_site.site.reading.crossposts import EntryId
from pln_site.site.reading.pictures import Picture
from pln_site.site.reading.river import EntryText, RiverMember
from pln_site.store import EntryHead

log = logging.getLogger(__name__)

# Part of every key: a change to what is kept, or how, must bump it.
SHAPED_VERSION = "6"
_DATES = ("date", "first_seen")
_ENTRY_FIELDS = tuple(f.name for f in fields(StoredEntry))
_TEXT_FIELDS = tuple(f.name for f in fields(EntryText))


@dataclass
class MemberShaped:
    """What shaping one member's shown entries gave: the entries the pages show (each post
    once, without its HTML, in the river's order), what the pages show of each, each post's
    copies in the member's other feeds, and every picture looked up with what the fetch had
    kept of it then (None: nothing)."""

    entries: list[StoredEntry]
    texts: dict[EntryId, EntryText]
    copies: dict[EntryId, list[StoredEntry]]
    asked: dict[str, KeptImage | None]
    # A digest of all of the above and of the signature it was kept under (its file's bytes):
    # the same token, the same river items (RiverItem.made_from). Empty until kept or loaded.
    token: str = field(default="", compare=False)


T = TypeVar("T")


class Remembered(Generic[T]):
    """`compute` (a pure function of one string), answering from `known` where it can; it
    records what it was asked this build (`asked`) and how many answers were new (`new`)."""

    def __init__(self, compute: Callable[[str], T], known: dict[str, T] | None = None) -> None:
        self.compute = compute
        self.known = known or {}
        self.asked: dict[str, T] = {}
        self.new = 0

    def __call__(self, text: str) -> T:
        try:
            answer = self.known[text]
        except KeyError:
            answer = self.known[text] = self.compute(text)
            self.new += 1
        self.asked[text] = answer
        return answer


@dataclass
class KeptMember:
    """What the index says of one member's kept file: the signature it is kept under, its
    token (MemberShaped.token), the pictures its shaping looked up, and the file's inode,
    size and time of change when the index was written (every write of it is a new file)."""

    signature: str
    token: str
    asked: dict[str, KeptImage | None]
    state: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class NewestPost:
    """A member's newest shown post as a card lists it: the entry (without its HTML) and the
    title the pages give it."""

    entry: StoredEntry
    title: str


@dataclass
class ShapedIndex:
    """The last build's whole result, found without the store: each member's kept file, the
    shown entries in the river's order with their members, their ids in the output feeds,
    and each member's newest post (what the directory's cards show of 500 members' files)."""

    members: dict[str, KeptMember]
    river: list[RiverPlace]
    ids: dict[EntryId, str]
    newest: dict[str, NewestPost] = field(default_factory=dict)

    def files_unchanged(self, cache: ShapedCache) -> bool:
        """Whether every member's file is the one the index was written beside."""
        return all(
            kept.state is not None and file_state(cache.member_file(member_id)) == kept.state
            for member_id, kept in self.members.items()
        )


RiverPlace = tuple[str, str, str]  # (feed, key, member id) of one entry the river shows


class ShapedCache:
    """The folder beside the store: cache/planet.sqlite3 keeps its shaped entries in
    cache/planet-shaped/ (index.json, and members/<digest>.json for each member)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        store = store_path(settings)
        self.folder = store.with_name(f"{store.stem}-shaped")
        self.settings = settings
        self._fingerprint: str | None = None

    # -- keys ---------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = build_fingerprint(self.settings)
        return self._fingerprint

    def quick_key(self, members: Iterable[Member]) -> str:
        """A digest of everything shaping reads, taken without opening the store: the store's
        files by size and time of change, what shaping reads of each listed member."""
        store = store_path(self.settings)
        views = sorted(shaping_view(member) for member in members)
        parts = [SHAPED_VERSION, self.fingerprint, _digest(views)]
        pictures = images_path(self.settings) / "index.json"
        for path in (store, Path(f"{store}-wal"), pictures):
            parts.append(stat_key(path).hex() if path.is_file() else f"{path}: none")
        return _digest(parts)

    def signature(self, member: Member, heads: list[EntryHead], *, any_pictures: bool) -> str:
        """A digest of what shaping `member`'s entries reads, but the pictures (checked one by
        one: `pictures_unchanged`): what it reads of their member file, which entries show,
        each at its revision, and whether the fetch kept any picture (with none, none is looked
        up)."""
        shown = ";".join(f"{head.rowid}.{head.revision}" for head in heads)
        parts = [SHAPED_VERSION, self.fingerprint, shaping_view(member), shown]
        return _digest([*parts, f"pictures: {any_pictures}"])

    # -- the index ----------------------------------------------------------------------------

    def load_index(self, quick_key: str) -> ShapedIndex | None:
        path = self.folder / "index.json"
        state = file_state(path)  # before reading: a file replaced meanwhile is read next time
        if state is not None and _last_index.of(self.folder) == (state, quick_key):
            return _last_index.index  # `invoke dev`: the file as it was at the last build
        data = _read_json(path)
        if data is None or data.get("key") != quick_key:
            return None
        index = self._index_from(data)
        if index is not None and state is not None:
            _last_index.keep(self.folder, state, quick_key, index)
        return index

    def _index_from(self, data: dict[str, Any]) -> ShapedIndex | None:
        try:
            return ShapedIndex(
                members={
                    str(member_id): KeptMember(
                        signature=str(kept["signature"]),
                        token=str(kept["token"]),
                        asked=_asked(kept["asked"]),
                        state=_state_of(kept["state"]),
                    )
                    for member_id, kept in data["members"].items()
                },
                river=[(str(feed), str(key), str(member)) for feed, key, member in data["river"]],
                ids={(str(feed), str(key)): str(found) for feed, key, found in data["ids"]},
                newest={
                    str(member_id): NewestPost(_entry(entry), str(title))
                    for member_id, (entry, title) in data["newest"].items()
                },
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.info("reading: ignoring the shaped entries' index (%s)", error)
            return None

    def save_index(self, quick_key: str, index: ShapedIndex) -> None:
        data = {
            "key": quick_key,
            "members": {
                member_id: {
                    "signature": kept.signature,
                    "token": kept.token,
                    "asked": _asked_data(kept.asked),
                    "state": list(kept.state) if kept.state else None,
                }
                for member_id, kept in index.members.items()
            },
            "river": [list(place) for place in index.river],
            "ids": [[feed, key, found] for (feed, key), found in index.ids.items()],
            "newest": {
                member_id: [_entry_data(post.entry), post.title]
                for member_id, post in index.newest.items()
            },
        }
        self._write(self.folder / "index.json", json.dumps(data))
        # What older code kept in one file beside this folder: the folder replaces it.
        self.folder.with_name(f"{self.folder.name}.json").unlink(missing_ok=True)

    def forget_index(self) -> None:
        """The next build shapes afresh what the index said."""
        (self.folder / "index.json").unlink(missing_ok=True)

    # -- what the slow path asks of every link and id ----------------------------------------

    def load_remembered(self, computes: dict[str, Callable[[str], Any]]) -> dict[str, Remembered]:
        """One `Remembered` for each of `computes` (name -> function), with the answers the
        last build kept, when the code and settings are the same (the fingerprint)."""
        data = _read_json(self.folder / "urls.json")
        if data is None or data.get("key") != self.fingerprint:
            data = {}
        found = {}
        for name, compute in computes.items():
            known = data.get(name)
            found[name] = Remembered(compute, known if isinstance(known, dict) else None)
        return found

    def save_remembered(self, remembered: dict[str, Remembered]) -> None:
        """Keep what this build asked, when anything was new (nothing else: no file grows
        with entries long gone)."""
        if any(memo.new for memo in remembered.values()):
            data = {name: memo.asked for name, memo in remembered.items()}
            self._write(self.folder / "urls.json", json.dumps({"key": self.fingerprint, **data}))

    # -- one member's shaped entries -----------------------------------------------------------

    def load_member(self, member_id: str, signature: str) -> MemberShaped | None:
        path = self.member_file(member_id)
        known = _last_decoded.of(self.folder)
        decoded = known.get(path)
        state = _file_state(path)  # before reading: a file replaced meanwhile is read next time
        if decoded is None or state is None or decoded.state != state:
            text = _read_text(path)
            if text is None:
                return None
            token = _token(text)
            if decoded is None or decoded.token != token:
                found = self._decode(member_id, text, token)
                if found is None:
                    return None
                decoded = _Decoded(state, token, *found)
            known[path] = decoded._replace(state=state)
        return decoded.shaped if decoded.kept_under == (member_id, signature) else None

    def _decode(
        self, member_id: str, text: str, token: str
    ) -> tuple[tuple[str, str], MemberShaped] | None:
        """A member's file as ((member id, signature), what it keeps); None when damaged."""
        data = _parsed(text)
        if data is None:
            return None
        try:
            kept_under = (str(data["member"]), str(data["signature"]))
            return kept_under, MemberShaped(
                entries=[_entry(item) for item in data["entries"]],
                texts={(feed, k): _text(text) for feed, k, text in data["texts"]},
                copies={
                    (feed, k): [_entry(copy) for copy in found] for feed, k, found in data["copies"]
                },
                asked=_asked(data["asked"]),
                token=token,
            )
        except (KeyError, TypeError, ValueError) as error:
            log.info("reading: ignoring the shaped entries of %s (%s)", member_id, error)
            return None

    def save_member(self, member_id: str, signature: str, shaped: MemberShaped) -> None:
        """Keep `shaped` under `signature`, and give it its token."""
        data = {
            "member": member_id,
            "signature": signature,
            "entries": [_entry_data(entry) for entry in shaped.entries],
            "texts": [[feed, k, _text_data(text)] for (feed, k), text in shaped.texts.items()],
            "copies": [
                [feed, k, [_entry_data(copy) for copy in found]]
                for (feed, k), found in shaped.copies.items()
            ],
            "asked": _asked_data(shaped.asked),
        }
        text = json.dumps(data)
        shaped.token = _token(text)
        self._write(self.member_file(member_id), text)

    def forget_others(self, member_ids: set[str]) -> None:
        """Remove the files of members no longer listed (a member file deleted, unlisted)."""
        kept = {self.member_file(member_id).name for member_id in member_ids}
        for path in (self.folder / "members").glob("*.json"):
            if path.name not in kept:
                path.unlink(missing_ok=True)
        decoded = _last_decoded.of(self.folder)
        for path in [path for path in decoded if path.name not in kept]:
            del decoded[path]

    def member_file(self, member_id: str) -> Path:
        # By digest: a member id is a file name already, but this way no id can lead elsewhere.
        name = hashlib.sha256(member_id.encode("utf-8")).hexdigest()[:24]
        return self.folder / "members" / f"{name}.json"

    def _write(self, path: Path, text: str) -> None:
        """A failure only costs speed."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        except OSError as error:
            log.warning("reading: could not keep the shaped entries in %s (%s)", path, error)


class _Decoded(NamedTuple):
    """A member's file as a build decoded it."""

    state: bytes | None  # its size, times and inode then (fingerprint.stat_key)
    token: str  # the digest of its text
    kept_under: tuple[str, str]  # (member id, signature)
    shaped: MemberShaped


class _LastDecoded:
    """In a process that builds again (`invoke dev`), a member's file read as it was last time
    gives the same objects back (they are never changed) instead of being decoded again: at 500
    members that was 0.6 s of every post edit. A file with the size, times and inode it had
    then is not even read (every write of one is a new file, renamed into place); one that
    differs is read, and decoded when its text differs. One site's folder at a time, so
    that a process that builds many sites does not keep them all."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.files: dict[Path, _Decoded] = {}

    def of(self, folder: Path) -> dict[Path, _Decoded]:
        if folder != self.folder:
            self.folder, self.files = folder, {}
        return self.files


_last_decoded = _LastDecoded()


class _LastIndex:
    """The index a process last read (`invoke dev` builds again and again): the same file,
    with the same inode, size and time of change, under the same key, gives the same index (it
    is never changed after reading: the river keeps its lists as they are)."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.state: tuple[int, int, int] | None = None
        self.key = ""
        self.index: ShapedIndex | None = None

    def of(self, folder: Path) -> tuple[tuple[int, int, int] | None, str]:
        return (self.state, self.key) if folder == self.folder else (None, "")

    def keep(self, folder: Path, state: tuple[int, int, int], key: str, index: ShapedIndex) -> None:
        self.folder, self.state, self.key, self.index = folder, state, key, index


_last_index = _LastIndex()


def pictures_unchanged(asked: dict[str, KeptImage | None], kept_now: Any) -> bool:
    """Whether every picture that shaping looked up is kept (or not) as it was then:
    `kept_now(url)` says what the fetch keeps now (PictureShelf.kept)."""
    return all(kept_now(url) == kept for url, kept in asked.items())


def shaping_view(member: Member) -> str:
    """What shaping reads of a member: their id, their site and feeds (whose site is whose), each
    feed's keep, skip, show and platform, and their own show. The repr, not model_dump: the
    exports leave out fields that shaping reads (a feed's `show`, `keep` and `skip`)."""
    return repr((member.id, member.url, member.feeds, member.show))


def items_made_from(token: str, member: Member) -> str:
    """What a member's river items are made from (RiverItem.made_from): their shaped entries
    (the token of their kept file) and the member as the items show them (RiverMember: name,
    site, feeds, languages), which shaping reads only in part."""
    return _digest([token, repr(RiverMember.of(member))])


def file_state(path: Path) -> tuple[int, int, int] | None:
    """A kept file's inode, size and time of change; None when it is missing."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _token(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_json(path: Path) -> dict[str, Any] | None:
    return _parsed(_read_text(path))


def _file_state(path: Path) -> bytes | None:
    """The file by its size, times and inode (fingerprint.stat_key); None when it is missing."""
    try:
        return stat_key(path)
    except OSError:
        return None


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.info("reading: ignoring the shaped entries in %s (%s)", path, error)
        return None


def _parsed(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as error:
        log.info("reading: ignoring damaged shaped entries (%s)", error)
        return None
    return data if isinstance(data, dict) else None


def _state_of(found: Any) -> tuple[int, int, int] | None:
    if not found:
        return None
    inode, size, changed = (int(part) for part in found)
    return (inode, size, changed)


def _asked(data: list[Any]) -> dict[str, KeptImage | None]:
    return {str(url): KeptImage(*kept) if kept is not None else None for url, kept in data}


def _asked_data(asked: dict[str, KeptImage | None]) -> list[Any]:
    return [
        [url, [kept.file, kept.width, kept.height] if kept is not None else None]
        for url, kept in asked.items()
    ]


def _entry_data(entry: StoredEntry) -> dict[str, Any]:
    # Field by field, not dataclasses.asdict: that deep-copies every value, at 20,000 entries
    # most of the time the file costs.
    data = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    for name in _DATES:
        data[name] = data[name].isoformat()
    return data


def _entry(data: dict[str, Any]) -> StoredEntry:
    if set(data) != set(_ENTRY_FIELDS):
        raise ValueError(f"an entry with the fields {sorted(data)}")
    for name in _DATES:
        data[name] = dt.datetime.fromisoformat(data[name])
    return StoredEntry(**data)


def _text_data(text: EntryText) -> dict[str, Any]:
    data = {name: getattr(text, name) for name in _TEXT_FIELDS}
    data["body_html"] = str(text.body_html)
    picture = data["picture"]
    data["picture"] = None if picture is None else [picture.src, picture.width, picture.height,
                                                   picture.alt]  # fmt: skip
    return data


def _text(data: dict[str, Any]) -> EntryText:
    if set(data) != set(_TEXT_FIELDS):
        raise ValueError(f"an entry's text with the fields {sorted(data)}")
    picture = data.pop("picture")
    return EntryText(
        **{**data, "body_html": Markup(data["body_html"])},
        picture=Picture(*picture) if picture else None,
    )

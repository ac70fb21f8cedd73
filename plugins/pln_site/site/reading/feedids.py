"""Each entry's id in the output feeds (Atom, RSS, JSON Feed): its own when it may keep it, else
one derived from its member, feed and key, so that no two entries share one and a reader never
takes one member's entry for an edit of another's."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from pln_site.entries import StoredEntry
from pln_site.store import Sites

ID_SCHEMES = frozenset({"http", "https", "tag", "urn"})
# RFC 4151's tag URI, with a lower-case authority (the W3C Feed Validator refuses others):
# feeds send "tag:https://host,2024:..." and the like, which are kept only as our own ids.
_DNS_NAME = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
_TAG_CHARS = r"[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*"
TAG_URI = re.compile(
    rf"tag:(?:[a-z0-9._-]+@)?{_DNS_NAME},\d{{4}}(?:-\d{{2}}(?:-\d{{2}})?)?:{_TAG_CHARS}"
    rf"(?:#{_TAG_CHARS})?"
)


def output_ids(
    entries: Iterable[StoredEntry],
    sites: Sites,
    original_id: Callable[[str], str | None] | None = None,
) -> dict[tuple[str, str], str]:
    """(feed, key) -> each entry's id in the output feeds; no two entries share one, so that a
    reader never takes one member's entry for an edit of another's.

    An entry keeps its original id (an absolute IRI, as an aggregator should keep it) unless
    another entry claims the same id and has the better claim, or the id is on another
    member's site and not on its own member's: a copied id. Of the entries claiming one id,
    the entry it was derived for comes first (an original id equal to it is forged), then one
    of a member on whose site the id is, then the one first seen; the others get an id derived
    from their member, feed and key. Ids stay the same from build to build.

    `original_id` is `original_id_of`, or one that remembers its answers from the last build.
    """
    original_id = original_id or original_id_of
    claims: dict[str, list[StoredEntry]] = {}
    originals: dict[tuple[str, str], str | None] = {}
    for entry in entries:
        original = originals[entry.feed_url, entry.key] = original_id(entry.key)
        claims.setdefault(original or derived_id(entry), []).append(entry)
    taken = set(claims)  # a fresh id never lands on an id another entry claims
    ids: dict[tuple[str, str], str] = {}
    for claimed, claimants in claims.items():
        owners = sites.owners(claimed)
        first = min(
            claimants,
            key=lambda entry: _claim_rank(
                entry, originals[entry.feed_url, entry.key], claimed, owners
            ),
        )
        for entry in claimants:
            # An id on other members' site, not on this member's: a copy, never kept.
            copied = bool(owners) and entry.member_id not in owners
            if entry is first and not copied:
                ids[entry.feed_url, entry.key] = claimed
            else:
                ids[entry.feed_url, entry.key] = _fresh_id(entry, taken)
    return ids


def _claim_rank(
    entry: StoredEntry, original: str | None, claimed: str, owners: frozenset[str]
) -> tuple:
    return (
        original == claimed,  # False first: the id was derived for this entry
        entry.member_id not in owners,
        entry.first_seen,
        entry.member_id,
        entry.feed_url,
        entry.key,
    )


def _fresh_id(entry: StoredEntry, taken: set[str]) -> str:
    """An id for an entry that may not keep the one it claims: from its member, feed and key
    (and a counter, should even that be claimed already)."""
    base = f"{entry.member_id}\n{entry.feed_url}\n{entry.key}"
    found, count = uuid_urn(base), 0
    while found in taken:
        count += 1
        found = uuid_urn(f"{base}\n{count}")
    taken.add(found)
    return found


def original_id_of(entry_key: str) -> str | None:
    """An entry's own id (its key in the store) when it is an absolute IRI, else None."""
    key = entry_key.strip()
    try:
        scheme = urlsplit(key).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ID_SCHEMES or any(char.isspace() for char in key):
        return None
    if scheme == "tag" and TAG_URI.fullmatch(key) is None:
        return None
    return key


def derived_id(entry: StoredEntry) -> str:
    """A stable UUID URN made from the feed and the entry's key (for an entry whose key is no
    IRI: a link, or a hash)."""
    return uuid_urn(f"{entry.feed_url}\n{entry.key}")


def uuid_urn(text: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, text).urn

"""The SQLite store of fetched entries, of each feed's HTTP state, and of the Webmentions
sent from the owner's posts (`WebmentionTry`). No Pelican here.

`Store` opens the file; it takes typed records in (`FeedUpdate` and its kinds, `Retention`) and
gives typed records out (`FeedState`, `FeedHealth`, pln_site.entries.StoredEntry); `Sites` says
whose site is whose, for which copy of a shared link the entries show. Its trouble is
`StoreUnavailable` or `FetchLocked`, both `pln_site.errors.SiteError`s.
"""

from pln_site.store.database import Store
from pln_site.store.errors import FetchLocked, StoreUnavailable
from pln_site.store.records import (
    EntryHead,
    EntryLink,
    EntryUpdate,
    FeedChanged,
    FeedFailed,
    FeedHealth,
    FeedState,
    FeedUnchanged,
    FeedUpdate,
    Retention,
    Sites,
    StoredLink,
    WebmentionTry,
)

__all__ = [
    "EntryHead",
    "EntryLink",
    "EntryUpdate",
    "FeedChanged",
    "FeedFailed",
    "FeedHealth",
    "FeedState",
    "FeedUnchanged",
    "FeedUpdate",
    "FetchLocked",
    "Retention",
    "WebmentionTry",
    "Sites",
    "Store",
    "StoreUnavailable",
    "StoredLink",
]

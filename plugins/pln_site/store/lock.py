"""The fetch lock: one fetch at a time writes a store, the others wait a little, then stop.

The lock is held on an open file beside the store (`planet.sqlite3.lock`), which also names the
holder's pid. The operating system drops such a lock when its process dies, so a crashed fetch
never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pln_site.store.errors import FetchLocked, StoreUnavailable

LOCK_WAIT_SECONDS = 5.0


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


@contextmanager
def fetch_lock(store_path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the fetch lock of the store at `store_path`; waits up to `wait` seconds
    (LOCK_WAIT_SECONDS), then raises FetchLocked naming the process that holds it."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    try:
        handle = open(lock_path(store_path), "a+")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise StoreUnavailable(store_path, "locked for fetching", error) from None
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


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

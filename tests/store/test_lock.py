"""The lock file alone: it names its holder while held, and says so when no pid was written."""

from __future__ import annotations

import os

import pytest

from pln_site.store import FetchLocked, Store
from pln_site.store.lock import lock_path


def test_the_lock_file_names_its_holder_only_while_held(store):
    with store.fetch_lock():
        assert lock_path(store.path).read_text() == str(os.getpid())
    assert lock_path(store.path).read_text() == ""
    with store.fetch_lock(wait=0):  # free again at once
        pass


def test_a_lock_held_by_nobody_named_says_so(store):
    with store.fetch_lock(), Store(store.path) as other:
        lock_path(store.path).write_text("")  # the holder's pid was never written
        with pytest.raises(FetchLocked) as locked, other.fetch_lock(wait=0):
            pass
    assert str(locked.value) == "another fetch is running; try again when it has finished"
    assert locked.value.pid is None

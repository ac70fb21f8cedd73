"""`invoke dev`'s search index (commands/dev.py, SearchIndexer): made in the background, at a
lower priority than the builds, never waited for by the next build; a build that ends while an
index is being made gets one more index after it, not one per build."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from pln_site.commands import dev


def test_a_build_never_waits_for_the_index_and_the_last_one_is_indexed(tmp_path, monkeypatch):
    release = threading.Event()
    runs: list[int] = []  # the niceness of the thread each index ran in

    def index_for_dev(settings_path, **settings):
        runs.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        release.wait(timeout=30)
        return []

    monkeypatch.setattr(dev, "index_for_dev", index_for_dev)
    indexer = dev.SearchIndexer(tmp_path / "sitesettings.py")
    indexer.start()  # the first build's index: it runs until released
    deadline = time.monotonic() + 10
    while not runs and time.monotonic() < deadline:
        time.sleep(0.01)
    # Two more builds end meanwhile: had either waited for the index being made, it would
    # still be waiting, since that index is held until released below.
    builds = threading.Thread(target=lambda: (indexer.start(), indexer.start()))
    builds.start()
    builds.join(timeout=10)
    assert not builds.is_alive()
    assert len(runs) == 1
    release.set()
    indexer.wait()
    assert len(runs) == 2  # one more index after the one being made, for both builds
    if sys.platform.startswith("linux"):
        assert runs == [os.getpriority(os.PRIO_PROCESS, 0) + dev.BACKGROUND_NICENESS] * 2
    else:
        pytest.skip("only Linux gives a thread a priority of its own")

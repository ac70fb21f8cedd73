"""What a parse worker process runs first: it imports the parser (so that the first feed does not
wait for it), ends itself when the fetch that started it ends in any way, and tells which
process it is (so that a parse over its budget can be stopped)."""

from __future__ import annotations

import multiprocessing.connection
import multiprocessing.process
import os
import threading

import pln_site.feeds.parse.feed  # noqa: F401 - imported now, before the first feed


def watch_parent() -> None:
    """End this worker when its parent ends, even by `kill -9`: an orphan would go on holding
    the parent's standard output, and whoever waits for that output would wait for it."""
    parent = multiprocessing.process.parent_process()
    if parent is None:  # pragma: no cover - a worker always has a parent
        return

    def wait_and_end() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait_and_end, name="planet-parse-parent", daemon=True).start()


def ready() -> int:
    """This worker's process id, once the parser is imported."""
    return os.getpid()

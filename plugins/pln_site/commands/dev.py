"""`invoke dev`: the writer's loop in one command. Build, serve the output on 127.0.0.1, watch
what a build reads, build again when it changes, and reload the open pages.

Watched: the content, the theme, the settings file, the templates and static files of the
pln_site plugins, and the feed store (its file and its write-ahead log), so that an `invoke
fetch` in another terminal updates the open reading pages when it finishes. A failed build is
printed and shown over the page (dev_server.py, static/dev-reload.js); the output keeps the last
good build. Ctrl-C stops the watcher and the server; the task ends it as every command ends.

When only posts, pages, member files or the store changed, each page is announced as soon as
the build has written it, and the tab that shows it reloads then: an edited post is shown once
its own page is written, before the lists, the directory and the river are done. After an
edit of anything else (the theme, its styles, the settings) the tabs reload when the whole
build is done, so that no page is shown with styles or pictures of the build before.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from pelican import signals
from watchfiles import Change, DefaultFilter, watch

import pln_site
from pln_site.commands.dev_build import build_for_dev, index_for_dev
from pln_site.commands.dev_server import (
    SCRIPT_URL,
    BuildEvents,
    BuildState,
    DevHTTPServer,
    DevRequestHandler,
    new_build_id,
    page_key,
)
from pln_site.commands.serve import port_problem
from pln_site.commands.settings import load_settings
from pln_site.messages import display_path, terminal_text
from pln_site.settings import images_path, store_path

# Editors save in several steps (a temporary file, a rename): changes that come within this
# many milliseconds of each other make one build.
QUIET_MS = 50
MOST_MS = 1600
BACKGROUND_NICENESS = 10  # the search index's: a build and the reload come first
# The files of posts and pages (Pelican's readers) and of members: what the pages are written
# from, and nothing that a page links to (a style sheet, a picture) is.
PAGE_SOURCES = frozenset({".md", ".markdown", ".mkd", ".mdown", ".rst", ".html", ".htm",
                          ".yaml", ".yml"})  # fmt: skip


def dev(settings_file: str | os.PathLike, port: int = 8000) -> None:
    """Build, serve on http://127.0.0.1:PORT/, rebuild on every change, until Ctrl-C."""
    settings_path = Path(settings_file)
    settings = load_settings(settings_path)  # a settings file that cannot be read stops here
    output = Path(settings["OUTPUT_PATH"])
    events = BuildEvents()
    handler = functools.partial(DevRequestHandler, base_path=str(output), events=events)
    try:  # the port first: a port in use is said before a build is waited for
        server = DevHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise port_problem(port, error, task="dev") from None
    _show_warnings()
    serving = threading.Thread(target=server.serve_forever, name="dev-server", daemon=True)
    search = SearchIndexer(settings_path)
    try:
        _build(settings_path, events, search)
        serving.start()
        print(f"Serving {display_path(output)} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
        print("Watching for changes; the open pages reload after each build.", flush=True)
        for changed in _changes(settings_path, settings):
            print(f"Changed: {terminal_text(display_path(changed[0]))}", flush=True)
            early = _only_pages_change(changed, settings)
            _build(settings_path, events, search, pages_of=output if early else None)
    finally:
        events.close()
        search.wait()
        if serving.is_alive():
            server.shutdown()
        server.server_close()


def _build(
    settings_path: Path, events: BuildEvents, search: SearchIndexer, pages_of: Path | None = None
) -> None:
    """One build; `pages_of`: the output folder whose pages are announced as they are written
    (None: the open pages reload when the build is done)."""
    build = new_build_id()
    with _announcing_pages(events, build, pages_of):
        problems = build_for_dev(settings_path, DEV_RELOAD_SCRIPT_URL=SCRIPT_URL)
    state = BuildState(build, tuple(p.as_json() for p in problems))
    events.publish(state)
    if problems:
        print("Build failed: the pages show the last good build. Fix and save.", flush=True)
        return
    print("Built; the open pages reload.", flush=True)
    search.start()


class SearchIndexer:
    """The search index, made after each good build in the background: neither the reload nor
    the next build waits for it, and it has the processor only when the builds leave it (a
    lower priority, for its thread and for pagefind). One index at a time: a build that ends
    while one is being made asks for another after it (an index made while the next build
    rewrote its pages is made again: the pages' fingerprint differs)."""

    def __init__(self, settings_path: Path) -> None:
        self.settings_path = settings_path
        self._running: threading.Thread | None = None
        self._lock = threading.Lock()
        self._again = False

    def start(self) -> None:
        with self._lock:
            if self._running is not None and self._running.is_alive():
                self._again = True
                return
            self._running = threading.Thread(target=self._index, name="dev-search", daemon=True)
            self._running.start()

    def wait(self) -> None:
        with self._lock:
            running = self._running
        if running is not None:
            running.join()

    def _index(self) -> None:
        _in_the_background()
        while True:
            if index_for_dev(self.settings_path, DEV_RELOAD_SCRIPT_URL=SCRIPT_URL) == []:
                print("Search index updated.", flush=True)
            with self._lock:
                if not self._again:
                    return
                self._again = False


@contextlib.contextmanager
def _announcing_pages(events: BuildEvents, build: str, output: Path | None) -> Iterator[None]:
    """While the build `build` runs, each HTML page of `output` that it writes is announced
    (Pelican says every page it writes; a page taken as the last build left it is not new)."""
    if output is None:
        yield
        return
    started = time.time_ns()
    folder = output.resolve()

    def written(path: str, **_context: object) -> None:
        page = Path(path)
        if page.suffix != ".html":
            return
        try:
            if page.stat().st_mtime_ns < started:
                return  # the last build's file, as it was
            events.page_written(page_key(page.resolve().relative_to(folder)))
        except (OSError, ValueError):  # gone meanwhile, or not under the output folder
            return

    events.start(build)
    signals.content_written.connect(written, weak=False)
    try:
        yield
    finally:
        signals.content_written.disconnect(written)


def _only_pages_change(changed: list[Path], settings: dict) -> bool:
    """Whether every changed file is a post's, a page's, a member's or the store's."""
    content = Path(settings["PATH"]).resolve()
    store = store_path(settings).resolve()
    store_files = {store, Path(f"{store}-wal")}

    def is_page_source(path: Path) -> bool:
        return path.suffix.lower() in PAGE_SOURCES and path.is_relative_to(content)

    return all(path in store_files or is_page_source(path) for path in changed)


def _in_the_background() -> None:
    """Lower this thread's priority, and that of the programs it starts (on Linux each thread
    has a nice value of its own; elsewhere nothing changes)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


def _changes(settings_path: Path, settings: dict) -> Iterator[list[Path]]:
    """Each batch of changes that a build reads: the files changed, sorted."""
    store = store_path(settings)
    store.parent.mkdir(parents=True, exist_ok=True)  # a site not fetched yet has no cache/
    inputs = [settings["PATH"], settings["THEME"], settings_path, *_plugin_folders()]
    sources = sorted({Path(root).resolve() for root in inputs if Path(root).exists()})
    relevant = BuildInputs.of(settings, sources)
    paths = sorted({*sources, store.parent.resolve()})
    built_on = _store_state(store)
    for batch in watch(*paths, watch_filter=relevant, debounce=MOST_MS, step=QUIET_MS):
        changed = sorted(path for _change, path in batch)
        if set(changed) <= relevant.store_files and _store_state(store) == built_on:
            # The build's own reading: SQLite makes a log file for a reader and removes it.
            continue
        built_on = _store_state(store)  # before the build: a fetch's later writes build again
        yield [Path(path) for path in changed]


def _store_state(store: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and time of change of the store and its write-ahead log (None: no such file)."""
    return tuple(_file_state(Path(f"{store}{suffix}")) for suffix in ("", "-wal"))


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_size, found.st_mtime_ns)


def _plugin_folders() -> list[Path]:
    """The templates and static files of the pln_site plugins (a theme may override them)."""
    package = Path(pln_site.__file__).parent / "site"
    return sorted(
        path
        for path in package.glob("*/*")
        if path.is_dir() and path.name in ("templates", "static")
    )


class BuildInputs(DefaultFilter):
    """What a build reads: the editor's files under the sources (content, theme, settings, the
    plugins' templates; DefaultFilter leaves out swap files, backups, caches) and, of the
    store's folder, the store alone. Not what the build itself writes (the output, Pelican's
    cache, what it keeps beside the store), which would start the next build: the store's
    folder may be the site's own (`PLANET_STORE_PATH = "planet.sqlite3"`), with the posts, a
    log of the terminal and the output in it."""

    def __init__(self, store: Path, sources: tuple[str, ...], written: tuple[str, ...]) -> None:
        super().__init__()
        self.store_files = {str(store), f"{store}-wal"}
        self.sources = sources
        self.written = written

    @classmethod
    def of(cls, settings: dict, sources: list[Path]) -> BuildInputs:
        folders = [settings["OUTPUT_PATH"], settings.get("CACHE_PATH"), images_path(settings)]
        store = store_path(settings).resolve()
        written = [f"{Path(folder).resolve()}{os.sep}" for folder in folders if folder]
        # Kept beside the store (shaped entries, excerpts) and SQLite's own files: written by
        # the build even when the store is under the content folder.
        written += [f"{store.parent / store.stem}-", f"{store}-"]
        under = tuple(str(path) if path.is_file() else f"{path}{os.sep}" for path in sources)
        return cls(store, under, tuple(written))

    def __call__(self, change: Change, path: str) -> bool:
        if path in self.store_files:
            return True
        if path.startswith(self.written) or not path.startswith(self.sources):
            return False
        return super().__call__(change, path)


class _BelowErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR  # errors are printed with the build's problems


def _show_warnings() -> None:
    """Pelican's warnings on the terminal, one line each, as `invoke build` shows them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.addFilter(_BelowErrors())
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger().addHandler(handler)

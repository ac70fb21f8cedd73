"""`invoke build`, `regenerate` and `clean`: Pelican runs, with the member check first.
(`invoke serve` is in serve.py.)"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from pathlib import Path

from pelican import Pelican

from pln_site.commands.check import check_members
from pln_site.commands.gc_tuning import fewer_collections
from pln_site.errors import SiteError
from pln_site.messages import terminal_text
from pln_site.settings import SEARCH
from pln_site.site.plugin import enabled


@fewer_collections()  # the forked child inherits the collector's thresholds
def build(settings: dict) -> int:
    """Check the member files, build the site, then index it for search.

    Nothing is written when a check fails. Pelican runs in a child process where the platform
    can fork, and the search index is made after that process has exited: the indexer needs
    about as much memory as the build, and this way the two never hold it at the same time.
    """
    if check_members(settings, out=sys.stderr) != 0:
        print("Build stopped before writing anything: fix the member files above.", file=sys.stderr)
        return 1
    code = _run_apart(_run_pelican, pelican_settings(settings))
    if code == 0:
        index_for_search(settings)
    return code


def pelican_settings(settings: dict) -> dict:
    """The settings Pelican builds with: the search plugin leaves the index to `index_for_search`
    (it makes it itself under plain `pelican`)."""
    return {**settings, "SEARCH_INDEX_IN_PELICAN": not enabled(SEARCH, settings)}


def index_for_search(settings: dict) -> None:
    """Index the built site for search, when the site has the search plugin."""
    if enabled(SEARCH, settings):
        from pln_site.site.search.pagefind import index_site

        index_site(settings)


def _run_pelican(settings: dict) -> int:
    try:
        Pelican(settings).run()
    except SiteError as error:  # unknown mentions, settings a build cannot use
        print(terminal_text(error, lines=True), file=sys.stderr)
        return 1
    return 0


def _run_apart(job, settings: dict) -> int:
    """`job(settings)` in a forked child (its memory is returned whole when it exits) on Linux,
    else here: macOS's system libraries may not survive a fork, Windows cannot fork.
    Exceptions in the child are printed there."""
    if not sys.platform.startswith("linux"):
        return job(settings)
    child = multiprocessing.get_context("fork").Process(
        target=_exit_with, args=(job, settings), name="pelican"
    )
    child.start()
    child.join()
    return 0 if child.exitcode == 0 else 1


def _exit_with(job, settings: dict) -> None:
    try:
        code = job(settings)
    except KeyboardInterrupt:  # Ctrl-C reaches the child too: the parent says it, once
        code = 130
    sys.exit(code)  # multiprocessing flushes the streams on both sides of the fork


def regenerate(settings_file: str) -> None:
    """Rebuild whenever content, theme or settings change (Pelican's own watcher)."""
    from pelican import main as pelican_main

    pelican_main(["-r", "-s", settings_file])


def clean(settings: dict) -> Path:
    """Remove the output folder (the fetched store under cache/ stays)."""
    output = Path(settings["OUTPUT_PATH"])
    if output.is_dir():
        shutil.rmtree(output)
    return output

"""One build of `invoke dev`: the build of `invoke build`, run in this process, whose problems
come back as records (file, line, field, message) for the terminal and for the page's overlay.

In this process rather than a forked child: the dev server's threads may hold a lock (stderr's,
logging's) at the moment of a fork, and the child would then wait for it forever.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError
from pelican import Pelican

from pln_site.commands.build import index_for_search, pelican_settings
from pln_site.commands.gc_tuning import fewer_collections
from pln_site.commands.settings import load_settings
from pln_site.errors import SiteError
from pln_site.members.loader import members_from_settings
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import display_path, terminal_text
from pln_site.settings import SEARCH
from pln_site.site.plugin import enabled


@dataclass(frozen=True)
class BuildProblem:
    """What stopped or spoiled a build, as the overlay shows it: `file:line: field: message`."""

    message: str
    file: str = ""
    line: int = 0
    field: str = ""

    def as_json(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, str(self.line) if self.line else "") if part)
        field = f"{self.field}: " if self.field and self.field != "-" else ""
        return terminal_text(f"{where + ': ' if where else ''}{field}{self.message}")


def build_for_dev(settings_file: Path, **dev_settings: object) -> list[BuildProblem]:
    """Build the site's pages with `settings_file` plus `dev_settings`, as `invoke build` does
    (the member check first, then Pelican), but not its search index (`index_for_dev`, after the
    open pages have reloaded); every problem, printed too."""
    problems = _build(settings_file, dev_settings)
    for problem in problems:
        print(problem, file=sys.stderr)
    return problems


def index_for_dev(settings_file: Path, **dev_settings: object) -> list[BuildProblem] | None:
    """Index the built pages for search; None when the site has no search, else every problem
    (printed too)."""
    problems = []
    with _logged_errors() as logged:
        try:
            settings = load_settings(settings_file, **dev_settings)
            if not enabled(SEARCH, settings):
                return None
            index_for_search(settings)
        except Exception as error:  # the pages are built and shown; only search waits
            problems.append(_problem_of(error))
    for problem in [*logged, *problems]:
        print(problem, file=sys.stderr)
    return [*logged, *problems]


@fewer_collections()  # the member check too: it makes every member's objects at once
def _build(settings_file: Path, dev_settings: dict) -> list[BuildProblem]:
    try:  # read afresh each time: the settings file is one of the files being edited
        settings = load_settings(settings_file, **dev_settings)
    except Exception as error:  # a settings file is Python: any error can come out of it
        return [_problem_of(error, settings_file)]
    try:
        members_from_settings(settings)
    except MemberFilesInvalid as error:  # nothing is written, as in `invoke build`
        return [
            BuildProblem(p.message, display_path(p.path), p.line, p.field) for p in error.problems
        ]
    with _logged_errors() as logged:
        try:
            Pelican(pelican_settings(settings)).run()
        except Exception as error:  # a Pelican or template error: shown, and the loop goes on
            return [*logged, _problem_of(error)]
    return logged  # Pelican logs a post it cannot read and goes on without it


def _problem_of(error: Exception, file: Path | None = None) -> BuildProblem:
    if isinstance(error, SiteError):
        where = error.location
        if where is None:
            return BuildProblem(error.report())
        text = f"{error.message} (hint: {error.hint})" if error.hint else error.message
        return BuildProblem(text, display_path(where.path), where.line, where.field)
    if isinstance(error, TemplateSyntaxError):
        return BuildProblem(error.message or str(error), error.filename or "", error.lineno)
    if isinstance(error, SyntaxError):
        return BuildProblem(
            error.msg, display_path(error.filename or file or ""), error.lineno or 0
        )
    name = type(error).__name__
    return BuildProblem(f"{name}: {error}", display_path(file) if file else "")


class _ErrorRecords(logging.Handler):
    """The errors logged by this thread alone: the search index of the last build is made in
    another (dev.SearchIndexer) while the next build runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.problems: list[BuildProblem] = []
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.problems.append(BuildProblem(record.getMessage()))


@contextmanager
def _logged_errors() -> Iterator[list[BuildProblem]]:
    """The errors Pelican logs during a build (it logs an unreadable post and leaves it out)."""
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.problems
    finally:
        root.removeHandler(handler)

"""The commands' own functions, called in the test's process with a settings file: what
`invoke build -s FILE` and `invoke fetch -s FILE` run, without starting Python, invoke and
Pelican again. For the tests whose subject is what a command does to a site, not how it meets
the shell (those keep a real `invoke` run: tests/support/project.run_invoke)."""

from __future__ import annotations

from os import PathLike

from pln_site.commands import build as site
from pln_site.commands.fetch import run_fetch
from pln_site.commands.settings import load_settings


def build(settings_file: str | PathLike) -> int:
    """`invoke build -s settings_file`: the member check, Pelican (in a forked child, as there)
    and the search index; returns the exit code. What it prints goes to the captured output."""
    return site.build(load_settings(settings_file))


def fetch(settings_file: str | PathLike) -> int:
    """`invoke fetch -s settings_file`, with its report printed as text; returns the exit code."""
    return run_fetch(load_settings(settings_file))

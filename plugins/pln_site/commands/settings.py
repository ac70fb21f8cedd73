"""A command's inputs: the site's settings file read the way Pelican does, with every plugin's
defaults filled in; the settings and the member files checked; the store a fetch made.

The `..._or_report` helpers print what is wrong to the command's error stream, always in the
same words, and give None: the command then exits with its own code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from pelican.settings import read_settings

from pln_site.errors import SiteError
from pln_site.members.loader import members_from_settings
from pln_site.members.model import Member
from pln_site.members.problems import MemberFilesInvalid
from pln_site.messages import display_path, terminal_text
from pln_site.settings import SettingsInvalid, store_path, validate, with_defaults


class SettingsError(SiteError):
    """The settings file is missing or cannot be read; the message says which and why."""

    exit_code = 2


def load_settings(settings_file: str | os.PathLike, **overrides) -> dict:
    """Pelican's settings from `settings_file`, with every plugin's defaults filled in (the
    commands need them, whichever plugins the site lists).

    Relative paths in the settings (PATH, OUTPUT_PATH, PLANET_STORE_PATH) are taken relative to
    the settings file's folder, as Pelican does for PATH and OUTPUT_PATH.
    """
    path = Path(settings_file)
    if not path.is_file():
        raise SettingsError(f"settings file {settings_file} not found (hint: pass -s FILE)")
    settings = with_defaults(read_settings(str(path), override=overrides or None))
    store = Path(settings["PLANET_STORE_PATH"])
    if not store.is_absolute():
        settings["PLANET_STORE_PATH"] = str(path.resolve().parent / store)
    return settings


def checked_inputs(settings: dict, *more_problems: str) -> tuple[dict, list[Member]]:
    """`settings` with every plugin's default, and every member file (archived and draft ones
    too), both checked first, as a command needs them. Raises SettingsInvalid, naming every
    problem (with `more_problems`, what the command found wrong in its own options), or
    MemberFilesInvalid; the command prints the error's report and exits with 2."""
    settings = checked_settings(settings, *more_problems)
    return settings, members_from_settings(settings)


def checked_settings(settings: dict, *more_problems: str) -> dict:
    """`settings` with every plugin's default, checked: raises SettingsInvalid, naming every
    problem (with `more_problems`, what the command found wrong in its own options)."""
    settings = with_defaults(settings)
    problems = [*validate(settings), *more_problems]
    if problems:
        raise SettingsInvalid(problems)
    return settings


def members_or_report(settings: dict, err: TextIO) -> list[Member] | None:
    """Every member file (archived and draft ones too); None once their problems are printed to
    `err` (the commands exit with 2)."""
    try:
        return members_from_settings(settings)
    except MemberFilesInvalid as invalid:
        print(terminal_text(invalid.report(), lines=True), file=err)
        return None


def fetched_store_or_report(settings: dict, err: TextIO) -> Path | None:
    """The store's file, for a command that only reads it; None once `err` is told that no
    fetch has made it yet."""
    path = store_path(settings)
    if not path.is_file():
        print(f"No feed store at {display_path(path)} yet: run `invoke fetch` first.", file=err)
        return None
    return path

"""Read a site's settings file the way Pelican does, with every plugin's defaults filled in."""

from __future__ import annotations

import os
from pathlib import Path

from pelican.settings import read_settings

from pln_site.errors import SiteError
from pln_site.members.loader import members_from_settings
from pln_site.members.model import Member
from pln_site.settings import SettingsInvalid, validate, with_defaults


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
    settings = with_defaults(settings)
    problems = [*validate(settings), *more_problems]
    if problems:
        raise SettingsInvalid(problems)
    return settings, members_from_settings(settings)

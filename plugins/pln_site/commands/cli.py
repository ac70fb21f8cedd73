"""`pln-site`: the fetch, status and check commands for a Pelican site without this project's
tasks.py (a site that installed pln-site and listed its plugins).

    pln-site check  [-s pelicanconf.py]
    pln-site fetch  [-s pelicanconf.py] [--json]
    pln-site status [-s pelicanconf.py] [--json]
    pln-site fix-feeds [-s pelicanconf.py] [--dry-run] [--after 3]
    pln-site suggest [-s pelicanconf.py] [--json]

Each runs what the `invoke` task of the same name runs and exits with the same code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from pln_site.commands.exits import ended_quietly
from pln_site.commands.settings import SettingsError, load_settings

# A settings file that is missing or unreadable: `invoke` exits with 2 for it too.
BAD_SETTINGS = 2


def _check(settings: dict, _arguments: argparse.Namespace) -> int:
    from pln_site.commands.check import check_members

    return check_members(settings)


def _fetch(settings: dict, arguments: argparse.Namespace) -> int:
    from pln_site.commands.fetch import run_fetch

    return run_fetch(settings, as_json=arguments.json)


def _status(settings: dict, arguments: argparse.Namespace) -> int:
    from pln_site.commands.fetch import run_status

    return run_status(settings, as_json=arguments.json)


def _suggest(settings: dict, arguments: argparse.Namespace) -> int:
    from pln_site.commands.suggest import run_suggest

    return run_suggest(settings, as_json=arguments.json)


def _fix_feeds(settings: dict, arguments: argparse.Namespace) -> int:
    from pln_site.commands.fix_feeds import run_fix_feeds

    return run_fix_feeds(settings, dry_run=arguments.dry_run, after=arguments.after)


def _fix_feeds_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--dry-run", action="store_true", help="print each file's diff and write nothing"
    )
    command.add_argument(
        "--after",
        type=int,
        default=3,
        metavar="N",
        help="how many fetches in a row must agree on a move (default 3)",
    )


COMMANDS: dict[str, tuple[Callable[[dict, argparse.Namespace], int], str, bool]] = {
    # name: (what runs, its help, whether it takes --json)
    "check": (_check, "validate the member files without building; non-zero on any problem", False),
    "fetch": (_fetch, "fetch every member's feeds into the store (the build reads it)", True),
    "status": (_status, "each feed's health from the store, without fetching", True),
    "suggest": (_suggest, "people the members' blogrolls recommend, not in the network", True),
    "fix-feeds": (_fix_feeds, "rewrite member files for moved and gone feeds", False),
}
# The options of the commands that take more than --json.
OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"fix-feeds": _fix_feeds_options}


def parser() -> argparse.ArgumentParser:
    """The command line: a subcommand, each with -s/--settings like `pelican -s`."""
    top = argparse.ArgumentParser(
        prog="pln-site",
        description="The network directory's and reading feed's commands for a Pelican site.",
    )
    subcommands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_run, help_text, takes_json) in COMMANDS.items():
        command = subcommands.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "-s",
            "--settings",
            default="pelicanconf.py",
            metavar="FILE",
            help="the settings file (default: pelicanconf.py)",
        )
        if takes_json:
            command.add_argument("--json", action="store_true", help="print the report as JSON")
        if name in OPTIONS:
            OPTIONS[name](command)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code."""
    arguments = parser().parse_args(argv)
    try:
        settings = load_settings(arguments.settings)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return BAD_SETTINGS
    run = COMMANDS[arguments.command][0]
    with ended_quietly():  # Ctrl-C, or `pln-site status --json | head -1`: no traceback
        return run(settings, arguments)


if __name__ == "__main__":  # `python -m pln_site.commands.cli`; import-safe for worker processes
    sys.exit(main())

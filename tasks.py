"""Tasks for the site: `invoke --list` shows them, `invoke --help TASK` explains one.

Each task is a thin wrapper: the work lives in the pln_site package (pln_site.commands).
Every task that reads settings takes -s/--settings FILE (default pelicanconf.py), like `pelican -s`.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from invoke import Exit
from invoke import task as invoke_task

from pln_site.commands import build as site
from pln_site.commands import publish as publishing
from pln_site.commands.check import check_members
from pln_site.commands.exits import ended_quietly
from pln_site.commands.scaffold import new_member as scaffold_member
from pln_site.commands.scaffold import new_post as scaffold_post
from pln_site.commands.settings import load_settings
from pln_site.errors import SiteError
from pln_site.members.memberfile import NEXT_STEP
from pln_site.messages import terminal_text

SETTINGS_HELP = {"settings": "the settings file (default: pelicanconf.py)"}


def task(*args, **kwargs):
    """invoke's @task, for a body whose SiteError (bad settings, a file that cannot be made...)
    is printed as its message alone and exits with that error's code, without a traceback; so
    are Ctrl-C (exit 130) and a closed output pipe (`invoke status --json | head -1`)."""

    def decorate(body):
        @functools.wraps(body)
        def run(c, *body_args, **body_kwargs):
            try:
                with ended_quietly():
                    return body(c, *body_args, **body_kwargs)
            except SiteError as error:
                raise Exit(terminal_text(str(error), lines=True), code=error.exit_code) from None

        return invoke_task(*args, **kwargs)(run)

    return decorate


def _exit(code: int) -> None:
    if code:
        raise Exit(code=code)


@task(help=SETTINGS_HELP)
def check(c, settings="pelicanconf.py"):
    """Validate the member files without building; exit non-zero on any problem."""
    _exit(check_members(load_settings(settings)))


@task(help=SETTINGS_HELP)
def build(c, settings="pelicanconf.py"):
    """Build the site into the output folder (reads the feed store, never the network)."""
    _exit(site.build(load_settings(settings)))


@task(help=SETTINGS_HELP)
def clean(c, settings="pelicanconf.py"):
    """Remove the output folder; the feed store stays."""
    print(f"Removed {site.clean(load_settings(settings))}")


@task(help=SETTINGS_HELP)
def rebuild(c, settings="pelicanconf.py"):
    """Clean, then build."""
    clean(c, settings)
    build(c, settings)


@task(help={**SETTINGS_HELP, "port": "the port on 127.0.0.1 (default 8000)"})
def serve(c, settings="pelicanconf.py", port=8000):
    """Serve the built site on http://127.0.0.1:PORT/ (a missing page gets the 404 page)."""
    from pln_site.commands.serve import serve as serve_site

    serve_site(load_settings(settings), port=int(port))


@task(help=SETTINGS_HELP)
def regenerate(c, settings="pelicanconf.py"):
    """Rebuild whenever content, theme or settings change."""
    site.regenerate(settings)


@task(help={**SETTINGS_HELP, "port": "the port on 127.0.0.1 (default 8000)"})
def dev(c, settings="pelicanconf.py", port=8000):
    """Build, serve on http://127.0.0.1:PORT/, rebuild on each change and reload the page."""
    from pln_site.commands.dev import dev as develop

    develop(settings, port=int(port))


@task(help={**SETTINGS_HELP, "title": "the post's title"})
def new_post(c, title, settings="pelicanconf.py"):
    """Start a draft post in content/posts/."""
    print(f"Wrote {scaffold_post(title, load_settings(settings))}")


@task(
    help={
        **SETTINGS_HELP,
        "member_id": 'their id (lowercase, digits, hyphens) or name in quotes ("Ada Lovelace")',
    }
)
def new_member(c, member_id, settings="pelicanconf.py"):
    """Start content/network/ID.yaml as a draft, with every field in place, commented."""
    path = scaffold_member(member_id, load_settings(settings))
    print(f"Wrote {terminal_text(path)} (status: draft, not published yet).\n{NEXT_STEP}")


@task(help={**SETTINGS_HELP, "json": "print the report as JSON"})
def fetch(c, settings="pelicanconf.py", json=False):
    """Fetch every member's feeds into the store (the build then works offline)."""
    from pln_site.commands.fetch import run_fetch

    _exit(run_fetch(load_settings(settings), as_json=json))


@task(
    help={
        **SETTINGS_HELP,
        "json": "print the report as JSON",
        "html": "write your private health page to FILE (never inside OUTPUT_PATH)",
    }
)
def status(c, settings="pelicanconf.py", json=False, html=None):
    """Show each feed's health from the store, without fetching; --html FILE writes a page."""
    from pln_site.commands.fetch import run_status

    _exit(run_status(load_settings(settings), as_json=json, html=html))


@task(
    help={
        **SETTINGS_HELP,
        "dry-run": "print the diff of each member file, and write nothing",
        "after": "how many fetches in a row must agree on a move (default 3)",
    }
)
def fix_feeds(c, settings="pelicanconf.py", dry_run=False, after=3):
    """Rewrite member files for feeds that moved (a permanent redirect, fetch after fetch) or
    are gone (HTTP 410)."""
    from pln_site.commands.fix_feeds import run_fix_feeds

    _exit(run_fix_feeds(load_settings(settings), dry_run=dry_run, after=int(after)))


@task(
    iterable=["profile"],
    help={
        **SETTINGS_HELP,
        "name": "your name, as the author of the site (AUTHOR)",
        "title": "the site's title (SITENAME; default: your name)",
        "url": "the site's address once published, e.g. https://you.example.org (SITEURL)",
        "profile": "a profile of yours (Mastodon, GitHub...), linked with rel=me; repeat it",
    },
)
def init(c, name=None, title=None, url=None, profile=None, settings="pelicanconf.py"):
    """Make this clone your own site: your details in, the example content and entries out.

    Writes AUTHOR, SITENAME and SOCIAL into the settings and SITEURL into publishconf.py;
    removes the example members, their avatars, the demo feeds, the example posts and the
    store; leaves one welcome post that says what to do next. Refuses once no example is left.
    """
    from pln_site.commands.init import interactive_ask, owner_from, run_init

    def owner():
        return owner_from(name, title, url, profile or [], ask=interactive_ask())

    _exit(run_init(Path(settings), load_settings(settings), owner))


@task(help=SETTINGS_HELP)
def demo(c, settings="pelicanconf.py"):
    """Serve the example members' feeds on 127.0.0.1, fetch them for real, then build."""
    from pln_site.commands.demo import run_demo

    _exit(run_demo(load_settings(settings), build=site.build))


def _publish(settings: str, command_for) -> None:
    """Build with `settings`, then run the upload `command_for(settings)` names, if configured."""
    config = load_settings(settings)
    command = command_for(config)
    _exit(publishing.publish_site(config, command, site.build))


@task(help={"settings": "the settings file (default: publishconf.py)"})
def publish(c, settings="publishconf.py"):
    """Build with publishconf and upload with rsync over ssh (SSH_TARGET)."""
    _publish(settings, publishing.rsync_command)


@task(help={"settings": "the settings file (default: publishconf.py)"})
def gh_pages(c, settings="publishconf.py"):
    """Build with publishconf and push the output to the GitHub Pages branch (ghp-import)."""
    _publish(settings, publishing.ghp_import_command)


@task(
    help={
        "settings": "the settings file (default: publishconf.py)",
        "dry-run": "list what would be sent, contacting nobody",
        "resend": "send again what was sent before (after editing a post)",
    }
)
def webmentions(c, settings="publishconf.py", dry_run=False, resend=False):
    """Send Webmentions to the members' pages the built posts link to (if WEBMENTION_SEND)."""
    from pln_site.commands.webmentions import run_webmentions

    _exit(run_webmentions(load_settings(settings), dry_run=dry_run, resend=resend))


@task(help={"args": "extra arguments for pytest"})
def test(c, args=""):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(
    help={
        **SETTINGS_HELP,
        "url": "their homepage",
        "id": "the member id to use (default: made from their name)",
        "allow-private": "for local testing: let it fetch from 127.0.0.1 and private addresses",
    }
)
def add_member(c, url, id=None, settings="pelicanconf.py", allow_private=False):  # noqa: A002
    """Start content/network/ID.yaml from a homepage: h-card, feeds, photo; never overwrites."""
    from pln_site.commands.add_member import add_member as run_add_member

    config = load_settings(settings)
    _exit(run_add_member(url, config, member_id=id, allow_private=allow_private))


@task(
    help={
        **SETTINGS_HELP,
        "id": "the member's id (their file name)",
        "write": "add the verified feeds under `feeds:` in their file",
        "allow-private": "for local testing: let it fetch from 127.0.0.1 and private addresses",
    }
)
def feeds(c, id, settings="pelicanconf.py", write=False, allow_private=False):  # noqa: A002
    """Find and verify the public feeds of a member's profiles (Mastodon, Bluesky, YouTube...)."""
    from pln_site.commands.platform_feeds import platform_feeds

    _exit(platform_feeds(id, load_settings(settings), write=write, allow_private=allow_private))


@task(help={**SETTINGS_HELP, "file": "a feed reader's OPML export"})
def import_opml(c, file, settings="pelicanconf.py"):
    """Create a member file for each site in an OPML export that is not in the network yet."""
    from pln_site.commands.import_opml import import_opml as run_import

    _exit(run_import(file, load_settings(settings)))


@task(help={**SETTINGS_HELP, "json": "print the ranking as JSON"})
def suggest(c, settings="pelicanconf.py", json=False):
    """Rank the people the members' blogrolls recommend who are not in the network yet."""
    from pln_site.commands.suggest import run_suggest

    _exit(run_suggest(load_settings(settings), as_json=json))


@task(help={**SETTINGS_HELP, "url": "the link of an entry in the reading feed"})
def share(c, url, settings="pelicanconf.py"):
    """Write a draft post that quotes, links and credits an entry of the reading feed."""
    from pln_site.commands.share import share_entry

    _exit(share_entry(url, load_settings(settings)))


@task(help={**SETTINGS_HELP, "id": "the member's id (their file name)", "json": "print JSON"})
def lens(c, id, settings="pelicanconf.py", json=False):
    """Show which stored entries of a member their feeds' keep/skip rules keep, and why."""
    from pln_site.commands.lens import preview_lens

    _exit(preview_lens(id, load_settings(settings), as_json=json))


@task(help={**SETTINGS_HELP, "widths": "comma-separated viewport widths (default 375,1280)"})
def screenshots(c, settings="pelicanconf.py", widths="375,1280"):
    """Save a PNG of each page type of the built site into screenshots/ (beside output/)."""
    from pln_site.commands.screenshots import take_screenshots

    written = take_screenshots(load_settings(settings), [int(w) for w in widths.split(",")])
    print(f"Wrote {len(written)} screenshots to {written[0].parent if written else '-'}")


@task(help={"quick": "only the smallest size of each scenario (a few minutes)"})
def bench(c, quick=False):
    """Time fetch and build side by side with other tools; print a table, write bench/results/."""
    with c.cd(str(Path(__file__).resolve().parent)):
        c.run(f"{sys.executable} -m bench{' --quick' if quick else ''}", pty=False)

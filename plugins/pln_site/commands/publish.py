"""`invoke publish` (rsync over ssh) and `invoke gh-pages` (ghp-import), configured in settings;
after a good upload, the posts' Webmentions when WEBMENTION_SEND is on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pln_site.errors import SiteError


class NotConfigured(SiteError):
    """A publishing target is missing from the settings; the message says how to set it."""


@dataclass(frozen=True)
class Upload:
    """One way to publish: the setting that names where to, and the program that does it."""

    setting: str
    what: str
    example: str
    program: str
    install: str

    def destination(self, settings: dict) -> str:
        """The setting's value, once both it and the program are there; else what to do."""
        value = settings.get(self.setting) or ""
        if not value:
            raise NotConfigured(
                f"{self.what} is not configured: set {self.setting} in publishconf.py, "
                f"for example {self.example}"
            )
        if shutil.which(self.program) is None:
            raise NotConfigured(f"{self.program} is not installed on this machine ({self.install})")
        return value


RSYNC = Upload(
    "SSH_TARGET",
    "publishing over rsync",
    'SSH_TARGET = "you@host.example:/var/www/site/"',
    "rsync",
    "apt-get install rsync",
)
GITHUB_PAGES = Upload(
    "GITHUB_PAGES_BRANCH",
    "publishing to GitHub Pages",
    'GITHUB_PAGES_BRANCH = "gh-pages"',
    "ghp-import",
    "pip install ghp-import",
)


def rsync_command(settings: dict) -> list[str]:
    """The rsync call that mirrors the output folder to SSH_TARGET."""
    target = RSYNC.destination(settings)
    port = settings.get("SSH_PORT")
    ssh = f"ssh -p {int(port)}" if port else "ssh"
    output = str(Path(settings["OUTPUT_PATH"])).rstrip("/") + "/"
    return ["rsync", "-e", ssh, "-avc", "--delete", output, target]


def ghp_import_command(settings: dict) -> list[str]:
    """The ghp-import call that commits the output folder to GITHUB_PAGES_BRANCH and pushes it."""
    branch = GITHUB_PAGES.destination(settings)
    message = f"Publish site at {settings.get('SITEURL') or 'its URL'}"
    return ["ghp-import", "-n", "-p", "-f", "-b", branch, "-m", message, settings["OUTPUT_PATH"]]


def run(command: list[str]) -> int:
    print("$", " ".join(command), file=sys.stderr)
    return subprocess.call(command)


def publish_site(
    settings: dict[str, Any], command: list[str], build: Callable[[dict[str, Any]], int]
) -> int:
    """Build, upload with `command`, then send the Webmentions when WEBMENTION_SEND is on.

    The exit code is the build's or the upload's: the site is published once uploaded, so a
    Webmention that cannot be sent is reported, and tried again by the next run, but never
    fails the publish. They wait for the upload, since receivers fetch the post to check it.
    """
    code = build(settings) or run(command)
    if code or not settings.get("WEBMENTION_SEND"):
        return code
    from pln_site.commands.webmentions import run_webmentions  # only when sending

    try:
        run_webmentions(settings)
    except SiteError as error:
        print(f"Webmentions not sent: {error}", file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - the site is published already: say, never fail
        print(f"Webmentions not sent: {type(error).__name__}: {error}", file=sys.stderr)
    return 0

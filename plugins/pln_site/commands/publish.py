"""`invoke publish` (rsync over ssh) and `invoke gh-pages` (ghp-import), configured in settings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pln_site.errors import SiteError


class NotConfigured(SiteError):
    """A publishing target is missing from the settings; the message says how to set it."""


def rsync_command(settings: dict) -> list[str]:
    """The rsync call that mirrors the output folder to SSH_TARGET."""
    target = settings.get("SSH_TARGET") or ""
    if not target:
        raise NotConfigured(
            "publishing over rsync is not configured: set SSH_TARGET in publishconf.py, "
            'for example SSH_TARGET = "you@host.example:/var/www/site/"'
        )
    if shutil.which("rsync") is None:
        raise NotConfigured("rsync is not installed on this machine (apt-get install rsync)")
    port = settings.get("SSH_PORT")
    ssh = f"ssh -p {int(port)}" if port else "ssh"
    output = str(Path(settings["OUTPUT_PATH"])).rstrip("/") + "/"
    return ["rsync", "-e", ssh, "-avc", "--delete", output, target]


def ghp_import_command(settings: dict) -> list[str]:
    """The ghp-import call that commits the output folder to GITHUB_PAGES_BRANCH and pushes it."""
    branch = settings.get("GITHUB_PAGES_BRANCH") or ""
    if not branch:
        raise NotConfigured(
            'publishing to GitHub Pages is not configured: set GITHUB_PAGES_BRANCH = "gh-pages" '
            "in publishconf.py"
        )
    if shutil.which("ghp-import") is None:
        raise NotConfigured("ghp-import is not installed: pip install ghp-import")
    message = f"Publish site at {settings.get('SITEURL') or 'its URL'}"
    return ["ghp-import", "-n", "-p", "-f", "-b", branch, "-m", message, settings["OUTPUT_PATH"]]


def run(command: list[str]) -> int:
    print("$", " ".join(command), file=sys.stderr)
    return subprocess.call(command)

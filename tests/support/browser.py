"""What every browser test needs: Debian's Chromium driven by playwright, and a built site
served from 127.0.0.1. Tests skip without Chromium, except under CI, where its absence fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from pln_site.commands.screenshots import serve_folder  # noqa: F401 - re-exported for the tests


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI (Debian package 'chromium')")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (never a downloaded browser), closed afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            browser.close()

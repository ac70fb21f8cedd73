"""Fixtures for the theme's tests: the tiny blog, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.theme_html import build_theme_site


@pytest.fixture(scope="module")
def theme_site(tmp_path_factory) -> tuple[Path, dict]:
    """The tiny blog: two posts, one page, one post per page, year archives and a 404 page."""
    return build_theme_site(
        tmp_path_factory.mktemp("theme-site"),
        DEFAULT_PAGINATION=1,
        YEAR_ARCHIVE_SAVE_AS="{date:%Y}/index.html",
        YEAR_ARCHIVE_URL="{date:%Y}/",
        DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"],
    )


@pytest.fixture(scope="module")
def output(theme_site) -> Path:
    return theme_site[0]

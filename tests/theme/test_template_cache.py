"""Compiled templates are kept between builds (templatecache plugin), and never go stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import FIXTURE_SITE, PROJECT, build_site


def footer_marker(output: Path) -> str | None:
    soup = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    found = soup.find(id="edited-theme")
    return found.get_text() if found else None


def test_an_edited_template_shows_on_the_next_build(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    cache = tmp_path / "cache"
    build_site(
        FIXTURE_SITE / "content", tmp_path / "first", THEME=str(theme), CACHE_PATH=str(cache)
    )
    compiled = list((cache / "templates").glob("__jinja2_*.cache"))
    assert compiled, "the build kept no compiled templates"
    assert footer_marker(tmp_path / "first") is None

    base = theme / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    assert text.count("</body>") == 1
    base.write_text(text.replace("</body>", '<p id="edited-theme">edited</p></body>'))
    build_site(
        FIXTURE_SITE / "content", tmp_path / "second", THEME=str(theme), CACHE_PATH=str(cache)
    )
    assert footer_marker(tmp_path / "second") == "edited"

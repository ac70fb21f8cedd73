"""Fixtures for the network pages: the fixture site built once per session, and its YAML."""

from __future__ import annotations

import posixpath
from pathlib import Path

import mf2py
import pytest
import yaml
from bs4 import BeautifulSoup

from tests.support.project import FIXTURE_SITE, build_site

CONTENT = FIXTURE_SITE / "content"
BASE_URL = "http://site.test/"


class Site:
    """A built site, read the way a visitor (or a bot) would read it."""

    def __init__(self, output: Path, settings: dict):
        self.output = output
        self.settings = settings

    def path(self, url: str) -> Path:
        """The output file a site URL serves ("network/" -> network/index.html)."""
        target = self.output / url
        return target / "index.html" if url.endswith("/") or not url else target

    @staticmethod
    def resolve(page_url: str, href: str) -> str:
        """The site URL a relative link on `page_url` points to ("network/" + "topics/x/")."""
        folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
        resolved = posixpath.normpath(posixpath.join(folder, href))
        return resolved + "/" if href.endswith("/") else resolved

    def exists(self, url: str) -> bool:
        return self.path(url).is_file()

    def text(self, url: str) -> str:
        return self.path(url).read_text(encoding="utf-8")

    def soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.text(url), "html.parser")

    def mf2(self, url: str) -> dict:
        return mf2py.parse(doc=self.text(url), url=BASE_URL + url)

    def member_cards(self, url: str) -> list[dict]:
        """The members' h-cards on a page (not the site owner's card in the footer)."""
        return [
            item
            for item in self.mf2(url)["items"]
            if "h-card" in item["type"] and not _is_owner_card(item)
        ]

    def html_pages(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def _is_owner_card(item: dict) -> bool:
    """The theme's footer card for the site's author links to the site itself."""
    return item["properties"].get("url", [""])[0] == BASE_URL


def load_yaml_members() -> dict[str, dict]:
    """The member files as plain YAML, read independently of the plugin's loader."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((CONTENT / "network").glob("*.yaml"))
    }


@pytest.fixture(scope="session")
def yaml_members() -> dict[str, dict]:
    return load_yaml_members()


@pytest.fixture(scope="session")
def listed(yaml_members) -> dict[str, dict]:
    return {k: v for k, v in yaml_members.items() if v.get("status") != "archived"}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    output = tmp_path_factory.mktemp("network-site")
    settings = build_site(CONTENT, output)
    return Site(output, settings)

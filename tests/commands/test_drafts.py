"""Drafts are previews: never searchable, never published, and gone once they are published.

Each test builds a copy of the fixture site with every plugin of pelicanconf (search and
buildcache too) and reads the real Pagefind index back: the first runs `invoke build` as the
owner does, the others the build command's function in this process, the same build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support import in_process
from tests.support.project import FIXTURE_SITE, run_invoke, site_paths, write_site_settings
from tests.support.requirements_check import require
from tests.support.search_index import indexed_words, pages_with_word

SECRET = "quokkafrisbee"  # a word only the draft holds
DRAFT = f"""Title: Half-baked thoughts
Date: 2024-04-01 10:00
Slug: half-baked
Status: draft

Nobody should find the word {SECRET} yet.
"""


def settings_file(root: Path, base: str) -> Path:
    """The site's settings, starting from the project's `base` (pelicanconf or publishconf)."""
    return write_site_settings(root / f"{base}-site.py", base, **site_paths(root))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    require("pagefind_bin", "pip install 'pagefind[bin]'")
    shutil.copytree(FIXTURE_SITE / "content", tmp_path / "content")
    (tmp_path / "content" / "posts" / "half-baked.md").write_text(DRAFT, encoding="utf-8")
    return tmp_path


def build_as_typed(site: Path) -> Path:
    result = run_invoke("build", "-s", str(settings_file(site, "pelicanconf")))
    assert result.returncode == 0, result.stderr
    return site / "output"


def build(site: Path, base: str = "pelicanconf") -> Path:
    assert in_process.build(settings_file(site, base)) == 0
    return site / "output"


def pages_titled(output: Path, title: str) -> list[Path]:
    return [
        path
        for path in output.rglob("*.html")
        if (h1 := BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").h1)
        and h1.get_text(strip=True) == title
    ]


def test_a_draft_is_previewed_with_a_draft_mark_and_not_searchable(site):
    output = build_as_typed(site)
    [preview] = pages_titled(output, "Half-baked thoughts")
    page = BeautifulSoup(preview.read_text(encoding="utf-8"), "html.parser")
    note = page.find(role="note")
    assert note is not None and note.strong.get_text() == "Draft"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert pages_with_word(output, SECRET) == []
    # The index is there and holds the published post: the search works, it only skips drafts.
    assert any("posts/hello-network" in url for url in indexed_words(output))


def test_a_publishing_build_writes_no_draft_at_all(site):
    output = build(site, "publishconf")
    assert pages_titled(output, "Half-baked thoughts") == []
    assert not (output / "drafts").exists()
    assert pages_with_word(output, SECRET) == []
    assert pages_titled(output, "Hello, network")


def test_a_published_draft_leaves_no_stale_page_and_hand_placed_files_stay(site):
    output = build(site)
    [preview] = pages_titled(output, "Half-baked thoughts")
    hand_made = [output / "keybase.txt", output / "drafts" / "my-notes.html"]
    for path in hand_made:
        path.write_text("put here by the owner\n", encoding="utf-8")
    post = site / "content" / "posts" / "half-baked.md"
    post.write_text(DRAFT.replace("Status: draft\n", ""), encoding="utf-8")
    build(site)
    assert not preview.exists()
    [published] = pages_titled(output, "Half-baked thoughts")
    assert published.relative_to(output).as_posix() == "posts/half-baked/index.html"
    found = pages_with_word(output, SECRET)
    assert len(found) == 1 and "posts/half-baked" in found[0]
    assert all(path.read_text(encoding="utf-8") == "put here by the owner\n" for path in hand_made)


def test_a_deleted_post_and_its_tag_pages_are_removed_from_the_output(site):
    output = build(site)
    assert (output / "posts" / "hello-network" / "index.html").is_file()
    assert (output / "tag" / "pln" / "index.html").is_file()
    (site / "content" / "posts" / "hello-network.md").unlink()
    build(site)
    assert not (output / "posts" / "hello-network").exists()
    assert not (output / "tag" / "pln").exists()
    assert (output / "about" / "index.html").is_file()  # what still has a source stays

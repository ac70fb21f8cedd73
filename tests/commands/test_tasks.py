"""The invoke tasks, run as a user runs them: `invoke TASK -s SETTINGS` in a shell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from pln_site.members.model import MEMBER_KEYS
from tests.support.project import FIXTURE_SITE, PROJECT, run_invoke, site_paths, write_site_settings


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site with its own settings file, as a second site would have."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    write_site_settings(
        tmp_path / "sitesettings.py",
        **site_paths(tmp_path, content),
        SSH_TARGET="",
    )
    return tmp_path


def settings_of(site: Path) -> str:
    return str(site / "sitesettings.py")


def test_check_passes_on_a_valid_site_and_says_what_it_found(site):
    result = run_invoke("check", "-s", settings_of(site))
    assert result.returncode == 0, result.stderr
    count = len(list((site / "content" / "network").glob("*.yaml")))
    assert f"{count} member files are valid" in result.stdout


def test_check_fails_with_file_line_and_field(site):
    broken = site / "content" / "network" / "zz-broken.yaml"
    broken.write_text(
        "name: Zed\nurl: https://zed.example/\nwhy: x\nsince: 2020\ntopics: [a]\nmood: happy\n"
    )
    result = run_invoke("check", "-s", settings_of(site))
    assert result.returncode != 0
    assert "zz-broken.yaml:6: mood: unknown field" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_with_a_broken_member_file_writes_nothing(site):
    (site / "content" / "network" / "zz-broken.yaml").write_text("name: [unclosed\n")
    result = run_invoke("build", "-s", settings_of(site))
    assert result.returncode != 0
    assert "zz-broken.yaml:" in result.stderr
    assert not (site / "output").exists()


def test_build_writes_the_site(site):
    result = run_invoke("build", "-s", settings_of(site))
    assert result.returncode == 0, result.stderr
    assert (site / "output" / "index.html").is_file()
    assert (site / "output" / "network" / "index.html").is_file()
    # The search index is made after Pelican's own process has finished, and covers its pages:
    # one bundle for the directory's, beside the one of the posts.
    entry = json.loads((site / "output" / "pagefind-network" / "pagefind-entry.json").read_text())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    member_pages = [
        page
        for page in (site / "output" / "network").glob("*/index.html")
        if BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(
            "[data-pagefind-body][data-pagefind-meta='kind:person']"
        )
    ]
    assert member_pages and indexed == len(member_pages)
    assert (site / "output" / "pagefind" / "pagefind-entry.json").is_file()


def test_new_member_writes_a_file_with_every_field_that_passes_check(site):
    result = run_invoke("new-member", "grace-example", "-s", settings_of(site))
    assert result.returncode == 0, result.stderr
    path = site / "content" / "network" / "grace-example.yaml"
    text = path.read_text()
    data = yaml.safe_load(text)
    assert {"name", "url", "why", "since", "topics"} <= set(data)
    mentioned = {line.lstrip("# ").split(":")[0] for line in text.splitlines()}
    assert set(MEMBER_KEYS) <= mentioned, set(MEMBER_KEYS) - mentioned
    assert data["status"] == "draft"
    check = run_invoke("check", "-s", settings_of(site))
    assert check.returncode == 0, check.stderr
    assert "Drafts to finish" in check.stdout and "grace-example.yaml" in check.stdout
    again = run_invoke("new-member", "grace-example", "-s", settings_of(site))
    assert again.returncode != 0 and "exists already" in again.stderr


def test_new_member_takes_a_name_and_makes_the_id_from_it(site):
    name = "Grâce Hopper: #1 'debugger'"  # a colon, a hash and quotes: YAML's own characters
    result = run_invoke("new-member", name, "-s", settings_of(site))
    assert result.returncode == 0, result.stderr
    path = site / "content" / "network" / "grace-hopper-1-debugger.yaml"
    assert yaml.safe_load(path.read_text())["name"] == name


def test_new_member_refuses_what_gives_no_id(site):
    result = run_invoke("new-member", "!!!", "-s", settings_of(site))
    assert result.returncode != 0 and "not a valid member id" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_post_writes_a_draft_that_the_build_does_not_publish(site):
    result = run_invoke("new-post", "Notes from the river", "-s", settings_of(site))
    assert result.returncode == 0, result.stderr
    post = next((site / "content").rglob("notes-from-the-river.md"))
    assert "Status: draft" in post.read_text()
    assert run_invoke("build", "-s", settings_of(site)).returncode == 0
    assert not (site / "output" / "posts" / "notes-from-the-river").exists()
    assert (site / "output" / "drafts").is_dir()


def test_publish_without_a_target_says_how_to_set_it(site):
    result = run_invoke("publish", "-s", settings_of(site))
    assert result.returncode != 0
    assert "SSH_TARGET" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_settings_file_is_a_clear_error(site):
    result = run_invoke("check", "-s", str(site / "nope.py"))
    assert result.returncode != 0
    assert "nope.py not found" in result.stderr and "Traceback" not in result.stderr


def test_a_build_that_fails_in_pelican_says_why_and_indexes_nothing(site):
    theme = site / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n{% if unclosed %}\n", encoding="utf-8")
    paths = {**site_paths(site, site / "content"), "THEME": str(theme)}
    settings = write_site_settings(site / "broken-theme.py", **paths)
    result = run_invoke("build", "-s", str(settings))
    # Pelican runs in a child process: its error still reaches the user, and the exit code.
    assert result.returncode != 0
    assert "TemplateSyntaxError" in result.stderr and "base.html" in result.stderr
    assert not list((site / "output").glob("pagefind*"))  # no search bundle of any part
